// /auth: register, login (session token + HttpOnly cookie), logout, me.
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { DEVICE_COOKIE, SESSION_COOKIE, sessionToken } from "../auth/middleware";
import { SESSION_TTL_MS } from "../auth/sessions";
import { AppError } from "../errors";
import { addressBlock } from "../lib/address-block";
import { closeAccount } from "../services/account-closure";
import { signOut } from "../services/account-lifecycle";
import { login, presentUser, register, type SignedIn } from "../services/accounts";
import { openDb } from "../services/context";
import { clientIp, loginClient, type ManagementEnv } from "./context";
import { ok } from "./envelope";
import { defineRoute } from "./route";
import { CloseAccountSchema, LoginSchema, RegisterSchema } from "./schemas";

export const authRoutes = new Hono<ManagementEnv>();

defineRoute(
  authRoutes,
  {
    method: "post",
    path: "/auth/register",
    summary: "Create an account and sign in; returns a session token and sets the session cookie",
    tag: "auth",
    auth: false,
    body: RegisterSchema,
    status: 201,
  },
  async (c, { body }) => {
    // Each registration costs a scrypt hash: the login limiter, per client IP, keeps sign-ups from
    // burning CPU. Cloudflare always sets the IP; without one (local tools) there is nothing to key on.
    // An IPv6 client holds a whole /64, so its block is the key (src/lib/address-block.ts).
    const ip = clientIp(c);
    if (ip && !(await c.env.LOGIN_LIMITER.limit({ key: `register-ip:${addressBlock(ip)}` })).success) {
      throw new AppError("rate_limited", "Too many sign-ups from this address. Try again in a minute.", undefined, { "Retry-After": "60" });
    }
    const session = await register(openDb(c.env), c.env.LOGIN_GUARD, body, loginClient(c));
    setSessionCookies(c, session);
    return c.json(ok(signedIn(session), { message: "Account created." }), 201);
  },
);

defineRoute(
  authRoutes,
  {
    method: "post",
    path: "/auth/login",
    summary: "Sign in; returns a session token and sets the session cookie",
    tag: "auth",
    auth: false,
    body: LoginSchema,
  },
  async (c, { body }) => {
    const session = await login(openDb(c.env), c.env.LOGIN_GUARD, body, loginClient(c));
    setSessionCookies(c, session);
    return c.json(ok(signedIn(session)));
  },
);

/** The session cookie, and the trusted-device cookie; the answer carrying the token is never cached. */
function setSessionCookies(c: Context<ManagementEnv>, session: SignedIn): void {
  // The trusted-device cookie: a random token whose hash the account's LoginLimiter keeps, so this
  // browser is not stopped by the account-wide failure limit that guards against wide guessing.
  setCookie(c, DEVICE_COOKIE, session.deviceToken, {
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    path: "/auth",
    maxAge: 90 * 24 * 60 * 60,
  });
  setCookie(c, SESSION_COOKIE, session.token, {
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
  c.header("Cache-Control", "no-store");
}

const signedIn = (session: SignedIn) => ({ token: session.token, user: session.user, expires_at: session.expiresAt.toISOString() });

defineRoute(
  authRoutes,
  { method: "post", path: "/auth/logout", summary: "End the current session (recorded in your activity)", tag: "auth", auth: false },
  async (c) => {
    const found = sessionToken(c.req.header("authorization"), getCookie(c, SESSION_COOKIE));
    if (found) await signOut(openDb(c.env), found.token, loginClient(c));
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
    return c.json(ok(null, { message: "Signed out." }));
  },
);

defineRoute(
  authRoutes,
  { method: "get", path: "/auth/me", summary: "The signed-in user, and whether they operate the deployment", tag: "auth", auth: true },
  async (c) => {
    const user = c.get("user");
    return c.json(ok({ user: presentUser(user), is_operator: user.isOperator }));
  },
);

defineRoute(
  authRoutes,
  {
    method: "delete",
    path: "/auth/me",
    summary: "Close your account (the current password is required): sign out everywhere and revoke every key you created",
    tag: "auth",
    auth: true,
    body: CloseAccountSchema,
  },
  async (c, { ctx, body }) => {
    const { revokedKeys } = await closeAccount(ctx, c.env.LOGIN_GUARD, body.current_password, loginClient(c));
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
    return c.json(ok({ revoked_keys: revokedKeys }, { message: "Account closed." }));
  },
);
