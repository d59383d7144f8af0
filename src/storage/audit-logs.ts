// D1 queries for the audit log: one row per mutation, newest first when listed.
import { and, desc, eq, lt, or } from "drizzle-orm";
import { auditLogs } from "../../drizzle/schema";
import type { Db } from "./db";

export type AuditLogRow = typeof auditLogs.$inferSelect;

export function insertAuditLogStatement(db: Db, row: typeof auditLogs.$inferInsert) {
  return db.insert(auditLogs).values(row);
}

export async function listAuditLogs(db: Db, orgId: string, limit: number, after?: { createdAt: Date; id: string }) {
  const page = after
    ? or(lt(auditLogs.createdAt, after.createdAt), and(eq(auditLogs.createdAt, after.createdAt), lt(auditLogs.id, after.id)))
    : undefined;
  return db
    .select()
    .from(auditLogs)
    .where(and(eq(auditLogs.organizationId, orgId), page))
    .orderBy(desc(auditLogs.createdAt), desc(auditLogs.id))
    .limit(limit)
    .all();
}
