// The abuses of issue 12 around limits and roles: owners raising their own plan, members' keys
// outrunning the owner's limits, demoted members keeping power, viewers reading other members'
// addresses, and authenticated answers that a cache could keep.
import { describe, expect, it } from "vitest";
import { api, createInstance, mintKey, tenant } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { expectFailure, expectOk } from "./envelope";
import { team } from "./team";

const TODAY = new Date().toISOString().slice(0, 10);
const NOON = Date.parse(`${TODAY}T12:00:00.250Z`);

describe("owners cannot raise their own plan or limits", () => {
  it("refuses a plan change and a quota above the plan (403), and nothing changes", async () => {
    const t = await tenant();
    const path = `/api/organizations/${t.orgId}/limits` as const;
    const raise = await api("PUT", path, { token: t.account.token, body: { plan: "enterprise", max_requests_per_day: 1e12 } });
    expectFailure(raise, 403, "forbidden");
    expect(raise.body.message).toBe("Only an operator can change the plan.");
    const above = await api("PUT", path, { token: t.account.token, body: { max_requests_per_day: 100_001 } });
    expectFailure(above, 403, "forbidden");
    expect(above.body.message).toBe("max_requests_per_day may not exceed the plan's 100000; only an operator can raise it.");
    const faster = await api("PUT", path, { token: t.account.token, body: { rate_limit: { requests: 1001, window_seconds: 1 } } });
    expect(faster.body.message).toBe("rate_limit may not exceed the plan's 1000 per 1 s; only an operator can raise it.");
    const org = expectOk(await api("GET", `/api/organizations/${t.orgId}`, { token: t.account.token }));
    expect(org).toMatchObject({
      plan: "free",
      limits: { max_requests_per_day: 100_000, rate_limit: { requests: 1000, window_seconds: 1 } },
    });
  });

  it("lets an owner lower the limits and clear them back to the plan's", async () => {
    const t = await tenant();
    const path = `/api/organizations/${t.orgId}/limits` as const;
    const lowered = expectOk(await api("PUT", path, { token: t.account.token, body: { max_requests_per_day: 50 } }));
    expect(lowered.limits.max_requests_per_day).toBe(50);
    expect(lowered.plan_limits.max_requests_per_day).toBe(100_000);
    const cleared = expectOk(await api("PUT", path, { token: t.account.token, body: { max_requests_per_day: null } }));
    expect(cleared.limits.max_requests_per_day).toBe(100_000);
  });
});

describe("a key never outruns its organization", () => {
  it("refuses a member's key faster than the owner's rate, at minting and on update (422)", async () => {
    const t = await team();
    await api("PUT", `/api/organizations/${t.orgId}/limits`, {
      token: t.owner.token,
      body: { rate_limit: { requests: 5, window_seconds: 60 } },
    });
    const keys = `/api/organizations/${t.orgId}/api-keys` as const;
    const fast = { name: "fast", scopes: ["write"], rate_limit: { requests: 1_000_000, window_seconds: 1 } };
    const minted = await api("POST", keys, { token: t.member.token, body: fast });
    expectFailure(minted, 422, "unprocessable_entity");
    expect(minted.body.message).toBe("rate_limit may not exceed the organization's 5 per 60 s.");
    const { api_key } = await mintKey(t.member, t.orgId);
    const raised = await api("PUT", `${keys}/${api_key.id}`, {
      token: t.member.token,
      body: { rate_limit: { requests: 6, window_seconds: 60 } },
    });
    expectFailure(raised, 422, "unprocessable_entity");
    const quota = await api("POST", keys, { token: t.member.token, body: { name: "q", scopes: ["write"], max_requests_per_day: 100_001 } });
    expectFailure(quota, 422, "unprocessable_entity");
    expect(quota.body.error?.issues).toEqual([{ path: "max_requests_per_day", message: "may not exceed the organization's 100000" }]);
  });

  it("applies the lower of the key's rate and the organization's at the edge", async () => {
    const t = await tenant({ rate_limit: { requests: 100, window_seconds: 1 } });
    await api("PUT", `/api/organizations/${t.orgId}/limits`, {
      token: t.account.token,
      body: { rate_limit: { requests: 2, window_seconds: 60 } },
    });
    const edge = clockedApp(NOON);
    expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
    expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
    const third = await edge.redis(t.instance.id, t.key, ["PING"]);
    expect(third).toMatchObject({
      status: 429,
      body: { error: "ERR rate limit exceeded for this key: 2 commands per window. Retry after 60 s" },
    });
  });

  it("a key's own daily quota stops it before it spends the organization's, and the owner's key still works", async () => {
    const t = await team();
    const instance = await createInstance(t.owner, t.orgId);
    await api("PUT", `/api/organizations/${t.orgId}/limits`, { token: t.owner.token, body: { max_requests_per_day: 10 } });
    const members = await mintKey(t.member, t.orgId, { max_requests_per_day: 4 });
    expect(members.api_key.max_requests_per_day).toBe(4);
    const owners = await mintKey(t.owner, t.orgId);
    const edge = clockedApp(NOON);
    const pipeline = [["PING"], ["PING"], ["PING"], ["PING"]];
    expect((await edge.redis(instance.id, members.key, pipeline, "/pipeline")).status).toBe(200);
    const over = await edge.redis(instance.id, members.key, ["PING"]);
    expect(over).toMatchObject({ status: 429, body: { error: "ERR max daily request limit exceeded for this key. Limit: 4, Usage: 4" } });
    expect((await edge.redis(instance.id, owners.key, ["PING"])).status).toBe(200);
  });
});

describe("role changes revoke what the new role could not mint", () => {
  it("an admin demoted to viewer loses every key; the admin-scope key no longer runs CONFIG GET", async () => {
    const t = await team();
    const instance = await createInstance(t.owner, t.orgId, { allow_admin: true });
    const adminKey = await mintKey(t.admin, t.orgId, { scopes: ["admin"] });
    const edge = clockedApp(NOON);
    expect((await edge.redis(instance.id, adminKey.key, ["CONFIG", "GET", "maxmemory"])).status).toBe(200);
    const demoted = await api("PUT", `/api/organizations/${t.orgId}/members/${t.admin.userId}`, {
      token: t.owner.token,
      body: { role: "viewer" },
    });
    expect(expectOk(demoted)).toMatchObject({ role: "viewer", revoked_keys: 1 });
    edge.advance(11_000); // past the edge's revocation cache window
    const refused = await edge.redis(instance.id, adminKey.key, ["CONFIG", "GET", "maxmemory"]);
    expect(refused).toMatchObject({ status: 401, body: { error: "WRONGPASS this API key has been revoked" } });
  });

  it("an admin demoted to member keeps read/write keys and loses admin-scope ones", async () => {
    const t = await team();
    const adminKey = await mintKey(t.admin, t.orgId, { scopes: ["admin"] });
    const writeKey = await mintKey(t.admin, t.orgId, { scopes: ["write"] });
    const res = await api("PUT", `/api/organizations/${t.orgId}/members/${t.admin.userId}`, {
      token: t.owner.token,
      body: { role: "member" },
    });
    expect(expectOk(res).revoked_keys).toBe(1);
    const read = (id: string) => api("GET", `/api/organizations/${t.orgId}/api-keys/${id}`, { token: t.owner.token });
    expect(expectOk(await read(adminKey.api_key.id)).revoked_at).toEqual(expect.any(String));
    expect(expectOk(await read(writeKey.api_key.id)).revoked_at).toBeNull();
  });
});

describe("least exposure", () => {
  it("viewers and members do not see addresses or user agents in the audit log; admins and owners do", async () => {
    const t = await team();
    await api("PUT", `/api/organizations/${t.orgId}`, {
      token: t.owner.token,
      body: { description: "x" },
      headers: { "cf-connecting-ip": "203.0.113.9", "user-agent": "owner-browser/1" },
    });
    const first = async (token: string) => expectOk(await api("GET", `/api/organizations/${t.orgId}/audit-logs`, { token }))[0];
    for (const who of [t.viewer, t.member])
      expect(await first(who.token)).toMatchObject({ action: "organization.update", ip: null, user_agent: null });
    for (const who of [t.admin, t.owner]) {
      expect(await first(who.token)).toMatchObject({ action: "organization.update", ip: "203.0.113.9", user_agent: "owner-browser/1" });
    }
  });

  it("every authenticated management response carries Cache-Control: no-store", async () => {
    const t = await tenant();
    for (const path of ["/auth/me", "/api/organizations", `/api/organizations/${t.orgId}`, `/api/organizations/${t.orgId}/members`]) {
      const res = await api("GET", path, { token: t.account.token });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("cache-control"), path).toBe("no-store");
    }
  });
});
