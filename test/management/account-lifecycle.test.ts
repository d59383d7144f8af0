// The account lifecycle: change the password (ends other sessions), list and end sessions, reset
// through an operator-issued one-time link, and sessions that die of inactivity.

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/encoding";
import { type Account, api, freshIp, signUp } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { beforeFirstBatch } from "../helpers/counting-bindings";
import { operator } from "../helpers/operator";
import { expectFailure, expectInvalid, expectOk } from "./envelope";

const login = (email: string, password: string, ip = freshIp()) =>
  api("POST", "/auth/login", { body: { email, password }, headers: { "cf-connecting-ip": ip, "user-agent": "second-browser/2" } });

/** A reset link that no longer works: refused with the one answer of every unknown, used or expired link, and nothing set. */
async function expectSpent(token: string): Promise<void> {
  const res = await api("POST", "/auth/password-reset", { body: { token, new_password: "an attacker's password" } });
  expectFailure(res, 401, "unauthorized");
  expect(res.body.message).toBe("This reset link is invalid, used or expired. Ask the operator for a new one.");
}

async function secondSession(account: Account): Promise<string> {
  return expectOk(await login(account.email, account.password)).token;
}

describe("PUT /auth/password", () => {
  it("needs the current password, ends every other session, and the new password signs in", async () => {
    const account = await signUp();
    const other = await secondSession(account);
    const wrong = await api("PUT", "/auth/password", {
      token: account.token,
      body: { current_password: "nope", new_password: "a new password" },
    });
    expectInvalid(wrong, "current_password");
    expectOk(await api("GET", "/auth/me", { token: other }));
    const res = await api("PUT", "/auth/password", {
      token: account.token,
      body: { current_password: account.password, new_password: "a new password" },
    });
    expect(res.body.message).toBe("Password changed; your other sessions have ended.");
    expectOk(res);
    expectFailure(await api("GET", "/auth/me", { token: other }), 401, "unauthorized");
    expectOk(await api("GET", "/auth/me", { token: account.token }));
    expectFailure(await login(account.email, account.password), 401, "unauthorized");
    expectOk(await login(account.email, "a new password"));
  });

  it("counts a wrong current password as a failed sign-in: the 6th check from one address is refused (429), even the right one", async () => {
    const account = await signUp();
    const ip = freshIp();
    const change = (current: string) =>
      api("PUT", "/auth/password", {
        token: account.token,
        headers: { "cf-connecting-ip": ip },
        body: { current_password: current, new_password: "a new password" },
      });
    for (let i = 0; i < 5; i++) expectInvalid(await change("wrong password"), "current_password");
    const limited = await change(account.password);
    expectFailure(limited, 429, "rate_limited");
    expect(limited.body.message).toMatch(/^Too many wrong passwords\. Try again in \d+ s\.$/);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(800);
    expectFailure(await login(account.email, account.password, ip), 429, "rate_limited"); // one limit for both
    expectOk(await login(account.email, account.password)); // unchanged, and another address signs in
  });

  it("takes a right current password back from the count: six changes in a row from one address all succeed", async () => {
    const account = await signUp();
    const ip = freshIp();
    let current = account.password;
    for (let i = 0; i < 6; i++) {
      const next = `a new password ${i}`;
      const changed = await api("PUT", "/auth/password", {
        token: account.token,
        headers: { "cf-connecting-ip": ip },
        body: { current_password: current, new_password: next },
      });
      expectOk(changed);
      current = next;
    }
  });

  it("rejects a short new password and unknown fields (400), and strangers (401)", async () => {
    const account = await signUp();
    expectInvalid(
      await api("PUT", "/auth/password", { token: account.token, body: { current_password: account.password, new_password: "short" } }),
      "new_password",
    );
    expectInvalid(
      await api("PUT", "/auth/password", {
        token: account.token,
        body: { current_password: account.password, new_password: "long enough", x: 1 },
      }),
      "(root)",
    );
    expectFailure(
      await api("PUT", "/auth/password", { body: { current_password: "x", new_password: "long enough" } }),
      401,
      "unauthorized",
    );
  });
});

describe("/auth/sessions", () => {
  it("lists your sessions with address and user agent, ends one, then all", async () => {
    const account = await signUp();
    const other = await secondSession(account);
    const list = expectOk(await api("GET", "/auth/sessions", { token: account.token }));
    expect(list).toHaveLength(2);
    const second = list.find((s) => !s.current);
    expect(second).toMatchObject({
      id: expect.stringMatching(/^ses_/),
      user_agent: "second-browser/2",
      ip: expect.stringMatching(/^10\./),
    });
    expect(list.find((s) => s.current)).toMatchObject({
      last_seen_at: expect.any(String),
      created_at: expect.any(String),
    });
    expectOk(await api("DELETE", `/auth/sessions/${second?.id}`, { token: account.token }));
    expectFailure(await api("GET", "/auth/me", { token: other }), 401, "unauthorized");
    expectFailure(await api("DELETE", `/auth/sessions/${second?.id}`, { token: account.token }), 404, "not_found");
    expectFailure(await api("DELETE", "/auth/sessions/not-an-id", { token: account.token }), 404, "not_found");
    await secondSession(account);
    expectOk(await api("DELETE", "/auth/sessions", { token: account.token }));
    expectFailure(await api("GET", "/auth/sessions", { token: account.token }), 401, "unauthorized");
  });

  it("cannot end another account's session (404) and does not list it", async () => {
    const [mine, theirs] = await Promise.all([signUp(), signUp()]);
    const theirSessions = expectOk(await api("GET", "/auth/sessions", { token: theirs.token }));
    expect(theirSessions).toHaveLength(1); // their sign-up's session; an empty list would test nothing
    const theirId = theirSessions[0]?.id as string;
    expectFailure(await api("DELETE", `/auth/sessions/${theirId}`, { token: mine.token }), 404, "not_found");
    expectOk(await api("GET", "/auth/me", { token: theirs.token }));
    const ids = expectOk(await api("GET", "/auth/sessions", { token: mine.token })).map((s) => s.id);
    expect(ids).not.toContain(theirId);
  });

  it("signing in deletes the account's sessions that can no longer be used (expired, or idle a day), and keeps the rest", async () => {
    const account = await signUp();
    const [expired, idle, live] = [account.token, await secondSession(account), await secondSession(account)];
    const mark = async (column: string, at: number, token: string) =>
      env.DB.prepare(`UPDATE sessions SET ${column} = ? WHERE token_hash = ?`)
        .bind(at, await sha256Hex(token))
        .run();
    await mark("expires_at", Date.now() - 1000, expired);
    await mark("last_seen_at", Date.now() - 24 * 3600_000 - 1000, idle);
    const rows = async () =>
      (await env.DB.prepare("SELECT token_hash AS h FROM sessions WHERE user_id = ?").bind(account.userId).all<{ h: string }>()).results
        .map((r) => r.h)
        .sort();
    expect(await rows()).toHaveLength(3);
    const latest = await secondSession(account);
    expect(await rows()).toEqual([await sha256Hex(live), await sha256Hex(latest)].sort());
    expectOk(await api("GET", "/auth/me", { token: live }));
  });

  it("a session idle for a day is dead even before its absolute expiry", async () => {
    const account = await signUp();
    await env.DB.prepare("UPDATE sessions SET last_seen_at = ? WHERE user_id = ?")
      .bind(Date.now() - 24 * 3600_000 - 1000, account.userId)
      .run();
    expectFailure(await api("GET", "/auth/me", { token: account.token }), 401, "unauthorized");
  });
});

describe("password reset through an operator's link", () => {
  it("sets a new password once, ends every session; the link cannot be used again", async () => {
    const op = await operator();
    const account = await signUp();
    const issued = expectOk(await api("POST", `/api/admin/users/${account.userId}/password-reset`, { token: op.token }), 201);
    expect(issued).toMatchObject({ user_id: account.userId, token: expect.stringMatching(/^rgr_/), expires_at: expect.any(String) });
    expect(Date.parse(issued.expires_at) - Date.now()).toBeLessThanOrEqual(3600_000);
    const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM password_resets WHERE token_hash = ?")
      .bind(issued.token)
      .first<{ n: number }>()) ?? { n: -1 };
    expect(n).toBe(0); // stored hashed, never as issued
    const used = await api("POST", "/auth/password-reset", { body: { token: issued.token, new_password: "reset password 1" } });
    expectOk(used);
    expectFailure(await api("GET", "/auth/me", { token: account.token }), 401, "unauthorized");
    expectOk(await login(account.email, "reset password 1"));
    const again = await api("POST", "/auth/password-reset", { body: { token: issued.token, new_password: "reset password 2" } });
    expectFailure(again, 401, "unauthorized");
    expectFailure(
      await api("POST", "/auth/password-reset", { body: { token: "rgr_forged", new_password: "reset password 2" } }),
      401,
      "unauthorized",
    );
    expectInvalid(await api("POST", "/auth/password-reset", { body: { token: issued.token } }), "new_password");
  });

  it("refuses an expired link", async () => {
    const op = await operator();
    const account = await signUp();
    const issued = expectOk(await api("POST", `/api/admin/users/${account.userId}/password-reset`, { token: op.token }), 201);
    await env.DB.prepare("UPDATE password_resets SET expires_at = ? WHERE user_id = ?")
      .bind(Date.now() - 1, account.userId)
      .run();
    expectFailure(
      await api("POST", "/auth/password-reset", { body: { token: issued.token, new_password: "reset password 1" } }),
      401,
      "unauthorized",
    );
    expectOk(await login(account.email, account.password));
  });

  it("issuing a link deletes every earlier one of the account, used, expired or still usable: only the newest works", async () => {
    const op = await operator();
    const account = await signUp();
    const issue = async () =>
      expectOk(await api("POST", `/api/admin/users/${account.userId}/password-reset`, { token: op.token }), 201).token;
    const [used, expired, older] = [await issue(), await issue(), await issue()];
    await env.DB.prepare("UPDATE password_resets SET used_at = ? WHERE token_hash = ?")
      .bind(Date.now(), await sha256Hex(used))
      .run();
    await env.DB.prepare("UPDATE password_resets SET expires_at = ? WHERE token_hash = ?")
      .bind(Date.now() - 1, await sha256Hex(expired))
      .run();
    const latest = await issue();
    const rows = await env.DB.prepare("SELECT token_hash AS h FROM password_resets WHERE user_id = ?")
      .bind(account.userId)
      .all<{ h: string }>();
    expect(rows.results.map((r) => r.h)).toEqual([await sha256Hex(latest)]);
    await expectSpent(older);
    expectOk(await api("POST", "/auth/password-reset", { body: { token: latest, new_password: "reset password 2" } }));
  });

  it("a reset with the newer of two links ends the older: it is refused as any spent link is", async () => {
    const op = await operator();
    const account = await signUp();
    const issue = async () =>
      expectOk(await api("POST", `/api/admin/users/${account.userId}/password-reset`, { token: op.token }), 201).token;
    const first = await issue();
    const second = await issue();
    expectOk(await api("POST", "/auth/password-reset", { body: { token: second, new_password: "reset password 1" } }));
    await expectSpent(first);
    await expectSpent(second);
    expectOk(await login(account.email, "reset password 1"));
  });

  it("a password change ends every reset link issued before it", async () => {
    const op = await operator();
    const account = await signUp();
    const link = expectOk(await api("POST", `/api/admin/users/${account.userId}/password-reset`, { token: op.token }), 201).token;
    expectOk(
      await api("PUT", "/auth/password", {
        token: account.token,
        body: { current_password: account.password, new_password: "a new password" },
      }),
    );
    await expectSpent(link);
    expectOk(await login(account.email, "a new password"));
  });
});

describe("a sign-in racing a password change or reset", () => {
  /**
   * Signs in with `password` through an app whose D1 runs `meanwhile` after the sign-in has read the
   * account and checked the password, just before it writes its session.
   */
  async function signInAround(account: Account, password: string, meanwhile: () => Promise<unknown>) {
    const app = clockedApp(Date.now(), { ...env, DB: beforeFirstBatch(env.DB, meanwhile) });
    const res = await app.fetch("/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": freshIp() },
      body: JSON.stringify({ email: account.email, password }),
    });
    return { status: res.status, body: (await res.json()) as { data?: { token: string }; error?: { code: string }; message?: string } };
  }
  const signIns = async (userId: string) =>
    (
      await env.DB.prepare("SELECT COUNT(*) AS n FROM account_audit_logs WHERE user_id = ? AND action = 'account.sign_in'")
        .bind(userId)
        .first<{ n: number }>()
    )?.n;
  const wrongPassword = async (account: Account) => (await login(account.email, "wrong password")).body;

  it("a sign-in that checked the old password while it was changed gets no session: 401 as a wrong password, no sign-in row", async () => {
    const account = await signUp();
    const raced = await signInAround(account, account.password, async () =>
      expectOk(
        await api("PUT", "/auth/password", {
          token: account.token,
          body: { current_password: account.password, new_password: "a new password" },
        }),
      ),
    );
    const token = raced.body.data?.token; // a session it got anyway must not sign anyone in
    if (token) expectFailure(await api("GET", "/auth/me", { token }), 401, "unauthorized");
    expect(raced.status).toBe(401);
    expect(raced.body.error?.code).toBe("unauthorized");
    expect(raced.body.message).toBe((await wrongPassword(account)).message);
    expect(await signIns(account.userId)).toBe(0);
    expectOk(await login(account.email, "a new password"));
  });

  it("a sign-in that checked the old password while it was reset gets no session: 401 as a wrong password, no sign-in row", async () => {
    const op = await operator();
    const account = await signUp();
    const issued = expectOk(await api("POST", `/api/admin/users/${account.userId}/password-reset`, { token: op.token }), 201);
    const raced = await signInAround(account, account.password, async () =>
      expectOk(await api("POST", "/auth/password-reset", { body: { token: issued.token, new_password: "reset password 1" } })),
    );
    const token = raced.body.data?.token; // a session it got anyway must not sign anyone in
    if (token) expectFailure(await api("GET", "/auth/me", { token }), 401, "unauthorized");
    expect(raced.status).toBe(401);
    expect(raced.body.message).toBe((await wrongPassword(account)).message);
    expect(await signIns(account.userId)).toBe(0);
    expectOk(await login(account.email, "reset password 1"));
  });
});
