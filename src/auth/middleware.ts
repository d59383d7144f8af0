// Session authentication for the management API and the CSRF guard for cookie-authenticated
// mutations. Bearer sessions (scripts) are not exposed to CSRF and skip the origin check.
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AppBindings, AppVariables } from "../env";
import { AppError } from "../errors";
import { createDb } from "../storage/db";
import type { UserRow } from "../storage/users";
import { resolveSession } from "./sessions";

export type SessionEnv = {
  Bindings: AppBindings;
  Variables: AppVariables & { user: UserRow; sessionId: string; authVia: "bearer" | "cookie" };
};

export const SESSION_COOKIE = "rg_session";
/** A browser's trusted-device token (set at sign-in, path /auth); see src/auth/login-guard.ts. */
export const DEVICE_COOKIE = "rg_device";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Reads the session token from `Authorization: Bearer` or the session cookie. */
export function sessionToken(authorization: string | undefined, cookie: string | undefined) {
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return { token: bearer, via: "bearer" as const };
  if (cookie) return { token: cookie, via: "cookie" as const };
  return null;
}

function sameOrigin(requestUrl: string, origin: string | undefined, fetchSite: string | undefined): boolean {
  if (origin) return origin === new URL(requestUrl).origin;
  return fetchSite === "same-origin";
}

/** Requires a live session; sets `user`, `sessionId` and `authVia`. 401 for a missing, forged or expired one. */
export const requireUser = createMiddleware<SessionEnv>(async (c, next) => {
  const found = sessionToken(c.req.header("authorization"), getCookie(c, SESSION_COOKIE));
  if (!found) throw new AppError("unauthorized", "Sign in first: send Authorization: Bearer <session token> or the session cookie.");
  const resolved = await resolveSession(createDb(c.env.DB), found.token);
  if (!resolved) throw new AppError("unauthorized", "The session is invalid or has expired. Sign in again.");
  if (found.via === "cookie" && !SAFE_METHODS.has(c.req.method)) {
    if (!sameOrigin(c.req.url, c.req.header("origin"), c.req.header("sec-fetch-site"))) {
      throw new AppError("forbidden", "Cross-site request refused: the Origin does not match this site.");
    }
  }
  c.set("user", resolved.user);
  c.set("sessionId", resolved.sessionId);
  c.set("authVia", found.via);
  await next();
});
