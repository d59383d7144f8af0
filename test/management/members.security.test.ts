// Memberships across tenants and roles: only owners manage members (joining is by invitation,
// invitations.security.test.ts), nobody raises their own role, another organization's users are
// 404s, the last owner stays, and cookie sessions need the Origin.

import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, type ApiResult, api, createOrg, ORIGIN, signUp } from "../helpers/api";
import { expectFailure, expectOk } from "./envelope";
import { addMember, type Team, team } from "./team";

let t: Team;
beforeAll(async () => {
  t = await team();
});

function path(orgId: string): `/api/organizations/${string}/members`;
function path(orgId: string, userId: string): `/api/organizations/${string}/members/${string}`;
function path(orgId: string, userId?: string) {
  return `/api/organizations/${orgId}/members${userId ? `/${userId}` : ""}`;
}
const roleOf = async (orgId: string, userId: string, as: Account) => {
  const list = expectOk(await api("GET", path(orgId), { token: as.token }));
  return list.find((m) => m.user_id === userId)?.role ?? null;
};

describe("cross-tenant access", () => {
  it("an outsider gets 404 for list, change and remove (joining: invitations.security.test.ts)", async () => {
    const token = t.outsider.token;
    const results = [
      await api("GET", path(t.orgId), { token }),
      await api("PUT", path(t.orgId, t.viewer.userId), { token, body: { role: "owner" } }),
      await api("DELETE", path(t.orgId, t.owner.userId), { token }),
    ];
    for (const res of results) expectFailure(res, 404, "not_found");
    expect(await roleOf(t.orgId, t.outsider.userId, t.owner)).toBeNull();
    expect(await roleOf(t.orgId, t.viewer.userId, t.owner)).toBe("viewer");
    expect(await roleOf(t.orgId, t.owner.userId, t.owner)).toBe("owner");
  });

  it("an owner cannot reach a user of another organization through their own (404)", async () => {
    expectFailure(await api("PUT", path(t.orgId, t.outsider.userId), { token: t.owner.token, body: { role: "viewer" } }), 404, "not_found");
    expectFailure(await api("DELETE", path(t.orgId, t.outsider.userId), { token: t.owner.token }), 404, "not_found");
    expect(await roleOf(t.outsiderOrgId, t.outsider.userId, t.outsider)).toBe("owner");
  });

  it("an owner cannot manage another organization's members through its id (404)", async () => {
    expectFailure(await api("DELETE", path(t.outsiderOrgId, t.outsider.userId), { token: t.owner.token }), 404, "not_found");
    expectFailure(
      await api("PUT", path(t.outsiderOrgId, t.outsider.userId), { token: t.owner.token, body: { role: "viewer" } }),
      404,
      "not_found",
    );
    expect(await roleOf(t.outsiderOrgId, t.outsider.userId, t.outsider)).toBe("owner");
  });
});

describe("roles", () => {
  it.each(["admin", "member", "viewer"] as const)("a %s can list members", async (role) => {
    const list = expectOk(await api("GET", path(t.orgId), { token: t[role].token }));
    expect(list.map((m) => m.role).sort()).toEqual(["admin", "member", "owner", "viewer"]);
  });

  it.each(["admin", "member", "viewer"] as const)("a %s cannot change another member's role (403)", async (role) => {
    const target = role === "viewer" ? t.member : t.viewer;
    const before = await roleOf(t.orgId, target.userId, t.owner);
    expectFailure(await api("PUT", path(t.orgId, target.userId), { token: t[role].token, body: { role: "owner" } }), 403, "forbidden");
    expectFailure(await api("PUT", path(t.orgId, t.owner.userId), { token: t[role].token, body: { role: "viewer" } }), 403, "forbidden");
    expect(await roleOf(t.orgId, target.userId, t.owner)).toBe(before);
    expect(await roleOf(t.orgId, t.owner.userId, t.owner)).toBe("owner");
  });

  it.each(["admin", "member", "viewer"] as const)("a %s cannot raise their own role (403)", async (role) => {
    expectFailure(await api("PUT", path(t.orgId, t[role].userId), { token: t[role].token, body: { role: "owner" } }), 403, "forbidden");
    expect(await roleOf(t.orgId, t[role].userId, t.owner)).toBe(role);
  });

  it.each(["admin", "member", "viewer"] as const)("a %s cannot remove another member (403)", async (role) => {
    expectFailure(await api("DELETE", path(t.orgId, t.owner.userId), { token: t[role].token }), 403, "forbidden");
    const other = role === "admin" ? t.member : t.admin;
    expectFailure(await api("DELETE", path(t.orgId, other.userId), { token: t[role].token }), 403, "forbidden");
    expect(await roleOf(t.orgId, other.userId, t.owner)).not.toBeNull();
  });

  it("the owner can promote, demote and remove anyone but the last owner", async () => {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const other = await signUp();
    await addMember(owner, orgId, other, "viewer");
    expectOk(await api("PUT", path(orgId, other.userId), { token: owner.token, body: { role: "owner" } }));
    expectOk(await api("PUT", path(orgId, other.userId), { token: owner.token, body: { role: "admin" } }));
    expectOk(await api("DELETE", path(orgId, other.userId), { token: owner.token }));
    expect(await roleOf(orgId, other.userId, owner)).toBeNull();
  });
});

describe("the last owner", () => {
  it.each(["admin", "member", "viewer"] as const)("cannot be demoted to %s (409)", async (role) => {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const res = await api("PUT", path(orgId, owner.userId), { token: owner.token, body: { role } });
    expectFailure(res, 409, "conflict");
    expect(res.body.message).toMatch(/last owner/);
    expect(await roleOf(orgId, owner.userId, owner)).toBe("owner");
  });

  it("cannot be removed, not even by leaving (409)", async () => {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const admin = await signUp();
    await addMember(owner, orgId, admin, "admin");
    expectFailure(await api("DELETE", path(orgId, owner.userId), { token: owner.token }), 409, "conflict");
    expect(await roleOf(orgId, owner.userId, owner)).toBe("owner");
  });

  it("may step down once a second owner exists, and the second then becomes the last", async () => {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const second = await signUp();
    await addMember(owner, orgId, second, "owner");
    expectOk(await api("PUT", path(orgId, owner.userId), { token: owner.token, body: { role: "admin" } }));
    expectFailure(await api("PUT", path(orgId, second.userId), { token: second.token, body: { role: "admin" } }), 409, "conflict");
    expectFailure(await api("DELETE", path(orgId, second.userId), { token: second.token }), 409, "conflict");
    expect(await roleOf(orgId, second.userId, second)).toBe("owner");
  });
});

describe("the last owner under concurrency", { timeout: 60_000 }, () => {
  async function twoOwners() {
    const [first, second] = [await signUp(), await signUp()];
    const orgId = await createOrg(first);
    await addMember(first, orgId, second, "owner");
    return { orgId, first, second };
  }

  /** The refused request left no trace: its batch, audit row included, rolled back. */
  const expectNoAuditRow = async (res: ApiResult | undefined) => {
    const rows = await env.DB.prepare("SELECT id FROM audit_logs WHERE request_id = ?")
      .bind(res?.headers.get("x-request-id") ?? null)
      .all();
    expect(rows.results).toEqual([]);
  };

  const owners = async (orgId: string, as: Account) =>
    expectOk(await api("GET", path(orgId), { token: as.token })).filter((m) => m.role === "owner");

  it("two owners demoting themselves at once: exactly one succeeds, one owner remains", async () => {
    const orgs = await Promise.all(Array.from({ length: 5 }, twoOwners));
    await Promise.all(
      orgs.map(async ({ orgId, first, second }) => {
        const results = await Promise.all(
          [first, second].map((a) => api("PUT", path(orgId, a.userId), { token: a.token, body: { role: "admin" } })),
        );
        expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
        expect(await owners(orgId, first)).toHaveLength(1);
        await expectNoAuditRow(results.find((r) => r.status === 409));
      }),
    );
  });

  it("two owners leaving at once: exactly one succeeds, one owner remains", async () => {
    const orgs = await Promise.all(Array.from({ length: 5 }, twoOwners));
    await Promise.all(
      orgs.map(async ({ orgId, first, second }) => {
        const results = await Promise.all([first, second].map((a) => api("DELETE", path(orgId, a.userId), { token: a.token })));
        expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
        await expectNoAuditRow(results.find((r) => r.status === 409));
        const stayer = results[0]?.status === 409 ? first : second;
        expect(await owners(orgId, stayer)).toEqual([expect.objectContaining({ user_id: stayer.userId })]);
      }),
    );
  });
});

describe("cookie sessions (CSRF)", () => {
  it("refuses change and remove without the same Origin and changes nothing", async () => {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const member = await signUp();
    await addMember(owner, orgId, member, "member");
    const headers = { cookie: `rg_session=${owner.token}`, origin: "https://evil.example" };
    expectFailure(await api("PUT", path(orgId, member.userId), { headers, body: { role: "owner" } }), 403, "forbidden");
    expectFailure(await api("DELETE", path(orgId, member.userId), { headers }), 403, "forbidden");
    expect(await roleOf(orgId, member.userId, owner)).toBe("member");
    const same = { cookie: `rg_session=${owner.token}`, origin: ORIGIN };
    expectOk(await api("PUT", path(orgId, member.userId), { headers: same, body: { role: "admin" } }));
  });
});
