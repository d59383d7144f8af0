// Console sessions: the dashboard's console runs on the signed-in person's session by minting a
// five-minute API key limited to one instance and to the person's role. The key is an ordinary JWT
// API key (the edge needs nothing new); its row is kind "console" (never listed) and each is audited.
import type { KeyRing, Scope } from "../auth/api-key-token";
import { ROLES } from "../auth/roles";
import { AppError } from "../errors";
import { insertApiKeyStatement } from "../storage/api-keys";
import { isBatchGuardFailure } from "../storage/db";
import { findInstance } from "../storage/instances";
import { mintKey } from "./api-keys";
import { auditStatement } from "./audit";
import type { Role, ServiceContext } from "./context";
import { assertMinterStatement } from "./key-authority";
import { type OrgAccess, requireOrgAccess } from "./organizations";

export const CONSOLE_KEY_LIFETIME_MS = 5 * 60 * 1000;

/** What a role may do in the console: viewers read (if the organization allows it), members write, admins and owners admin. */
export function consoleScopeFor(role: Role, viewerDataAccess: boolean): Scope | null {
  if (role === "owner" || role === "admin") return "admin";
  if (role === "member") return "write";
  return viewerDataAccess ? "read" : null;
}

export type ConsoleKey = { key: string; key_id: string; instance_id: string; scope: Scope; expires_at: string };

/**
 * Mints a console key for `instanceId` (404 if it is not the organization's; 403 for a viewer when
 * the organization keeps data from viewers). Audited as `console.session`.
 */
export async function issueConsoleKey(ctx: ServiceContext, access: OrgAccess, ring: KeyRing, instanceId: string): Promise<ConsoleKey> {
  const orgId = access.organization.id;
  const instance = await findInstance(ctx.db, orgId, instanceId);
  if (!instance) throw new AppError("not_found", "Redis instance not found.");
  const scope = consoleScopeFor(access.role, access.organization.viewerDataAccess);
  if (!scope) {
    throw new AppError(
      "forbidden",
      "Viewers can read data only when the organization allows it: an admin turns on “Viewers may read data” in its settings (viewer_data_access).",
    );
  }
  const now = new Date();
  // The JWT's exp has whole seconds; the row names the same instant.
  const expiresAt = new Date(Math.floor((now.getTime() + CONSOLE_KEY_LIFETIME_MS) / 1000) * 1000);
  const spec = { name: "Console session", scopes: [scope], instanceIds: [instanceId], expiresAt, kind: "console" as const };
  const { key, row } = await mintKey(
    ctx,
    ring,
    orgId,
    { ...spec, rateLimitRequests: null, rateLimitWindowSeconds: null, maxRequestsPerDay: null },
    now,
  );
  const id = row.id;
  // The least role the console gives this scope: the batch fails if the person lost it meanwhile.
  const minimum = ROLES.find((role) => consoleScopeFor(role, true) === scope) ?? "owner";
  await ctx.db
    .batch([
      insertApiKeyStatement(ctx.db, row),
      assertMinterStatement(ctx, orgId, minimum),
      auditStatement(ctx, orgId, {
        action: "console.session",
        resourceType: "redis_instance",
        resourceId: instanceId,
        metadata: { key_id: id, scope, expires_at: expiresAt.toISOString() },
      }),
    ])
    .catch(async (error: unknown) => {
      if (isBatchGuardFailure(error)) await requireOrgAccess(ctx, orgId, minimum);
      throw error;
    });
  return { key, key_id: id, instance_id: instanceId, scope, expires_at: expiresAt.toISOString() };
}
