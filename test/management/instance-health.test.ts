// GET …/redis-instances/:id/health: a PING through the stored credentials now, against the real
// redis-server and the real Upstash-compatible upstream; an upstream that went away or refuses
// the credentials is ok:false with the reason (still a 200); never a credential in the answer.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createInstance } from "../helpers/api";
import { aclUser, moveInstanceRow, redisCommand } from "../helpers/redis-server";
import { expectFailure, expectOk } from "./envelope";
import { type Team, team } from "./team";

let t: Team;
const users: string[] = [];
beforeAll(async () => {
  t = await team();
});
afterAll(async () => {
  for (const name of users) await redisCommand(["ACL", "DELUSER", name]);
});

const health = (id: string, token = t.owner.token, orgId = t.orgId) =>
  api("GET", `/api/organizations/${orgId}/redis-instances/${id}/health`, { token });

/** An ACL user of the test server (its password is the secret no answer may carry). */
async function aclInstance() {
  const user = await aclUser(["~*", "&*", "+@all"]);
  users.push(user.name);
  return { user, instance: await createInstance(t.owner, t.orgId, { endpoint: user.url }) };
}

function expectHealthy(data: Record<string, unknown>) {
  expect(Object.keys(data).sort()).toEqual(["checked_at", "latency_ms", "ok"]);
  expect(data.ok).toBe(true);
  expect(Number.isInteger(data.latency_ms) && (data.latency_ms as number) >= 0).toBe(true);
  expect(new Date(data.checked_at as string).toISOString()).toBe(data.checked_at);
}

describe("GET …/redis-instances/:id/health", () => {
  it("PINGs a redis instance through its stored credentials, for every role down to viewer", async () => {
    const { user, instance } = await aclInstance();
    for (const role of ["owner", "admin", "member", "viewer"] as const) {
      const res = await health(instance.id, t[role].token);
      expectHealthy(expectOk(res));
      expect(JSON.stringify(res.body)).not.toContain(user.password);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
  });

  it("PINGs an upstash instance over HTTP", async () => {
    const instance = await createInstance(t.owner, t.orgId, {
      driver: "upstash",
      endpoint: env.TEST_UPSTREAM_URL,
      token: env.TEST_UPSTREAM_TOKEN,
    });
    const res = await health(instance.id);
    expectHealthy(expectOk(res));
    expect(JSON.stringify(res.body)).not.toContain(env.TEST_UPSTREAM_TOKEN);
  });

  it("a redis server that went away is ok:false with the reason, in a 200", async () => {
    const { user, instance } = await aclInstance();
    await moveInstanceRow(instance.id, "redis://127.0.0.1:1");
    const res = await health(instance.id);
    const data = expectOk(res);
    expect(data).toEqual({
      ok: false,
      latency_ms: expect.any(Number),
      checked_at: expect.any(String),
      error: "cannot connect to 127.0.0.1:1 (connection refused, host unreachable)",
    });
    expect(JSON.stringify(res.body)).not.toContain(user.password);
  });

  it("an upstash endpoint that went away is ok:false, naming the instance and not the token", async () => {
    const instance = await createInstance(t.owner, t.orgId, {
      driver: "upstash",
      endpoint: env.TEST_UPSTREAM_URL,
      token: env.TEST_UPSTREAM_TOKEN,
    });
    await moveInstanceRow(instance.id, "http://127.0.0.1:1");
    const res = await health(instance.id);
    expect(expectOk(res)).toMatchObject({ ok: false, error: `ERR cannot reach the upstream of instance ${instance.id}` });
    expect(JSON.stringify(res.body)).not.toContain(env.TEST_UPSTREAM_TOKEN);
  });

  it("credentials the server no longer accepts are ok:false with Redis's answer, never the password", async () => {
    const { user, instance } = await aclInstance();
    await redisCommand(["ACL", "SETUSER", user.name, "resetpass", ">changed-on-the-server"]);
    const res = await health(instance.id);
    expect(expectOk(res)).toMatchObject({
      ok: false,
      error: "AUTH was refused: WRONGPASS invalid username-password pair or user is disabled.",
    });
    expect(JSON.stringify(res.body)).not.toContain(user.password);
  });

  it("another organization's instance is a 404, under its organization and under the outsider's own", async () => {
    const victim = await createInstance(t.owner, t.orgId);
    expectFailure(await health(victim.id, t.outsider.token), 404, "not_found");
    const foreign = await health(victim.id, t.outsider.token, t.outsiderOrgId);
    const missing = await health("rdb_00000000000000000000", t.outsider.token, t.outsiderOrgId);
    expectFailure(foreign, 404, "not_found");
    expectFailure(missing, 404, "not_found");
    expect(foreign.body.message).toBe(missing.body.message);
    expectFailure(await health("not-an-id", t.owner.token), 404, "not_found");
  });

  it("needs a session", async () => {
    const instance = await createInstance(t.owner, t.orgId);
    expectFailure(await api("GET", `/api/organizations/${t.orgId}/redis-instances/${instance.id}/health`), 401, "unauthorized");
  });
});
