// @ts-check
// `node bench/revocation.mjs`: how long after `DELETE …/api-keys/:id` the edge refuses the key, in
// the local stack (one colo, so the bound is the isolate cache window of 10 s). Prints seconds.
// Then a key kept 60 s by a roll (`?retire_old_in=60`), used all along: when the edge first
// refused it, against the instant the API named (`RETIRE_SECONDS` changes the 60).
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

  const retireSeconds = Number(process.env.RETIRE_SECONDS ?? 60);
  const old = await api("POST", `/api/organizations/${stack.orgId}/api-keys`, { name: "retiring", scopes: ["read"] });
  const rolled = await api(
    "POST",
    `/api/organizations/${stack.orgId}/api-keys/${old.json.data.api_key.id}/roll?retire_old_in=${retireSeconds}`,
  );
  const retiresAt = Date.parse(rolled.json.data.replaced.retires_at);
  const oldKey = old.json.data.key;
  let accepted = 0;
  for (;;) {
    const status = await fetch(stack.url, { method: "POST", headers: { authorization: `Bearer ${oldKey}` }, body: '["PING"]' }).then(
      (r) => r.status,
    );
    const at = Date.now();
    if (status === 401) {
      const early = at < retiresAt;
      console.log(
        `retire: a key kept ${retireSeconds} s was refused ${((at - retiresAt) / 1000).toFixed(3)} s after its instant, after ${accepted} accepted requests${early ? " (EARLY)" : ""}`,
      );
      break;
    }
    if (status !== 200) throw new Error(`the retiring key got ${status}`);
    accepted += 1;
    if (at - retiresAt > 30_000) throw new Error("still accepted 30 s after its instant");
    await new Promise((r) => setTimeout(r, 50));
  }
} finally {
  await stack.stop();
}
