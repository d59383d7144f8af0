// Invitations: invite (admin), list, revoke, preview and accept (the invited account), the audit
// rows, and precise answers to bad input.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_PENDING_INVITATIONS, type PublicInvitation } from "../../src/services/invitations";
import { type Account, api, createOrg, ORIGIN, signUp } from "../helpers/api";
import { invite } from "../helpers/invitations";
import { expectFailure, expectInvalid, expectOk } from "./envelope";

let owner: Account;
let orgId: string;
beforeAll(async () => {
  owner = await signUp();
  orgId = await createOrg(owner);
});

const base = (id = orgId) => `/api/organizations/${id}/invitations` as const;
const create = (body: unknown, as = owner, id = orgId) => api("POST", base(id), { token: as.token, body });
/** An organization's invitations (pending unless `query` asks for another status). */
const pending = async (id = orgId, as = owner, query: `?${string}` | "" = ""): Promise<PublicInvitation[]> =>
  expectOk(await api("GET", `${base(id)}${query}`, { token: as.token }));
const accept = (as: Account, token: unknown) => api("POST", "/api/invitations/accept", { token: as.token, body: { token } });
const preview = (as: Account, token: unknown) => api("POST", "/api/invitations/preview", { token: as.token, body: { token } });
const roleIn = async (id: string, as: Account) => {
  const res = await api("GET", `/api/organizations/${id}`, { token: as.token });
  return res.status === 200 ? res.body.data.role : null;
};
const auditRows = async (requestId: string | null) =>
  (await env.DB.prepare("SELECT * FROM audit_logs WHERE request_id = ?").bind(requestId).all()).results;

describe("POST …/invitations", () => {
  it("creates a pending invitation for seven days with a one-time link in the fragment", async () => {
    const res = await create({ email: "New.Person@Example.test", role: "member" });
    const data = expectOk(res, 201);
    expect(data).toEqual({
      invitation: {
        id: expect.stringMatching(/^inv_[a-z0-9]{20}$/),
        email: "new.person@example.test",
        role: "member",
        invited_by: owner.userId,
        created_at: expect.any(String),
        expires_at: expect.any(String),
        status: "pending",
      },
      token: expect.stringMatching(/^rgi_[A-Za-z0-9_-]{43}$/),
      accept_url: `${ORIGIN}/invitations/accept#token=${data.token}`,
    });
    expect(Date.parse(data.invitation.expires_at) - Date.parse(data.invitation.created_at)).toBe(7 * 24 * 60 * 60 * 1000);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const row = await env.DB.prepare("SELECT token_hash FROM invitations WHERE id = ?")
      .bind(data.invitation.id)
      .first<{ token_hash: string }>();
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(data.token);
  });

  it("is audited as invitation.create with the email and role, never the token", async () => {
    const res = await create({ email: "audited@example.test", role: "viewer" });
    const { invitation, token } = expectOk(res, 201);
    const rows = await auditRows(res.headers.get("x-request-id"));
    expect(rows).toEqual([
      expect.objectContaining({
        action: "invitation.create",
        resource_type: "invitation",
        resource_id: invitation.id,
        actor_user_id: owner.userId,
      }),
    ]);
    expect(JSON.parse(rows[0]?.metadata as string)).toMatchObject({ email: "audited@example.test", role: "viewer", replaced: [] });
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("replaces (revokes) an older pending invitation for the same email", async () => {
    const first = await invite(owner, orgId, "twice@example.test", "viewer");
    const second = await invite(owner, orgId, "TWICE@example.test", "admin");
    const list = await pending();
    expect(list.map((i) => i.id)).toContain(second.invitation.id);
    expect(list.map((i) => i.id)).not.toContain(first.invitation.id);
    const revoked = await pending(orgId, owner, "?status=revoked");
    expect(revoked).toContainEqual(expect.objectContaining({ id: first.invitation.id, status: "revoked" }));
  });

  it("answers 409 for an email that already belongs to a member", async () => {
    const res = await create({ email: owner.email.toUpperCase(), role: "viewer" });
    expectFailure(res, 409, "conflict");
  });

  it.each([
    ["a malformed email", { email: "not-an-email", role: "member" }, "email"],
    ["a numeric email", { email: 42, role: "member" }, "email"],
    ["a missing email", { role: "member" }, "email"],
    ["an unknown role", { email: "x@example.test", role: "superuser" }, "role"],
    ["an upper-case role", { email: "x@example.test", role: "ADMIN" }, "role"],
    ["a missing role", { email: "x@example.test" }, "role"],
    ["an unknown field", { email: "x@example.test", role: "member", user_id: "usr_x" }, "(root)"],
  ])("rejects %s (400)", async (_label, body, path) => {
    expectInvalid(await create(body), path);
  });

  it("rejects a non-JSON body with 415", async () => {
    const res = await api("POST", base(), { token: owner.token, rawBody: JSON.stringify({ email: "x@example.test", role: "member" }) });
    expectFailure(res, 415, "unsupported_media_type");
  });

  it(`holds at most ${MAX_PENDING_INVITATIONS} pending invitations per organization: 409 past that, storing nothing`, async () => {
    const id = await createOrg(owner);
    const email = (i: number) => `bound-${i}@example.test`;
    for (let i = 0; i < MAX_PENDING_INVITATIONS; i++) expectOk(await create({ email: email(i), role: "viewer" }, owner, id), 201);
    const over = await create({ email: "one-too-many@example.test", role: "viewer" }, owner, id);
    expectFailure(over, 409, "conflict");
    expect(over.body.message).toBe(
      `This organization already has ${MAX_PENDING_INVITATIONS} pending invitations, the most it may hold. Revoke some, or wait until they are accepted or expire.`,
    );
    expect(await auditRows(over.headers.get("x-request-id"))).toEqual([]);
    // Re-inviting an email replaces its own invitation, so it still works at the bound.
    const replaced = expectOk(await create({ email: email(0), role: "member" }, owner, id), 201);
    // Revoking one makes room for another.
    expectOk(await api("DELETE", `${base(id)}/${replaced.invitation.id}`, { token: owner.token }));
    expectOk(await create({ email: "one-too-many@example.test", role: "viewer" }, owner, id), 201);
    const live = await api("GET", `${base(id)}?limit=100`, { token: owner.token });
    expect(expectOk(live)).toHaveLength(MAX_PENDING_INVITATIONS);
    expect(live.body.pagination.next_cursor).toBeNull();
  });
});

describe("GET …/invitations", () => {
  it("lists pending invitations by default, newest first, and each status on request", async () => {
    const id = await createOrg(owner);
    const a = await invite(owner, id, "a@example.test", "viewer");
    const b = await invite(owner, id, "b@example.test", "member");
    const c = await invite(owner, id, "c@example.test", "admin");
    expectOk(await api("DELETE", `${base(id)}/${c.invitation.id}`, { token: owner.token }));
    const joiner = await signUp();
    const d = await invite(owner, id, joiner.email, "viewer");
    expectOk(await accept(joiner, d.token));
    expect((await pending(id)).map((i) => i.id)).toEqual([b.invitation.id, a.invitation.id]);
    expect((await pending(id, owner, "?status=revoked")).map((i) => i.id)).toEqual([c.invitation.id]);
    expect(await pending(id, owner, "?status=accepted")).toEqual([expect.objectContaining({ id: d.invitation.id, status: "accepted" })]);
    expect(await pending(id, owner, "?status=expired")).toEqual([]);
    const page = await api("GET", `${base(id)}?limit=1`, { token: owner.token });
    expect(expectOk(page)).toHaveLength(1);
    expect(page.body.pagination.next_cursor).toEqual(expect.any(String));
    expect(page.headers.get("cache-control")).toBe("no-store");
  });

  it("rejects an unknown status and a malformed cursor (400)", async () => {
    expectInvalid(await api("GET", `${base()}?status=open`, { token: owner.token }), "status");
    expectFailure(await api("GET", `${base()}?cursor=!!`, { token: owner.token }), 400, "invalid_request");
  });
});

describe("DELETE …/invitations/:invitationId", () => {
  it("revokes a pending invitation, audited; its link stops working", async () => {
    const invitee = await signUp();
    const { invitation, token } = await invite(owner, orgId, invitee.email, "member");
    const res = await api("DELETE", `${base()}/${invitation.id}`, { token: owner.token });
    expect(expectOk(res)).toMatchObject({ id: invitation.id, status: "revoked" });
    expect(await auditRows(res.headers.get("x-request-id"))).toEqual([
      expect.objectContaining({ action: "invitation.revoke", resource_id: invitation.id }),
    ]);
    expectFailure(await accept(invitee, token), 404, "not_found");
    expect(await roleIn(orgId, invitee)).toBeNull();
  });

  it("answers 409 for an invitation that is no longer pending, and writes nothing", async () => {
    const { invitation } = await invite(owner, orgId, "gone@example.test", "member");
    expectOk(await api("DELETE", `${base()}/${invitation.id}`, { token: owner.token }));
    const again = await api("DELETE", `${base()}/${invitation.id}`, { token: owner.token });
    expectFailure(again, 409, "conflict");
    expect(await auditRows(again.headers.get("x-request-id"))).toEqual([]);
  });

  it("answers 404 for an unknown or malformed id", async () => {
    expectFailure(await api("DELETE", `${base()}/inv_00000000000000000000`, { token: owner.token }), 404, "not_found");
    expectFailure(await api("DELETE", `${base()}/not-an-id`, { token: owner.token }), 404, "not_found");
  });
});

describe("preview and accept", () => {
  it("previews what the link offers, then joins with the invited role, audited as member.join", async () => {
    const invitee = await signUp();
    const { invitation, token } = await invite(owner, orgId, invitee.email, "admin");
    const seen = expectOk(await preview(invitee, token));
    expect(seen).toEqual({
      organization_name: "Test Org",
      role: "admin",
      inviter_name: owner.username,
      expires_at: invitation.expires_at,
      email_matches: true,
    });
    const res = await accept(invitee, token);
    expect(expectOk(res)).toMatchObject({ id: orgId, name: "Test Org", role: "admin" });
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await roleIn(orgId, invitee)).toBe("admin");
    const rows = await auditRows(res.headers.get("x-request-id"));
    expect(rows).toEqual([
      expect.objectContaining({
        organization_id: orgId,
        action: "member.join",
        resource_id: invitee.userId,
        actor_user_id: invitee.userId,
      }),
    ]);
    expect(JSON.parse(rows[0]?.metadata as string)).toEqual({ invitation_id: invitation.id, role: "admin", invited_by: owner.userId });
    expect(await pending(orgId, owner, "?status=accepted")).toContainEqual(expect.objectContaining({ id: invitation.id }));
  });

  it("matches the email whatever its case at invitation time", async () => {
    const invitee = await signUp();
    const { token } = await invite(owner, orgId, invitee.email.toUpperCase(), "viewer");
    expectOk(await accept(invitee, token));
    expect(await roleIn(orgId, invitee)).toBe("viewer");
  });

  it.each([
    ["a missing token", undefined],
    ["a number", 42],
    ["a token without the prefix", "x".repeat(47)],
    ["a short token", "rgi_abc"],
    ["a token with a character outside base64url", `rgi_${"a".repeat(42)}+`],
  ])("rejects %s (400) on preview and accept", async (_label, token) => {
    const someone = await signUp();
    expectInvalid(await preview(someone, token), "token");
    expectInvalid(await accept(someone, token), "token");
  });

  it("needs a signed-in account (401)", async () => {
    const { token } = await invite(owner, orgId, "anon@example.test", "viewer");
    expectFailure(await api("POST", "/api/invitations/preview", { body: { token } }), 401, "unauthorized");
    expectFailure(await api("POST", "/api/invitations/accept", { body: { token } }), 401, "unauthorized");
  });
});
