// /api/organizations/:orgId/audit-logs: who did what, newest first.
import { Hono } from "hono";
import { listAuditLog } from "../services/audit";
import type { ManagementEnv } from "./context";
import { ok } from "./envelope";
import { defineRoute } from "./route";
import { AuditQuerySchema } from "./schemas";

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
    query: AuditQuerySchema,
  },
  async (c, { ctx, access, query }) => {
    const filter = { actorUserId: query.actor, action: query.action, resourceId: query.resource };
    const page = await listAuditLog(ctx, access, query.limit, query.cursor, filter);
    return c.json(ok(page.items, { pagination: { limit: query.limit, next_cursor: page.nextCursor } }));
  },
);
