// Revocation reaches the edge within its cache window (≤ 10 s in the colo where it happened):
// keys, deleted organizations, removed instances and closed accounts. Time moves by clock.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { REVOCATION_WINDOW_MS } from "../../src/edge/gate";
import { revokedKey } from "../../src/storage/directory";
import { api, createInstance, mintKey, signUp, tenant } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { addMember } from "../helpers/invitations";

type Tenant = Awaited<ReturnType<typeof tenant>>;
let t: Tenant;

beforeAll(async () => {
  t = await tenant();
});

describe("revoking a key", () => {
  it("is refused once the isolate's cache window has passed", async () => {
    const edge = clockedApp();
    const minted = await mintKey(t.account, t.orgId);
    expect((await edge.redis(t.instance.id, minted.key, ["PING"])).body).toEqual({ result: "PONG" });

    const revoked = await api("DELETE", `/api/organizations/${t.orgId}/api-keys/${minted.api_key.id}`, { token: t.account.token });
    expect(revoked.body.data.revoked_at).toEqual(expect.any(String));

    edge.advance(REVOCATION_WINDOW_MS - 1_000);
    expect((await edge.redis(t.instance.id, minted.key, ["PING"])).status).toBe(200); // still inside the window
    edge.advance(1_001);
    expect(await edge.redis(t.instance.id, minted.key, ["PING"])).toMatchObject({
      status: 401,
      body: { error: "WRONGPASS this API key has been revoked" },
    });
  });

  it("refuses a key whose marker names no instant it can read (fails closed)", async () => {
    const minted = await mintKey(t.account, t.orgId);
    await env.DIRECTORY.put(revokedKey(minted.api_key.id), JSON.stringify({ revoked_at: "soon", retires: true }));
    expect((await clockedApp().redis(t.instance.id, minted.key, ["PING"])).status).toBe(401);
    await env.DIRECTORY.put(revokedKey(minted.api_key.id), JSON.stringify({ at: 1 }));
    expect((await clockedApp().redis(t.instance.id, minted.key, ["PING"])).status).toBe(401);
  });

  it("refuses a pipeline sent with a revoked key as a whole, running none of it", async () => {
    const edge = clockedApp();
    const minted = await mintKey(t.account, t.orgId);
    await api("DELETE", `/api/organizations/${t.orgId}/api-keys/${minted.api_key.id}`, { token: t.account.token });
    const key = `rev:${crypto.randomUUID()}`;
    const res = await edge.redis(
      t.instance.id,
      minted.key,
      [
        ["SET", key, "x"],
        ["GET", key],
      ],
      "/pipeline",
    );
    expect(res).toMatchObject({ status: 401, body: { error: "WRONGPASS this API key has been revoked" } });
    expect((await edge.redis(t.instance.id, t.key, ["EXISTS", key])).body).toEqual({ result: 0 });
  });
});

describe("revocation by cascade", () => {
  it("deleting an organization (force) stops its keys and instances", async () => {
    const x = await tenant();
    const edge = clockedApp();
    expect((await edge.redis(x.instance.id, x.key, ["PING"])).status).toBe(200);
    const del = await api("DELETE", `/api/organizations/${x.orgId}?force=true`, { token: x.account.token });
    expect(del.status).toBe(200);
    edge.advance(REVOCATION_WINDOW_MS + 1);
    expect((await edge.redis(x.instance.id, x.key, ["PING"])).status).toBe(401);
  });

  it("removing an instance makes it unknown at the edge after the window", async () => {
    const edge = clockedApp();
    const inst = await createInstance(t.account, t.orgId);
    expect((await edge.redis(inst.id, t.key, ["PING"])).status).toBe(200);
    await api("DELETE", `/api/organizations/${t.orgId}/redis-instances/${inst.id}`, { token: t.account.token });
    edge.advance(REVOCATION_WINDOW_MS + 1);
    expect(await edge.redis(inst.id, t.key, ["PING"])).toMatchObject({ status: 404, body: { error: `ERR instance ${inst.id} not found` } });
  });

  it("closing an account revokes every key its user created, and signs them out", async () => {
    const edge = clockedApp();
    const member = await signUp();
    await addMember(t.account, t.orgId, member, "member");
    const theirs = await mintKey(member, t.orgId);
    expect((await edge.redis(t.instance.id, theirs.key, ["PING"])).status).toBe(200);

    const closed = await api("DELETE", "/auth/me", { token: member.token, body: { current_password: member.password } });
    expect(closed).toMatchObject({ status: 200, body: { data: { revoked_keys: 1 } } });
    expect((await api("GET", "/auth/me", { token: member.token })).status).toBe(401);
    edge.advance(REVOCATION_WINDOW_MS + 1);
    expect((await edge.redis(t.instance.id, theirs.key, ["PING"])).status).toBe(401);
    expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200); // other keys unaffected
  });

  it("refuses to close the account of an organization's last owner", async () => {
    const res = await api("DELETE", "/auth/me", { token: t.account.token, body: { current_password: t.account.password } });
    expect(res.status).toBe(409);
    expect(res.body.message).toContain(t.orgId);
  });
});

describe("removing a member", () => {
  it("revokes the keys they minted in that organization, and only those", async () => {
    const x = await tenant();
    const edge = clockedApp();
    const member = await signUp();
    await addMember(x.account, x.orgId, member, "member");
    const theirs = await mintKey(member, x.orgId);
    expect((await edge.redis(x.instance.id, theirs.key, ["PING"])).status).toBe(200);
    const removed = await api("DELETE", `/api/organizations/${x.orgId}/members/${member.userId}`, { token: x.account.token });
    expect(removed.status).toBe(200);
    const row = await api("GET", `/api/organizations/${x.orgId}/api-keys/${theirs.api_key.id}`, { token: x.account.token });
    expect(row.body.data.revoked_at).toEqual(expect.any(String));
    edge.advance(REVOCATION_WINDOW_MS + 1);
    expect((await edge.redis(x.instance.id, theirs.key, ["PING"])).status).toBe(401);
    expect((await edge.redis(x.instance.id, x.key, ["PING"])).status).toBe(200);
  });

  it("ends a key of theirs that was retiring later at once, like a live one", async () => {
    const x = await tenant();
    const member = await signUp();
    await addMember(x.account, x.orgId, member, "member");
    const theirs = await mintKey(member, x.orgId);
    const rolled = await api("POST", `/api/organizations/${x.orgId}/api-keys/${theirs.api_key.id}/roll?retire_old_in=86400`, {
      token: member.token,
    });
    expect(rolled.body.data.replaced.retires_at).toEqual(expect.any(String));
    expect((await api("DELETE", `/api/organizations/${x.orgId}/members/${member.userId}`, { token: x.account.token })).status).toBe(200);
    for (const id of [theirs.api_key.id, rolled.body.data.api_key.id]) {
      const row = await api("GET", `/api/organizations/${x.orgId}/api-keys/${id}`, { token: x.account.token });
      expect(row.body.data).toMatchObject({ revoked_at: expect.any(String), retires_at: null });
    }
    const edge = clockedApp();
    expect((await edge.redis(x.instance.id, theirs.key, ["PING"])).status).toBe(401);
    expect((await edge.redis(x.instance.id, rolled.body.data.key, ["PING"])).status).toBe(401);
  });
});
