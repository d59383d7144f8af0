// D1 queries for the audit log: one row per mutation, newest first when listed.
import { and, eq } from "drizzle-orm";
import { auditLogs } from "../../drizzle/schema";
import { afterRow, type Db, type PageAfter, pageOrder } from "./db";

export type AuditLogRow = typeof auditLogs.$inferSelect;

export function insertAuditLogStatement(db: Db, row: typeof auditLogs.$inferInsert) {
  return db.insert(auditLogs).values(row);
}

/** Optional exact-match filters of the audit log (all given ones must match). */
export type AuditFilter = { actorUserId?: string | undefined; action?: string | undefined; resourceId?: string | undefined };

export async function listAuditLogs(db: Db, orgId: string, limit: number, after?: PageAfter, filter: AuditFilter = {}) {
  const page = afterRow(auditLogs.createdAt, auditLogs.id, after, "desc");
  return db
    .select()
    .from(auditLogs)
    .where(
      and(
        eq(auditLogs.organizationId, orgId),
        filter.actorUserId ? eq(auditLogs.actorUserId, filter.actorUserId) : undefined,
        filter.action ? eq(auditLogs.action, filter.action) : undefined,
        filter.resourceId ? eq(auditLogs.resourceId, filter.resourceId) : undefined,
        page,
      ),
    )
    .orderBy(...pageOrder(auditLogs.createdAt, auditLogs.id, "desc"))
    .limit(limit)
    .all();
}
