// @ts-check
// `node bench/revocation.mjs`: how long after `DELETE …/api-keys/:id` the edge refuses the key, in
// the local stack (one colo, so the bound is the isolate cache window of 10 s). Prints seconds.
import { managementClient } from "../scripts/bootstrap.mjs";
import { startPrivateStack } from "../scripts/stack.mjs";

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const stack = await startPrivateStack();
try {
  const api = managementClient(stack.base, stack.sessionToken);
  /** @type {number[]} */
  const results = [];
  for (let round = 0; round < rounds; round++) {
    const minted = await api("POST", `/api/organizations/${stack.orgId}/api-keys`, { name: `revoke-${round}`, scopes: ["read"] });
    const key = minted.json.data.key;
    const ping = () =>
      fetch(stack.url, { method: "POST", headers: { authorization: `Bearer ${key}` }, body: '["PING"]' }).then((r) => r.status);
    // Warm the isolate's caches the way live traffic would, for a varying time before revoking.
    const warmUntil = Date.now() + 500 + round * 2_000;
    while (Date.now() < warmUntil) if ((await ping()) !== 200) throw new Error("the key did not work before revocation");
    const revokedAt = performance.now();
    await api("DELETE", `/api/organizations/${stack.orgId}/api-keys/${minted.json.data.api_key.id}`);
    while ((await ping()) !== 401) {
      if (performance.now() - revokedAt > 30_000) throw new Error("still accepted 30 s after revocation");
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - revokedAt) / 1000;
    results.push(seconds);
    console.log(`round ${round + 1}: refused ${seconds.toFixed(2)} s after the revoke call returned`);
  }
  console.log(
    `revoke-to-refusal: max ${Math.max(...results).toFixed(2)} s, mean ${(results.reduce((a, b) => a + b, 0) / results.length).toFixed(2)} s (bound: 10 s cache window)`,
  );
} finally {
  await stack.stop();
}
