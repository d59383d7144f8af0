// Sessions and login under attack: forged, expired and garbage tokens, CSRF on cookie sessions,
// logout, login rate limiting, and what D1 keeps of passwords and session tokens.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hashPassword } from "../../src/auth/password";
import { type Account, api, createOrg, freshIp, mintKey, ORIGIN, signUp, tenant, unique } from "../helpers/api";
import { addMember } from "../helpers/invitations";
import { operator } from "../helpers/operator";
import { expectFailure, expectInvalid, expectOk } from "./envelope";

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const cookie = (account: Account) => ({ cookie: `rg_session=${account.token}` });

/** Scrypt parameters far below today's, as a deployment may have used before raising them. */
const OLD_PARAMS = { N: 2 ** 10, r: 8, p: 1, keyLength: 32 };
const storedHash = async (email: string) =>
  (await env.DB.prepare("SELECT password_hash AS h FROM users WHERE email = ?").bind(email).first<{ h: string }>())?.h;
/** Stores `hash` as the account's password hash, as D1 would hold one made with other parameters. */
async function storeHash(email: string, hash: string): Promise<string> {
  await env.DB.prepare("UPDATE users SET password_hash = ? WHERE email = ?").bind(hash, email).run();
  return hash;
}
/** Stores the account's password as hashed with OLD_PARAMS (an account made before they were raised). */
const hashWithOldParams = async (email: string, password: string) => storeHash(email, await hashPassword(password, OLD_PARAMS));

async function register(): Promise<{ email: string; password: string }> {
  const username = unique("u").replace("-", "_");
  const input = { email: `${username}@example.test`, username, password: "a long enough password" };
  expectOk(await api("POST", "/auth/register", { body: input }), 201);
  return input;
}

describe("session tokens", () => {
  const private_routes = [
    ["GET", "/auth/me"],
    ["GET", "/api/organizations"],
    ["POST", "/api/organizations"],
    ["GET", "/api/organizations/org_00000000000000000000"],
  ] as const;

  it.each(private_routes)("%s %s without any session is 401", async (method, path) => {
    expectFailure(await api(method, path, { body: method === "POST" ? { name: "x", slug: unique("s") } : undefined }), 401, "unauthorized");
  });

  it.each([
    ["garbage", "garbage"],
    ["a forged rgs_ token", `rgs_${"A".repeat(43)}`],
    ["a random rgs_ token", `rgs_${crypto.randomUUID()}${crypto.randomUUID()}`],
    ["an overlong token", `rgs_${"x".repeat(5000)}`],
    ["an API-key-shaped token", "rg_eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."],
  ])("%s as Bearer is 401", async (_label, token) => {
    for (const [method, path] of private_routes) {
      const body = method === "POST" ? { name: "x", slug: unique("s") } : undefined;
      expectFailure(await api(method, path, { token, body }), 401, "unauthorized");
    }
  });

  it("a forged cookie is 401", async () => {
    expectFailure(await api("GET", "/auth/me", { headers: { cookie: `rg_session=rgs_${"B".repeat(43)}` } }), 401, "unauthorized");
  });

  it("a session token with one character changed is 401", async () => {
    const account = await signUp();
    const last = account.token.at(-1) === "A" ? "B" : "A";
    expectFailure(await api("GET", "/auth/me", { token: `${account.token.slice(0, -1)}${last}` }), 401, "unauthorized");
  });

  it("a non-Bearer Authorization scheme is not a session", async () => {
    const account = await signUp();
    expectFailure(await api("GET", "/auth/me", { headers: { authorization: `Basic ${account.token}` } }), 401, "unauthorized");
  });

  it("an expired session is 401 even though its token is genuine", async () => {
    const account = await signUp();
    expectOk(await api("GET", "/auth/me", { token: account.token }));
    const hash = await sha256Hex(account.token);
    const updated = await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE token_hash = ?")
      .bind(Date.now() - 1000, hash)
      .run();
    expect(updated.meta.changes).toBe(1);
    expectFailure(await api("GET", "/auth/me", { token: account.token }), 401, "unauthorized");
    expectFailure(await api("GET", "/api/organizations", { headers: cookie(account) }), 401, "unauthorized");
  });

  it("a disabled account's sessions stop working and it cannot sign in", async () => {
    const account = await signUp();
    await env.DB.prepare("UPDATE users SET disabled_at = ? WHERE id = ?").bind(Date.now(), account.userId).run();
    expectFailure(await api("GET", "/auth/me", { token: account.token }), 401, "unauthorized");
    const login = await api("POST", "/auth/login", {
      body: { email: account.email, password: account.password },
      headers: { "cf-connecting-ip": freshIp() },
    });
    expectFailure(login, 401, "unauthorized");
  });
});

describe("logout", () => {
  it("invalidates the Bearer session for every private route", async () => {
    const account = await signUp();
    expectOk(await api("POST", "/auth/logout", { token: account.token }));
    expectFailure(await api("GET", "/auth/me", { token: account.token }), 401, "unauthorized");
    expectFailure(await api("GET", "/api/organizations", { token: account.token }), 401, "unauthorized");
    expectFailure(await api("GET", "/auth/me", { headers: cookie(account) }), 401, "unauthorized");
  });

  it("invalidates a cookie session and leaves the user's other sessions alive", async () => {
    const account = await signUp();
    const other = expectOk(
      await api("POST", "/auth/login", {
        body: { email: account.email, password: account.password },
        headers: { "cf-connecting-ip": freshIp() },
      }),
    );
    expectOk(await api("POST", "/auth/logout", { headers: cookie(account) }));
    expectFailure(await api("GET", "/auth/me", { headers: cookie(account) }), 401, "unauthorized");
    expectOk(await api("GET", "/auth/me", { token: other.token }));
  });

  it("removes the session row from D1", async () => {
    const account = await signUp();
    const hash = await sha256Hex(account.token);
    const before = await env.DB.prepare("SELECT id FROM sessions WHERE token_hash = ?").bind(hash).first();
    expect(before).not.toBeNull();
    expectOk(await api("POST", "/auth/logout", { token: account.token }));
    expect(await env.DB.prepare("SELECT id FROM sessions WHERE token_hash = ?").bind(hash).first()).toBeNull();
  });
});

describe("CSRF on cookie sessions", () => {
  const create = (account: Account, headers: Record<string, string>, slug: string) =>
    api("POST", "/api/organizations", { body: { name: "Csrf", slug }, headers: { ...cookie(account), ...headers } });

  it("refuses a cookie-authenticated mutation without Origin (403) and creates nothing", async () => {
    const account = await signUp();
    const slug = unique("csrf");
    expectFailure(await create(account, {}, slug), 403, "forbidden");
    const list = expectOk(await api("GET", "/api/organizations", { token: account.token }));
    expect(list.map((o) => o.slug)).not.toContain(slug);
  });

  it.each([
    ["a foreign Origin", { origin: "https://evil.example" }],
    ["the same host over http", { origin: "http://redisgate.test" }],
    ["a look-alike subdomain", { origin: "https://redisgate.test.evil.example" }],
    ["the literal null Origin", { origin: "null" }],
    ["Sec-Fetch-Site cross-site", { "sec-fetch-site": "cross-site" }],
    ["Sec-Fetch-Site same-site", { "sec-fetch-site": "same-site" }],
  ])("refuses %s with 403", async (_label, headers) => {
    const account = await signUp();
    expectFailure(await create(account, headers, unique("csrf")), 403, "forbidden");
  });

  it("accepts the same Origin", async () => {
    const account = await signUp();
    expectOk(await create(account, { origin: ORIGIN }, unique("csrf")), 201);
  });

  it("accepts Sec-Fetch-Site same-origin without Origin", async () => {
    const account = await signUp();
    expectOk(await create(account, { "sec-fetch-site": "same-origin" }, unique("csrf")), 201);
  });

  it("lets cookie sessions read without Origin", async () => {
    const account = await signUp();
    expectOk(await api("GET", "/api/organizations", { headers: cookie(account) }));
  });

  it("lets Bearer sessions mutate without Origin, even from a foreign one", async () => {
    const account = await signUp();
    expectOk(await api("POST", "/api/organizations", { token: account.token, body: { name: "Bearer", slug: unique("b") } }), 201);
    const foreign = { origin: "https://evil.example" };
    expectOk(
      await api("POST", "/api/organizations", { token: account.token, body: { name: "Bearer", slug: unique("b") }, headers: foreign }),
      201,
    );
  });

  it("checks the session before the origin: a forged cookie without Origin is 401", async () => {
    const res = await api("POST", "/api/organizations", {
      body: { name: "x", slug: unique("s") },
      headers: { cookie: `rg_session=rgs_${"C".repeat(43)}` },
    });
    expectFailure(res, 401, "unauthorized");
  });
});

describe("sign-in limits", { timeout: 180_000 }, () => {
  const attempt = (email: string, password: string, ip: string, cookie?: string) =>
    api("POST", "/auth/login", { body: { email, password }, headers: { "cf-connecting-ip": ip, ...(cookie ? { cookie } : {}) } });

  it("stops the 6th attempt from one address on one account (5 failures in 15 minutes) with 429 and Retry-After", async () => {
    const { email, password } = await register();
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expectFailure(await attempt(email, "wrong password", ip), 401, "unauthorized");
    const limited = await attempt(email, password, ip);
    expectFailure(limited, 429, "rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(800);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(900);
    expect(limited.headers.get("set-cookie")).toBeNull();
  });

  it("admits wrong passwords sent at once one by one: of 20 from one address, 5 are checked (401) and 15 refused (429)", async () => {
    const { email } = await register();
    const ip = freshIp();
    const answers = await Promise.all(Array.from({ length: 20 }, () => attempt(email, "wrong password", ip)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);
  });

  it("ten wrong passwords from ten other addresses do not lock the owner out", async () => {
    const { email, password } = await register();
    for (let i = 0; i < 10; i++) expectFailure(await attempt(email, "wrong password", freshIp()), 401, "unauthorized");
    expectOk(await attempt(email, password, freshIp()));
  });

  it("limits one address across accounts (30 failures in 15 minutes), without touching other addresses; a right password is not a failure", async () => {
    const ip = freshIp();
    const { email, password } = await register();
    for (let i = 0; i < 29; i++) expectFailure(await attempt(`${unique("nobody")}@example.test`, "whatever1", ip), 401, "unauthorized");
    expectOk(await attempt(email, password, ip)); // counted while it was checked, then taken back
    expectFailure(await attempt(`${unique("nobody")}@example.test`, "whatever1", ip), 401, "unauthorized");
    expectFailure(await attempt(email, password, ip), 429, "rate_limited");
    expectOk(await attempt(email, password, freshIp()));
  });

  /** A random /64 of the documentation prefix: its addresses are one client's. */
  const ipv6Block = () => `2001:db8:${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;

  it("counts an IPv6 client's /64 as one address: 30 failures from 30 of its addresses, and the 31st is refused (429)", async () => {
    const block = ipv6Block();
    const { email, password } = await register();
    for (let i = 1; i <= 30; i++) {
      expectFailure(await attempt(`${unique("nobody")}@example.test`, "whatever1", `${block}::${i.toString(16)}`), 401, "unauthorized");
    }
    // Another address of the same /64, written out in full and in capitals: the same client.
    const [a, b, c, d] = block.split(":");
    const spelled = `${a}:0${b}:${c?.toUpperCase()}:${d?.toUpperCase()}:FFFF:0:0:1`;
    expectFailure(await attempt(email, password, spelled), 429, "rate_limited");
    expectOk(await attempt(email, password, `${ipv6Block()}::1`)); // another /64 is another client
  });

  it("counts an IPv6 client's /64 as one address for an account: the 6th failure from its addresses is refused (429)", async () => {
    const block = ipv6Block();
    const { email, password } = await register();
    for (let i = 1; i <= 5; i++) expectFailure(await attempt(email, "wrong password", `${block}::${i}`), 401, "unauthorized");
    expectFailure(await attempt(email, password, `${block}::99`), 429, "rate_limited");
  });

  /**
   * 100 wrong passwords for the account, the most its hour allows: 5 from each of 20 addresses (the
   * most a pair allows), so every one counts against the account while only 20 address objects start.
   */
  async function failWidely(email: string) {
    for (let a = 0; a < 20; a++) {
      const ip = freshIp();
      for (let i = 0; i < 5; i++) expectFailure(await attempt(email, "wrong password", ip), 401, "unauthorized");
    }
  }

  it("stops wide guessing at 100 failures an hour per account, except for a browser trusted for it", async () => {
    const { email, password } = await register();
    const first = await attempt(email, password, freshIp());
    const device = first.headers.get("set-cookie")?.match(/rg_device=(rgd_[A-Za-z0-9_-]+)/)?.[1];
    expect(device).toBeDefined();
    await hashWithOldParams(email, password); // cheap to check: the limits, not scrypt, are under test
    await failWidely(email);
    expectFailure(await attempt(email, password, freshIp()), 429, "rate_limited");
    expectFailure(await attempt(email, password, freshIp(), "rg_device=rgd_forged"), 429, "rate_limited");
    expectOk(await attempt(email, password, freshIp(), `rg_device=${device}`));
  });

  /** Signs in once (its session and trusted device), then makes the account-wide window full: 100 failures from 100 addresses. */
  async function underWideGuessing() {
    const { email, password } = await register();
    const first = await attempt(email, password, freshIp());
    const token = expectOk(first).token;
    const device = first.headers.get("set-cookie")?.match(/rg_device=(rgd_[A-Za-z0-9_-]+)/)?.[1] as string;
    expect(device).toMatch(/^rgd_/);
    await hashWithOldParams(email, password); // cheap to check: the limits, not scrypt, are under test
    await failWidely(email);
    expectFailure(await attempt(email, password, freshIp()), 429, "rate_limited");
    return { email, password, token, device };
  }

  it("a password change keeps the browser that made it trusted: it signs in with the new password while the account-wide limit is full", async () => {
    const { email, password, token, device } = await underWideGuessing();
    const changed = await api("PUT", "/auth/password", {
      token,
      headers: { "cf-connecting-ip": freshIp(), cookie: `rg_device=${device}` },
      body: { current_password: password, new_password: "a new password" },
    });
    expectOk(changed);
    expectOk(await attempt(email, "a new password", freshIp(), `rg_device=${device}`));
    expectFailure(await attempt(email, "a new password", freshIp()), 429, "rate_limited"); // any other browser is still stopped
  });

  it("a reset keeps the browser that made it trusted: it signs in with the new password while the account-wide limit is full", async () => {
    const { email } = await underWideGuessing();
    const user = (await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email).first<{ id: string }>())?.id;
    const op = await operator();
    const link = expectOk(await api("POST", `/api/admin/users/${user}/password-reset`, { token: op.token }), 201).token;
    const resetter = `rgd_${crypto.randomUUID().replaceAll("-", "")}`; // a browser never trusted before
    const reset = await api("POST", "/auth/password-reset", {
      headers: { "cf-connecting-ip": freshIp(), cookie: `rg_device=${resetter}` },
      body: { token: link, new_password: "reset password 1" },
    });
    expectOk(reset);
    expectOk(await attempt(email, "reset password 1", freshIp(), `rg_device=${resetter}`));
    expectFailure(await attempt(email, "reset password 1", freshIp()), 429, "rate_limited");
  });

  it("hashes a password stored with weaker parameters again with today's at the next sign-in, and only then; a stronger one is kept", async () => {
    const { email, password } = await register();
    const old = await hashWithOldParams(email, password);
    expectFailure(await attempt(email, "wrong password", freshIp()), 401, "unauthorized");
    expect(await storedHash(email)).toBe(old); // a wrong password proves nothing: nothing to rehash
    expectOk(await attempt(email, password, freshIp()));
    const upgraded = await storedHash(email);
    expect(upgraded).toMatch(/^scrypt\$32768\$8\$1\$/);
    expectOk(await attempt(email, password, freshIp()));
    expect(await storedHash(email)).toBe(upgraded); // a current hash stays as it is
    // One made with stronger parameters (a deploy that raised them, rolled back) is kept, never weakened.
    const stronger = await storeHash(email, await hashPassword(password, { N: 2 ** 15, r: 8, p: 2, keyLength: 32 }));
    expectOk(await attempt(email, password, freshIp()));
    expect(await storedHash(email)).toBe(stronger);
  });

  it("answers a wrong password and an unknown email alike (no account oracle)", async () => {
    const { email } = await register();
    const wrong = await attempt(email, "wrong password", freshIp());
    const unknown = await attempt(`${unique("nobody")}@example.test`, "wrong password", freshIp());
    expectFailure(wrong, 401, "unauthorized");
    expectFailure(unknown, 401, "unauthorized");
    expect(wrong.body.message).toBe(unknown.body.message);
  });
});

describe("secrets at rest and in responses", () => {
  it("D1 keeps an scrypt hash of the password, never the password", async () => {
    const { email, password } = await register();
    const row = await env.DB.prepare("SELECT * FROM users WHERE email = ?").bind(email).first<Record<string, unknown>>();
    expect(row?.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(JSON.stringify(row)).not.toContain(password);
  });

  it("D1 keeps only the SHA-256 of a session token", async () => {
    const account = await signUp();
    const row = await env.DB.prepare("SELECT * FROM sessions WHERE token_hash = ?")
      .bind(await sha256Hex(account.token))
      .first<Record<string, unknown>>();
    expect(row).not.toBeNull();
    expect(row?.user_id).toBe(account.userId);
    expect(JSON.stringify(row)).not.toContain(account.token.slice(4));
  });

  it("no auth response contains the password or its hash", async () => {
    const username = unique("u").replace("-", "_");
    const input = { email: `${username}@example.test`, username, password: "unmistakable-pass-123" };
    const register = await api("POST", "/auth/register", { body: input });
    const login = await api("POST", "/auth/login", {
      body: { email: input.email, password: input.password },
      headers: { "cf-connecting-ip": freshIp() },
    });
    const responses = [register, login, await api("GET", "/auth/me", { token: login.body.data.token })];
    for (const res of responses) {
      expect(res.status).toBeLessThan(300);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(input.password);
      expect(text).not.toMatch(/password|scrypt/i);
    }
  });
});

/**
 * A member of another's organization who minted a key there: an account that may close (it owns no
 * organization alone), with `open()` checking that it, its session and its key all still work.
 */
async function closableMember() {
  const t = await tenant();
  const member = await signUp();
  await addMember(t.account, t.orgId, member, "member");
  const minted = await mintKey(member, t.orgId);
  const open = async () => {
    expectOk(await api("GET", "/auth/me", { token: member.token }));
    expectOk(
      await api("POST", "/auth/login", {
        body: { email: member.email, password: member.password },
        headers: { "cf-connecting-ip": freshIp() },
      }),
    );
    expect((await api("POST", `/redis/${t.instance.id}`, { token: minted.key, body: ["PING"] })).body).toEqual({ result: "PONG" });
    expect(await env.DIRECTORY.get(`v1:revoked:${minted.api_key.id}`)).toBeNull();
  };
  await open();
  return { member, keyId: minted.api_key.id, open };
}

describe("closing an account", { timeout: 60_000 }, () => {
  it("a stolen session alone cannot close the account: without the current password it is a 400 naming the field, and nothing changes", async () => {
    const { member, open } = await closableMember();
    for (const body of [undefined, {}, { current_password: "" }]) {
      const res = await api("DELETE", "/auth/me", { token: member.token, body });
      expect(expectFailure(res, 400, "invalid_request").map((issue) => issue.path)).toEqual(["current_password"]);
    }
    await open();
  });

  it("refuses a wrong current password as the password change does and changes nothing; the right one closes the account", async () => {
    const { member, keyId, open } = await closableMember();
    const wrong = await api("DELETE", "/auth/me", {
      token: member.token,
      headers: { "cf-connecting-ip": freshIp() },
      body: { current_password: "not the password" },
    });
    expect(expectFailure(wrong, 400, "invalid_request")).toEqual([{ path: "current_password", message: "is not correct" }]);
    expect(wrong.body.message).toBe("The current password is not correct.");
    await open();
    const closed = await api("DELETE", "/auth/me", { token: member.token, body: { current_password: member.password } });
    expect(expectOk(closed)).toEqual({ revoked_keys: 1 });
    expectFailure(await api("GET", "/auth/me", { token: member.token }), 401, "unauthorized");
    expectFailure(await api("POST", "/auth/login", { body: { email: member.email, password: member.password } }), 401, "unauthorized");
    expect(await env.DIRECTORY.get(`v1:revoked:${keyId}`)).not.toBeNull();
  });

  it("counts a wrong current password as a failed sign-in: the 6th check from one address is refused (429), even the right one", async () => {
    const account = await signUp();
    const ip = freshIp();
    const close = (current_password: string) =>
      api("DELETE", "/auth/me", { token: account.token, headers: { "cf-connecting-ip": ip }, body: { current_password } });
    for (let i = 0; i < 5; i++) expectInvalid(await close("wrong password"), "current_password");
    const limited = await close(account.password);
    expectFailure(limited, 429, "rate_limited");
    expect(limited.body.message).toMatch(/^Too many wrong passwords\. Try again in \d+ s\.$/);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(800);
    const login = (ip: string) =>
      api("POST", "/auth/login", { body: { email: account.email, password: account.password }, headers: { "cf-connecting-ip": ip } });
    expectFailure(await login(ip), 429, "rate_limited"); // one limit for both
    expectOk(await api("GET", "/auth/me", { token: account.token })); // still open
    expectOk(await login(freshIp())); // and another address signs in
  });

  it("refuses a cookie-authenticated closure without the same Origin (403) and keeps the account", async () => {
    const account = await signUp();
    const body = { current_password: account.password };
    expectFailure(await api("DELETE", "/auth/me", { headers: cookie(account), body }), 403, "forbidden");
    expectFailure(
      await api("DELETE", "/auth/me", { headers: { ...cookie(account), origin: "https://evil.example" }, body }),
      403,
      "forbidden",
    );
    expectOk(await api("GET", "/auth/me", { token: account.token }));
    expectOk(await api("DELETE", "/auth/me", { headers: { ...cookie(account), origin: ORIGIN }, body }));
    expectFailure(await api("GET", "/auth/me", { token: account.token }), 401, "unauthorized");
  });

  it("two co-owners closing their accounts at once cannot leave an organization without an owner", async () => {
    const pairs = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const [first, second] = [await signUp(), await signUp()];
        const orgId = await createOrg(first);
        await addMember(first, orgId, second, "owner");
        return { orgId, first, second };
      }),
    );
    await Promise.all(
      pairs.map(async ({ orgId, first, second }) => {
        const results = await Promise.all(
          [first, second].map((a) => api("DELETE", "/auth/me", { token: a.token, body: { current_password: a.password } })),
        );
        expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
        const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM memberships WHERE organization_id = ? AND role = 'owner'")
          .bind(orgId)
          .first<{ n: number }>()) ?? { n: 0 };
        expect(n).toBe(1);
      }),
    );
  });
});

/**
 * The sign-up limiter counts in fixed 60-second windows aligned to the epoch (as the Workers binding
 * does). A burst that straddled a window boundary would be split in two, so start it early in one.
 */
async function startEarlyInWindow(needMs = 12_000) {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

describe("sign-up rate limit", { timeout: 45_000 }, () => {
  it("refuses the 11th registration a minute from one IP with 429, and not other IPs", async () => {
    await startEarlyInWindow();
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const username = unique("s").replace("-", "_");
      const res = await api("POST", "/auth/register", {
        body: { email: `${username}@example.test`, username, password: "correct horse battery" },
        headers: { "cf-connecting-ip": ip },
      });
      statuses.push(res.status);
      if (i === 10) expect(res.headers.get("retry-after")).toBe("60");
    }
    expect(statuses).toEqual([...Array(10).fill(201), 429]);
    const other = unique("s").replace("-", "_");
    const elsewhere = await api("POST", "/auth/register", {
      body: { email: `${other}@example.test`, username: other, password: "correct horse battery" },
      headers: { "cf-connecting-ip": freshIp() },
    });
    expect(elsewhere.status).toBe(201);
  });

  it("counts an IPv6 client's /64 as one address: the 11th registration a minute from its addresses is refused (429)", async () => {
    await startEarlyInWindow();
    const block = `2001:db8:${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;
    const statuses: number[] = [];
    for (let i = 1; i <= 11; i++) {
      const username = unique("s").replace("-", "_");
      const res = await api("POST", "/auth/register", {
        body: { email: `${username}@example.test`, username, password: "correct horse battery" },
        headers: { "cf-connecting-ip": `${block}::${i}` },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([...Array(10).fill(201), 429]);
  });
});
