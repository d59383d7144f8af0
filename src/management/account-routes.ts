// /auth/password, /auth/sessions and /auth/password-reset: the signed-in account's password and
// sessions, and the public end of an operator-issued reset link.
import { Hono } from "hono";
import { deleteCookie } from "hono/cookie";
import { SESSION_COOKIE } from "../auth/middleware";
import { changePassword, endAllSessions, endSession, listSessions, resetPassword } from "../services/account-lifecycle";
import { openDb } from "../services/context";
import { loginClient, type ManagementEnv } from "./context";
import { ok } from "./envelope";
import { defineRoute } from "./route";
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
    await resetPassword(openDb(c.env), c.env.LOGIN_GUARD, body);
    c.header("Cache-Control", "no-store");
    return c.json(ok(null, { message: "Password set. Sign in with the new one." }));
  },
);
