// D1 queries for an organization's plan, limits (the operator's ceiling and the owners' lower
// limits) and suspension, and the operators' view of every organization.
import { and, count, eq, isNotNull, isNull, or, type SQL, sql } from "drizzle-orm";
import { memberships, organizations } from "../../drizzle/schema";
import { liveUserKeyCount } from "./api-keys";
import { afterRow, containsText, type Db, type Direction, type PageAfter, pageOrder } from "./db";
import { instanceCount } from "./instances";
import type { OrganizationRow } from "./organizations";

export type LimitColumns = Pick<
  OrganizationRow,
  "plan" | "maxRequestsPerDay" | "rateLimitRequests" | "rateLimitWindowSeconds" | "maxInstances" | "maxApiKeys"
>;
export type OwnerLimitColumns = Pick<OrganizationRow, "ownerMaxRequestsPerDay" | "ownerRateLimitRequests" | "ownerRateLimitWindowSeconds">;

/** The operator's plan and overrides (the ceiling, and the caps on instances and keys). */
export function updateOrganizationLimitsStatement(db: Db, orgId: string, limits: LimitColumns) {
  return db
    .update(organizations)
    .set({ ...limits, updatedAt: new Date() })
    .where(eq(organizations.id, orgId));
}

/** The owners' own lower limits. */
export function updateOwnerLimitsStatement(db: Db, orgId: string, limits: OwnerLimitColumns) {
  return db
    .update(organizations)
    .set({ ...limits, updatedAt: new Date() })
    .where(eq(organizations.id, orgId));
}

/** Suspends (a date) or resumes (null) an organization. */
export function setSuspensionStatement(db: Db, orgId: string, at: Date | null) {
  return db.update(organizations).set({ suspendedAt: at, updatedAt: new Date() }).where(eq(organizations.id, orgId));
}

export async function findOrganization(db: Db, orgId: string): Promise<OrganizationRow | undefined> {
  return db.select().from(organizations).where(eq(organizations.id, orgId)).get();
}

export async function listSuspendedOrganizationIds(db: Db): Promise<string[]> {
  const rows = await db.select({ id: organizations.id }).from(organizations).where(isNotNull(organizations.suspendedAt)).all();
  return rows.map((r) => r.id);
}

/** Which organizations the operators' list keeps (all given conditions hold). */
export type OrganizationFilter = {
  /** The id or slug, or part of the name (any case; `%` and `_` are plain characters). */
  search?: string | undefined;
  plan?: OrganizationRow["plan"] | undefined;
  /** Only suspended organizations (true) or only the others (false). */
  suspended?: boolean | undefined;
  /** By creation, oldest first (`asc`, the default) or newest first; a page's cursor is for the same order. */
  order?: Direction | undefined;
};

type Role = (typeof memberships.role.enumValues)[number];

/** An organization as the operators' list shows it: with its members per role and what it holds against its caps. */
export type OrganizationWithCounts = {
  organization: OrganizationRow;
  members: Record<Role, number>;
  held: { instances: number; apiKeys: number };
};

/**
 * Organizations with their counts, where `where` holds, in `order`: one query however many rows, each
 * count a subquery on the row. D1 allows a Worker invocation 50 queries on the Free plan (1,000 on Paid).
 */
async function selectWithCounts(db: Db, now: Date, where: SQL | undefined, order: SQL[], limit: number): Promise<OrganizationWithCounts[]> {
  const counted = (query: { getSQL(): SQL }) => sql<number>`(${query})`.mapWith(Number);
  const roles = memberships.role.enumValues;
  const memberCounts = Object.fromEntries(
    roles.map((role) => [
      role,
      counted(
        db
          .select({ n: count() })
          .from(memberships)
          .where(and(eq(memberships.organizationId, organizations.id), eq(memberships.role, role))),
      ),
    ]),
  ) as Record<Role, SQL<number>>;
  const rows = await db
    .select({
      organization: organizations,
      instances: counted(instanceCount(db, organizations.id)),
      apiKeys: counted(liveUserKeyCount(db, organizations.id, now)),
      ...memberCounts,
    })
    .from(organizations)
    .where(where)
    .orderBy(...order)
    .limit(limit)
    .all();
  return rows.map((row) => ({
    organization: row.organization,
    members: Object.fromEntries(roles.map((role) => [role, row[role]])) as Record<Role, number>,
    held: { instances: row.instances, apiKeys: row.apiKeys },
  }));
}

/** Every organization, by creation (oldest first unless `filter.order` says otherwise), keyset-paginated (operators only), narrowed by `filter`, with its counts. */
export async function listEveryOrganization(
  db: Db,
  limit: number,
  now: Date,
  after?: PageAfter,
  filter: OrganizationFilter = {},
): Promise<OrganizationWithCounts[]> {
  const { search, plan, suspended, order = "asc" } = filter;
  const page = afterRow(organizations.createdAt, organizations.id, after, order);
  const found = search
    ? or(eq(organizations.id, search), eq(organizations.slug, search.toLowerCase()), containsText(organizations.name, search))
    : undefined;
  const status = suspended === undefined ? undefined : suspended ? isNotNull(organizations.suspendedAt) : isNull(organizations.suspendedAt);
  const where = and(page, found, plan ? eq(organizations.plan, plan) : undefined, status);
  return selectWithCounts(db, now, where, pageOrder(organizations.createdAt, organizations.id, order), limit);
}

/** One organization with its counts, as the operators' list shows it. */
export async function findOrganizationWithCounts(db: Db, orgId: string, now: Date): Promise<OrganizationWithCounts | undefined> {
  return (await selectWithCounts(db, now, eq(organizations.id, orgId), [], 1))[0];
}
