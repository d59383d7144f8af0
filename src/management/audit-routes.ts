// /api/organizations/:orgId/audit-logs: who did what, newest first.
import { Hono } from "hono";
import { listAuditLog } from "../services/audit";
import type { ManagementEnv } from "./context";
import { ok } from "./envelope";
import { defineRoute, PageQuerySchema } from "./route";

export const auditRoutes = new Hono<ManagementEnv>();

defineRoute(
  auditRoutes,
  {
    method: "get",
    path: "/api/organizations/:orgId/audit-logs",
    summary: "The audit log, newest first",
    tag: "audit-logs",
    auth: true,
    role: "viewer",
    query: PageQuerySchema,
  },
  async (c, { ctx, access, query }) => {
    const page = await listAuditLog(ctx, access, query.limit, query.cursor);
    return c.json(ok(page.items, { pagination: { limit: query.limit, next_cursor: page.nextCursor } }));
  },
);
