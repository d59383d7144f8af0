// The operators' audit stream: every successful /api/admin call, who made it, from where, with
// its path parameters and body (admin routes take no secrets in their bodies).
import { newId } from "../lib/ids";
import { insertOperatorAuditLogStatement, listOperatorAuditLogs, type OperatorAuditLogRow } from "../storage/operator-audit-logs";
import { type Page, parseCursor, type ServiceContext, toPage } from "./context";

/** Records one operator action; the resource is the first id among the path parameters. */
export async function recordOperatorAction(
  ctx: ServiceContext,
  action: string,
  input: { params: Record<string, string>; body?: unknown; query?: unknown },
): Promise<void> {
  const [resourceType, resourceId] = Object.entries(input.params)[0] ?? ["deployment", null];
  await insertOperatorAuditLogStatement(ctx.db, {
    id: newId("aud"),
    actorUserId: ctx.actor.userId,
    action,
    resourceType: resourceType.replace(/Id$/, ""),
    resourceId,
    ip: ctx.actor.ip,
    userAgent: ctx.actor.userAgent?.slice(0, 512) ?? null,
    requestId: ctx.actor.requestId,
    metadata: { ...input.params, ...(input.body ? { body: input.body } : {}), ...(input.query ? { query: input.query } : {}) },
    createdAt: new Date(),
  });
}

export function presentOperatorAuditLog(row: OperatorAuditLogRow) {
  return {
    id: row.id,
    actor_user_id: row.actorUserId,
    action: row.action,
    resource_type: row.resourceType,
    resource_id: row.resourceId,
    ip: row.ip,
    user_agent: row.userAgent,
    request_id: row.requestId,
    metadata: row.metadata ?? {},
    created_at: row.createdAt.toISOString(),
  };
}

/** A page of the operators' audit stream, newest first. */
export async function listOperatorAuditLog(ctx: ServiceContext, limit: number, cursor?: string) {
  const rows = await listOperatorAuditLogs(ctx.db, limit + 1, parseCursor(cursor));
  return toPage(rows, limit, presentOperatorAuditLog) satisfies Page<ReturnType<typeof presentOperatorAuditLog>>;
}
