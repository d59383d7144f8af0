// /api/admin/users and /api/admin/operators: the operators' routes on accounts (find an account,
// issue a one-time password-reset link, promote and demote operators), each call audited.
import { Hono } from "hono";
import { issuePasswordReset, listAccountsForOperator, setOperator } from "../services/operators";
import type { ManagementEnv } from "./context";
import { ok } from "./envelope";
import { defineRoute } from "./route";
import { AccountListQuerySchema } from "./schemas";

export const adminAccountRoutes = new Hono<ManagementEnv>();
const tag = "admin";

for (const [method, promote] of [
  ["put", true],
  ["delete", false],
] as const) {
  defineRoute(
    adminAccountRoutes,
    {
      method,
      path: "/api/admin/operators/:userId",
      summary: promote ? "Make an account an operator (operator)" : "Demote an operator (operator; never the last)",
      tag,
      auth: true,
      operator: { audit: promote ? "operator.promote" : "operator.demote" },
    },
    async (c, { ctx, params }) => {
      return c.json(ok(await setOperator(ctx, params.userId, promote), { message: promote ? "Operator added." : "Operator removed." }));
    },
  );
}

defineRoute(
  adminAccountRoutes,
  {
    method: "get",
    path: "/api/admin/users",
    summary: "Every account, oldest first (?order=newest: newest first), or the one with ?email= (operator)",
    tag,
    auth: true,
    operator: { audit: "user.list" },
    query: AccountListQuerySchema,
  },
  async (c, { ctx, query }) => {
    const page = await listAccountsForOperator(ctx, query.limit, query.cursor, query.email, query.order);
    return c.json(ok(page.items, { pagination: { limit: query.limit, next_cursor: page.nextCursor } }));
  },
);

defineRoute(
  adminAccountRoutes,
  {
    method: "post",
    path: "/api/admin/users/:userId/password-reset",
    summary: "Issue a one-time password-reset link for an account, valid for an hour (operator)",
    tag,
    auth: true,
    operator: { audit: "account.password_reset_issue" },
    status: 201,
  },
  async (c, { ctx, params }) => {
    return c.json(ok(await issuePasswordReset(ctx, params.userId), { message: "Reset link issued; pass it on." }), 201);
  },
);
