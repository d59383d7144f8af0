// The directory's outbox: the KV writes one management request cannot make itself. A Worker
// invocation may make 1,000 KV operations, and deleting an organization, removing a member,
// closing an account or suspending an organization can owe more writes than that (a plan allows
// 5,000 live keys, an account may have minted keys in many organizations, enterprise has no cap on
// instances). Such a request writes the first `inline` markers itself
// and hands the rest to its organization's DirectoryOutbox, whose alarm writes them in batches of
// BATCH (one invocation each) until none is left, retrying a batch that fails.
//
// Only writes that cannot go stale are queued, so their order against later writes does not matter:
// a revocation in force from a past instant (a revoked key is never un-revoked), an instance
// record's deletion (instance ids are never reused), and an instance record's sync, which carries no
// value: it is made from D1 when it is written, as an inline write is (so a suspension undone before
// the outbox reaches it writes the resumed record, never the suspended one).
import { DurableObject } from "cloudflare:workers";
import { describeErrorForLog } from "../lib/error-for-log";
import { createDb, type Db } from "./db";
import {
  deleteInstanceRecord,
  isSameKeyWriteRefusal,
  putInstanceRecord,
  putRevocation,
  toInstanceRecord,
  waitToWriteAgain,
} from "./directory";
import { findInstancesForDirectory } from "./instances";

export type DirectoryWrite =
  | { kind: "revoke"; keyId: string; revokedAt: number; expiresAt: number }
  | { kind: "delete_instance"; instanceId: string }
  | { kind: "sync_instance"; instanceId: string };

/** A revocation in force from `revokedAt` (not later than now), whose marker lives until the key's own expiry. */
export const revocationWrite = (keyId: string, revokedAt: Date, expiresAt: Date): DirectoryWrite => ({
  kind: "revoke",
  keyId,
  revokedAt: revokedAt.getTime(),
  expiresAt: expiresAt.getTime(),
});

/** An instance record's deletion (the instance is gone from D1, or is about to be). */
export const instanceDeletionWrite = (instanceId: string): DirectoryWrite => ({ kind: "delete_instance", instanceId });

/** An instance record made to match D1 as it is when written: its row (and its organization's suspension), or none. */
export const instanceSyncWrite = (instanceId: string): DirectoryWrite => ({ kind: "sync_instance", instanceId });

/** KV writes per alarm run: half an invocation's 1,000 operations. */
const BATCH = 500;
/** Writes in flight at once within a batch. */
const PARALLEL = 50;
/** When a run that fails midway (or is evicted) is tried again. */
const RETRY_MS = 30_000;

export type OutboxNamespace = DurableObjectNamespace<DirectoryOutbox>;

/**
 * Writes each instance's record from its D1 row as it is now (one query), or deletes it if the row
 * is gone. A deletion may commit after a row was read and make its KV deletion before that row's
 * put lands: so the rows written are read once more, after their puts, and the records of those
 * gone by then are deleted (a deletion committing later makes its own KV deletion after the put).
 */
export async function syncInstanceRecords(db: Db, kv: KVNamespace, ids: readonly string[]): Promise<void> {
  const written: string[] = [];
  let pending = ids;
  for (let attempt = 0; pending.length > 0; attempt++) {
    // Records KV refused (written under a second ago) are read again, all in one query, and written
    // from the rows as they are by then: waiting never writes what D1 no longer says.
    if (attempt > 0 && !(await waitToWriteAgain(attempt))) {
      throw new Error(`Workers KV kept refusing ${pending.length} instance record write(s): it takes one write a second per key`);
    }
    const found = new Map((await findInstancesForDirectory(db, pending)).map((r) => [r.row.id, r]));
    const refused: string[] = [];
    await inBatches(pending, async (id) => {
      const current = found.get(id);
      try {
        if (current) {
          await putInstanceRecord(kv, toInstanceRecord(current.row, current.suspended));
          written.push(id);
        } else await deleteInstanceRecord(kv, id); // gone for good: no row to read again, so it waits itself
      } catch (error) {
        if (!isSameKeyWriteRefusal(error)) throw error;
        refused.push(id);
      }
    });
    pending = refused;
  }
  if (written.length === 0) return;
  const still = new Set((await findInstancesForDirectory(db, written)).map((r) => r.row.id));
  await inBatches(
    written.filter((id) => !still.has(id)),
    (id) => deleteInstanceRecord(kv, id),
  );
}

async function inBatches<T>(items: readonly T[], write: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL) await Promise.all(items.slice(i, i + PARALLEL).map(write));
}

async function applyAll(db: Db, kv: KVNamespace, writes: readonly DirectoryWrite[]): Promise<void> {
  const syncs: string[] = [];
  const markers: Exclude<DirectoryWrite, { kind: "sync_instance" }>[] = [];
  for (const write of writes) {
    if (write.kind === "sync_instance") syncs.push(write.instanceId);
    else markers.push(write);
  }
  await inBatches(markers, (write) =>
    write.kind === "revoke"
      ? putRevocation(kv, write.keyId, new Date(write.revokedAt), new Date(write.expiresAt))
      : deleteInstanceRecord(kv, write.instanceId),
  );
  await syncInstanceRecords(db, kv, syncs);
}

const writeId = (write: DirectoryWrite) => `${write.kind}:${write.kind === "revoke" ? write.keyId : write.instanceId}`;

export class DirectoryOutbox extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      const sql = ctx.storage.sql;
      sql.exec("CREATE TABLE IF NOT EXISTS pending (id TEXT PRIMARY KEY, write TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 0)");
      // Objects created before entries had versions keep their table: add the column.
      const columns = sql.exec<{ name: string }>("PRAGMA table_info(pending)").toArray();
      if (!columns.some((c) => c.name === "version")) sql.exec("ALTER TABLE pending ADD COLUMN version INTEGER NOT NULL DEFAULT 0");
    });
  }

  /**
   * Stores `writes` (durably, before answering) and has the alarm start on them at once. A write
   * already pending under the same id is replaced and its version bumped, so a run that read the
   * older one (and may have made it from D1 before this change) leaves this one to the next run.
   */
  async enqueue(writes: DirectoryWrite[]): Promise<void> {
    for (const write of writes) {
      this.ctx.storage.sql.exec(
        "INSERT INTO pending (id, write, version) VALUES (?, ?, 0) ON CONFLICT (id) DO UPDATE SET write = excluded.write, version = version + 1",
        writeId(write),
        JSON.stringify(write),
      );
    }
    await this.ctx.storage.setAlarm(Date.now());
  }

  /** How many writes are still to make. */
  pending(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM pending").one().n;
  }

  /** Makes up to BATCH writes, then runs again at once while any are left. */
  override async alarm(): Promise<void> {
    await this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
    const sql = this.ctx.storage.sql;
    const rows = sql
      .exec<{ id: string; write: string; version: number }>("SELECT id, write, version FROM pending LIMIT ?", BATCH)
      .toArray();
    await applyAll(
      createDb(this.env.DB),
      this.env.DIRECTORY,
      rows.map((r) => JSON.parse(r.write) as DirectoryWrite),
    );
    // enqueue() may have run while KV and D1 were awaited: an entry replaced meanwhile (a newer
    // version) stands for a change this run may not have seen, and stays for the next run.
    for (const r of rows) sql.exec("DELETE FROM pending WHERE id = ? AND version = ?", r.id, r.version);
    if (this.pending() > 0) await this.ctx.storage.setAlarm(Date.now());
    else await this.ctx.storage.deleteAlarm();
  }
}

/**
 * Makes `writes` for organization `orgId`: the first `inline` here, the rest through its outbox
 * (stored before this returns, written within seconds). If an inline write fails, those writes go
 * to the outbox too, which tries them until KV takes them: the caller's D1 change stands, and a
 * retry of its request could not make them (a deleted instance is not found again). Returns how
 * many were queued.
 * @throws only when the outbox cannot store them either.
 */
export async function writeDirectory(
  db: Db,
  kv: KVNamespace,
  outbox: OutboxNamespace,
  orgId: string,
  writes: readonly DirectoryWrite[],
  inline: number,
): Promise<number> {
  const later = writes.slice(inline);
  const box = outbox.get(outbox.idFromName(orgId));
  if (later.length > 0) await box.enqueue(later);
  const now = writes.slice(0, inline);
  try {
    await applyAll(db, kv, now);
  } catch (error) {
    // Each write is made whole from D1 or is final (see above), so making one twice is harmless.
    await box.enqueue(now);
    const message = `directory writes for ${orgId} handed to its outbox: ${describeErrorForLog(error)}`;
    console.warn(JSON.stringify({ level: "warn", message }));
    return writes.length;
  }
  return later.length;
}
