// Keys for the compatibility suite over HTTP: one per client mode, as separate applications would
// have, so one mode's streams never count against another's per-key stream limit.
import { inject } from "vitest";

/** Mints an admin-scope key in the stack's organization through the management API. */
export async function mintCompatKey(name: string, instanceIds?: string[]): Promise<string> {
  const { base, orgId, sessionToken } = inject("stack");
  const res = await fetch(`${base}/api/organizations/${orgId}/api-keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${sessionToken}`, "content-type": "application/json" },
    body: JSON.stringify({ name, scopes: ["admin"], ...(instanceIds ? { instance_ids: instanceIds } : {}) }),
  });
  const body = (await res.json()) as { data?: { key: string } };
  if (res.status !== 201 || !body.data) throw new Error(`minting a key for ${name}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body.data.key;
}
