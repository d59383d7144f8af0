// A directory writer reads D1, then writes KV; another request may change D1 and KV in between. The
// later KV write must not leave the edge a record or marker that D1 no longer says: a deleted
// instance served, a revoked key working until its retirement. Each test puts the other request in
// that gap through a KV binding that runs it ahead of the writer's own write.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { instanceKey, revokedFrom, revokedKey } from "../../src/storage/directory";
import { api, createInstance, ORIGIN, tenant } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { onFirstWrite, sameKeyWriteLimit } from "../helpers/counting-bindings";

async function send(app: ReturnType<typeof clockedApp>, method: string, path: string, token: string, body?: unknown) {
  const headers = { origin: ORIGIN, "content-type": "application/json" };
  const res = await app.fetch(path, { method, token, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  await res.arrayBuffer();
  return res.status;
}

describe("a directory write racing a change to the same row", () => {
  it("an instance deleted after a sync read its row, and before the sync's write landed, has no record", async () => {
    const t = await tenant();
    const made = await createInstance(t.account, t.orgId);
    const path = `/api/organizations/${t.orgId}/redis-instances/${made.id}`;
    const kv = onFirstWrite(env.DIRECTORY, instanceKey(made.id), async (_method, write) => {
      // The update has read the row it is about to write: the whole deletion (D1, then KV) lands first.
      expect((await api("DELETE", path, { token: t.account.token })).status).toBe(200);
      return write();
    });
    const app = clockedApp(Date.now(), { ...env, DIRECTORY: kv });
    expect(await send(app, "PUT", path, t.account.token, { disabled: true })).toBe(200);
    expect(await env.DIRECTORY.get(instanceKey(made.id))).toBeNull();
  });

  it("a key revoked while a roll writes its retiring marker is refused at once (the roll's write refused, then retried)", async () => {
    const t = await tenant();
    const key = `/api/organizations/${t.orgId}/api-keys/${t.keyId}`;
    const limited = sameKeyWriteLimit(env.DIRECTORY);
    const revoker = clockedApp(Date.now(), { ...env, DIRECTORY: limited.binding });
    const kv = onFirstWrite(limited.binding, revokedKey(t.keyId), async (_method, write) => {
      expect(await send(revoker, "DELETE", key, t.account.token)).toBe(200);
      return write();
    });
    const roller = clockedApp(Date.now(), { ...env, DIRECTORY: kv });
    expect(await send(roller, "POST", `${key}/roll?retire_old_in=3600`, t.account.token)).toBe(201);
    expect(limited.counter.refused).toBeGreaterThan(0); // the roll's first write met the revocation's
    expect(await revokedFrom(env.DIRECTORY, t.keyId)).toBe(0);
    expect((await roller.redis(t.instance.id, t.key, ["PING"])).status).toBe(401);
  });

  it("a key revoked while a roll writes its retiring marker is refused at once (the roll's write landing last)", async () => {
    const t = await tenant();
    const key = `/api/organizations/${t.orgId}/api-keys/${t.keyId}`;
    // More than a second apart in production, so KV takes both: here no limit stands between them.
    const kv = onFirstWrite(env.DIRECTORY, revokedKey(t.keyId), async (_method, write) => {
      expect((await api("DELETE", key, { token: t.account.token })).status).toBe(200);
      return write();
    });
    const roller = clockedApp(Date.now(), { ...env, DIRECTORY: kv });
    expect(await send(roller, "POST", `${key}/roll?retire_old_in=3600`, t.account.token)).toBe(201);
    expect(await revokedFrom(env.DIRECTORY, t.keyId)).toBe(0);
  });
});
