// Invitations under attack: nobody becomes a member (let alone an owner) without accepting, inviting
// tells nothing about which emails have accounts, a link works once, for its email only, until it
// expires or is revoked; roles, tenants, suspension and cookie sessions are enforced.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, api, createOrg, ORIGIN, signUp } from "../helpers/api";
import { addMember, invite } from "../helpers/invitations";
import { operator } from "../helpers/operator";
import { expectFailure, expectOk } from "./envelope";
import { type Team, team } from "./team";

let t: Team;
beforeAll(async () => {
  t = await team();
});

const base = (orgId: string) => `/api/organizations/${orgId}/invitations` as const;
const accept = (as: Account, token: string) => api("POST", "/api/invitations/accept", { token: as.token, body: { token } });
const preview = (as: Account, token: string) => api("POST", "/api/invitations/preview", { token: as.token, body: { token } });
const roleIn = async (orgId: string, as: Account) => {
  const res = await api("GET", `/api/organizations/${orgId}`, { token: as.token });
  return res.status === 200 ? res.body.data.role : null;
};
const memberIds = async (orgId: string, as: Account) =>
  expectOk(await api("GET", `/api/organizations/${orgId}/members`, { token: as.token })).map((m: { user_id: string }) => m.user_id);
const UNUSABLE = "This invitation link is not valid: it may have been used, revoked or have expired.";

describe("forced membership", () => {
  it("inviting someone does not make them a member until they accept", async () => {
    const invitee = await signUp();
    await invite(t.owner, t.orgId, invitee.email, "admin");
    expect(await memberIds(t.orgId, t.owner)).not.toContain(invitee.userId);
    expectFailure(await api("GET", `/api/organizations/${t.orgId}`, { token: invitee.token }), 404, "not_found");
    const orgs = expectOk(await api("GET", "/api/organizations", { token: invitee.token }));
    expect(orgs.map((o: { id: string }) => o.id)).not.toContain(t.orgId);
  });

  it("an owner invitation does not make the victim an owner: the inviter stays last owner and the victim can close their account", async () => {
    const attacker = await signUp();
    const victim = await signUp();
    const orgId = await createOrg(attacker);
    await invite(attacker, orgId, victim.email, "owner");
    expectFailure(
      await api("DELETE", `/api/organizations/${orgId}/members/${attacker.userId}`, { token: attacker.token }),
      409,
      "conflict",
    );
    expect(await roleIn(orgId, victim)).toBeNull();
    expectOk(await api("DELETE", "/auth/me", { token: victim.token, body: { current_password: victim.password } }));
  });

  it("there is no route that adds a member directly any more", async () => {
    const newcomer = await signUp();
    const res = await api("POST", `/api/organizations/${t.orgId}/members`, {
      token: t.owner.token,
      body: { email: newcomer.email, role: "owner" },
    });
    expect([404, 405]).toContain(res.status);
    expect(await roleIn(t.orgId, newcomer)).toBeNull();
  });
});

describe("enumeration", () => {
  it("answers the same status and shape for an email with an account, a closed account and no account", async () => {
    const existing = await signUp();
    const closed = await signUp();
    expectOk(await api("DELETE", "/auth/me", { token: closed.token, body: { current_password: closed.password } }));
    const results = [];
    for (const email of [existing.email, closed.email, `nobody-${crypto.randomUUID().slice(0, 8)}@example.test`]) {
      const res = await api("POST", base(t.orgId), { token: t.admin.token, body: { email, role: "member" } });
      results.push(res);
    }
    const shapes = results.map((res) => ({
      status: res.status,
      message: res.body.message,
      keys: Object.keys(res.body.data).sort(),
      invitation: Object.keys(res.body.data.invitation).sort(),
      status_field: res.body.data.invitation.status,
      invited_by: res.body.data.invitation.invited_by,
    }));
    expect(shapes[0]?.status).toBe(201);
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
  });
});

describe("the token", () => {
  it("works once: a second accept, even after leaving, is the one 404", async () => {
    const invitee = await signUp();
    const { token } = await invite(t.owner, t.orgId, invitee.email, "member");
    expectOk(await accept(invitee, token));
    expectOk(await api("DELETE", `/api/organizations/${t.orgId}/members/${invitee.userId}`, { token: invitee.token }));
    const again = await accept(invitee, token);
    expectFailure(again, 404, "not_found");
    expect(again.body.message).toBe(UNUSABLE);
    expectFailure(await preview(invitee, token), 404, "not_found");
    expect(await roleIn(t.orgId, invitee)).toBeNull();
  });

  it("two accepts at once: exactly one joins, the other is refused and writes nothing", async () => {
    const invitees = await Promise.all(Array.from({ length: 4 }, () => signUp()));
    await Promise.all(
      invitees.map(async (invitee) => {
        const { token } = await invite(t.owner, t.orgId, invitee.email, "viewer");
        const results = await Promise.all([accept(invitee, token), accept(invitee, token)]);
        // The loser lost the claim (404) or, when both ran in the same millisecond, found the
        // membership the winner made (409); either way its batch rolled back.
        const [first, second] = results.map((r) => r.status).sort();
        expect(first).toBe(200);
        expect([404, 409]).toContain(second);
        const loser = results.find((r) => r.status !== 200);
        const rows = await env.DB.prepare("SELECT id FROM audit_logs WHERE request_id = ?").bind(loser?.headers.get("x-request-id")).all();
        expect(rows.results).toEqual([]);
        const joins = await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_logs WHERE action = 'member.join' AND resource_id = ?")
          .bind(invitee.userId)
          .first<{ n: number }>();
        expect(joins?.n).toBe(1);
        expect(await roleIn(t.orgId, invitee)).toBe("viewer");
      }),
    );
  });

  it("expires after seven days: preview and accept are the one 404, the list says expired", async () => {
    const invitee = await signUp();
    const { invitation, token } = await invite(t.owner, t.orgId, invitee.email, "admin");
    expect(Date.parse(invitation.expires_at) - Date.parse(invitation.created_at)).toBe(7 * 24 * 3600 * 1000);
    await env.DB.prepare("UPDATE invitations SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, invitation.id)
      .run();
    for (const res of [await preview(invitee, token), await accept(invitee, token)]) {
      expectFailure(res, 404, "not_found");
      expect(res.body.message).toBe(UNUSABLE);
    }
    expect(await roleIn(t.orgId, invitee)).toBeNull();
    const expired = expectOk(await api("GET", `${base(t.orgId)}?status=expired`, { token: t.owner.token }));
    expect(expired).toContainEqual(expect.objectContaining({ id: invitation.id, status: "expired" }));
    expectFailure(await api("DELETE", `${base(t.orgId)}/${invitation.id}`, { token: t.owner.token }), 409, "conflict");
  });

  it("a revoked invitation cannot be accepted (the one 404)", async () => {
    const invitee = await signUp();
    const { invitation, token } = await invite(t.owner, t.orgId, invitee.email, "member");
    expectOk(await api("DELETE", `${base(t.orgId)}/${invitation.id}`, { token: t.admin.token }));
    const res = await accept(invitee, token);
    expectFailure(res, 404, "not_found");
    expect(res.body.message).toBe(UNUSABLE);
    expect(await roleIn(t.orgId, invitee)).toBeNull();
  });

  it("a replaced invitation's link no longer works", async () => {
    const invitee = await signUp();
    const first = await invite(t.owner, t.orgId, invitee.email, "admin");
    await invite(t.owner, t.orgId, invitee.email, "viewer");
    expectFailure(await accept(invitee, first.token), 404, "not_found");
    expect(await roleIn(t.orgId, invitee)).toBeNull();
  });

  it("an unknown well-formed token is the same 404", async () => {
    const res = await accept(t.outsider, `rgi_${"A".repeat(43)}`);
    expectFailure(res, 404, "not_found");
    expect(res.body.message).toBe(UNUSABLE);
  });

  it("another account cannot accept it (403, nothing joins), and the preview tells it the link is not theirs", async () => {
    const invitee = await signUp();
    const thief = await signUp();
    const { token } = await invite(t.owner, t.orgId, invitee.email, "owner");
    expect(expectOk(await preview(thief, token))).toMatchObject({ email_matches: false, role: "owner" });
    expect(JSON.stringify((await preview(thief, token)).body)).not.toContain(invitee.email);
    const res = await accept(thief, token);
    expectFailure(res, 403, "forbidden");
    expect(res.body.message).toMatch(/another account/);
    expect(await roleIn(t.orgId, thief)).toBeNull();
    expectOk(await accept(invitee, token));
    expect(await roleIn(t.orgId, invitee)).toBe("owner");
  });
});

describe("roles", () => {
  it.each(["member", "viewer"] as const)("a %s cannot invite, list or revoke (403)", async (role) => {
    const newcomer = await signUp();
    const { invitation } = await invite(t.owner, t.orgId, `pending-${role}@example.test`, "viewer");
    const token = t[role].token;
    for (const res of [
      await api("POST", base(t.orgId), { token, body: { email: newcomer.email, role: "viewer" } }),
      await api("GET", base(t.orgId), { token }),
      await api("DELETE", `${base(t.orgId)}/${invitation.id}`, { token }),
    ]) {
      expectFailure(res, 403, "forbidden");
    }
    expect(expectOk(await api("GET", base(t.orgId), { token: t.owner.token }))).toContainEqual(
      expect.objectContaining({ id: invitation.id }),
    );
  });

  it("an admin may invite up to admin but not an owner (403)", async () => {
    const newcomer = await signUp();
    const res = await api("POST", base(t.orgId), { token: t.admin.token, body: { email: newcomer.email, role: "owner" } });
    expectFailure(res, 403, "forbidden");
    expect(res.body.message).toMatch(/owner/);
    expect(expectOk(await api("GET", base(t.orgId), { token: t.owner.token }))).not.toContainEqual(
      expect.objectContaining({ email: newcomer.email }),
    );
    expectOk(await api("POST", base(t.orgId), { token: t.admin.token, body: { email: newcomer.email, role: "admin" } }), 201);
  });
});

describe("the inviter's authority", { timeout: 60_000 }, () => {
  const INVITER_GONE =
    "The person who invited you can no longer invite to this organization with this role: they left it or their role changed. " +
    "Ask the organization for a new invitation.";
  /** A fresh organization whose owner has made `inviter` a member with `role`. */
  async function orgWith(role: "owner" | "admin") {
    const [owner, inviter] = await Promise.all([signUp(), signUp()]);
    const orgId = await createOrg(owner);
    await addMember(owner, orgId, inviter, role);
    return { owner, inviter, orgId };
  }
  const statusOf = async (orgId: string, as: Account, id: string) =>
    expectOk(await api("GET", `${base(orgId)}?status=revoked`, { token: as.token })).some((i) => i.id === id)
      ? "revoked"
      : expectOk(await api("GET", base(orgId), { token: as.token })).some((i) => i.id === id)
        ? "pending"
        : "other";

  it("removing an admin revokes the invitations they made: an admin invitation from them no longer joins anyone", async () => {
    const { owner, inviter, orgId } = await orgWith("admin");
    const alt = await signUp();
    const { invitation, token } = await invite(inviter, orgId, alt.email, "admin");
    expectOk(await api("DELETE", `/api/organizations/${orgId}/members/${inviter.userId}`, { token: owner.token }));
    expect(await statusOf(orgId, owner, invitation.id)).toBe("revoked");
    const res = await accept(alt, token);
    expectFailure(res, 404, "not_found");
    expect(res.body.message).toBe(UNUSABLE);
    expect(await roleIn(orgId, alt)).toBeNull();
  });

  it("demoting revokes only what the new role could not offer: an owner made admin keeps admin invitations, loses owner ones", async () => {
    const { owner, inviter, orgId } = await orgWith("owner");
    const [asOwner, asAdmin] = await Promise.all([signUp(), signUp()]);
    const ownerInvite = await invite(inviter, orgId, asOwner.email, "owner");
    const adminInvite = await invite(inviter, orgId, asAdmin.email, "admin");
    expectOk(await api("PUT", `/api/organizations/${orgId}/members/${inviter.userId}`, { token: owner.token, body: { role: "admin" } }));
    expect(await statusOf(orgId, owner, ownerInvite.invitation.id)).toBe("revoked");
    expect(await statusOf(orgId, owner, adminInvite.invitation.id)).toBe("pending");
    expectFailure(await accept(asOwner, ownerInvite.token), 404, "not_found");
    expect(await roleIn(orgId, asOwner)).toBeNull();
    expectOk(await accept(asAdmin, adminInvite.token));
    expect(await roleIn(orgId, asAdmin)).toBe("admin");
  });

  it("demoting an admin to member revokes every invitation they made", async () => {
    const { owner, inviter, orgId } = await orgWith("admin");
    const [a, b] = await Promise.all([signUp(), signUp()]);
    const viewerInvite = await invite(inviter, orgId, a.email, "viewer");
    const adminInvite = await invite(inviter, orgId, b.email, "admin");
    expectOk(await api("PUT", `/api/organizations/${orgId}/members/${inviter.userId}`, { token: owner.token, body: { role: "member" } }));
    expect(await statusOf(orgId, owner, viewerInvite.invitation.id)).toBe("revoked");
    expect(await statusOf(orgId, owner, adminInvite.invitation.id)).toBe("revoked");
    expectFailure(await accept(b, adminInvite.token), 404, "not_found");
    expect(await roleIn(orgId, b)).toBeNull();
  });

  it("closing an account revokes the invitations it made in every organization", async () => {
    const first = await orgWith("admin");
    const secondOrg = await createOrg(first.owner);
    await addMember(first.owner, secondOrg, first.inviter, "admin");
    const invitee = await signUp();
    const one = await invite(first.inviter, first.orgId, invitee.email, "admin");
    const two = await invite(first.inviter, secondOrg, invitee.email, "member");
    expectOk(await api("DELETE", "/auth/me", { token: first.inviter.token, body: { current_password: first.inviter.password } }));
    expect(await statusOf(first.orgId, first.owner, one.invitation.id)).toBe("revoked");
    expect(await statusOf(secondOrg, first.owner, two.invitation.id)).toBe("revoked");
    expectFailure(await accept(invitee, one.token), 404, "not_found");
    expect(await roleIn(first.orgId, invitee)).toBeNull();
  });

  it("an invitation an earlier version left pending after removing its inviter is refused (409) and joins nobody", async () => {
    const { owner, inviter, orgId } = await orgWith("admin");
    const alt = await signUp();
    const { invitation, token } = await invite(inviter, orgId, alt.email, "admin");
    expectOk(await api("DELETE", `/api/organizations/${orgId}/members/${inviter.userId}`, { token: owner.token }));
    // Before invitations were revoked with their inviter, this row stayed pending: deployments still hold such rows.
    await env.DB.prepare("UPDATE invitations SET revoked_at = NULL WHERE id = ?").bind(invitation.id).run();
    // The preview says so too, rather than showing a link that cannot join anyone as valid.
    const previewed = await preview(alt, token);
    expectFailure(previewed, 409, "conflict");
    expect(previewed.body.message).toBe(INVITER_GONE);
    const res = await accept(alt, token);
    expectFailure(res, 409, "conflict");
    expect(res.body.message).toBe(INVITER_GONE);
    expect(await roleIn(orgId, alt)).toBeNull();
    const rows = await env.DB.prepare("SELECT id FROM audit_logs WHERE request_id = ?").bind(res.headers.get("x-request-id")).all();
    expect(rows.results).toEqual([]);
  });

  it("an admin inviting while being removed: no invitation of theirs stays pending, and none joins anyone", async () => {
    const orgs = await Promise.all(Array.from({ length: 6 }, () => orgWith("admin")));
    await Promise.all(
      orgs.map(async ({ owner, inviter, orgId }) => {
        const alt = await signUp();
        const [invited, removed] = await Promise.all([
          api("POST", base(orgId), { token: inviter.token, body: { email: alt.email, role: "admin" } }),
          api("DELETE", `/api/organizations/${orgId}/members/${inviter.userId}`, { token: owner.token }),
        ]);
        expect(removed.status).toBe(200);
        expect([201, 404]).toContain(invited.status);
        const open = expectOk(await api("GET", base(orgId), { token: owner.token }));
        expect(open.filter((i) => i.invited_by === inviter.userId)).toEqual([]);
        if (invited.status === 201) expect((await accept(alt, invited.body.data.token)).status).not.toBe(200);
        expect(await roleIn(orgId, alt)).toBeNull();
      }),
    );
  });
});

describe("cross-tenant", () => {
  it("an outsider gets 404 for invite, list and revoke in another organization", async () => {
    const { invitation } = await invite(t.owner, t.orgId, "cross@example.test", "viewer");
    const token = t.outsider.token;
    for (const res of [
      await api("POST", base(t.orgId), { token, body: { email: t.outsider.email, role: "owner" } }),
      await api("GET", base(t.orgId), { token }),
      await api("DELETE", `${base(t.orgId)}/${invitation.id}`, { token }),
    ]) {
      expectFailure(res, 404, "not_found");
    }
    expect(expectOk(await api("GET", base(t.orgId), { token: t.owner.token }))).toContainEqual(
      expect.objectContaining({ id: invitation.id, status: "pending" }),
    );
  });

  it("another organization's invitation id through your own organization is 404", async () => {
    const { invitation } = await invite(t.outsider, t.outsiderOrgId, "theirs@example.test", "viewer");
    expectFailure(await api("DELETE", `${base(t.orgId)}/${invitation.id}`, { token: t.owner.token }), 404, "not_found");
    const theirs = expectOk(await api("GET", base(t.outsiderOrgId), { token: t.outsider.token }));
    expect(theirs).toContainEqual(expect.objectContaining({ id: invitation.id, status: "pending" }));
    const ours = expectOk(await api("GET", base(t.orgId), { token: t.owner.token }));
    expect(ours).not.toContainEqual(expect.objectContaining({ id: invitation.id }));
  });
});

describe("suspension", () => {
  it("a suspended organization neither invites nor lets anyone join; resumed, the link works", async () => {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const invitee = await signUp();
    const { token } = await invite(owner, orgId, invitee.email, "member");
    const op = await operator();
    expectOk(await api("POST", `/api/admin/organizations/${orgId}/suspend`, { token: op.token }));
    expectFailure(
      await api("POST", base(orgId), { token: owner.token, body: { email: "later@example.test", role: "viewer" } }),
      403,
      "organization_suspended",
    );
    expectFailure(await accept(invitee, token), 403, "organization_suspended");
    expect(await roleIn(orgId, invitee)).toBeNull();
    expectOk(await api("POST", `/api/admin/organizations/${orgId}/resume`, { token: op.token }));
    expectOk(await accept(invitee, token));
    expect(await roleIn(orgId, invitee)).toBe("member");
  });
});

describe("cookie sessions (CSRF)", () => {
  it("refuses invite, revoke and accept without the same Origin and changes nothing", async () => {
    const invitee = await signUp();
    const { invitation, token } = await invite(t.owner, t.orgId, invitee.email, "admin");
    const evil = (a: Account) => ({ cookie: `rg_session=${a.token}`, origin: "https://evil.example" });
    expectFailure(
      await api("POST", base(t.orgId), { headers: evil(t.owner), body: { email: "csrf@example.test", role: "owner" } }),
      403,
      "forbidden",
    );
    expectFailure(await api("DELETE", `${base(t.orgId)}/${invitation.id}`, { headers: evil(t.owner) }), 403, "forbidden");
    expectFailure(await api("POST", "/api/invitations/accept", { headers: evil(invitee), body: { token } }), 403, "forbidden");
    expect(await roleIn(t.orgId, invitee)).toBeNull();
    const same = { cookie: `rg_session=${invitee.token}`, origin: ORIGIN };
    expectOk(await api("POST", "/api/invitations/accept", { headers: same, body: { token } }));
    expect(await roleIn(t.orgId, invitee)).toBe("admin");
  });
});
