// D1 queries for an organization's plan, limits (the operator's ceiling and the owners' lower
// limits) and suspension, and the operators' view of every organization.
import { and, asc, count, desc, eq, gt, isNotNull, isNull, or } from "drizzle-orm";
import { memberships, organizations } from "../../drizzle/schema";
import { containsText, type Db } from "./db";
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

/**
 * Every organization, oldest first, keyset-paginated (operators only); with `search`, only those whose
 * id or slug is it, or whose name holds it (any case; `%` and `_` are plain characters).
 */
export type OrganizationFilter = {
  /** The id or slug, or part of the name (any case). */
  search?: string | undefined;
  plan?: OrganizationRow["plan"] | undefined;
  /** Only suspended organizations (true) or only the others (false). */
  suspended?: boolean | undefined;
};

export async function listEveryOrganization(
  db: Db,
  limit: number,
  after?: { createdAt: Date; id: string },
  filter: OrganizationFilter = {},
) {
  const page = after
    ? or(gt(organizations.createdAt, after.createdAt), and(eq(organizations.createdAt, after.createdAt), gt(organizations.id, after.id)))
    : undefined;
  const { search, plan, suspended } = filter;
  const found = search
    ? or(eq(organizations.id, search), eq(organizations.slug, search.toLowerCase()), containsText(organizations.name, search))
    : undefined;
  const status = suspended === undefined ? undefined : suspended ? isNotNull(organizations.suspendedAt) : isNull(organizations.suspendedAt);
  return db
    .select()
    .from(organizations)
    .where(and(page, found, plan ? eq(organizations.plan, plan) : undefined, status))
    .orderBy(asc(organizations.createdAt), asc(organizations.id))
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
