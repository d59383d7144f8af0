// D1 queries for organizations and memberships. Every tenant-owned query takes the organization id.
import { and, count, desc, eq, notExists, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { memberships, organizations, users } from "../../drizzle/schema";
import { hasRole, ROLES, type Role } from "../auth/roles";
import { afterRow, type Db, failBatchIf, inJsonList, isBatchGuardFailure, type PageAfter, pageOrder } from "./db";

export type OrganizationRow = typeof organizations.$inferSelect;

export type { Role };

export function insertOrganizationStatements(db: Db, org: typeof organizations.$inferInsert, ownerId: string) {
  return [
    db.insert(organizations).values(org),
    db.insert(memberships).values({ organizationId: org.id, userId: ownerId, role: "owner" }),
  ] as const;
}

/** Organizations the user belongs to, with the user's role, newest first. */
export async function listOrganizationsForUser(db: Db, userId: string, limit: number, offset: number) {
  return db
    .select({ organization: organizations, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, userId))
    .orderBy(desc(organizations.createdAt), desc(organizations.id))
    .limit(limit)
    .offset(offset)
    .all();
}

/** The organization and the user's role in it; undefined when either is missing (a 404). */
export async function findOrganizationForMember(db: Db, orgId: string, userId: string) {
  return db
    .select({ organization: organizations, role: memberships.role })
    .from(organizations)
    .innerJoin(memberships, and(eq(memberships.organizationId, organizations.id), eq(memberships.userId, userId)))
    .where(eq(organizations.id, orgId))
    .get();
}

export function updateOrganizationStatement(
  db: Db,
  orgId: string,
  patch: Partial<Pick<OrganizationRow, "name" | "slug" | "description" | "viewerDataAccess">>,
) {
  return db
    .update(organizations)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(organizations.id, orgId));
}

export function deleteOrganizationStatement(db: Db, orgId: string) {
  return db.delete(organizations).where(eq(organizations.id, orgId));
}

const MEMBER_COLUMNS = {
  id: users.id,
  email: users.email,
  username: users.username,
  firstName: users.firstName,
  lastName: users.lastName,
  role: memberships.role,
  createdAt: memberships.createdAt,
};

/** Members in the order they joined (then by user id), `limit` of them after the cursor's member. */
export async function listMembers(db: Db, orgId: string, opts: { limit: number; after?: PageAfter }) {
  const { after } = opts;
  const page = afterRow(memberships.createdAt, users.id, after, "asc");
  return db
    .select(MEMBER_COLUMNS)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, orgId), page))
    .orderBy(...pageOrder(memberships.createdAt, users.id, "asc"))
    .limit(opts.limit)
    .all();
}

export async function findMember(db: Db, orgId: string, userId: string) {
  return db
    .select(MEMBER_COLUMNS)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)))
    .get();
}

export async function findMembership(db: Db, orgId: string, userId: string) {
  return db
    .select()
    .from(memberships)
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)))
    .get();
}

export async function countOwners(db: Db, orgId: string): Promise<number> {
  const row = await db
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.role, "owner")))
    .get();
  return row?.n ?? 0;
}

export function updateMembershipStatement(db: Db, orgId: string, userId: string, role: Role) {
  return db
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)));
}

export function deleteMembershipStatement(db: Db, orgId: string, userId: string) {
  return db.delete(memberships).where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)));
}

/**
 * A batch statement that fails (NOT NULL constraint) when the organization has no owner left.
 * Appended to a batch that demotes or removes an owner, it makes the last-owner check and the write
 * one atomic step: D1 rolls the whole batch back, so two owners stepping down at once cannot both win.
 */
export function assertOwnerRemainsStatement(db: Db, orgId: string) {
  const owner = db
    .select({ one: sql`1` })
    .from(memberships)
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.role, "owner")));
  return failBatchIf(db, orgId, notExists(owner));
}

/**
 * A batch statement that fails (isBatchGuardFailure) unless `userId` is a member of the organization
 * with `minimum` or a higher role. Appended to a write made on that member's authority (an invitation
 * they made, a key they mint), it makes the authority and the write one atomic step: when a removal
 * or demotion commits first, the write rolls back instead of outliving the role that allowed it.
 */
export function assertMemberHoldsRoleStatement(db: Db, orgId: string, userId: string, minimum: Role) {
  const roles = ROLES.filter((role) => hasRole(role, minimum));
  const holds = db
    .select({ one: sql`1` })
    .from(memberships)
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId), inJsonList(memberships.role, roles)));
  return failBatchIf(db, orgId, notExists(holds));
}

/** True when a batch failed on assertOwnerRemainsStatement: the organization had no owner left. */
export const isNoOwnerLeft = isBatchGuardFailure;

/** Every membership of one user, in any organization, with how many owners that organization has (one query). */
export async function listMembershipsOfUser(db: Db, userId: string) {
  const peer = alias(memberships, "peer");
  const owners = db
    .select({ n: count() })
    .from(peer)
    .where(and(eq(peer.organizationId, memberships.organizationId), eq(peer.role, "owner")));
  return db
    .select({ organizationId: memberships.organizationId, role: memberships.role, owners: sql<number>`(${owners})`.mapWith(Number) })
    .from(memberships)
    .where(eq(memberships.userId, userId))
    .all();
}
