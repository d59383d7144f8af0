// /auth/password, /auth/sessions, /auth/activity and /auth/password-reset: the signed-in account's
// password, sessions and security activity, and the public end of an operator-issued reset link.
import { Hono } from "hono";
import { deleteCookie } from "hono/cookie";
import { SESSION_COOKIE } from "../auth/middleware";
import { listAccountActivity } from "../services/account-audit";
import { changePassword, endAllSessions, endSession, listSessions, resetPassword } from "../services/account-lifecycle";
import { createStorageContext } from "../services/context";
import { loginClient, type ManagementEnv } from "./context";
import { ok } from "./envelope";
import { defineRoute, PageQuerySchema } from "./route";
import { ChangePasswordSchema, ResetPasswordSchema } from "./schemas";

export const accountRoutes = new Hono<ManagementEnv>();
const tag = "auth";

defineRoute(
  accountRoutes,
  {
    method: "put",
    path: "/auth/password",
    summary: "Change your password (the current one is required); ends every other session",
    tag,
    auth: true,
    body: ChangePasswordSchema,
  },
  async (c, { ctx, body }) => {
    await changePassword(ctx, c.env.LOGIN_GUARD, c.get("sessionId"), body, loginClient(c));
    return c.json(ok(null, { message: "Password changed; your other sessions have ended." }));
  },
);

defineRoute(
  accountRoutes,
  { method: "get", path: "/auth/sessions", summary: "Your sessions: created, last seen, address, user agent", tag, auth: true },
  async (c, { ctx }) => {
    return c.json(ok(await listSessions(ctx, c.get("sessionId"))));
  },
);

defineRoute(
  accountRoutes,
  {
    method: "get",
    path: "/auth/activity",
    summary: "Your account's security activity, newest first: sign-ins and sign-outs, password changes and resets, sessions ended",
    tag,
    auth: true,
    query: PageQuerySchema,
  },
  async (c, { ctx, query }) => {
    const page = await listAccountActivity(ctx, query.limit, query.cursor);
    return c.json(ok(page.items, { pagination: { limit: query.limit, next_cursor: page.nextCursor } }));
  },
);

defineRoute(
  accountRoutes,
  { method: "delete", path: "/auth/sessions", summary: "Sign out everywhere, this session included", tag, auth: true },
  async (c, { ctx }) => {
    await endAllSessions(ctx);
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
    return c.json(ok(null, { message: "Signed out everywhere." }));
  },
);

defineRoute(
  accountRoutes,
  { method: "delete", path: "/auth/sessions/:sessionId", summary: "End one of your sessions", tag, auth: true },
  async (c, { ctx, params }) => {
    await endSession(ctx, params.sessionId);
    return c.json(ok(null, { message: "Session ended." }));
  },
);

defineRoute(
  accountRoutes,
  {
    method: "post",
    path: "/auth/password-reset",
    summary: "Set a new password with a one-time reset token an operator issued; ends every session",
    tag,
    auth: false,
    body: ResetPasswordSchema,
  },
  async (c, { body }) => {
    await resetPassword(createStorageContext(c.env), c.env.LOGIN_GUARD, body, loginClient(c));
    c.header("Cache-Control", "no-store");
    return c.json(ok(null, { message: "Password set. Sign in with the new one." }));
  },
);
