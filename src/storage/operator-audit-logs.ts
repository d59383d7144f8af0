// D1 queries for the operators' audit stream: one row per /api/admin call, newest first when listed.
// Kept apart from the organizations' audit logs, whose rows always name an organization.
import { operatorAuditLogs } from "../../drizzle/schema";
import { afterRow, type Db, type PageAfter, pageOrder } from "./db";

export type OperatorAuditLogRow = typeof operatorAuditLogs.$inferSelect;

export function insertOperatorAuditLogStatement(db: Db, row: typeof operatorAuditLogs.$inferInsert) {
  return db.insert(operatorAuditLogs).values(row);
}

export async function listOperatorAuditLogs(db: Db, limit: number, after?: PageAfter) {
  const page = afterRow(operatorAuditLogs.createdAt, operatorAuditLogs.id, after, "desc");
  return db
    .select()
    .from(operatorAuditLogs)
    .where(page)
    .orderBy(...pageOrder(operatorAuditLogs.createdAt, operatorAuditLogs.id, "desc"))
    .limit(limit)
    .all();
}
