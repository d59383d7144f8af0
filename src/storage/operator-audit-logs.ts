// D1 queries for the operators' audit stream: one row per /api/admin call, newest first when listed.
// Kept apart from the organizations' audit logs, whose rows always name an organization.
import { and, desc, eq, lt, or } from "drizzle-orm";
import { operatorAuditLogs } from "../../drizzle/schema";
import type { Db } from "./db";

export type OperatorAuditLogRow = typeof operatorAuditLogs.$inferSelect;

export function insertOperatorAuditLogStatement(db: Db, row: typeof operatorAuditLogs.$inferInsert) {
  return db.insert(operatorAuditLogs).values(row);
}

export async function listOperatorAuditLogs(db: Db, limit: number, after?: { createdAt: Date; id: string }) {
  const page = after
    ? or(
        lt(operatorAuditLogs.createdAt, after.createdAt),
        and(eq(operatorAuditLogs.createdAt, after.createdAt), lt(operatorAuditLogs.id, after.id)),
      )
    : undefined;
  return db
    .select()
    .from(operatorAuditLogs)
    .where(page)
    .orderBy(desc(operatorAuditLogs.createdAt), desc(operatorAuditLogs.id))
    .limit(limit)
    .all();
}
