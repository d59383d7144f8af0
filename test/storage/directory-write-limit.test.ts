// Workers KV takes one write a second to the same key and throws on a faster one; miniflare does not,
// so this file's app writes through a KV that refuses as production does. Two changes to one key or
// instance within a second are ordinary (roll then revoke, disable then enable, suspend then
// resume): the second must land, not fail after D1 has changed and leave the edge's record stale.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getInstanceRecord, revokedFrom } from "../../src/storage/directory";
import { createInstance, ORIGIN, tenant } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { countingD1, sameKeyWriteLimit } from "../helpers/counting-bindings";
import { operator } from "../helpers/operator";

const kv = sameKeyWriteLimit(env.DIRECTORY);
const app = clockedApp(Date.now(), { ...env, DIRECTORY: kv.binding });

async function send(method: string, path: string, token: string, body?: unknown): Promise<number> {
  const headers = { origin: ORIGIN, "content-type": "application/json" };
  const res = await app.fetch(path, { method, token, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  await res.arrayBuffer();
  return res.status;
}

describe("two directory writes to one key within a second", () => {
  it("a key rolled with a grace period and revoked at once is refused at once", async () => {
    const t = await tenant();
    const keys = `/api/organizations/${t.orgId}/api-keys/${t.keyId}`;
    expect(await send("POST", `${keys}/roll?retire_old_in=3600`, t.account.token)).toBe(201);
    expect(await revokedFrom(env.DIRECTORY, t.keyId)).toBeGreaterThan(Date.now());
    const refusedBefore = kv.counter.refused;
    expect(await send("DELETE", keys, t.account.token)).toBe(200);
    expect(kv.counter.refused).toBeGreaterThan(refusedBefore); // the limit was met, and waited out
    expect(await revokedFrom(env.DIRECTORY, t.keyId)).toBe(0);
    expect((await app.redis(t.instance.id, t.key, ["PING"])).status).toBe(401);
  });

  it("an instance disabled, enabled and disabled again at once is disabled at the edge", async () => {
    const t = await tenant();
    const made = await createInstance(t.account, t.orgId);
    expect(await send("PUT", `/api/organizations/${t.orgId}/redis-instances/${made.id}`, t.account.token, { disabled: true })).toBe(200);
    expect(await send("PUT", `/api/organizations/${t.orgId}/redis-instances/${made.id}`, t.account.token, { disabled: false })).toBe(200);
    expect(await send("PUT", `/api/organizations/${t.orgId}/redis-instances/${made.id}`, t.account.token, { disabled: true })).toBe(200);
    expect((await getInstanceRecord(env.DIRECTORY, made.id))?.disabled).toBe(true);
  });

  it("an organization suspended and resumed at once is resumed at the edge", async () => {
    const op = await operator();
    const t = await tenant();
    expect(await send("POST", `/api/admin/organizations/${t.orgId}/suspend`, op.token)).toBe(200);
    expect(await send("POST", `/api/admin/organizations/${t.orgId}/resume`, op.token)).toBe(200);
    expect((await getInstanceRecord(env.DIRECTORY, t.instance.id))?.suspended).toBe(false);
    expect((await app.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
  });

  it("records refused at once are read again in one query, however many there are", async () => {
    const op = await operator();
    // Its own app: D1 counted, and its own record of when each key was last written.
    const d1 = countingD1(env.DB);
    const counting = clockedApp(Date.now(), { ...env, DB: d1.binding, DIRECTORY: sameKeyWriteLimit(env.DIRECTORY).binding });
    const resumeRightAfterSuspend = async (instances: number) => {
      const t = await tenant();
      for (let i = 1; i < instances; i++) await createInstance(t.account, t.orgId);
      const headers = { origin: ORIGIN };
      expect(
        (await counting.fetch(`/api/admin/organizations/${t.orgId}/suspend`, { method: "POST", token: op.token, headers })).status,
      ).toBe(200);
      d1.counter.calls = 0;
      expect(
        (await counting.fetch(`/api/admin/organizations/${t.orgId}/resume`, { method: "POST", token: op.token, headers })).status,
      ).toBe(200);
      expect((await getInstanceRecord(env.DIRECTORY, t.instance.id))?.suspended).toBe(false);
      return d1.counter.calls;
    };
    expect(await resumeRightAfterSuspend(6)).toBe(await resumeRightAfterSuspend(1));
  });
});
