// Closing an account: the user is disabled, signed out everywhere, removed from every organization,
// and every live key they created is revoked (D1 and the KV markers the edge reads), as is every
// pending invitation they made.
import { AppError } from "../errors";
import { listLiveApiKeysCreatedBy, revokeApiKeysStatement } from "../storage/api-keys";
import { assertOwnerRemainsStatement, isNoOwnerLeft, listMembershipsOfUser } from "../storage/organizations";
import { disableUserStatements } from "../storage/users";
import { auditStatement } from "./audit";
import type { ServiceContext } from "./context";
import { revocations, writeMarkers } from "./directory-writes";
import { revokeInvitationsBeyondRoleStatement } from "./invitations";

/**
 * Disables the acting user's account.
 * @throws AppError conflict when the user is the last owner of an organization (listed).
 */
export async function closeAccount(ctx: ServiceContext): Promise<{ revokedKeys: number }> {
  const userId = ctx.actor.userId;
  const owned = await listMembershipsOfUser(ctx.db, userId);
  const stranded = owned.filter((m) => m.role === "owner" && m.owners <= 1).map((m) => m.organizationId);
  if (stranded.length > 0) {
    throw new AppError(
      "conflict",
      `You are the last owner of ${stranded.join(", ")}. Add another owner or delete those organizations first.`,
    );
  }
  const now = new Date();
  const keys = await listLiveApiKeysCreatedBy(ctx.db, userId, now);
  const orgIds = [...new Set([...owned.map((m) => m.organizationId), ...keys.map((k) => k.organizationId)])];
  const lastOwnerRace = (error: unknown): never => {
    if (isNoOwnerLeft(error)) throw new AppError("conflict", "Another owner left at the same moment. Add another owner first.");
    throw error;
  };
  await ctx.db
    .batch([
      ...disableUserStatements(ctx.db, userId, now),
      ...orgIds.map((orgId) =>
        revokeApiKeysStatement(
          ctx.db,
          orgId,
          keys.filter((k) => k.organizationId === orgId).map((k) => k.id),
          now,
        ),
      ),
      revokeInvitationsBeyondRoleStatement(ctx, userId, orgIds, null, now),
      ...orgIds.map((orgId) =>
        auditStatement(ctx, orgId, {
          action: "user.disable",
          resourceType: "user",
          resourceId: userId,
          metadata: { revoked_keys: keys.filter((k) => k.organizationId === orgId).map((k) => k.id) },
        }),
      ),
      // The check above and this write are not atomic: a co-owner closing their account at the same
      // moment must not leave an organization ownerless, so the batch fails and rolls back instead.
      ...owned.filter((m) => m.role === "owner").map((m) => assertOwnerRemainsStatement(ctx.db, m.organizationId)),
    ])
    .catch(lastOwnerRace);
  await writeMarkers(ctx, revocations(keys, now));
  return { revokedKeys: keys.length };
}
