// The directory's outbox: a management request that owes the edge more KV markers than one
// invocation may write makes DIRECTORY_INLINE_WRITES of them itself and queues the rest in its
// organization's DirectoryOutbox, whose alarm writes them. Lowered to 3 here, so a few keys (or
// instances) show it.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getInstanceRecord, instanceKey, revokedFrom, revokedKey } from "../../src/storage/directory";
import { type DirectoryOutbox, instanceSyncWrite } from "../../src/storage/directory-outbox";
import { type Account, api, createInstance, createOrg, mintKey, ORIGIN, signUp, tenant } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { countingKvWrites, onFirstWrite } from "../helpers/counting-bindings";
import { addMember } from "../helpers/invitations";
import { operator } from "../helpers/operator";

const INLINE = 3;
const kv = countingKvWrites(env.DIRECTORY);
const bindings = { ...env, DIRECTORY: kv.binding, DIRECTORY_INLINE_WRITES: String(INLINE) };
const app = clockedApp(Date.now(), bindings);
const outbox = (orgId: string) => env.DIRECTORY_OUTBOX.get(env.DIRECTORY_OUTBOX.idFromName(orgId));

/** KV writes one management request made itself. */
async function kvWritesOf(path: string, method: string, token: string, body?: unknown): Promise<number> {
  kv.counter.calls = 0;
  const headers = { origin: ORIGIN, ...(body === undefined ? {} : { "content-type": "application/json" }) };
  const res = await app.fetch(path, { method, token, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  expect(res.status).toBe(200);
  return kv.counter.calls;
}

/** Runs the organization's outbox until nothing is left (its alarm may have run on its own already). */
async function drain(orgId: string): Promise<void> {
  for (let run = 0; run < 10 && (await outbox(orgId).pending()) > 0; run++) await runDurableObjectAlarm(outbox(orgId));
  expect(await outbox(orgId).pending()).toBe(0);
}

describe("the directory's outbox", () => {
  it("deleting an organization that owes 11 markers writes 3 itself and queues 8; then no key reaches anything", async () => {
    const t = await tenant();
    const keys = [{ id: t.keyId, key: t.key }];
    for (let i = 0; i < 9; i++) {
      const minted = await mintKey(t.account, t.orgId);
      keys.push({ id: minted.api_key.id, key: minted.key });
    }
    expect(await kvWritesOf(`/api/organizations/${t.orgId}?force=true`, "DELETE", t.account.token)).toBe(INLINE);
    await drain(t.orgId);
    expect(await env.DIRECTORY.get(instanceKey(t.instance.id))).toBeNull();
    for (const key of keys) {
      expect(await revokedFrom(env.DIRECTORY, key.id)).not.toBeNull();
      expect((await api("POST", `/redis/${t.instance.id}`, { token: key.key, body: ["PING"] })).status).toBe(401);
    }
  });

  it("removing a member who minted 5 keys writes 3 markers itself and the outbox the other 2", async () => {
    const owner = await signUp();
    const leaver = await signUp();
    const orgId = await createOrg(owner);
    await addMember(owner, orgId, leaver, "admin");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await mintKey(leaver, orgId)).api_key.id);
    expect(await kvWritesOf(`/api/organizations/${orgId}/members/${leaver.userId}`, "DELETE", owner.token)).toBe(INLINE);
    await drain(orgId);
    for (const id of ids) expect(await revokedFrom(env.DIRECTORY, id)).not.toBeNull();
  });

  it("closing an account that minted keys in two organizations spends one budget across both", async () => {
    const leaver = await signUp();
    const owners = [await signUp(), await signUp()];
    const orgIds = [await createOrg(owners[0] as Account), await createOrg(owners[1] as Account)];
    const ids: string[] = [];
    for (const [i, orgId] of orgIds.entries()) {
      await addMember(owners[i] as Account, orgId, leaver, "admin");
      for (let k = 0; k < 2 + i; k++) ids.push((await mintKey(leaver, orgId)).api_key.id); // 2 and 3
    }
    expect(await kvWritesOf("/auth/me", "DELETE", leaver.token, { current_password: leaver.password })).toBe(INLINE);
    for (const orgId of orgIds) await drain(orgId);
    for (const id of ids) expect(await revokedFrom(env.DIRECTORY, id)).not.toBeNull();
  });

  it("a request owing no more than its budget queues nothing", async () => {
    const t = await tenant();
    await mintKey(t.account, t.orgId);
    expect(await kvWritesOf(`/api/organizations/${t.orgId}?force=true`, "DELETE", t.account.token)).toBe(INLINE); // 1 instance, 2 keys
    expect(await outbox(t.orgId).pending()).toBe(0);
  });

  it("suspending an organization with 5 instances writes 3 records itself and the outbox the other 2; resuming alike", async () => {
    const op = await operator();
    const t = await tenant();
    const ids = [t.instance.id];
    for (let i = 0; i < 4; i++) ids.push((await createInstance(t.account, t.orgId)).id);
    const suspendedFlags = async () => Promise.all(ids.map(async (id) => (await getInstanceRecord(env.DIRECTORY, id))?.suspended));
    const ping = (id: string | undefined) => api("POST", `/redis/${id}`, { token: t.key, body: ["PING"] });

    expect(await kvWritesOf(`/api/admin/organizations/${t.orgId}/suspend`, "POST", op.token)).toBe(INLINE);
    await drain(t.orgId);
    expect(await suspendedFlags()).toEqual([true, true, true, true, true]);
    expect((await ping(ids[3])).status).toBe(403);

    expect(await kvWritesOf(`/api/admin/organizations/${t.orgId}/resume`, "POST", op.token)).toBe(INLINE);
    await drain(t.orgId);
    expect(await suspendedFlags()).toEqual([false, false, false, false, false]);
    expect((await ping(ids[4])).status).toBe(200);
  });

  it("a queued sync writes an instance's record as D1 has it when the outbox runs, not as it was when queued", async () => {
    const t = await tenant();
    const gone = await createInstance(t.account, t.orgId);
    const current = await getInstanceRecord(env.DIRECTORY, t.instance.id);
    const staleGone = await env.DIRECTORY.get(instanceKey(gone.id));
    expect((await api("DELETE", `/api/organizations/${t.orgId}/redis-instances/${gone.id}`, { token: t.account.token })).status).toBe(200);
    // What a suspension's queued syncs would find after a resume and a deletion made meanwhile.
    await env.DIRECTORY.put(instanceKey(t.instance.id), JSON.stringify({ ...current, suspended: true }));
    await env.DIRECTORY.put(instanceKey(gone.id), staleGone ?? "");
    await outbox(t.orgId).enqueue([instanceSyncWrite(t.instance.id), instanceSyncWrite(gone.id)]);
    await drain(t.orgId);
    expect(await getInstanceRecord(env.DIRECTORY, t.instance.id)).toEqual(current);
    expect(await env.DIRECTORY.get(instanceKey(gone.id))).toBeNull();
  });

  it("a sync queued again while the alarm writes that instance is kept, and written from D1 as it is then", async () => {
    const t = await tenant();
    let requeued = false;
    await runInDurableObject(outbox(t.orgId), async (instance: DirectoryOutbox, state) => {
      const kv = onFirstWrite(env.DIRECTORY, instanceKey(t.instance.id), async (_method, write) => {
        requeued = true;
        // The run has read its batch and this sync its row: the instance changes and is queued again.
        await env.DB.prepare("UPDATE redis_instances SET disabled = 1 WHERE id = ?").bind(t.instance.id).run();
        await instance.enqueue([instanceSyncWrite(t.instance.id)]);
        await state.storage.deleteAlarm(); // the test runs the alarm itself, never two runs at once
        return write();
      });
      Object.assign(instance, { env: { ...env, DIRECTORY: kv } });
      await instance.enqueue([instanceSyncWrite(t.instance.id)]);
      await state.storage.deleteAlarm();
      await instance.alarm();
    });
    expect(requeued).toBe(true);
    await drain(t.orgId);
    expect((await getInstanceRecord(env.DIRECTORY, t.instance.id))?.disabled).toBe(true);
  });

  it("an instance whose record KV failed to delete is gone from KV once the outbox has run", async () => {
    const t = await tenant();
    const made = await createInstance(t.account, t.orgId);
    const kv = onFirstWrite(env.DIRECTORY, instanceKey(made.id), async (method) => {
      throw new Error(`KV ${method.toUpperCase()} failed: 500 Internal Server Error`);
    });
    const failing = clockedApp(Date.now(), { ...env, DIRECTORY: kv });
    const path = `/api/organizations/${t.orgId}/redis-instances/${made.id}`;
    expect((await failing.fetch(path, { method: "DELETE", token: t.account.token, headers: { origin: ORIGIN } })).status).toBe(200);
    await drain(t.orgId);
    expect(await env.DIRECTORY.get(instanceKey(made.id))).toBeNull();
  });

  it("a key whose revocation marker KV failed to write is refused at the edge once the outbox has run", async () => {
    const t = await tenant();
    const kv = onFirstWrite(env.DIRECTORY, revokedKey(t.keyId), async (method) => {
      throw new Error(`KV ${method.toUpperCase()} failed: 500 Internal Server Error`);
    });
    const failing = clockedApp(Date.now(), { ...env, DIRECTORY: kv });
    const path = `/api/organizations/${t.orgId}/api-keys/${t.keyId}`;
    // D1 says revoked at once: a retry of the request would change nothing, so the marker must not be lost with it.
    expect((await failing.fetch(path, { method: "DELETE", token: t.account.token, headers: { origin: ORIGIN } })).status).toBe(200);
    await drain(t.orgId);
    expect(await env.DIRECTORY.get(revokedKey(t.keyId))).not.toBeNull();
    expect((await clockedApp(Date.now() + 60_000).redis(t.instance.id, t.key, ["PING"])).status).toBe(401);
  });
});
