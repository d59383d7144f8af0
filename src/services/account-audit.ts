// An account's own security activity (DESIGN §6: every mutation writes an audit row): built as
// statements so each row commits in the same D1 batch as what it records. Organization audit logs
// name an organization; these name only the account, and only the account lists them.
import { SESSION_IDLE_MS } from "../auth/sessions";
import { newId } from "../lib/ids";
import {
  type AccountAuditLogRow,
  insertAccountAuditLogStatement,
  insertSessionAccountAuditLogStatement,
  listAccountAuditLogs,
} from "../storage/account-audit-logs";
import type { Db } from "../storage/db";
import { type Page, parseCursor, type ServiceContext, toPage } from "./context";

export type AccountAction =
  | "account.register"
  | "account.sign_in"
  | "account.sign_out"
  | "account.password_change"
  | "account.password_reset"
  | "account.sessions_end"
  | "account.session_end"
  | "account.close";

/** Where the request came from: its address, user agent and request id, as far as known. */
export type AccountClient = { ip: string | null; userAgent: string | null; requestId?: string | null };

/** A statement inserting one row of `userId`'s security activity. */
export function accountAuditStatement(
  db: Db,
  userId: string,
  action: AccountAction,
  client: AccountClient,
  metadata: Record<string, unknown> | null = null,
) {
  return insertAccountAuditLogStatement(db, {
    id: newId("aud"),
    userId,
    action,
    ip: client.ip,
    userAgent: client.userAgent?.slice(0, 512) ?? null,
    requestId: client.requestId ?? null,
    metadata,
    createdAt: new Date(),
  });
}

/**
 * A statement inserting one row of activity for the account of the session with `tokenHash`, only
 * if that session is live at `at` (`metadata.session_id` names it); ahead of the statement that ends
 * the session, in one batch, so the row is there exactly when a session ended.
 */
export function sessionAccountAuditStatement(db: Db, tokenHash: string, at: Date, action: AccountAction, client: AccountClient) {
  return insertSessionAccountAuditLogStatement(db, tokenHash, new Date(at.getTime() - SESSION_IDLE_MS), {
    id: newId("aud"),
    action,
    ip: client.ip,
    userAgent: client.userAgent?.slice(0, 512) ?? null,
    requestId: client.requestId ?? null,
    createdAt: at,
  });
}

export function presentAccountActivity(row: AccountAuditLogRow) {
  return {
    id: row.id,
    action: row.action,
    ip: row.ip,
    user_agent: row.userAgent,
    request_id: row.requestId,
    metadata: row.metadata ?? {},
    created_at: row.createdAt.toISOString(),
  };
}

export type PublicAccountActivity = ReturnType<typeof presentAccountActivity>;

/** A page of the acting user's security activity, newest first. */
export async function listAccountActivity(ctx: ServiceContext, limit: number, cursor?: string): Promise<Page<PublicAccountActivity>> {
  const rows = await listAccountAuditLogs(ctx.db, ctx.actor.userId, limit + 1, parseCursor(cursor));
  return toPage(rows, limit, presentAccountActivity);
}
