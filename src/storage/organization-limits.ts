// D1 queries for an organization's plan, limits (the operator's ceiling and the owners' lower
// limits) and suspension, and the operators' view of every organization.
import { and, count, desc, eq, isNotNull, isNull, or } from "drizzle-orm";
import { memberships, organizations } from "../../drizzle/schema";
import { afterRow, containsText, type Db, type Direction, type PageAfter, pageOrder } from "./db";
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

/** Every organization, by creation (oldest first unless `filter.order` says otherwise), keyset-paginated (operators only), narrowed by `filter`. */
export async function listEveryOrganization(db: Db, limit: number, after?: PageAfter, filter: OrganizationFilter = {}) {
  const { search, plan, suspended, order = "asc" } = filter;
  const page = afterRow(organizations.createdAt, organizations.id, after, order);
  const found = search
    ? or(eq(organizations.id, search), eq(organizations.slug, search.toLowerCase()), containsText(organizations.name, search))
    : undefined;
  const status = suspended === undefined ? undefined : suspended ? isNotNull(organizations.suspendedAt) : isNull(organizations.suspendedAt);
  return db
    .select()
    .from(organizations)
    .where(and(page, found, plan ? eq(organizations.plan, plan) : undefined, status))
    .orderBy(...pageOrder(organizations.createdAt, organizations.id, order))
    .limit(limit)
    .all();
}

/** Members per role of one organization. */
export async function countMembersByRole(db: Db, orgId: string) {
  return db
    .select({ role: memberships.role, n: count() })
    .from(memberships)
    .where(eq(memberships.organizationId, orgId))
    .groupBy(memberships.role)
    .orderBy(desc(memberships.role))
    .all();
}
