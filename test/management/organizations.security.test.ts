// Organizations across tenants and roles: another tenant's id is a 404 (never a 403), only admins
// update, only owners delete, cookie sessions need the same Origin, and refusals change nothing.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, api, createInstance, createOrg, ORIGIN, signUp } from "../helpers/api";
import { addMember } from "../helpers/invitations";
import { expectFailure, expectOk } from "./envelope";
import { type Team, team } from "./team";

let t: Team;
beforeAll(async () => {
  t = await team();
});

const read = (account: Account, orgId = t.orgId) => api("GET", `/api/organizations/${orgId}`, { token: account.token });

describe("cross-tenant access", () => {
  it("an outsider gets 404 for every route of another organization", async () => {
    const orgId = t.orgId;
    const calls = [
      api("GET", `/api/organizations/${orgId}`, { token: t.outsider.token }),
      api("PUT", `/api/organizations/${orgId}`, { token: t.outsider.token, body: { name: "Hijacked" } }),
      api("DELETE", `/api/organizations/${orgId}`, { token: t.outsider.token }),
      api("DELETE", `/api/organizations/${orgId}?force=true`, { token: t.outsider.token }),
      api("GET", `/api/organizations/${orgId}/audit-logs`, { token: t.outsider.token }),
    ];
    for (const res of await Promise.all(calls)) expectFailure(res, 404, "not_found");
    expect(expectOk(await read(t.owner))).toMatchObject({ id: orgId, name: "Test Org" });
  });

  it("a foreign organization and a missing one answer identically (no id oracle)", async () => {
    const foreign = await read(t.outsider);
    const missing = await read(t.outsider, "org_00000000000000000000");
    expectFailure(foreign, 404, "not_found");
    expectFailure(missing, 404, "not_found");
    expect(foreign.body.message).toBe(missing.body.message);
  });

  it("another organization never appears in the outsider's list", async () => {
    const ids = expectOk(await api("GET", "/api/organizations", { token: t.outsider.token })).map((o) => o.id);
    expect(ids).toEqual([t.outsiderOrgId]);
  });

  it("an owner of one organization has no rights in another", async () => {
    expectFailure(await read(t.owner, t.outsiderOrgId), 404, "not_found");
    expectFailure(await api("DELETE", `/api/organizations/${t.outsiderOrgId}`, { token: t.owner.token }), 404, "not_found");
    expectOk(await read(t.outsider, t.outsiderOrgId));
  });

  it("a removed member loses access (404)", async () => {
    const [owner, leaver] = [await signUp(), await signUp()];
    const orgId = await createOrg(owner);
    await addMember(owner, orgId, leaver, "admin");
    expectOk(await read(leaver, orgId));
    expectOk(await api("DELETE", `/api/organizations/${orgId}/members/${leaver.userId}`, { token: owner.token }));
    expectFailure(await read(leaver, orgId), 404, "not_found");
    expectFailure(await api("PUT", `/api/organizations/${orgId}`, { token: leaver.token, body: { name: "x" } }), 404, "not_found");
  });
});

describe("roles", () => {
  it.each(["owner", "admin", "member", "viewer"] as const)("a %s can read the organization and sees their role", async (role) => {
    expect(expectOk(await read(t[role]))).toMatchObject({ id: t.orgId, role });
  });

  it.each(["member", "viewer"] as const)("a %s cannot update (403) and nothing changes", async (role) => {
    const res = await api("PUT", `/api/organizations/${t.orgId}`, { token: t[role].token, body: { name: "Renamed by a lesser role" } });
    expectFailure(res, 403, "forbidden");
    expect(res.body.message).toContain("admin");
    expect(expectOk(await read(t.owner)).name).toBe("Test Org");
  });

  it("an admin can update", async () => {
    const orgId = await createOrg(t.owner);
    const admin = await signUp();
    await addMember(t.owner, orgId, admin, "admin");
    expect(expectOk(await api("PUT", `/api/organizations/${orgId}`, { token: admin.token, body: { name: "By admin" } })).name).toBe(
      "By admin",
    );
  });

  it.each(["admin", "member", "viewer"] as const)("a %s cannot delete (403), even with force, and nothing changes", async (role) => {
    const instance = await createInstance(t.owner, t.orgId);
    for (const query of ["", "?force=true"]) {
      expectFailure(await api("DELETE", `/api/organizations/${t.orgId}${query}`, { token: t[role].token }), 403, "forbidden");
    }
    expectOk(await read(t.owner));
    expect(await env.DIRECTORY.get(`v1:instance:${instance.id}`)).not.toBeNull();
  });

  it("the owner can delete", async () => {
    const orgId = await createOrg(t.owner);
    expectOk(await api("DELETE", `/api/organizations/${orgId}`, { token: t.owner.token }));
    expectFailure(await read(t.owner, orgId), 404, "not_found");
  });
});

describe("cookie sessions (CSRF)", () => {
  const cookie = (account: Account) => `rg_session=${account.token}`;

  it("refuses update and delete without the same Origin (403) and changes nothing", async () => {
    const orgId = await createOrg(t.owner);
    const headers = { cookie: cookie(t.owner) };
    expectFailure(await api("PUT", `/api/organizations/${orgId}`, { body: { name: "CSRF" }, headers }), 403, "forbidden");
    expectFailure(
      await api("DELETE", `/api/organizations/${orgId}`, { headers: { ...headers, origin: "https://evil.example" } }),
      403,
      "forbidden",
    );
    expect(expectOk(await read(t.owner, orgId)).name).toBe("Test Org");
  });

  it("accepts them with the same Origin, and with Bearer without any Origin", async () => {
    const orgId = await createOrg(t.owner);
    const headers = { cookie: cookie(t.owner), origin: ORIGIN };
    expectOk(await api("PUT", `/api/organizations/${orgId}`, { body: { name: "Same origin" }, headers }));
    expectOk(await api("PUT", `/api/organizations/${orgId}`, { token: t.owner.token, body: { name: "Bearer" } }));
    expectOk(await api("DELETE", `/api/organizations/${orgId}`, { headers }));
  });
});

describe("unauthenticated", () => {
  it.each([
    ["GET", "/api/organizations"],
    ["POST", "/api/organizations"],
    ["GET", "/api/organizations/ORG"],
    ["PUT", "/api/organizations/ORG"],
    ["DELETE", "/api/organizations/ORG"],
  ])("%s %s is 401 and reveals nothing", async (method, path) => {
    const res = await api(method, path.replace("ORG", t.orgId), {
      body: method === "POST" || method === "PUT" ? { name: "x" } : undefined,
    });
    expectFailure(res, 401, "unauthorized");
    expect(JSON.stringify(res.body)).not.toContain(t.orgId);
  });
});

describe("limits and usage", () => {
  // A body the owner may send (a quota under the plan's ceiling), so a 403 comes from the role rule
  // alone; a plan change is refused to every role and would not tell.
  const lowered = { max_requests_per_day: 500 };

  it.each(["admin", "member", "viewer"] as const)("a %s cannot lower limits (403) and nothing changes", async (role) => {
    const res = await api("PUT", `/api/organizations/${t.orgId}/limits`, { token: t[role].token, body: lowered });
    expectFailure(res, 403, "forbidden");
    expect(expectOk(await read(t.owner))).toMatchObject({ plan: "free", limits: { max_requests_per_day: 100_000 } });
  });

  it("the owner can lower them with the same body (control)", async () => {
    const orgId = await createOrg(t.owner);
    await addMember(t.owner, orgId, t.admin, "admin");
    const path = `/api/organizations/${orgId}/limits` as const;
    expectFailure(await api("PUT", path, { token: t.admin.token, body: lowered }), 403, "forbidden");
    expect(expectOk(await api("PUT", path, { token: t.owner.token, body: lowered })).limits.max_requests_per_day).toBe(500);
    expect(expectOk(await read(t.owner, orgId)).limits.max_requests_per_day).toBe(500);
  });

  it.each(["owner", "admin", "member", "viewer"] as const)("a %s can read usage", async (role) => {
    expectOk(await api("GET", `/api/organizations/${t.orgId}/usage?days=1`, { token: t[role].token }));
  });

  it("an outsider gets 404 for another organization's limits and usage", async () => {
    expectFailure(await api("GET", `/api/organizations/${t.orgId}/usage`, { token: t.outsider.token }), 404, "not_found");
    const res = await api("PUT", `/api/organizations/${t.orgId}/limits`, { token: t.outsider.token, body: { plan: "enterprise" } });
    expectFailure(res, 404, "not_found");
    expect(expectOk(await read(t.owner)).plan).toBe("free");
  });

  it("a cookie session needs the same Origin to change limits", async () => {
    const orgId = await createOrg(t.owner);
    const path = `/api/organizations/${orgId}/limits` as const;
    const body = { max_requests_per_day: 500 };
    expectFailure(await api("PUT", path, { headers: { cookie: `rg_session=${t.owner.token}` }, body }), 403, "forbidden");
    expect(expectOk(await read(t.owner, orgId)).limits.max_requests_per_day).toBe(100_000);
    expectOk(await api("PUT", path, { headers: { cookie: `rg_session=${t.owner.token}`, origin: ORIGIN }, body }));
  });
});

describe("hostile bodies", () => {
  it("a __proto__ or constructor key is an unknown field (400), not a way to set hidden properties", async () => {
    for (const raw of [
      `{"name":"Proto","slug":"${crypto.randomUUID().slice(0, 8)}-p","__proto__":{"plan":"enterprise","role":"owner"}}`,
      `{"name":"Proto","slug":"${crypto.randomUUID().slice(0, 8)}-c","constructor":{"prototype":{"plan":"enterprise"}}}`,
    ]) {
      const res = await api("POST", "/api/organizations", {
        token: t.owner.token,
        rawBody: raw,
        headers: { "content-type": "application/json" },
      });
      expectFailure(res, 400, "invalid_request");
    }
    const limits = await api("PUT", `/api/organizations/${t.orgId}/limits`, {
      token: t.owner.token,
      rawBody: '{"__proto__":{"plan":"enterprise"}}',
      headers: { "content-type": "application/json" },
    });
    expectFailure(limits, 400, "invalid_request");
    expect(expectOk(await read(t.owner)).plan).toBe("free");
  });
});
