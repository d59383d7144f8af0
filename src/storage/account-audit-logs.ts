// D1 queries for an account's own security activity: one row per sign-in, sign-out, password change
// or reset, session ended and closure, newest first when listed. Only the account reads its rows.
import { and, eq, sql } from "drizzle-orm";
import { accountAuditLogs, sessions } from "../../drizzle/schema";
import { afterRow, type Db, type PageAfter, pageOrder } from "./db";
import { sessionLiveAt } from "./users";

export type AccountAuditLogRow = typeof accountAuditLogs.$inferSelect;

export function insertAccountAuditLogStatement(db: Db, row: typeof accountAuditLogs.$inferInsert) {
  return db.insert(accountAuditLogs).values(row);
}

/**
 * Inserts `row` for the account of the session with `tokenHash` only if that session is live at
 * `row.createdAt` (not idle since `idleSince`), its metadata naming the session: an INSERT … SELECT,
 * so that, ahead of the session's delete in one batch, it records an ending only when there was
 * one to end, and once however many requests race.
 */
export function insertSessionAccountAuditLogStatement(
  db: Db,
  tokenHash: string,
  idleSince: Date,
  row: Omit<typeof accountAuditLogs.$inferInsert, "userId" | "metadata"> & { createdAt: Date },
) {
  const ofLiveSession = db
    .select({
      id: sql<string>`${row.id}`.as("id"),
      userId: sessions.userId,
      action: sql<string>`${row.action}`.as("action"),
      ip: sql<string | null>`${row.ip ?? null}`.as("ip"),
      userAgent: sql<string | null>`${row.userAgent ?? null}`.as("user_agent"),
      requestId: sql<string | null>`${row.requestId ?? null}`.as("request_id"),
      metadata: sql<Record<string, unknown>>`json_object('session_id', ${sessions.id})`.as("metadata"),
      createdAt: sql<Date>`${row.createdAt.getTime()}`.as("created_at"),
    })
    .from(sessions)
    .where(and(eq(sessions.tokenHash, tokenHash), sessionLiveAt(row.createdAt, idleSince)));
  return db.insert(accountAuditLogs).select(ofLiveSession);
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
