// Audit log rows for every mutation, built as statements so they commit in the same D1 batch.
import { hasRole } from "../auth/roles";
import { newId } from "../lib/ids";
import { type AuditFilter, type AuditLogRow, insertAuditLogStatement, listAuditLogs } from "../storage/audit-logs";
import type { AuditAction } from "./audit-actions";
import { type Page, parseCursor, type ServiceContext, toPage } from "./context";
import type { OrgAccess } from "./organizations";

export type AuditEntry = {
  action: AuditAction;
  resourceType: string;
  resourceId: string | null;
  metadata?: Record<string, unknown>;
};

/** A statement inserting one audit row for `orgId`, attributed to the acting user. */
export function auditStatement(ctx: ServiceContext, orgId: string, entry: AuditEntry) {
  return insertAuditLogStatement(ctx.db, {
    id: newId("aud"),
    organizationId: orgId,
    actorUserId: ctx.actor.userId,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId,
    ip: ctx.actor.ip,
    userAgent: ctx.actor.userAgent?.slice(0, 512) ?? null,
    requestId: ctx.actor.requestId,
    metadata: entry.metadata ?? null,
    createdAt: new Date(),
  });
}

/** An audit row; `withClient: false` (viewers) leaves out the actor's address and user agent. */
export function presentAuditLog(row: AuditLogRow, withClient = true) {
  return {
    id: row.id,
    organization_id: row.organizationId,
    actor_user_id: row.actorUserId,
    action: row.action,
    resource_type: row.resourceType,
    resource_id: row.resourceId,
    ip: withClient ? row.ip : null,
    user_agent: withClient ? row.userAgent : null,
    request_id: row.requestId,
    metadata: row.metadata ?? {},
    created_at: row.createdAt.toISOString(),
  };
}

export type PublicAuditEntry = ReturnType<typeof presentAuditLog>;

/**
 * A page of the organization's audit log, newest first, optionally filtered by actor, action and
 * resource. Addresses and user agents are personal data of other members: only admins and owners
 * see them (viewers and members get null).
 */
export async function listAuditLog(
  ctx: ServiceContext,
  access: OrgAccess,
  limit: number,
  cursor?: string,
  filter: AuditFilter = {},
): Promise<Page<PublicAuditEntry>> {
  const rows = await listAuditLogs(ctx.db, access.organization.id, limit + 1, parseCursor(cursor), filter);
  const withClient = hasRole(access.role, "admin");
  return toPage(rows, limit, (row) => presentAuditLog(row, withClient));
}
