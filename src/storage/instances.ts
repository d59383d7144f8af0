// D1 queries for Redis instances. Credentials are stored sealed; this module never sees plaintext.
import { and, desc, eq, lt, or } from "drizzle-orm";
import { redisInstances } from "../../drizzle/schema";
import type { Db } from "./db";

export type InstanceRow = typeof redisInstances.$inferSelect;

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

export async function findInstanceBySlug(db: Db, orgId: string, slug: string): Promise<InstanceRow | undefined> {
  return db
    .select()
    .from(redisInstances)
    .where(and(eq(redisInstances.organizationId, orgId), eq(redisInstances.slug, slug)))
    .get();
}

/** A page of the organization's instances, newest first, after the keyset cursor. */
export async function listInstances(db: Db, orgId: string, limit: number, after?: { createdAt: Date; id: string }) {
  const page = after
    ? or(lt(redisInstances.createdAt, after.createdAt), and(eq(redisInstances.createdAt, after.createdAt), lt(redisInstances.id, after.id)))
    : undefined;
  return db
    .select()
    .from(redisInstances)
    .where(and(eq(redisInstances.organizationId, orgId), page))
    .orderBy(desc(redisInstances.createdAt), desc(redisInstances.id))
    .limit(limit)
    .all();
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

export function deleteInstanceStatement(db: Db, orgId: string, id: string) {
  return db.delete(redisInstances).where(and(eq(redisInstances.organizationId, orgId), eq(redisInstances.id, id)));
}
