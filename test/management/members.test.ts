// /api/organizations/:orgId/members: list, change role, remove, leave (joining: invitations.test.ts).
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, api, createOrg, signUp } from "../helpers/api";
import { addMember, type Role } from "../helpers/invitations";
import { expectFailure, expectInvalid, expectOk } from "./envelope";

let owner: Account;
let orgId: string;
beforeAll(async () => {
  owner = await signUp();
  orgId = await createOrg(owner);
});

const members = <const S extends string = "">(path = "" as S) => `/api/organizations/${orgId}/members${path}` as const;
const add = (account: Account, role: Role, id = orgId) => addMember(owner, id, account, role);
const list = async (id = orgId) => expectOk(await api("GET", `/api/organizations/${id}/members`, { token: owner.token }));

describe("GET …/members", () => {
  it("lists members with their roles and public profile only, oldest first", async () => {
    const id = await createOrg(owner);
    const viewer = await signUp();
    await add(viewer, "viewer", id);
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

  it("pages with limit and next_cursor, in the order members joined, each member once", async () => {
    const id = await createOrg(owner);
    const joined = [owner.userId];
    for (const role of ["viewer", "member", "admin"] as const) {
      const account = await signUp();
      await add(account, role, id);
      joined.push(account.userId);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 4; page++) {
      const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const res = await api("GET", `/api/organizations/${id}/members?limit=2${after}`, { token: owner.token });
      const items = expectOk(res);
      expect(items.length).toBeLessThanOrEqual(2);
      expect(res.body.pagination.limit).toBe(2);
      seen.push(...items.map((m) => m.user_id));
      cursor = res.body.pagination.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(joined);
    expect(cursor).toBeNull();
  });

  it("refuses a malformed cursor and a limit out of range with 400", async () => {
    const bad = await api("GET", `/api/organizations/${orgId}/members?cursor=not-a-cursor`, { token: owner.token });
    expectFailure(bad, 400, "invalid_request");
    expect(bad.body.message).toContain("cursor is malformed");
    expectInvalid(await api("GET", `/api/organizations/${orgId}/members?limit=101`, { token: owner.token }), "limit");
  });
});

describe("PUT …/members/:userId", () => {
  it("changes a role", async () => {
    const user = await signUp();
    await add(user, "viewer");
    const res = await api("PUT", members(`/${user.userId}`), { token: owner.token, body: { role: "admin" } });
    expect(expectOk(res)).toEqual(expect.objectContaining({ user_id: user.userId, role: "admin" }));
    expect(res.body.message).toBe("Role changed.");
    expect(await list()).toContainEqual(expect.objectContaining({ user_id: user.userId, role: "admin" }));
  });

  it("setting the same role is a no-op 200", async () => {
    const user = await signUp();
    await add(user, "member");
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
    await add(user, "viewer");
    expectInvalid(await api("PUT", members(`/${user.userId}`), { token: owner.token, body }), path);
    expect(await list()).toContainEqual(expect.objectContaining({ user_id: user.userId, role: "viewer" }));
  });

  it("rejects a non-JSON body with 415", async () => {
    const user = await signUp();
    await add(user, "viewer");
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
    await add(user, "member");
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
    await add(user, role);
    expectOk(await api("DELETE", members(`/${user.userId}`), { token: user.token }));
    expect((await list()).map((m) => m.user_id)).not.toContain(user.userId);
  });

  it("lets an owner leave once another owner exists", async () => {
    const id = await createOrg(owner);
    const second = await signUp();
    await add(second, "owner", id);
    expectOk(await api("DELETE", `/api/organizations/${id}/members/${owner.userId}`, { token: owner.token }));
    const remaining = expectOk(await api("GET", `/api/organizations/${id}/members`, { token: second.token }));
    expect(remaining).toEqual([expect.objectContaining({ user_id: second.userId, role: "owner" })]);
  });
});
