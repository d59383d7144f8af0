// The repair command (scripts/directory-rebuild.ts) rewrites the KV directory from D1: every record
// and marker D1 implies, and no record of an instance D1 no longer has (a lost race or a failed
// deletion may have left one behind, and the edge would serve it).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rebuildDirectory } from "../../src/services/instances";
import { createDb } from "../../src/storage/db";
import { getInstanceRecord, instanceKey, revokedFrom, revokedKey } from "../../src/storage/directory";
import { api, createInstance, mintKey, tenant } from "../helpers/api";

describe("rebuilding the directory from D1", () => {
  it("deletes the record of an instance D1 no longer has, and writes back the records and markers KV lost", async () => {
    const t = await tenant();
    const gone = await createInstance(t.account, t.orgId);
    const stale = await env.DIRECTORY.get(instanceKey(gone.id));
    expect(stale).not.toBeNull();
    expect((await api("DELETE", `/api/organizations/${t.orgId}/redis-instances/${gone.id}`, { token: t.account.token })).status).toBe(200);
    const revoked = await mintKey(t.account, t.orgId);
    expect((await api("DELETE", `/api/organizations/${t.orgId}/api-keys/${revoked.api_key.id}`, { token: t.account.token })).status).toBe(
      200,
    );
    const kept = await getInstanceRecord(env.DIRECTORY, t.instance.id);
    // What a lost race left behind, and what KV lost.
    await env.DIRECTORY.put(instanceKey(gone.id), stale ?? "");
    await env.DIRECTORY.delete(instanceKey(t.instance.id));
    await env.DIRECTORY.delete(revokedKey(revoked.api_key.id));

    await rebuildDirectory({ db: createDb(env.DB), kv: env.DIRECTORY });
    expect(await env.DIRECTORY.get(instanceKey(gone.id))).toBeNull();
    expect(await getInstanceRecord(env.DIRECTORY, t.instance.id)).toEqual(kept);
    expect(await revokedFrom(env.DIRECTORY, revoked.api_key.id)).toBe(0);
  });
});
