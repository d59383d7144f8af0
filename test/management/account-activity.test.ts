// An account's own security activity (GET /auth/activity): every change to its sign-in state writes
// a row in the same batch as the change, with where it came from, and only the account sees them.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Account, api, freshIp, signUp } from "../helpers/api";
import { operator } from "../helpers/operator";
import { expectFailure, expectOk } from "./envelope";

const activity = async (account: Account) => expectOk(await api("GET", "/auth/activity", { token: account.token }));
const actions = async (account: Account) => (await activity(account)).map((row) => row.action);

const login = (email: string, password: string, ip = freshIp(), userAgent = "second-browser/2") =>
  api("POST", "/auth/login", { body: { email, password }, headers: { "cf-connecting-ip": ip, "user-agent": userAgent } });

describe("GET /auth/activity", () => {
  it("records sign-up, sign-in, a password change and sessions ended, newest first, with address and user agent", async () => {
    const account = await signUp();
    const ip = freshIp();
    const other = expectOk(await login(account.email, account.password, ip, "laptop/1"));
    const signIn = (await activity(account))[0];
    expect(signIn).toMatchObject({ action: "account.sign_in", ip, user_agent: "laptop/1" });
    expect(signIn?.request_id).toMatch(/\S/);
    const sessions = expectOk(await api("GET", "/auth/sessions", { token: other.token }));
    const laptop = sessions.find((s) => s.current);
    expectOk(await api("DELETE", `/auth/sessions/${laptop?.id}`, { token: account.token }));
    expectOk(
      await api("PUT", "/auth/password", {
        token: account.token,
        body: { current_password: account.password, new_password: "a new password" },
      }),
    );
    expect(await actions(account)).toEqual(["account.password_change", "account.session_end", "account.sign_in", "account.register"]);
    expect((await activity(account))[1]?.metadata).toEqual({ session_id: laptop?.id });
    // Signing out everywhere ends this session too: the row is there for the next one.
    expectOk(await api("DELETE", "/auth/sessions", { token: account.token }));
    const back = { ...account, token: expectOk(await login(account.email, "a new password")).token };
    expect((await actions(back)).slice(0, 2)).toEqual(["account.sign_in", "account.sessions_end"]);
  });

  it("records a password reset through an operator's link, and a closed account's closure", async () => {
    const op = await operator();
    const account = await signUp();
    const issued = expectOk(await api("POST", `/api/admin/users/${account.userId}/password-reset`, { token: op.token }), 201);
    expectOk(
      await api("POST", "/auth/password-reset", {
        body: { token: issued.token, new_password: "reset password 1" },
        headers: { "user-agent": "phone/3" },
      }),
    );
    const back = { ...account, token: expectOk(await login(account.email, "reset password 1")).token, password: "reset password 1" };
    expect((await activity(back))[1]).toMatchObject({ action: "account.password_reset", user_agent: "phone/3" });
    expectOk(await api("DELETE", "/auth/me", { token: back.token, body: { current_password: back.password } }));
    const { action } = (await env.DB.prepare("SELECT action FROM account_audit_logs WHERE user_id = ? ORDER BY created_at DESC, id DESC")
      .bind(account.userId)
      .first<{ action: string }>()) as { action: string };
    expect(action).toBe("account.close");
  });

  it("records a sign-out with its session, address and user agent; signing out an ended session again writes nothing", async () => {
    const account = await signUp();
    const ip = freshIp();
    const laptop = expectOk(await login(account.email, account.password, ip, "laptop/1"));
    const session = expectOk(await api("GET", "/auth/sessions", { token: laptop.token })).find((s) => s.current);
    const out = await api("POST", "/auth/logout", { token: laptop.token, headers: { "cf-connecting-ip": ip, "user-agent": "laptop/1" } });
    expectOk(out);
    expectOk(await api("POST", "/auth/logout", { token: laptop.token }));
    const next = { ...account, token: expectOk(await login(account.email, account.password)).token };
    const rows = await activity(next);
    expect(rows.map((row) => row.action)).toEqual(["account.sign_in", "account.sign_out", "account.sign_in", "account.register"]);
    expect(rows[1]).toMatchObject({
      ip,
      user_agent: "laptop/1",
      request_id: out.headers.get("x-request-id"),
      metadata: { session_id: session?.id },
    });
  });

  it("writes no row for a session that is not the account's (404), and none for a failed sign-in", async () => {
    const [account, stranger] = [await signUp(), await signUp()];
    const sessions = expectOk(await api("GET", "/auth/sessions", { token: stranger.token }));
    expect(sessions).toHaveLength(1); // the stranger's sign-up's session; an empty list would test nothing
    expectFailure(await api("DELETE", `/auth/sessions/${sessions[0]?.id}`, { token: account.token }), 404, "not_found");
    expectFailure(await login(account.email, "wrong password"), 401, "unauthorized");
    expect(await actions(account)).toEqual(["account.register"]);
  });

  it("shows each account only its own rows, pages with a cursor, and needs a session", async () => {
    const [account, stranger] = [await signUp(), await signUp()];
    for (let i = 0; i < 3; i++) expectOk(await login(account.email, account.password));
    expect(await actions(stranger)).toEqual(["account.register"]);
    const first = await api("GET", "/auth/activity?limit=2", { token: account.token });
    expect(expectOk(first)).toHaveLength(2);
    const next = first.body.pagination?.next_cursor as string;
    const rest = expectOk(await api("GET", `/auth/activity?limit=2&cursor=${encodeURIComponent(next)}`, { token: account.token }));
    expect(rest.map((r) => r.action)).toEqual(["account.sign_in", "account.register"]);
    expectFailure(await api("GET", "/auth/activity"), 401, "unauthorized");
  });
});
