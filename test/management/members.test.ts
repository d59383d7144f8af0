// /api/organizations/:orgId/members: list, add by email, change role, remove, leave.
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, api, createOrg, signUp } from "../helpers/api";
import { expectFailure, expectInvalid, expectOk } from "./envelope";

let owner: Account;
let orgId: string;
beforeAll(async () => {
  owner = await signUp();
  orgId = await createOrg(owner);
});

const members = <const S extends string = "">(path = "" as S) => `/api/organizations/${orgId}/members${path}` as const;
const add = (email: unknown, role: unknown, id = orgId) =>
  api("POST", `/api/organizations/${id}/members`, { token: owner.token, body: { email, role } });
const list = async (id = orgId) => expectOk(await api("GET", `/api/organizations/${id}/members`, { token: owner.token }));

describe("GET …/members", () => {
  it("lists members with their roles and public profile only, oldest first", async () => {
    const id = await createOrg(owner);
    const viewer = await signUp();
    expectOk(await add(viewer.email, "viewer", id), 201);
    expect(await list(id)).toEqual([
      {
        user_id: owner.userId,
        email: owner.email,
        username: owner.username,
        first_name: null,
        last_name: null,
        role: "owner",
        joined_at: expect.any(String),
      },
      expect.objectContaining({ user_id: viewer.userId, email: viewer.email, role: "viewer" }),
    ]);
  });
});

describe("POST …/members", () => {
  it.each(["owner", "admin", "member", "viewer"] as const)("adds an existing user as %s", async (role) => {
    const user = await signUp();
    const res = await add(user.email, role);
    expect(expectOk(res, 201)).toEqual(expect.objectContaining({ user_id: user.userId, email: user.email, role }));
    expect(res.body.message).toBe("Member added.");
    expect(await list()).toContainEqual(expect.objectContaining({ user_id: user.userId, role }));
    const seen = expectOk(await api("GET", `/api/organizations/${orgId}`, { token: user.token }));
    expect(seen.role).toBe(role);
  });

  it("finds the user whatever the case of the email", async () => {
    const user = await signUp();
    expect(expectOk(await add(user.email.toUpperCase(), "member"), 201).user_id).toBe(user.userId);
  });

  it("answers 404 for an email without an account", async () => {
    const res = await add("nobody-here@example.test", "member");
    expectFailure(res, 404, "not_found");
    expect(res.body.message).toMatch(/sign up/);
  });

  it("answers 404 for a closed account, as for one that never existed", async () => {
    const closed = await signUp();
    expectOk(await api("DELETE", "/auth/me", { token: closed.token }));
    const res = await add(closed.email, "admin");
    expectFailure(res, 404, "not_found");
    expect(res.body.message).toBe((await add("never-registered@example.test", "admin")).body.message);
  });

  it("refuses an existing member with 409 and keeps their role", async () => {
    const user = await signUp();
    expectOk(await add(user.email, "viewer"), 201);
    expectFailure(await add(user.email, "admin"), 409, "conflict");
    expect(await list()).toContainEqual(expect.objectContaining({ user_id: user.userId, role: "viewer" }));
  });

  it.each([
    ["a malformed email", "not-an-email", "member", "email"],
    ["a numeric email", 42, "member", "email"],
    ["an unknown role", "someone@example.test", "superuser", "role"],
    ["a missing role", "someone@example.test", undefined, "role"],
    ["an upper-case role", "someone@example.test", "ADMIN", "role"],
  ])("rejects %s", async (_label, email, role, path) => {
    expectInvalid(await add(email, role), path);
  });

  it("rejects unknown fields, malformed JSON, non-JSON and oversize bodies", async () => {
    const user = await signUp();
    const token = owner.token;
    expectFailure(
      await api("POST", members(), { token, body: { email: user.email, role: "member", user_id: "x" } }),
      400,
      "invalid_request",
    );
    expectFailure(
      await api("POST", members(), { token, rawBody: "{", headers: { "content-type": "application/json" } }),
      400,
      "invalid_request",
    );
    expectFailure(
      await api("POST", members(), { token, rawBody: JSON.stringify({ email: user.email, role: "member" }) }),
      415,
      "unsupported_media_type",
    );
    expectFailure(
      await api("POST", members(), { token, body: { email: user.email, role: "member", pad: "x".repeat(70_000) } }),
      413,
      "payload_too_large",
    );
    expect((await list()).map((m) => m.user_id)).not.toContain(user.userId);
  });
});

describe("PUT …/members/:userId", () => {
  it("changes a role", async () => {
    const user = await signUp();
    expectOk(await add(user.email, "viewer"), 201);
    const res = await api("PUT", members(`/${user.userId}`), { token: owner.token, body: { role: "admin" } });
    expect(expectOk(res)).toEqual(expect.objectContaining({ user_id: user.userId, role: "admin" }));
    expect(res.body.message).toBe("Role changed.");
    expect(await list()).toContainEqual(expect.objectContaining({ user_id: user.userId, role: "admin" }));
  });

  it("setting the same role is a no-op 200", async () => {
    const user = await signUp();
    expectOk(await add(user.email, "member"), 201);
    expect(expectOk(await api("PUT", members(`/${user.userId}`), { token: owner.token, body: { role: "member" } })).role).toBe("member");
  });

  it("answers 404 for a user who is not a member", async () => {
    const stranger = await signUp();
    expectFailure(await api("PUT", members(`/${stranger.userId}`), { token: owner.token, body: { role: "admin" } }), 404, "not_found");
    expectFailure(
      await api("PUT", members("/usr_00000000000000000000"), { token: owner.token, body: { role: "admin" } }),
      404,
      "not_found",
    );
  });

  it.each([
    ["an unknown role", { role: "root" }, "role"],
    ["an empty body", {}, "role"],
    ["an unknown field", { role: "admin", email: "x@example.test" }, "(root)"],
  ])("rejects %s", async (_label, body, path) => {
    const user = await signUp();
    expectOk(await add(user.email, "viewer"), 201);
    expectInvalid(await api("PUT", members(`/${user.userId}`), { token: owner.token, body }), path);
    expect(await list()).toContainEqual(expect.objectContaining({ user_id: user.userId, role: "viewer" }));
  });

  it("rejects a non-JSON body with 415", async () => {
    const user = await signUp();
    expectOk(await add(user.email, "viewer"), 201);
    expectFailure(
      await api("PUT", members(`/${user.userId}`), { token: owner.token, rawBody: '{"role":"admin"}' }),
      415,
      "unsupported_media_type",
    );
  });
});

describe("DELETE …/members/:userId", () => {
  it("removes a member", async () => {
    const user = await signUp();
    expectOk(await add(user.email, "member"), 201);
    const res = await api("DELETE", members(`/${user.userId}`), { token: owner.token });
    expect(expectOk(res)).toBeNull();
    expect(res.body.message).toBe("Member removed.");
    expect((await list()).map((m) => m.user_id)).not.toContain(user.userId);
  });

  it("answers 404 for a user who is not a member", async () => {
    const stranger = await signUp();
    expectFailure(await api("DELETE", members(`/${stranger.userId}`), { token: owner.token }), 404, "not_found");
  });

  it.each(["admin", "member", "viewer"] as const)("lets a %s leave on their own", async (role) => {
    const user = await signUp();
    expectOk(await add(user.email, role), 201);
    expectOk(await api("DELETE", members(`/${user.userId}`), { token: user.token }));
    expect((await list()).map((m) => m.user_id)).not.toContain(user.userId);
  });

  it("lets an owner leave once another owner exists", async () => {
    const id = await createOrg(owner);
    const second = await signUp();
    expectOk(await add(second.email, "owner", id), 201);
    expectOk(await api("DELETE", `/api/organizations/${id}/members/${owner.userId}`, { token: owner.token }));
    const remaining = expectOk(await api("GET", `/api/organizations/${id}/members`, { token: second.token }));
    expect(remaining).toEqual([expect.objectContaining({ user_id: second.userId, role: "owner" })]);
  });
});
