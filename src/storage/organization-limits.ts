// D1 queries for an organization's plan, limits (the operator's ceiling and the owners' lower
// limits) and suspension, and the operators' view of every organization.
import { and, asc, count, desc, eq, gt, isNotNull, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { memberships, organizations, organizationUsage } from "../../drizzle/schema";
import { dayOf } from "../lib/time";
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

/** Which organizations the operators' list keeps (all given conditions hold). */
export type OrganizationFilter = {
  /** The id or slug, or part of the name (any case; `%` and `_` are plain characters). */
  search?: string | undefined;
  plan?: OrganizationRow["plan"] | undefined;
  /** Only suspended organizations (true) or only the others (false). */
  suspended?: boolean | undefined;
  /** By creation, oldest first (`asc`, the default) or newest first, or busiest today; a page's cursor is for the same order. */
  order?: OrganizationOrder | undefined;
};

type Role = (typeof memberships.role.enumValues)[number];

/** An organization as the operators' list shows it: with its members per role and what it holds against its caps. */
export type OrganizationWithCounts = {
  organization: OrganizationRow;
  members: Record<Role, number>;
  held: { instances: number; apiKeys: number };
  /** Its figures for the UTC day of `now` as its meter last flushed them (zeros when it has none for that day). */
  usageToday: { requests: number; commands: number };
  /** Where a page after this row resumes, in the list's order (see PageAfter). */
  position: PageAfter;
};

/** The joined usage row's figure for `today` (0 when the copy is of another day, or absent). */
const onDay = (figure: typeof organizationUsage.commands | typeof organizationUsage.requests, today: string) =>
  sql<number>`CASE WHEN ${organizationUsage.day} = ${today} THEN ${figure} ELSE 0 END`.mapWith(Number);

/**
 * Organizations with their counts and today's usage, where `where` holds, in `order`: one query
 * however many rows, each count a subquery on the row. D1 allows a Worker invocation 50 queries on
 * the Free plan (1,000 on Paid), and the usage comes from D1's copy, not from each meter.
 */
async function selectWithCounts(
  db: Db,
  now: Date,
  where: SQL | undefined,
  order: { by: SQL[]; position: (row: OrganizationRow, commandsToday: number) => PageAfter },
  limit: number,
): Promise<OrganizationWithCounts[]> {
  const today = dayOf(now.getTime());
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
      requestsToday: onDay(organizationUsage.requests, today),
      commandsToday: onDay(organizationUsage.commands, today),
      ...memberCounts,
    })
    .from(organizations)
    .leftJoin(organizationUsage, eq(organizationUsage.organizationId, organizations.id))
    .where(where)
    .orderBy(...order.by)
    .limit(limit)
    .all();
  return rows.map((row) => ({
    organization: row.organization,
    members: Object.fromEntries(roles.map((role) => [role, row[role]])) as Record<Role, number>,
    held: { instances: row.instances, apiKeys: row.apiKeys },
    usageToday: { requests: row.requestsToday, commands: row.commandsToday },
    position: order.position(row.organization, row.commandsToday),
  }));
}

/**
 * The operators' list's orders: by creation (`asc` oldest first, `desc` newest first), or `busiest`:
 * most commands today first (from D1's copy of each meter's day), then by id.
 */
export type OrganizationOrder = Direction | "busiest";

/**
 * Every organization in `filter.order` (oldest first by default), keyset-paginated (operators only),
 * narrowed by `filter`, with its counts and today's usage. For `busiest`, a page's position is
 * (today's commands, id): figures that change between pages can move a row across them.
 */
export async function listEveryOrganization(
  db: Db,
  limit: number,
  now: Date,
  after?: PageAfter,
  filter: OrganizationFilter = {},
): Promise<OrganizationWithCounts[]> {
  const { search, plan, suspended, order = "asc" } = filter;
  const found = search
    ? or(eq(organizations.id, search), eq(organizations.slug, search.toLowerCase()), containsText(organizations.name, search))
    : undefined;
  const status = suspended === undefined ? undefined : suspended ? isNotNull(organizations.suspendedAt) : isNull(organizations.suspendedAt);
  const narrowed = and(found, plan ? eq(organizations.plan, plan) : undefined, status);
  if (order === "busiest") {
    const commands = onDay(organizationUsage.commands, dayOf(now.getTime()));
    const rank = after?.createdAt.getTime();
    const page = after && rank !== undefined ? or(lt(commands, rank), and(eq(commands, rank), gt(organizations.id, after.id))) : undefined;
    const by = {
      by: [desc(commands), asc(organizations.id)],
      position: (row: OrganizationRow, n: number) => ({ createdAt: new Date(n), id: row.id }),
    };
    return selectWithCounts(db, now, and(page, narrowed), by, limit);
  }
  const page = afterRow(organizations.createdAt, organizations.id, after, order);
  const byCreation = { by: pageOrder(organizations.createdAt, organizations.id, order), position: creationPosition };
  return selectWithCounts(db, now, and(page, narrowed), byCreation, limit);
}

const creationPosition = (row: OrganizationRow): PageAfter => ({ createdAt: row.createdAt, id: row.id });

/** One organization with its counts and today's usage, as the operators' list shows it. */
export async function findOrganizationWithCounts(db: Db, orgId: string, now: Date): Promise<OrganizationWithCounts | undefined> {
  return (await selectWithCounts(db, now, eq(organizations.id, orgId), { by: [], position: creationPosition }, 1))[0];
}
