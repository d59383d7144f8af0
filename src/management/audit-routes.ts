// /api/organizations/:orgId/audit-logs: who did what, newest first.
import { Hono } from "hono";
import { ok } from "../errors";
import { listAuditLog } from "../services/audit";
import { requireOrgAccess } from "../services/organizations";
import { type ManagementEnv, serviceContext } from "./context";
import { defineRoute, PageQuerySchema, pathParam } from "./route";

export const auditRoutes = new Hono<ManagementEnv>();

defineRoute(
  auditRoutes,
  {
    method: "get",
    path: "/api/organizations/:orgId/audit-logs",
    summary: "The audit log, newest first",
    tag: "audit-logs",
    auth: true,
    query: PageQuerySchema,
  },
  async (c, { query }) => {
    const ctx = serviceContext(c);
    const access = await requireOrgAccess(ctx, pathParam(c, "orgId"), "viewer");
    const page = await listAuditLog(ctx, access.organization.id, query.limit, query.cursor);
    return c.json(ok(page.items, { pagination: { limit: query.limit, next_cursor: page.nextCursor } }));
  },
);
