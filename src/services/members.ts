// Memberships: owners change roles and remove members (people join by invitation: ./invitations.ts).
// The last owner can be neither demoted nor removed. What a member made on a role they lose (keys,
// pending invitations) is revoked in the same batch.
import { hasRole, minterRoleFor } from "../auth/roles";
import { AppError } from "../errors";
import { listLiveApiKeysCreatedBy } from "../storage/api-keys";
import {
  assertOwnerRemainsStatement,
  countOwners,
  deleteMembershipStatement,
  findMember,
  findMembership,
  isNoOwnerLeft,
  listMembers,
  updateMembershipStatement,
} from "../storage/organizations";
import { auditStatement } from "./audit";
import { type Page, parseCursor, type Role, type ServiceContext, toPage } from "./context";
import { type RevokedKey, revocations, writeMarkers } from "./directory-writes";
import { revokeInvitationsBeyondRoleStatement } from "./invitations";
import { revokeKeysBeyondRoleStatement } from "./key-authority";
import type { OrgAccess } from "./organizations";

type MemberRow = Awaited<ReturnType<typeof listMembers>>[number];

export function presentMember(m: MemberRow) {
  return {
    user_id: m.id,
    email: m.email,
    username: m.username,
    first_name: m.firstName,
    last_name: m.lastName,
    role: m.role,
    joined_at: m.createdAt.toISOString(),
  };
}

export type PublicMember = ReturnType<typeof presentMember>;

/** The organization's members in the order they joined, a page at a time. */
export async function listOrganizationMembers(
  ctx: ServiceContext,
  access: OrgAccess,
  limit: number,
  cursor?: string,
): Promise<Page<PublicMember>> {
  const rows = await listMembers(ctx.db, access.organization.id, { limit: limit + 1, after: parseCursor(cursor) });
  return toPage(rows, limit, presentMember);
}

async function memberView(ctx: ServiceContext, orgId: string, userId: string) {
  const found = await findMember(ctx.db, orgId, userId);
  if (!found) throw new AppError("not_found", "Member not found.");
  return presentMember(found);
}

async function requireMember(ctx: ServiceContext, orgId: string, userId: string) {
  const membership = await findMembership(ctx.db, orgId, userId);
  if (!membership) throw new AppError("not_found", "Member not found.");
  return membership;
}

const lastOwner = (action: string) => new AppError("conflict", `The last owner cannot be ${action}. Make another member an owner first.`);

/** Fails fast on the common case; `assertOwnerRemainsStatement` in the write's batch closes the race. */
async function guardLastOwner(ctx: ServiceContext, orgId: string, currentRole: Role, action: string) {
  if (currentRole === "owner" && (await countOwners(ctx.db, orgId)) <= 1) throw lastOwner(action);
}

function rethrowLastOwner(action: string) {
  return (error: unknown): never => {
    throw isNoOwnerLeft(error) ? lastOwner(action) : error;
  };
}

/**
 * The live keys a member created here that `role` could not have minted (all for a viewer, admin-scope
 * below admin), as read before the batch: what its audit row names. The batch revokes by the same rule.
 */
async function keysBeyondRole(ctx: ServiceContext, orgId: string, userId: string, role: Role, now: Date) {
  const keys = (await listLiveApiKeysCreatedBy(ctx.db, userId, now)).filter((k) => k.organizationId === orgId);
  return keys.filter((k) => !hasRole(role, minterRoleFor(k.scopes)));
}

/**
 * Changes a member's role and revokes the keys they minted and the pending invitations they made
 * here that the new role could not make (as removal revokes them all). The last owner cannot be
 * demoted.
 * @returns the member, and how many keys were revoked.
 */
export async function changeMemberRole(ctx: ServiceContext, access: OrgAccess, userId: string, role: Role) {
  const orgId = access.organization.id;
  const membership = await requireMember(ctx, orgId, userId);
  let revoked: RevokedKey[] = [];
  if (membership.role !== role) {
    if (role !== "owner") await guardLastOwner(ctx, orgId, membership.role, "demoted");
    const now = new Date();
    const listed = await keysBeyondRole(ctx, orgId, userId, role, now);
    [revoked] = await ctx.db
      .batch([
        revokeKeysBeyondRoleStatement(ctx, userId, [orgId], role, now),
        updateMembershipStatement(ctx.db, orgId, userId, role),
        revokeInvitationsBeyondRoleStatement(ctx, userId, [orgId], role, now),
        auditStatement(ctx, orgId, {
          action: "member.role_change",
          resourceType: "member",
          resourceId: userId,
          metadata: { from: membership.role, to: role, revoked_keys: listed.map((k) => k.id) },
        }),
        assertOwnerRemainsStatement(ctx.db, orgId),
      ])
      .catch(rethrowLastOwner("demoted"));
    await writeMarkers(ctx, revocations(revoked, now));
  }
  return { ...(await memberView(ctx, orgId, userId)), revoked_keys: revoked.length };
}

export async function removeMember(ctx: ServiceContext, access: OrgAccess, userId: string): Promise<void> {
  const orgId = access.organization.id;
  const membership = await requireMember(ctx, orgId, userId);
  await guardLastOwner(ctx, orgId, membership.role, "removed");
  // A member who leaves must not keep working keys nor invitations: the ones they made here are revoked with them.
  const now = new Date();
  const keys = (await listLiveApiKeysCreatedBy(ctx.db, userId, now)).filter((k) => k.organizationId === orgId);
  const [revoked] = await ctx.db
    .batch([
      revokeKeysBeyondRoleStatement(ctx, userId, [orgId], null, now),
      deleteMembershipStatement(ctx.db, orgId, userId),
      revokeInvitationsBeyondRoleStatement(ctx, userId, [orgId], null, now),
      auditStatement(ctx, orgId, {
        action: "member.remove",
        resourceType: "member",
        resourceId: userId,
        metadata: { role: membership.role, revoked_keys: keys.map((k) => k.id) },
      }),
      assertOwnerRemainsStatement(ctx.db, orgId),
    ])
    .catch(rethrowLastOwner("removed"));
  // After D1 (which `directory:rebuild` can restore markers from), so a refused removal revokes nothing;
  // for the keys the batch revoked, a key minted since the list was read included.
  await writeMarkers(ctx, revocations(revoked, now));
}
