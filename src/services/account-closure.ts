// Closing an account, once its current password is confirmed: the user is disabled, signed out
// everywhere, removed from every organization, and every live key they created is revoked (D1 and
// the KV markers the edge reads), as is every pending invitation they made.
import type { LimiterNamespace } from "../auth/login-guard";
import { AppError } from "../errors";
import { listLiveApiKeysCreatedBy } from "../storage/api-keys";
import { assertOwnerRemainsStatement, isNoOwnerLeft, listMembershipsOfUser } from "../storage/organizations";
import { assertOperatorRemainsStatement, countOperators, disableUserStatements, isNoOperatorLeft } from "../storage/users";
import { accountAuditStatement } from "./account-audit";
import { confirmCurrentPassword } from "./account-lifecycle";
import type { LoginClient } from "./accounts";
import { auditStatement } from "./audit";
import type { ServiceContext } from "./context";
import { revocations, writeMarkers } from "./directory-writes";
import { revokeInvitationsBeyondRoleStatement } from "./invitations";
import { revokeKeysBeyondRoleStatement } from "./key-authority";

const LAST_OPERATOR = "You are the deployment's last operator. Promote another operator before closing your account.";

/**
 * Disables the acting user's account; an operator's stops being one. The current password is
 * checked first, within the sign-in limits (confirmCurrentPassword): closing cannot be undone and
 * revokes every key the person made, so a stolen session alone must not do it.
 * @throws AppError invalid_request when the password is wrong; rate_limited while the sign-in
 *   limits are full; conflict when the user is the last owner of an organization (listed), or the
 *   deployment's last operator (also when another operator steps down at the same moment).
 */
export async function closeAccount(
  ctx: ServiceContext,
  guard: LimiterNamespace,
  currentPassword: string,
  client: LoginClient,
): Promise<{ revokedKeys: number }> {
  const { user } = await confirmCurrentPassword(ctx, guard, currentPassword, client);
  const userId = user.id;
  const operator = user.isOperator;
  if (operator && (await countOperators(ctx.db)) <= 1) throw new AppError("conflict", LAST_OPERATOR);
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
  const lostRace = async (error: unknown): Promise<never> => {
    if (!isNoOwnerLeft(error) && !isNoOperatorLeft(error)) throw error;
    // The guards fail alike: look again to say whether the operators or an organization's owners ran out.
    if (operator && (await countOperators(ctx.db)) <= 1) throw new AppError("conflict", LAST_OPERATOR);
    throw new AppError("conflict", "Another owner left at the same moment. Add another owner first.");
  };
  const [revoked] = await ctx.db
    .batch([
      revokeKeysBeyondRoleStatement(ctx, userId, orgIds, null, now),
      ...disableUserStatements(ctx.db, userId, now),
      accountAuditStatement(ctx.db, userId, "account.close", ctx.actor, { revoked_keys: keys.map((k) => k.id) }),
      revokeInvitationsBeyondRoleStatement(ctx, userId, orgIds, null, now),
      ...orgIds.map((orgId) =>
        auditStatement(ctx, orgId, {
          action: "user.disable",
          resourceType: "user",
          resourceId: userId,
          metadata: { revoked_keys: keys.filter((k) => k.organizationId === orgId).map((k) => k.id) },
        }),
      ),
      // The checks above and this write are not atomic: a co-owner closing their account (or another
      // operator stepping down) at the same moment must not leave an organization ownerless (or the
      // deployment without operator), so the batch fails and rolls back instead.
      ...owned.filter((m) => m.role === "owner").map((m) => assertOwnerRemainsStatement(ctx.db, m.organizationId)),
      ...(operator ? [assertOperatorRemainsStatement(ctx.db)] : []),
    ])
    .catch(lostRace);
  await writeMarkers(ctx, revocations(revoked, now));
  return { revokedKeys: revoked.length };
}
