// StreamSlots: one Durable Object per instance that counts its open streams (/subscribe,
// /psubscribe, /monitor) across every isolate, per key and in all. A slot is a lease the stream
// renews while it runs, so a slot whose isolate crashed frees itself when its lease lapses.
import { DurableObject } from "cloudflare:workers";
import type { AppBindings } from "../env";

/** How long a slot lasts without renewal; a stream renews it every third of that. */
export const STREAM_LEASE_MS = 60_000;

export type SlotRequest = { leaseId: string; keyId: string; perKey: number; perInstance: number };
export type SlotResult = { ok: true } | { ok: false; scope: "key" | "instance"; limit: number; retryAfterSeconds: number };

export class StreamSlots extends DurableObject<AppBindings> {
  constructor(ctx: DurableObjectState, env: AppBindings) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, key_id TEXT NOT NULL, expires_at INTEGER NOT NULL)");
  }

  /**
   * Takes a slot for `leaseId` when the key and the instance are under their limits. A refusal
   * says when the earliest held lease would lapse unrenewed: the soonest a slot can free up unasked.
   */
  acquire(request: SlotRequest): SlotResult {
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    sql.exec("DELETE FROM leases WHERE expires_at <= ?", now);
    const count = (where: string, ...params: string[]) =>
      sql
        .exec<{ n: number; soonest: number | null }>(`SELECT COUNT(*) AS n, MIN(expires_at) AS soonest FROM leases ${where}`, ...params)
        .one();
    const mine = count("WHERE key_id = ?", request.keyId);
    const all = count("");
    const refuse = (scope: "key" | "instance", limit: number, soonest: number | null): SlotResult => ({
      ok: false,
      scope,
      limit,
      retryAfterSeconds: Math.max(1, Math.ceil(((soonest ?? now) - now) / 1000)),
    });
    if (mine.n >= request.perKey) return refuse("key", request.perKey, mine.soonest);
    if (all.n >= request.perInstance) return refuse("instance", request.perInstance, all.soonest);
    sql.exec("INSERT INTO leases (id, key_id, expires_at) VALUES (?, ?, ?)", request.leaseId, request.keyId, now + STREAM_LEASE_MS);
    return { ok: true };
  }

  /** Extends a held lease; false when it had already lapsed (its slot may have gone to another stream). */
  renew(leaseId: string): boolean {
    const now = Date.now();
    const cursor = this.ctx.storage.sql.exec(
      "UPDATE leases SET expires_at = ? WHERE id = ? AND expires_at > ?",
      now + STREAM_LEASE_MS,
      leaseId,
      now,
    );
    return cursor.rowsWritten > 0;
  }

  release(leaseId: string): void {
    this.ctx.storage.sql.exec("DELETE FROM leases WHERE id = ?", leaseId);
  }
}
