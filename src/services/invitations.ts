// Invitations: the only way into an organization besides creating it. An admin invites an email with
// a role and passes the one-time link on; only a signed-in account with that email, presenting the
// token, becomes a member. Tokens are shown once and stored as SHA-256; nothing here says whether an
// account exists for an email.
import { hasRole, ROLES, type Role } from "../auth/roles";
import { AppError } from "../errors";
import { sha256Hex, timingSafeEqualStrings } from "../lib/encoding";
import { newId, randomToken } from "../lib/ids";
import { isBatchGuardFailure, isUniqueViolation } from "../storage/db";
import {
  acceptInvitationStatements,
  assertLiveInvitationsAtMostStatement,
  findInvitation,
  findLiveInvitationByTokenHash,
  type InvitationRow,
  type InvitationStatus,
  insertInvitationStatement,
  invitationStatus,
  isInvitationUnchanged,
  isMemberByEmail,
  listInvitations,
  listLiveInvitationIdsFor,
  revokeInvitationStatements,
  revokeLiveInvitationsByStatement,
  revokeLiveInvitationsForStatement,
} from "../storage/invitations";
import { assertMemberHoldsRoleStatement, findMembership } from "../storage/organizations";
import { auditStatement } from "./audit";
import { type Page, parseCursor, type ServiceContext, toPage } from "./context";
import { type OrgAccess, presentOrganization, requireOrgAccess } from "./organizations";

export { INVITATION_STATUSES, type InvitationStatus } from "../storage/invitations";

export const INVITATION_PREFIX = "rgi_";
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Pending invitations an organization may hold at once (re-inviting an email replaces its own). */
export const MAX_PENDING_INVITATIONS = 100;
/** The token's shape: the prefix and 32 random bytes as base64url. */
export const INVITATION_TOKEN = /^rgi_[A-Za-z0-9_-]{43}$/;

/** One answer for unknown, used, revoked and expired links (and a token that is not one): no oracle. */
const unusable = () => new AppError("not_found", "This invitation link is not valid: it may have been used, revoked or have expired.");

/**
 * The invite rule, the one place it is written: the least role that may invite `role` (an owner for
 * an owner, an admin for the rest, which is also the invite route's minimum). An invitation is
 * accepted on its inviter's authority, so they must still hold this role when it is.
 */
export const inviterRoleFor = (role: Role): Role => (role === "owner" ? "owner" : "admin");

/**
 * For the batch that removes (`role` null), demotes or closes a member: revokes the pending
 * invitations they made in `orgIds` that `role` could not make, so none outlives their authority.
 */
export function revokeInvitationsBeyondRoleStatement(
  ctx: ServiceContext,
  userId: string,
  orgIds: readonly string[],
  role: Role | null,
  now: Date,
) {
  const beyond = ROLES.filter((offered) => role === null || !hasRole(role, inviterRoleFor(offered)));
  return revokeLiveInvitationsByStatement(ctx.db, userId, orgIds, beyond, now);
}

/** 409 for a link whose inviter has since left the organization or lost the role it offers. */
const inviterLostAuthority = () =>
  new AppError(
    "conflict",
    "The person who invited you can no longer invite to this organization with this role: they left it or their role changed. " +
      "Ask the organization for a new invitation.",
  );

export function presentInvitation(row: InvitationRow, now = new Date()) {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    invited_by: row.invitedBy,
    created_at: row.createdAt.toISOString(),
    expires_at: row.expiresAt.toISOString(),
    status: invitationStatus(row, now),
  };
}
export type PublicInvitation = ReturnType<typeof presentInvitation>;

/**
 * Invites an email with a role. The answer is the same whether or not an account has that email; a
 * usable invitation for the same email is revoked (replaced). The token is returned once.
 * @throws forbidden when a non-owner invites an owner; conflict when that email is already a member;
 *   not_found or forbidden (as the route's role check) when the inviter was removed or demoted meanwhile.
 */
export async function createInvitation(ctx: ServiceContext, access: OrgAccess, input: { email: string; role: Role }, origin: string) {
  const minimum = inviterRoleFor(input.role);
  if (!hasRole(access.role, minimum)) {
    throw new AppError(
      "forbidden",
      minimum === "owner" ? "Only an owner can invite an owner." : `Inviting needs the ${minimum} role or higher.`,
    );
  }
  const orgId = access.organization.id;
  const email = input.email.trim().toLowerCase();
  if (await isMemberByEmail(ctx.db, orgId, email))
    throw new AppError("conflict", "This email already belongs to a member of the organization.");
  const now = new Date();
  const replaced = await listLiveInvitationIdsFor(ctx.db, orgId, email, now);
  const token = `${INVITATION_PREFIX}${randomToken(32)}`;
  const row: InvitationRow = {
    id: newId("inv"),
    organizationId: orgId,
    email,
    role: input.role,
    tokenHash: await sha256Hex(token),
    invitedBy: ctx.actor.userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
    acceptedAt: null,
    acceptedBy: null,
    revokedAt: null,
  };
  await ctx.db
    .batch([
      revokeLiveInvitationsForStatement(ctx.db, orgId, email, now),
      insertInvitationStatement(ctx.db, row),
      assertLiveInvitationsAtMostStatement(ctx.db, orgId, MAX_PENDING_INVITATIONS, now),
      // Removed or demoted meanwhile: no invitation is stored after the removal revoked the others.
      assertMemberHoldsRoleStatement(ctx.db, orgId, ctx.actor.userId, minimum),
      auditStatement(ctx, orgId, {
        action: "invitation.create",
        resourceType: "invitation",
        resourceId: row.id,
        metadata: { email, role: input.role, expires_at: row.expiresAt.toISOString(), replaced },
      }),
    ])
    .catch(async (error: unknown) => {
      if (!isBatchGuardFailure(error)) throw error;
      // Either guard: the inviter's role (404 or 403, as the route's check now answers) or the bound.
      await requireOrgAccess(ctx, orgId, minimum);
      throw new AppError(
        "conflict",
        `This organization already has ${MAX_PENDING_INVITATIONS} pending invitations, the most it may hold. ` +
          "Revoke some, or wait until they are accepted or expire.",
      );
    });
  // In the fragment: browsers never send it, so the token reaches no server or proxy log.
  return { invitation: presentInvitation(row, now), token, accept_url: `${origin}/invitations/accept#token=${token}` };
}

/** An organization's invitations in one status (the route defaults to pending), newest first. */
export async function listOrganizationInvitations(
  ctx: ServiceContext,
  access: OrgAccess,
  status: InvitationStatus,
  limit: number,
  cursor?: string,
): Promise<Page<PublicInvitation>> {
  const now = new Date();
  const rows = await listInvitations(ctx.db, access.organization.id, { status, now, limit: limit + 1, after: parseCursor(cursor) });
  return toPage(rows, limit, (row) => presentInvitation(row, now));
}

/**
 * Revokes a pending invitation; its link stops working at once.
 * @throws not_found (unknown here, or another organization's); conflict when it is no longer pending.
 */
export async function revokeInvitation(ctx: ServiceContext, access: OrgAccess, id: string) {
  const orgId = access.organization.id;
  const row = await findInvitation(ctx.db, orgId, id);
  if (!row) throw new AppError("not_found", "Invitation not found.");
  const now = new Date();
  const notPending = () => new AppError("conflict", `This invitation is no longer pending (${invitationStatus(row, now)}).`);
  if (invitationStatus(row, now) !== "pending") throw notPending();
  await ctx.db
    .batch([
      ...revokeInvitationStatements(ctx.db, orgId, id, now),
      auditStatement(ctx, orgId, {
        action: "invitation.revoke",
        resourceType: "invitation",
        resourceId: id,
        metadata: { email: row.email },
      }),
    ])
    .catch((error: unknown) => {
      // Accepted (or revoked) in the meantime: the batch rolled back, audit row included.
      throw isInvitationUnchanged(error) ? new AppError("conflict", "This invitation is no longer pending.") : error;
    });
  return presentInvitation({ ...row, revokedAt: now }, now);
}

/** The usable invitation a token names; the stored hash is compared in constant time as well. */
async function findByToken(ctx: ServiceContext, token: string, now: Date) {
  if (!INVITATION_TOKEN.test(token)) throw unusable();
  const hash = await sha256Hex(token);
  const found = await findLiveInvitationByTokenHash(ctx.db, hash, now);
  if (!found || !timingSafeEqualStrings(found.invitation.tokenHash, hash)) throw unusable();
  return found;
}

/** The signed-in account (the session middleware resolved it). */
export type Invitee = { id: string; email: string };

const displayName = (p: { username: string; firstName: string | null; lastName: string | null } | null) => {
  if (!p) return null;
  const full = [p.firstName, p.lastName].filter(Boolean).join(" ");
  return full || p.username;
};

/**
 * What a link would do, for the signed-in account: the organization, role, inviter and expiry, and
 * whether the account's email is the invited one. The invited email itself is not shown.
 * @throws not_found for an unknown, used, revoked or expired token (one answer); conflict when its
 *   inviter may no longer offer it (a pending row an earlier version left when removing or demoting
 *   them), as accepting would answer: a link that cannot join anyone is never shown as valid.
 */
export async function previewInvitation(ctx: ServiceContext, user: Invitee, token: string) {
  const found = await findByToken(ctx, token, new Date());
  if (!(await inviterMayOffer(ctx, found.invitation))) throw inviterLostAuthority();
  return {
    organization_name: found.organization.name,
    role: found.invitation.role,
    inviter_name: displayName(found.inviter?.username ? found.inviter : null),
    expires_at: found.invitation.expiresAt.toISOString(),
    email_matches: user.email === found.invitation.email,
  };
}

/** Whether an invitation's inviter is still a member with a role that may make it. */
async function inviterMayOffer(ctx: ServiceContext, invitation: InvitationRow): Promise<boolean> {
  const membership = await findMembership(ctx.db, invitation.organizationId, invitation.invitedBy);
  return membership !== undefined && hasRole(membership.role, inviterRoleFor(invitation.role));
}

/**
 * Joins the organization with the invited role, once: the claim, the inviter's authority and the
 * membership are one batch.
 * @throws not_found (token unknown/used/revoked/expired, also when lost to a concurrent accept);
 *   forbidden when the signed-in account's email is not the invited one; organization_suspended;
 *   conflict when the account is already a member, or when the inviter is no longer a member with a
 *   role that may offer the invitation's (removed or demoted, also at the same moment).
 */
export async function acceptInvitation(ctx: ServiceContext, user: Invitee, token: string) {
  const now = new Date();
  const found = await findByToken(ctx, token, now);
  const { invitation, organization } = found;
  if (user.email !== invitation.email) {
    // The preview already tells the token's holder that it is not theirs, so a 404 here would hide
    // nothing; saying so lets the person sign in with the right account. The email is never named.
    throw new AppError("forbidden", "This invitation is for another account. Sign in with the invited email address to accept it.");
  }
  if (organization.suspendedAt) {
    throw new AppError("organization_suspended", "This organization is suspended by the operator: it is read-only until resumed.");
  }
  await ctx.db
    .batch([
      ...acceptInvitationStatements(ctx.db, invitation, user, now),
      assertMemberHoldsRoleStatement(ctx.db, organization.id, invitation.invitedBy, inviterRoleFor(invitation.role)),
      auditStatement(ctx, organization.id, {
        action: "member.join",
        resourceType: "member",
        resourceId: user.id,
        metadata: { invitation_id: invitation.id, role: invitation.role, invited_by: invitation.invitedBy },
      }),
    ])
    .catch(async (error: unknown) => {
      if (isUniqueViolation(error)) throw new AppError("conflict", "You are already a member of this organization.");
      if (!isInvitationUnchanged(error)) throw error;
      // Two guards can fail the batch: the claim (used or revoked meanwhile) and the inviter's authority.
      const stillLive = await findLiveInvitationByTokenHash(ctx.db, invitation.tokenHash, now);
      throw stillLive && !(await inviterMayOffer(ctx, invitation)) ? inviterLostAuthority() : unusable();
    });
  return presentOrganization(organization, invitation.role);
}

export type CreatedInvitation = Awaited<ReturnType<typeof createInvitation>>;
export type InvitationPreview = Awaited<ReturnType<typeof previewInvitation>>;
