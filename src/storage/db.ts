// The drizzle handle over D1 and the helpers every query module shares: UNIQUE violations, batch
// guards, literal text search and keyset pages.
import { type AnyColumn, and, asc, desc, eq, gt, lt, or, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../drizzle/schema";

export type Db = ReturnType<typeof createDb>;

export function createDb(d1: D1Database) {
  return drizzle(d1, { schema });
}

/** True when `error` (or its cause) is SQLite's UNIQUE constraint failure. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof Error && /UNIQUE constraint failed/i.test(e.message)) return true;
  }
  return false;
}

/**
 * A statement that fails its whole batch when `holds` is true: it inserts a membership without a user
 * (NOT NULL fails) for the organization only then, and D1 rolls the batch back, audit row included.
 * Appended to a write, it makes a check and that write one atomic step, so two requests racing
 * each other cannot both pass. isBatchGuardFailure recognises the failure.
 */
export function failBatchIf(db: Db, orgId: string, holds: SQL | undefined) {
  const impossibleRow = db
    .select({ organizationId: schema.organizations.id, ...noUser() })
    .from(schema.organizations)
    .where(and(eq(schema.organizations.id, orgId), holds));
  return db.insert(schema.memberships).select(impossibleRow);
}

/** The columns of failBatchIf's impossible membership besides its organization: no user (NOT NULL). */
const noUser = () => ({
  userId: sql<string>`NULL`.as("user_id"),
  role: sql<"viewer">`'viewer'`.as("role"),
  createdAt: sql<Date>`0`.as("created_at"),
});

/**
 * failBatchIf for a condition on the whole deployment, which no organization owns (an enabled
 * operator remains): the same impossible membership, from one constant row instead of an
 * organization's. isBatchGuardFailure recognises the failure.
 */
export function failDeploymentBatchIf(db: Db, holds: SQL) {
  const impossibleRow = db
    .select({ organizationId: sql<string>`''`.as("organization_id"), ...noUser() })
    .from(sql`(SELECT 1)`)
    .where(holds);
  return db.insert(schema.memberships).select(impossibleRow);
}

/**
 * failBatchIf for a bound on how many rows an organization holds: appended after the insert, it
 * fails the batch when `held` (a one-column count query) is then above `max`.
 */
export function failBatchIfMoreThan(db: Db, orgId: string, held: SQLWrapper, max: number) {
  return failBatchIf(db, orgId, sql`(${held}) > ${max}`);
}

/**
 * `column` is one of `values`, which travel as one JSON parameter: D1 binds at most 100 per query,
 * and a list of any length stays one statement.
 */
export function inJsonList(column: SQLWrapper, values: readonly string[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

/**
 * `column` holds `text` anywhere, in any (ASCII) case; every character of `text` is literal. Not
 * LIKE: D1 refuses a LIKE pattern over 50 bytes ("pattern too complex"), and searches run to 100
 * characters.
 */
export function containsText(column: SQLWrapper, text: string): SQL {
  return sql`instr(lower(${column}), lower(${text})) > 0`;
}

/** True when `error` (or its cause) is the failure of a failBatchIf statement. */
export function isBatchGuardFailure(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof Error && /NOT NULL constraint failed: memberships\.user_id/i.test(e.message)) return true;
  }
  return false;
}

/** Opaque keyset cursor over (created_at, id), newest first. */
export function encodeCursor(createdAt: Date, id: string): string {
  return btoa(`${createdAt.getTime()}:${id}`).replaceAll("=", "");
}

/**
 * The (created_at, id) a cursor names, or null when it is not one: a time must be a whole number a
 * Date can hold (±8.64e15 ms); a larger safe integer would be an Invalid Date that no query can bind.
 */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  try {
    const [ms, id] = atob(cursor).split(":");
    const n = Number(ms);
    if (!id || !Number.isSafeInteger(n)) return null;
    const createdAt = new Date(n);
    if (Number.isNaN(createdAt.getTime())) return null;
    return { createdAt, id };
  } catch {
    return null;
  }
}

/**
 * Where a keyset page resumes: the creation time and id of the last row of the page before. A list
 * ranked by a count (the operators' busiest organizations) keeps the count in `createdAt`'s
 * milliseconds; the cursor is the same "number:id" either way.
 */
export type PageAfter = { createdAt: Date; id: string };

/** A keyset list's direction by creation: `desc` newest first, `asc` oldest first. */
export type Direction = "asc" | "desc";

/** The ordering that goes with afterRow: by creation, ties by id, both in `order`. */
export function pageOrder(createdAt: AnyColumn, id: AnyColumn, order: Direction): [SQL, SQL] {
  const by = order === "desc" ? desc : asc;
  return [by(createdAt), by(id)];
}

/**
 * The rows past `after` in a list ordered by (created_at, id), newest first (`desc`) or oldest
 * first (`asc`); no condition for the first page.
 */
export function afterRow(createdAt: AnyColumn, id: AnyColumn, after: PageAfter | undefined, order: Direction): SQL | undefined {
  if (!after) return undefined;
  const past = order === "desc" ? lt : gt;
  return or(past(createdAt, after.createdAt), and(eq(createdAt, after.createdAt), past(id, after.id)));
}
