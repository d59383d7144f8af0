// The KV writes a use-case owes the edge after revoking keys, deleting, changing or suspending
// instances, made within one invocation's KV budget (DIRECTORY_INLINE_WRITES) and the rest through
// each organization's outbox.
import {
  type DirectoryWrite,
  instanceDeletionWrite,
  instanceSyncWrite,
  revocationWrite,
  writeDirectory,
} from "../storage/directory-outbox";
import type { StorageContext } from "./context";

export type RevokedKey = { id: string; organizationId: string; expiresAt: Date };

/**
 * Makes `writes` grouped per organization, spending the request's inline budget in order: earlier
 * writes (and organizations) first. Returns how many were handed to an outbox.
 */
export async function writeMarkers(ctx: StorageContext, writes: ReadonlyMap<string, readonly DirectoryWrite[]>): Promise<number> {
  let budget = ctx.config.DIRECTORY_INLINE_WRITES;
  let queued = 0;
  for (const [orgId, list] of writes) {
    queued += await writeDirectory(ctx.db, ctx.kv, ctx.outbox, orgId, list, budget);
    budget = Math.max(0, budget - list.length);
  }
  return queued;
}

/** Revocation markers from `at` for `keys`, grouped per organization. */
export function revocations(keys: readonly RevokedKey[], at: Date): Map<string, DirectoryWrite[]> {
  const byOrg = new Map<string, DirectoryWrite[]>();
  for (const key of keys) {
    const list = byOrg.get(key.organizationId) ?? [];
    list.push(revocationWrite(key.id, at, key.expiresAt));
    byOrg.set(key.organizationId, list);
  }
  return byOrg;
}

/**
 * Makes the edge's records of the organization's instances `ids` match D1 as it is now (row and
 * suspension; no record for a row that is gone), within the request's budget: the one way an
 * instance record is written.
 */
export function publishInstances(ctx: StorageContext, orgId: string, ids: readonly string[]): Promise<number> {
  return writeMarkers(ctx, new Map([[orgId, ids.map(instanceSyncWrite)]]));
}

/**
 * Deletes the edge's records of the organization's instances `ids`, once their rows are gone from
 * D1: within the request's budget, and through the outbox for any KV fails to delete now.
 */
export function unpublishInstances(ctx: StorageContext, orgId: string, ids: readonly string[]): Promise<number> {
  return writeMarkers(ctx, new Map([[orgId, ids.map(instanceDeletionWrite)]]));
}
