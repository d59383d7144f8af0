// /auth: register, login, logout, me — happy paths and every kind of bad input.

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createOrg, freshIp, mintKey, signUp, unique } from "../helpers/api";
import { addMember } from "../helpers/invitations";
import { operator } from "../helpers/operator";
import { expectFailure, expectInvalid, expectOk } from "./envelope";

const PASSWORD = "correct horse battery";

function registration(overrides: Record<string, unknown> = {}) {
  const username = unique("u").replace("-", "_");
  return { email: `${username}@example.test`, username, password: PASSWORD, ...overrides };
}

function login(email: string, password: string) {
  return api("POST", "/auth/login", { body: { email, password }, headers: { "cf-connecting-ip": freshIp() } });
}

/** A body streamed without Content-Length, as a chunked upload arrives. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
      controller.close();
    },
  });
}

describe("POST /auth/register", () => {
  it("creates an account and signs it in: the public user, a session token and the session cookie", async () => {
    const input = registration({ first_name: "Ada", last_name: "Lovelace" });
    const res = await api("POST", "/auth/register", {
      body: input,
      headers: { "cf-connecting-ip": "192.0.2.77", "user-agent": "signup-test" },
    });
    const data = expectOk(res, 201);
    expect(data).toEqual({
      token: expect.stringMatching(/^rgs_[A-Za-z0-9_-]{43}$/),
      user: {
        id: expect.stringMatching(/^usr_[a-z0-9]{20}$/),
        email: input.email,
        username: input.username,
        first_name: "Ada",
        last_name: "Lovelace",
        created_at: expect.any(String),
      },
      expires_at: expect.any(String),
    });
    expect(res.body.message).toBe("Account created.");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(new RegExp(`rg_session=${data.token}; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=Lax`));
    expect(cookie).toMatch(/rg_device=rgd_[A-Za-z0-9_-]+; Max-Age=7776000; Path=\/auth; HttpOnly; Secure; SameSite=Strict/);
    // The token is a session like a sign-in's: it reads the account and lists itself, with its address.
    expect(expectOk(await api("GET", "/auth/me", { token: data.token })).user).toEqual(data.user);
    const sessions = expectOk(await api("GET", "/auth/sessions", { token: data.token }));
    expect(sessions).toEqual([expect.objectContaining({ current: true, ip: "192.0.2.77", user_agent: "signup-test" })]);
  });

  it("stores the email lower-cased so login is case-insensitive", async () => {
    const input = registration();
    const data = expectOk(await api("POST", "/auth/register", { body: { ...input, email: input.email.toUpperCase() } }), 201);
    expect(data.user.email).toBe(input.email);
    expectOk(await login(input.email, PASSWORD));
    expectOk(await login(input.email.toUpperCase(), PASSWORD));
  });

  it.each([
    ["a malformed email", { email: "not-an-email" }, "email"],
    ["an email with spaces", { email: "a b@example.test" }, "email"],
    ["a 7-character password", { password: "1234567" }, "password"],
    ["a password over 256 characters", { password: "p".repeat(257) }, "password"],
    ["a too-short username", { username: "ab" }, "username"],
    ["a username with spaces", { username: "has space" }, "username"],
    ["a numeric username", { username: 12345 }, "username"],
    ["a missing password", { password: undefined }, "password"],
    ["a non-string first name", { first_name: ["Ada"] }, "first_name"],
  ])("rejects %s with 400 and an issue naming the field", async (_label, overrides, path) => {
    const input = registration(overrides);
    expectInvalid(await api("POST", "/auth/register", { body: input }), path);
    if (!("email" in overrides)) {
      expectFailure(await login(input.email, PASSWORD), 401, "unauthorized");
    }
  });

  it("names the 8-character rule in the issue", async () => {
    const issues = expectFailure(
      await api("POST", "/auth/register", { body: registration({ password: "short" }) }),
      400,
      "invalid_request",
    );
    expect(issues).toContainEqual({ path: "password", message: "must be at least 8 characters" });
  });

  it("rejects unknown fields", async () => {
    const res = await api("POST", "/auth/register", { body: registration({ is_admin: true }) });
    const issues = expectFailure(res, 400, "invalid_request");
    expect(JSON.stringify(issues)).toContain("is_admin");
  });

  it.each([
    ["a JSON array", "[]"],
    ["a JSON string", '"hello"'],
    ["null", "null"],
  ])("rejects %s as the body", async (_label, raw) => {
    expectFailure(
      await api("POST", "/auth/register", { rawBody: raw, headers: { "content-type": "application/json" } }),
      400,
      "invalid_request",
    );
  });

  it("rejects malformed JSON with 400", async () => {
    const res = await api("POST", "/auth/register", { rawBody: '{"email": "a@b.test",', headers: { "content-type": "application/json" } });
    expectFailure(res, 400, "invalid_request");
    expect(res.body.message).toMatch(/not valid JSON/);
  });

  it.each([
    ["text/plain", { "content-type": "text/plain" }],
    ["form encoding", { "content-type": "application/x-www-form-urlencoded" }],
    ["no content type", {}],
  ])("rejects a body sent as %s with 415", async (_label, headers) => {
    const input = registration();
    expectFailure(await api("POST", "/auth/register", { rawBody: JSON.stringify(input), headers }), 415, "unsupported_media_type");
    expectFailure(await login(input.email, PASSWORD), 401, "unauthorized");
  });

  it("accepts application/json with a charset", async () => {
    const res = await api("POST", "/auth/register", {
      rawBody: JSON.stringify(registration()),
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    expectOk(res, 201);
  });

  it("rejects a body over 64 KiB with 413", async () => {
    const res = await api("POST", "/auth/register", { body: registration({ first_name: "x".repeat(64 * 1024) }) });
    expectFailure(res, 413, "payload_too_large");
  });

  it("rejects a chunked body over 64 KiB with 413", async () => {
    const body = JSON.stringify(registration({ first_name: "x".repeat(70 * 1024) }));
    const res = await api("POST", "/auth/register", { rawBody: chunked(body), headers: { "content-type": "application/json" } });
    expectFailure(res, 413, "payload_too_large");
  });

  it("counts bytes, not characters: a chunked 90 KB body of 30,000 '€' is 413", async () => {
    const body = JSON.stringify(registration({ first_name: "€".repeat(30_000) }));
    const res = await api("POST", "/auth/register", { rawBody: chunked(body), headers: { "content-type": "application/json" } });
    expectFailure(res, 413, "payload_too_large");
  });

  it("accepts a body just under the limit up to validation", async () => {
    const res = await api("POST", "/auth/register", { body: registration({ first_name: "x".repeat(60 * 1024) }) });
    expectInvalid(res, "first_name");
  });
});

describe("POST /auth/register duplicates", () => {
  it("refuses a taken email with 409 and keeps the first account intact", async () => {
    const first = registration();
    expectOk(await api("POST", "/auth/register", { body: first }), 201);
    const res = await api("POST", "/auth/register", { body: registration({ email: first.email, password: "another password" }) });
    const issues = expectFailure(res, 409, "conflict");
    expect(issues).toEqual([{ path: "email", message: "already in use" }]);
    expectOk(await login(first.email, PASSWORD));
    expectFailure(await login(first.email, "another password"), 401, "unauthorized");
  });

  it("treats emails differing only in case as the same", async () => {
    const first = registration();
    expectOk(await api("POST", "/auth/register", { body: first }), 201);
    const res = await api("POST", "/auth/register", { body: registration({ email: first.email.toUpperCase() }) });
    expect(expectFailure(res, 409, "conflict")).toEqual([{ path: "email", message: "already in use" }]);
    // A refused registration signs nobody in.
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("refuses a taken username with 409", async () => {
    const first = registration();
    expectOk(await api("POST", "/auth/register", { body: first }), 201);
    const second = registration({ username: first.username });
    const res = await api("POST", "/auth/register", { body: second });
    expect(expectFailure(res, 409, "conflict")).toEqual([{ path: "username", message: "already in use" }]);
    expectFailure(await login(second.email, PASSWORD), 401, "unauthorized");
  });
});

describe("POST /auth/login", () => {
  it("returns a session token and the user, and sets a HttpOnly Secure SameSite=Lax cookie", async () => {
    const input = registration();
    const { user } = expectOk(await api("POST", "/auth/register", { body: input }), 201);
    const res = await login(input.email, PASSWORD);
    const data = expectOk(res);
    expect(data).toEqual({ token: expect.stringMatching(/^rgs_[A-Za-z0-9_-]{43}$/), user, expires_at: expect.any(String) });
    const ttl = Date.parse(data.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(7 * 86_400_000);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toContain(`rg_session=${data.token}`);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; Max-Age=604800/);
  });

  it("issues a distinct token per login", async () => {
    const account = await signUp();
    const again = expectOk(await login(account.email, account.password));
    expect(again.token).not.toBe(account.token);
  });

  it.each([
    ["a malformed email", { email: "nope", password: PASSWORD }, "email"],
    ["an empty password", { email: "a@example.test", password: "" }, "password"],
    ["a numeric password", { email: "a@example.test", password: 12345678 }, "password"],
    ["an unknown field", { email: "a@example.test", password: PASSWORD, remember: true }, "(root)"],
  ])("rejects %s with 400", async (_label, body, path) => {
    expectInvalid(await api("POST", "/auth/login", { body, headers: { "cf-connecting-ip": freshIp() } }), path);
  });

  it("rejects malformed JSON and non-JSON bodies", async () => {
    const headers = { "cf-connecting-ip": freshIp() };
    expectFailure(
      await api("POST", "/auth/login", { rawBody: "{", headers: { ...headers, "content-type": "application/json" } }),
      400,
      "invalid_request",
    );
    expectFailure(await api("POST", "/auth/login", { rawBody: "email=a&password=b", headers }), 415, "unsupported_media_type");
  });
});

describe("GET /auth/me and POST /auth/logout", () => {
  it("/auth/me returns the signed-in user", async () => {
    const account = await signUp();
    const data = expectOk(await api("GET", "/auth/me", { token: account.token }));
    expect(data.user).toMatchObject({ id: account.userId, email: account.email, username: account.username });
    expect(Object.keys(data.user).sort()).toEqual(["created_at", "email", "first_name", "id", "last_name", "username"]);
    expect(data.is_operator).toBe(false);
  });

  it("/auth/me says whether the account is an operator (the dashboard shows the operator page to them only)", async () => {
    const op = await operator();
    expect(expectOk(await api("GET", "/auth/me", { token: op.token })).is_operator).toBe(true);
  });

  it("/auth/me works with the session cookie", async () => {
    const account = await signUp();
    const data = expectOk(await api("GET", "/auth/me", { headers: { cookie: `rg_session=${account.token}` } }));
    expect(data.user.id).toBe(account.userId);
  });

  it("/auth/me without a session is 401", async () => {
    expectFailure(await api("GET", "/auth/me"), 401, "unauthorized");
  });

  it("logout ends the session and clears the cookie", async () => {
    const account = await signUp();
    const res = await api("POST", "/auth/logout", { token: account.token });
    expect(expectOk(res)).toBeNull();
    expect(res.headers.get("set-cookie")).toMatch(/^rg_session=; Max-Age=0; Path=\/; Secure/);
    expectFailure(await api("GET", "/auth/me", { token: account.token }), 401, "unauthorized");
  });

  it("logout without a session is a harmless 200", async () => {
    expect(expectOk(await api("POST", "/auth/logout"))).toBeNull();
  });
});

describe("DELETE /auth/me (close the account)", () => {
  it("disables the account, signs out everywhere, leaves every organization and revokes the user's keys", async () => {
    const [owner, leaver] = [await signUp(), await signUp()];
    const orgId = await createOrg(owner);
    await addMember(owner, orgId, leaver, "member");
    const mine = await mintKey(leaver, orgId);
    const theirs = await mintKey(owner, orgId);
    const second = expectOk(await login(leaver.email, leaver.password));

    const res = await api("DELETE", "/auth/me", { token: leaver.token, body: { current_password: leaver.password } });
    expect(expectOk(res)).toEqual({ revoked_keys: 1 });
    expect(res.body.message).toBe("Account closed.");
    expect(res.headers.get("set-cookie")).toMatch(/^rg_session=; Max-Age=0/);

    for (const token of [leaver.token, second.token]) expectFailure(await api("GET", "/auth/me", { token }), 401, "unauthorized");
    expectFailure(await login(leaver.email, leaver.password), 401, "unauthorized");
    const members = expectOk(await api("GET", `/api/organizations/${orgId}/members`, { token: owner.token }));
    expect(members.map((m) => m.user_id)).toEqual([owner.userId]);
    expect(
      expectOk(await api("GET", `/api/organizations/${orgId}/api-keys/${mine.api_key.id}`, { token: owner.token })).revoked_at,
    ).not.toBeNull();
    expect(await env.DIRECTORY.get(`v1:revoked:${mine.api_key.id}`)).not.toBeNull();
    expect(
      expectOk(await api("GET", `/api/organizations/${orgId}/api-keys/${theirs.api_key.id}`, { token: owner.token })).revoked_at,
    ).toBeNull();
    expect(await env.DIRECTORY.get(`v1:revoked:${theirs.api_key.id}`)).toBeNull();
  });

  it("refuses (409) while the user is the last owner of an organization, and changes nothing", async () => {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const key = await mintKey(owner, orgId);
    const res = await api("DELETE", "/auth/me", { token: owner.token, body: { current_password: owner.password } });
    expectFailure(res, 409, "conflict");
    expect(res.body.message).toContain(orgId);
    expectOk(await api("GET", "/auth/me", { token: owner.token }));
    expect(await env.DIRECTORY.get(`v1:revoked:${key.api_key.id}`)).toBeNull();
  });

  it("without a session is 401", async () => {
    expectFailure(await api("DELETE", "/auth/me", { body: { current_password: "anything" } }), 401, "unauthorized");
  });
});
