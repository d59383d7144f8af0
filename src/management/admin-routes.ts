// /api/admin: the operators' routes on organizations and their audit stream (every call audited
// there), and the one-time bootstrap through which a signed-in account becomes the first operator.
// The operators' routes on accounts are in admin-account-routes.ts.
import { Hono } from "hono";
import { listOperatorAuditLog } from "../services/operator-audit";
import { bootstrapOperator, listEveryOrganizationForOperator, setOrganizationCeiling, setSuspension } from "../services/operators";
import type { ManagementEnv } from "./context";
import { ok } from "./envelope";
import { defineRoute, PageQuerySchema } from "./route";
import { BootstrapOperatorSchema, OperatorLimitsSchema, OrganizationListQuerySchema } from "./schemas";

export const adminRoutes = new Hono<ManagementEnv>();
const tag = "admin";
const ORG = "/api/admin/organizations/:orgId";

defineRoute(
  adminRoutes,
  {
    method: "post",
    path: "/api/admin/bootstrap",
    summary: "Become the first operator by presenting OPERATOR_BOOTSTRAP_SECRET (works once)",
    tag,
    auth: true,
    body: BootstrapOperatorSchema,
  },
  async (c, { ctx, body }) => {
    await bootstrapOperator(ctx, body.secret);
    return c.json(ok({ is_operator: true }, { message: "You are now an operator." }));
  },
);

defineRoute(
  adminRoutes,
  {
    method: "get",
    path: "/api/admin/organizations",
    summary:
      "Every organization (?q= finds by id, slug or part of the name; ?plan= and ?suspended=true|false narrow it) with plan, limits, holdings, members and today's usage (operator)",
    tag,
    auth: true,
    operator: { audit: "organization.list" },
    query: OrganizationListQuerySchema,
  },
  async (c, { ctx, query }) => {
    const filter = { search: query.q, plan: query.plan, suspended: query.suspended, order: query.order };
    const page = await listEveryOrganizationForOperator(ctx, query.limit, query.cursor, filter);
    return c.json(ok(page.items, { pagination: { limit: query.limit, next_cursor: page.nextCursor } }));
  },
);

defineRoute(
  adminRoutes,
  {
    method: "put",
    path: `${ORG}/limits`,
    summary: "Set an organization's plan and limit overrides (operator)",
    tag,
    auth: true,
    operator: { audit: "organization.plan_set" },
    body: OperatorLimitsSchema,
  },
  async (c, { ctx, params, body }) => {
    return c.json(ok(await setOrganizationCeiling(ctx, params.orgId, body), { message: "Plan and limits set." }));
  },
);

for (const [action, suspended] of [
  ["suspend", true],
  ["resume", false],
] as const) {
  defineRoute(
    adminRoutes,
    {
      method: "post",
      path: `${ORG}/${action}`,
      summary: suspended
        ? "Suspend an organization: its keys are refused at the edge, its API is read-only (operator)"
        : "Resume a suspended organization (operator)",
      tag,
      auth: true,
      operator: { audit: `organization.${action}` },
    },
    async (c, { ctx, params }) => {
      const org = await setSuspension(ctx, params.orgId, suspended);
      return c.json(ok(org, { message: suspended ? "Organization suspended." : "Organization resumed." }));
    },
  );
}

defineRoute(
  adminRoutes,
  {
    method: "get",
    path: "/api/admin/audit-logs",
    summary: "What operators did, newest first (operator)",
    tag,
    auth: true,
    operator: { audit: "operator_audit.list" },
    query: PageQuerySchema,
  },
  async (c, { ctx, query }) => {
    const page = await listOperatorAuditLog(ctx, query.limit, query.cursor);
    return c.json(ok(page.items, { pagination: { limit: query.limit, next_cursor: page.nextCursor } }));
  },
);
