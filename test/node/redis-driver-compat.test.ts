// The compatibility suite through the `redis` driver (the default pooled transport), in every client
// mode, over real HTTP; redis-driver-direct-compat.test.ts runs it on the direct transport. Each
// mode gets its own key, as separate applications would, so one mode's streams never count
// against another's per-key stream limit.
import { inject } from "vitest";
import { CLIENT_MODES, defineCompatSuite } from "../compat/suite";

async function mintKey(name: string): Promise<string> {
  const { base, orgId, sessionToken } = inject("stack");
  const res = await fetch(`${base}/api/organizations/${orgId}/api-keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${sessionToken}`, "content-type": "application/json" },
    body: JSON.stringify({ name, scopes: ["admin"] }),
  });
  const body = (await res.json()) as { data?: { key: string } };
  if (res.status !== 201 || !body.data) throw new Error(`minting a key for ${name}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body.data.key;
}

for (const mode of CLIENT_MODES) {
  defineCompatSuite("redis driver", async () => ({ url: inject("stack").url, token: await mintKey(`compat ${mode.name}`) }), [mode]);
}
