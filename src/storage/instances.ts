// D1 queries for Redis instances. Credentials are stored sealed; this module never sees plaintext.
import { type AnyColumn, and, count, countDistinct, eq, exists, ne, or, sql } from "drizzle-orm";
import { organizations, redisInstances } from "../../drizzle/schema";
import { WORK_LIMIT_NAMES, type WorkLimitName } from "../env";
import { afterRow, type Db, failBatchIf, failBatchIfMoreThan, inJsonList, type PageAfter, pageOrder } from "./db";

export type InstanceRow = typeof redisInstances.$inferSelect;

/** The row column behind each work-limit field (the name the API and the directory record use). */
export const LIMIT_COLUMNS = {
  max_request_bytes: "maxRequestBytes",
  max_pipeline_commands: "maxPipelineCommands",
  max_reply_bytes: "maxReplyBytes",
  max_reply_elements: "maxReplyElements",
  max_streams_per_key: "maxStreamsPerKey",
  max_streams_per_instance: "maxStreamsPerInstance",
  max_stream_seconds: "maxStreamSeconds",
} as const satisfies Record<WorkLimitName, keyof InstanceRow>;

type LimitColumn = (typeof LIMIT_COLUMNS)[WorkLimitName];

/** Every override column empty: a new instance takes the deployment's defaults. */
export function noLimitOverrides(): Pick<InstanceRow, LimitColumn> {
  return Object.fromEntries(WORK_LIMIT_NAMES.map((name) => [LIMIT_COLUMNS[name], null])) as Pick<InstanceRow, LimitColumn>;
}

/** The instance's work-limit overrides by field name (null: the deployment's default). */
export function limitFields(row: InstanceRow): Record<WorkLimitName, number | null> {
  const out = {} as Record<WorkLimitName, number | null>;
  for (const name of WORK_LIMIT_NAMES) out[name] = row[LIMIT_COLUMNS[name]];
  return out;
}

export function insertInstanceStatement(db: Db, row: typeof redisInstances.$inferInsert) {
  return db.insert(redisInstances).values(row);
}

export async function findInstance(db: Db, orgId: string, id: string): Promise<InstanceRow | undefined> {
  return db
    .select()
    .from(redisInstances)
    .where(and(eq(redisInstances.organizationId, orgId), eq(redisInstances.id, id)))
    .get();
}

/** Which of `ids` are the organization's instances, in one query whatever their number. */
export async function findInstanceIds(db: Db, orgId: string, ids: readonly string[]): Promise<Set<string>> {
  const rows = await db
    .select({ id: redisInstances.id })
    .from(redisInstances)
    .where(and(eq(redisInstances.organizationId, orgId), inJsonList(redisInstances.id, ids)))
    .all();
  return new Set(rows.map((r) => r.id));
}

/** The rows of those of `ids` that exist, each with whether its organization is suspended. */
export async function findInstancesForDirectory(db: Db, ids: readonly string[]): Promise<{ row: InstanceRow; suspended: boolean }[]> {
  const rows = await db
    .select({ row: redisInstances, suspendedAt: organizations.suspendedAt })
    .from(redisInstances)
    .innerJoin(organizations, eq(organizations.id, redisInstances.organizationId))
    .where(inJsonList(redisInstances.id, ids))
    .all();
  return rows.map((r) => ({ row: r.row, suspended: r.suspendedAt !== null }));
}

export async function findInstanceBySlug(db: Db, orgId: string, slug: string): Promise<InstanceRow | undefined> {
  return db
    .select()
    .from(redisInstances)
    .where(and(eq(redisInstances.organizationId, orgId), eq(redisInstances.slug, slug)))
    .get();
}

/** A page of the organization's instances, newest first, after the keyset cursor. */
export async function listInstances(db: Db, orgId: string, limit: number, after?: PageAfter) {
  const page = afterRow(redisInstances.createdAt, redisInstances.id, after, "desc");
  return db
    .select()
    .from(redisInstances)
    .where(and(eq(redisInstances.organizationId, orgId), page))
    .orderBy(...pageOrder(redisInstances.createdAt, redisInstances.id, "desc"))
    .limit(limit)
    .all();
}

/** The ids of the organization's instances. */
export async function listInstanceIds(db: Db, orgId: string): Promise<string[]> {
  const rows = await db.select({ id: redisInstances.id }).from(redisInstances).where(eq(redisInstances.organizationId, orgId)).all();
  return rows.map((r) => r.id);
}

export async function listAllInstances(db: Db, orgId?: string): Promise<InstanceRow[]> {
  const query = db.select().from(redisInstances);
  return (orgId ? query.where(eq(redisInstances.organizationId, orgId)) : query).all();
}

export function updateInstanceStatement(db: Db, orgId: string, id: string, patch: Partial<InstanceRow>) {
  return db
    .update(redisInstances)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(redisInstances.organizationId, orgId), eq(redisInstances.id, id)));
}

/** Stores new isolation findings without touching updated_at (the KV record does not change). */
export function updateIsolationStatement(
  db: Db,
  orgId: string,
  id: string,
  columns: Pick<InstanceRow, "serverAddress" | "serverRunId" | "isolationReport" | "isolationCheckedAt">,
) {
  return db
    .update(redisInstances)
    .set(columns)
    .where(and(eq(redisInstances.organizationId, orgId), eq(redisInstances.id, id)));
}

export function deleteInstanceStatement(db: Db, orgId: string, id: string) {
  return db.delete(redisInstances).where(and(eq(redisInstances.organizationId, orgId), eq(redisInstances.id, id)));
}

/** The count of the organization's instances, as a query (`orgId` may be an outer query's column). */
export const instanceCount = (db: Db, orgId: string | AnyColumn) =>
  db.select({ n: count() }).from(redisInstances).where(eq(redisInstances.organizationId, orgId));

export async function countInstances(db: Db, orgId: string): Promise<number> {
  return (await instanceCount(db, orgId).get())?.n ?? 0;
}

/**
 * For the batch that attaches an instance (after its insert): fails the whole batch when the
 * organization then holds more than `max`, so concurrent attaches cannot pass the cap together.
 */
export function assertInstancesAtMostStatement(db: Db, orgId: string, max: number) {
  return failBatchIfMoreThan(db, orgId, instanceCount(db, orgId), max);
}

export type ServerSharing = { instances: number; organizations: number };

/** The same upstream server: the same address, or the same Redis run_id when one is known. */
function sameServer(server: { address: string; runId: string | null }) {
  return server.runId
    ? or(eq(redisInstances.serverAddress, server.address), eq(redisInstances.serverRunId, server.runId))
    : eq(redisInstances.serverAddress, server.address);
}

/**
 * For a batch that attaches or re-points an instance: fails the whole batch when another
 * organization's instance is on the same server by then, so two organizations attaching one server
 * at the same moment cannot both pass the check made before the batch (isBatchGuardFailure).
 */
export function assertServerUnsharedStatement(db: Db, orgId: string, server: { address: string; runId: string | null }) {
  const taken = db
    .select({ one: sql`1` })
    .from(redisInstances)
    .where(and(ne(redisInstances.organizationId, orgId), sameServer(server)));
  return failBatchIf(db, orgId, exists(taken));
}

/** How many instances of OTHER organizations sit on the same upstream server. Counts only; the caller never sees their ids. */
export async function countOtherOrganizationsOnServer(
  db: Db,
  orgId: string,
  server: { address: string; runId: string | null },
): Promise<ServerSharing> {
  const row = await db
    .select({ instances: sql<number>`count(*)`, organizations: countDistinct(redisInstances.organizationId) })
    .from(redisInstances)
    .where(and(ne(redisInstances.organizationId, orgId), sameServer(server)))
    .get();
  return { instances: Number(row?.instances ?? 0), organizations: Number(row?.organizations ?? 0) };
}
