// Who may make and act on API keys: the checks the routes apply, the batch guard that keeps a key
// from outliving its maker's role, and the revocation that goes with a member's removal, demotion or
// departure. The least role for a key's scopes is auth/roles.ts's minterRoleFor (the dashboard shares it).
import { hasRole, minterRoleFor, type Role } from "../auth/roles";
import { AppError } from "../errors";
import { type ApiKeyRow, revokeApiKeysCreatedByStatement } from "../storage/api-keys";
import { assertMemberHoldsRoleStatement } from "../storage/organizations";
import type { ServiceContext } from "./context";
import { type OrgAccess, requireOrgAccess } from "./organizations";

/** Members act only on the keys they created; admins and owners on any key. */
export function requireOwnKeyUnlessAdmin(ctx: ServiceContext, access: OrgAccess, row: ApiKeyRow, verb: string) {
  if (!hasRole(access.role, "admin") && row.createdBy !== ctx.actor.userId) {
    throw new AppError("forbidden", `Members can ${verb} only the keys they created.`);
  }
}

/**
 * For the batch that removes (`role` null), demotes or closes a member: revokes the keys they made in
 * `orgIds` that `role` could not make (all below member, the admin-scoped ones below admin), however
 * many and including one minted since any list was read; in the batch's results, the keys it revoked.
 */
export function revokeKeysBeyondRoleStatement(
  ctx: ServiceContext,
  userId: string,
  orgIds: readonly string[],
  role: Role | null,
  now: Date,
) {
  const may = (scopes: readonly string[]) => role !== null && hasRole(role, minterRoleFor(scopes));
  if (may(["admin"])) return revokeApiKeysCreatedByStatement(ctx.db, userId, [], now);
  return revokeApiKeysCreatedByStatement(ctx.db, userId, orgIds, now, may([]) ? "admin" : undefined);
}

/** A key with the admin scope is for admins and owners to make, by minting or by rolling. */
export function requireAdminForAdminScope(access: OrgAccess, scopes: readonly string[], verb: string) {
  if (!hasRole(access.role, minterRoleFor(scopes))) {
    throw new AppError("forbidden", `Only admins and owners can ${verb} keys with the admin scope.`);
  }
}

/**
 * For the batch that stores a key the acting user makes: fails it (isBatchGuardFailure) unless they
 * are still a member whose role may make it, so a removal or demotion committed first (which revoked
 * their keys) is not outlived by a key whose role check passed just before.
 */
export function assertMinterStatement(ctx: ServiceContext, orgId: string, minimum: Role) {
  return assertMemberHoldsRoleStatement(ctx.db, orgId, ctx.actor.userId, minimum);
}

/** After a failed batch: the 404 or 403 the role checks now answer, if the acting user lost the role. */
export async function recheckMinter(ctx: ServiceContext, orgId: string, scopes: readonly string[], verb: string): Promise<void> {
  requireAdminForAdminScope(await requireOrgAccess(ctx, orgId, "member"), scopes, verb);
}
