// D1 queries for an account's own security activity: one row per sign-in, password change or
// reset, session ended and closure, newest first when listed. Only the account reads its rows.
import { and, eq } from "drizzle-orm";
import { accountAuditLogs } from "../../drizzle/schema";
import { afterRow, type Db, type PageAfter, pageOrder } from "./db";

export type AccountAuditLogRow = typeof accountAuditLogs.$inferSelect;

export function insertAccountAuditLogStatement(db: Db, row: typeof accountAuditLogs.$inferInsert) {
  return db.insert(accountAuditLogs).values(row);
}

export async function listAccountAuditLogs(db: Db, userId: string, limit: number, after?: PageAfter) {
  const page = afterRow(accountAuditLogs.createdAt, accountAuditLogs.id, after, "desc");
  return db
    .select()
    .from(accountAuditLogs)
    .where(and(eq(accountAuditLogs.userId, userId), page))
    .orderBy(...pageOrder(accountAuditLogs.createdAt, accountAuditLogs.id, "desc"))
    .limit(limit)
    .all();
}
