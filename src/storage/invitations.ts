// D1 queries for invitations to join an organization. Only the token's SHA-256 is stored; accepting
// is a conditional claim in the same batch as the membership insert, so a link works exactly once.
import { and, count, eq, gt, isNotNull, isNull, lte, notExists, type SQL, sql } from "drizzle-orm";
import { invitations, memberships, organizations, users } from "../../drizzle/schema";
import type { Role } from "../auth/roles";
import { afterRow, type Db, failBatchIf, failBatchIfMoreThan, inJsonList, isBatchGuardFailure, type PageAfter, pageOrder } from "./db";

export type InvitationRow = typeof invitations.$inferSelect;
export const INVITATION_STATUSES = ["pending", "accepted", "revoked", "expired"] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** The status a row is in at `now`; an accepted or revoked invitation stays so after its expiry. */
export function invitationStatus(row: InvitationRow, now: Date): InvitationStatus {
  if (row.acceptedAt) return "accepted";
  if (row.revokedAt) return "revoked";
  return row.expiresAt.getTime() > now.getTime() ? "pending" : "expired";
}

/** Still usable at `now`: neither accepted nor revoked, and not expired. */
const live = (now: Date) => and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now));

function statusFilter(status: InvitationStatus, now: Date) {
  switch (status) {
    case "pending":
      return live(now);
    case "accepted":
      return isNotNull(invitations.acceptedAt);
    case "revoked":
      return and(isNull(invitations.acceptedAt), isNotNull(invitations.revokedAt));
    case "expired":
      return and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), lte(invitations.expiresAt, now));
  }
}

/**
 * Appended after an insert: fails the batch (isBatchGuardFailure) when the organization then holds
 * more than `max` live invitations, so concurrent invites cannot pass the bound together.
 */
export function assertLiveInvitationsAtMostStatement(db: Db, orgId: string, max: number, now: Date) {
  const liveCount = db
    .select({ n: count() })
    .from(invitations)
    .where(and(eq(invitations.organizationId, orgId), live(now)));
  return failBatchIfMoreThan(db, orgId, liveCount, max);
}

export function insertInvitationStatement(db: Db, row: typeof invitations.$inferInsert) {
  return db.insert(invitations).values(row);
}

/** An organization's invitations in `status` (all when undefined), newest first, keyset-paginated. */
export async function listInvitations(
  db: Db,
  orgId: string,
  opts: { status?: InvitationStatus; now: Date; limit: number; after?: PageAfter },
) {
  const { after } = opts;
  const page = afterRow(invitations.createdAt, invitations.id, after, "desc");
  return db
    .select()
    .from(invitations)
    .where(and(eq(invitations.organizationId, orgId), opts.status ? statusFilter(opts.status, opts.now) : undefined, page))
    .orderBy(...pageOrder(invitations.createdAt, invitations.id, "desc"))
    .limit(opts.limit)
    .all();
}

export async function findInvitation(db: Db, orgId: string, id: string): Promise<InvitationRow | undefined> {
  return db
    .select()
    .from(invitations)
    .where(and(eq(invitations.organizationId, orgId), eq(invitations.id, id)))
    .get();
}

/** The ids of an organization's usable invitations for one email (to be replaced by a new one). */
export async function listLiveInvitationIdsFor(db: Db, orgId: string, email: string, now: Date): Promise<string[]> {
  const rows = await db
    .select({ id: invitations.id })
    .from(invitations)
    .where(and(eq(invitations.organizationId, orgId), eq(invitations.email, email), live(now)))
    .all();
  return rows.map((r) => r.id);
}

/** Revokes every usable invitation of an organization for one email. */
export function revokeLiveInvitationsForStatement(db: Db, orgId: string, email: string, now: Date) {
  return db
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(eq(invitations.organizationId, orgId), eq(invitations.email, email), live(now)));
}

/**
 * Revokes the usable invitations `invitedBy` made in the organizations `orgIds` that offer one of
 * `roles` (one statement however many): what a member removed, demoted or gone may no longer offer.
 */
export function revokeLiveInvitationsByStatement(db: Db, invitedBy: string, orgIds: readonly string[], roles: readonly Role[], now: Date) {
  return db
    .update(invitations)
    .set({ revokedAt: now })
    .where(
      and(
        inJsonList(invitations.organizationId, orgIds),
        eq(invitations.invitedBy, invitedBy),
        inJsonList(invitations.role, roles),
        live(now),
      ),
    );
}

/** A usable invitation by its token hash, with its organization and the inviter's profile (when the account still exists). */
export async function findLiveInvitationByTokenHash(db: Db, tokenHash: string, now: Date) {
  return db
    .select({
      invitation: invitations,
      organization: organizations,
      inviter: { username: users.username, firstName: users.firstName, lastName: users.lastName },
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(eq(invitations.tokenHash, tokenHash), live(now)))
    .get();
}

/** Whether the account with this email (if any) is a member of the organization. */
export async function isMemberByEmail(db: Db, orgId: string, email: string): Promise<boolean> {
  const row = await db
    .select({ one: sql`1` })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, orgId), eq(users.email, email)))
    .get();
  return row !== undefined;
}

/**
 * A batch statement that fails (NOT NULL on memberships.user_id) unless the invitation now matches
 * `done`: appended after a conditional update, it rolls the whole batch back (audit row included)
 * when the update changed nothing, e.g. because a concurrent batch got there first.
 */
function failUnlessStatement(db: Db, orgId: string, id: string, done: SQL | undefined) {
  const happened = db
    .select({ one: sql`1` })
    .from(invitations)
    .where(and(eq(invitations.id, id), done));
  return failBatchIf(db, orgId, notExists(happened));
}

/** True when a batch failed on failUnlessStatement: the invitation had changed meanwhile. */
export const isInvitationUnchanged = isBatchGuardFailure;

/** Revokes one invitation if it is still usable; the batch fails (isInvitationUnchanged) otherwise. */
export function revokeInvitationStatements(db: Db, orgId: string, id: string, now: Date) {
  const revoke = db
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(eq(invitations.organizationId, orgId), eq(invitations.id, id), live(now)));
  return [revoke, failUnlessStatement(db, orgId, id, eq(invitations.revokedAt, now))] as const;
}

/**
 * The statements that accept an invitation, for one batch: claim it (only while usable and for this
 * email), fail the whole batch when the claim did not happen, then insert the membership. Two accepts
 * at once: D1 runs batches one after the other, so the second claims nothing and rolls back.
 */
export function acceptInvitationStatements(
  db: Db,
  invitation: { id: string; organizationId: string; role: Role },
  user: { id: string; email: string },
  now: Date,
) {
  const claim = db
    .update(invitations)
    .set({ acceptedAt: now, acceptedBy: user.id })
    .where(and(eq(invitations.id, invitation.id), eq(invitations.email, user.email), live(now)));
  const claimed = and(eq(invitations.acceptedBy, user.id), eq(invitations.acceptedAt, now));
  return [
    claim,
    failUnlessStatement(db, invitation.organizationId, invitation.id, claimed),
    db.insert(memberships).values({ organizationId: invitation.organizationId, userId: user.id, role: invitation.role, createdAt: now }),
  ] as const;
}
