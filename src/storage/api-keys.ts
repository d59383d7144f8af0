// D1 queries for API key metadata. The key string is never stored: only its SHA-256 hash.
import { type AnyColumn, and, count, eq, gt, isNotNull, isNull, lte, notExists, or, type SQL, sql } from "drizzle-orm";
import { apiKeys } from "../../drizzle/schema";
import { afterRow, containsText, type Db, failBatchIf, failBatchIfMoreThan, inJsonList, type PageAfter, pageOrder } from "./db";
import type { Revocation } from "./directory";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

// `revoked_at` is when a key stops working. It is in the future for a key retiring on a schedule
// (a roll that keeps the old key for a while): such a key is live until then, and the edge's
// marker carries the same instant.

/** Not revoked at `now`: never, or only from a later instant (retiring). */
const unrevokedAt = (now: Date) => or(isNull(apiKeys.revokedAt), gt(apiKeys.revokedAt, now));

/** Whether the row's key no longer works for revocation at `now` (expiry aside). */
export const isRevokedAt = (row: Pick<ApiKeyRow, "revokedAt">, now: Date): boolean => row.revokedAt !== null && row.revokedAt <= now;

/** Whether the row's key still works at `now`: neither revoked nor expired (what the SQL `live` conditions ask). */
export const isLiveAt = (row: Pick<ApiKeyRow, "revokedAt" | "expiresAt">, now: Date): boolean =>
  !isRevokedAt(row, now) && row.expiresAt > now;

export function insertApiKeyStatement(db: Db, row: typeof apiKeys.$inferInsert) {
  return db.insert(apiKeys).values(row);
}

/**
 * An organization's keys minted by people (not the dashboard console's), neither revoked nor expired
 * at `now`. `orgId` may be an outer query's column (a count per row of a list).
 */
const liveUserKeys = (orgId: string | AnyColumn, now: Date) =>
  and(eq(apiKeys.organizationId, orgId), eq(apiKeys.kind, "user"), unrevokedAt(now), gt(apiKeys.expiresAt, now));

/** The count of the organization's live keys, as a query (`orgId` may be an outer query's column). */
export const liveUserKeyCount = (db: Db, orgId: string | AnyColumn, now: Date) =>
  db.select({ n: count() }).from(apiKeys).where(liveUserKeys(orgId, now));

/**
 * For the batch that mints a key (after its insert): fails the whole batch when the organization then
 * holds more than `max` live keys, so concurrent mints cannot pass the cap together.
 */
export function assertLiveUserApiKeysAtMostStatement(db: Db, orgId: string, max: number, now: Date) {
  return failBatchIfMoreThan(db, orgId, liveUserKeyCount(db, orgId, now), max);
}

/** How many live keys (minted by people, neither revoked nor expired at `now`) the organization holds. */
export async function countLiveUserApiKeys(db: Db, orgId: string, now: Date): Promise<number> {
  return (await liveUserKeyCount(db, orgId, now).get())?.n ?? 0;
}

/** One key of the organization, by a unique column. */
const findOne = (db: Db, orgId: string, which: SQL): Promise<ApiKeyRow | undefined> =>
  db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, orgId), which))
    .get();

/** The organization's key whose SHA-256 is `keyHash` (hex), if any. */
export function findApiKeyByHash(db: Db, orgId: string, keyHash: string): Promise<ApiKeyRow | undefined> {
  return findOne(db, orgId, eq(apiKeys.keyHash, keyHash));
}

export function findApiKey(db: Db, orgId: string, id: string): Promise<ApiKeyRow | undefined> {
  return findOne(db, orgId, eq(apiKeys.id, id));
}

/** The key's revocation as D1 has it now (when it is refused from, when it expires), or null when it is not revoked. */
export async function findRevocation(db: Db, orgId: string, id: string): Promise<Revocation | null> {
  const row = await findApiKey(db, orgId, id);
  return row?.revokedAt ? { revokedAt: row.revokedAt, expiresAt: row.expiresAt } : null;
}

export type ApiKeyFilter = {
  kind?: ApiKeyRow["kind"] | undefined;
  /** Only keys revoked by `now` (true) or only keys not revoked by then, retiring ones too (false). */
  revoked?: boolean | undefined;
  /** Part of the name or of the shown prefix (any case), or the exact id. */
  search?: string | undefined;
};

/** An organization's keys, newest first, keyset-paginated, narrowed by `filter`. */
export async function listApiKeys(
  db: Db,
  orgId: string,
  limit: number,
  after?: PageAfter,
  filter: ApiKeyFilter = {},
  now: Date = new Date(),
) {
  const page = afterRow(apiKeys.createdAt, apiKeys.id, after, "desc");
  const revoked = filter.revoked === undefined ? undefined : filter.revoked ? lte(apiKeys.revokedAt, now) : unrevokedAt(now);
  const search = filter.search
    ? or(eq(apiKeys.id, filter.search), containsText(apiKeys.name, filter.search), containsText(apiKeys.keyPrefix, filter.search))
    : undefined;
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, orgId), filter.kind ? eq(apiKeys.kind, filter.kind) : undefined, revoked, search, page))
    .orderBy(...pageOrder(apiKeys.createdAt, apiKeys.id, "desc"))
    .limit(limit)
    .all();
}

/** Keys of an organization not revoked at `now`, retiring ones too (for cascading revocation). */
export async function listLiveApiKeys(db: Db, orgId: string, now: Date): Promise<ApiKeyRow[]> {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, orgId), unrevokedAt(now)))
    .all();
}

/**
 * For the batch that replaces a key (before it revokes it): fails the whole batch unless the key is
 * still neither revoked nor expired at `now`, so two racing rolls cannot both mint a replacement.
 */
export function assertApiKeyLiveStatement(db: Db, orgId: string, id: string, now: Date) {
  const live = db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, orgId), eq(apiKeys.id, id), unrevokedAt(now), gt(apiKeys.expiresAt, now)));
  return failBatchIf(db, orgId, notExists(live));
}

/**
 * Revokes a key from `at` (now, or a later instant for a key retiring on a schedule). Only ever
 * brings a revocation forward: a key revoked or retiring sooner keeps its instant.
 */
/** Revokes, at `at`, the organization's keys that `which` keeps (all without it) and are not revoked by then. */
const revokeStatement = (db: Db, orgId: string, which: SQL | undefined, at: Date) =>
  db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.organizationId, orgId), which, unrevokedAt(at)));

export function revokeApiKeyStatement(db: Db, orgId: string, id: string, at: Date) {
  return revokeStatement(db, orgId, eq(apiKeys.id, id), at);
}

/**
 * Revokes at `at`, in one statement, the keys `createdBy` made in the organizations `orgIds` (all of
 * them, or only those carrying `scope`), and returns them (id, organization, expiry) for their
 * markers. A condition, not a list read before the batch: a key minted between such a read and this
 * batch is revoked too (and a mint committing after it fails on its own batch guard).
 */
export function revokeApiKeysCreatedByStatement(db: Db, createdBy: string, orgIds: readonly string[], at: Date, scope?: string) {
  const carrying = scope === undefined ? undefined : sql`EXISTS (SELECT 1 FROM json_each(${apiKeys.scopes}) WHERE value = ${scope})`;
  return db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(inJsonList(apiKeys.organizationId, orgIds), eq(apiKeys.createdBy, createdBy), unrevokedAt(at), carrying))
    .returning({ id: apiKeys.id, organizationId: apiKeys.organizationId, expiresAt: apiKeys.expiresAt });
}

/**
 * Revokes at `at`, in one statement, the console keys (kind "console") `createdBy` minted that still
 * work, in every organization, and returns them (id, organization, expiry) for their markers: the
 * keys the dashboard's console ran on the person's sessions, which end with them. A condition, not a
 * list read before the batch, so a console key minted meanwhile is revoked too.
 */
export function revokeConsoleKeysCreatedByStatement(db: Db, createdBy: string, at: Date) {
  return db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.createdBy, createdBy), eq(apiKeys.kind, "console"), unrevokedAt(at), gt(apiKeys.expiresAt, at)))
    .returning({ id: apiKeys.id, organizationId: apiKeys.organizationId, expiresAt: apiKeys.expiresAt });
}

export function revokeAllApiKeysStatement(db: Db, orgId: string, at: Date) {
  return revokeStatement(db, orgId, undefined, at);
}

export function updateApiKeyStatement(
  db: Db,
  orgId: string,
  id: string,
  patch: Partial<Pick<ApiKeyRow, "name" | "rateLimitRequests" | "rateLimitWindowSeconds" | "maxRequestsPerDay">>,
) {
  return db
    .update(apiKeys)
    .set(patch)
    .where(and(eq(apiKeys.organizationId, orgId), eq(apiKeys.id, id)));
}

/** Keys created by a user not revoked at `now`, retiring ones too, in every organization. */
export async function listLiveApiKeysCreatedBy(db: Db, userId: string, now: Date): Promise<ApiKeyRow[]> {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.createdBy, userId), unrevokedAt(now)))
    .all();
}

/** Revoked and retiring keys whose JWT has not expired yet (their KV markers must exist). */
export async function listRevokedUnexpiredApiKeys(db: Db, now: Date): Promise<ApiKeyRow[]> {
  return db
    .select()
    .from(apiKeys)
    .where(and(isNotNull(apiKeys.revokedAt), gt(apiKeys.expiresAt, now)))
    .all();
}

/** Key/time pairs per statement: ~40 bytes each, far below the 2 MB D1 allows one bound string. */
const LAST_USES_PER_STATEMENT = 10_000;

/**
 * Records keys' last-use times (milliseconds) for one organization, up to LAST_USES_PER_STATEMENT
 * keys in one statement (the pairs as one JSON parameter), so a meter flushing many keys spends
 * few of its alarm's D1 queries; a time never moves backwards. Called by the UsageMeter's flush.
 */
export async function recordApiKeysLastUsed(d1: D1Database, orgId: string, entries: [keyId: string, at: number][]): Promise<void> {
  const statement = d1.prepare(
    "UPDATE api_keys SET last_used_at = MAX(COALESCE(api_keys.last_used_at, 0), used.at) FROM (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS at FROM json_each(?)) AS used WHERE api_keys.id = used.id AND api_keys.organization_id = ?",
  );
  for (let i = 0; i < entries.length; i += LAST_USES_PER_STATEMENT) {
    await statement.bind(JSON.stringify(entries.slice(i, i + LAST_USES_PER_STATEMENT)), orgId).run();
  }
}

/**
 * Those of `ids` that are the organization's keys out of force at `now` for good: revoked by then, or
 * expired. An id D1 does not show (yet) is not among them.
 */
export async function findDeadApiKeyIds(db: Db, orgId: string, ids: readonly string[], now: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(
      and(eq(apiKeys.organizationId, orgId), inJsonList(apiKeys.id, ids), or(lte(apiKeys.revokedAt, now), lte(apiKeys.expiresAt, now))),
    )
    .all();
  return rows.map((r) => r.id);
}
