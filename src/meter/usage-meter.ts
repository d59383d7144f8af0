// UsageMeter: one Durable Object per organization. It grants isolates leases (budgets of commands
// per key, see leases.ts) against the per-key rate, the organization's daily quota and a key's own
// daily quota, counts usage and refusals per key and instance per UTC day, and keeps keys' last use
// durably (its own storage first, then D1 by an alarm, which also copies the day's totals to D1 for
// the operators' list). Its storage stays bounded: once a day it forgets usage the API can no longer
// report, the sync state of isolates long gone and the own limits of keys revoked or expired, and
// deleting the organization erases it.

import { DurableObject } from "cloudflare:workers";
import type { AppBindings } from "../env";
import { describeErrorForLog } from "../lib/error-for-log";
import { DAY_MS, dayOf } from "../lib/time";
import { findDeadApiKeyIds, recordApiKeysLastUsed } from "../storage/api-keys";
import { createDb } from "../storage/db";
import { recordOrganizationUsage } from "../storage/organization-usage";
import {
  effectiveRate,
  type KeyLimits,
  LEASE_MS,
  type LeaseGrant,
  type LeaseRequest,
  maxLeaseFor,
  type Refusal,
  type SpendSync,
} from "./leases";
import { type Limits, PLANS, type Rate } from "./plans";
import { buildUsageReport, REPORT_MAX_DAYS, reportDays, type UsageReport, type UsageRow } from "./usage-report";

export type { DailyUsage, UsageReport } from "./usage-report";
export type AdmitResult = { ok: true } | Refusal;

const FLUSH_DELAY_MS = 30_000;
/** Key ids per D1 query when checking which keys' own limits are still needed (one JSON parameter). */
const KEYS_PER_CHECK = 1_000;
/**
 * How long an isolate's sync state (its last report per key) and a lease it never returned are kept
 * after their last use. A sync or a return older than this is a retry no live isolate makes: a report
 * would count again, a return is ignored (the lease stays counted in full, as for an isolate that died).
 */
const SYNC_KEPT_MS = 7 * DAY_MS;
const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS usage (day TEXT, kind TEXT, id TEXT, requests INTEGER, commands INTEGER, PRIMARY KEY (day, kind, id))",
  "CREATE TABLE IF NOT EXISTS config (name TEXT PRIMARY KEY, value TEXT)",
  "CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, key_id TEXT, day TEXT, window_start INTEGER, budget INTEGER)",
  // The last report applied per isolate and key. Replaces `isolates` (one seq per isolate), under which
  // one key's report was dropped when another key's later-numbered report arrived first.
  "DROP TABLE IF EXISTS isolates",
  "CREATE TABLE IF NOT EXISTS syncs (isolate_id TEXT, key_id TEXT, seq INTEGER, seen INTEGER, PRIMARY KEY (isolate_id, key_id))",
  "CREATE TABLE IF NOT EXISTS last_used (key_id TEXT PRIMARY KEY, at INTEGER, flushed INTEGER)",
  // Commands granted per key in its current rate window, across every isolate. Stored, not held in
  // memory: a meter restarted mid-window (a deploy) must not grant the window's whole rate again.
  "CREATE TABLE IF NOT EXISTS windows (key_id TEXT PRIMARY KEY, start INTEGER, granted INTEGER)",
];
const UPSERT_USAGE =
  "INSERT INTO usage (day, kind, id, requests, commands, refused) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (day, kind, id) DO UPDATE SET requests = requests + excluded.requests, commands = commands + excluded.commands, refused = refused + excluded.refused";

export class UsageMeter extends DurableObject<AppBindings> {
  private limits: Limits = PLANS.free;
  private keyLimits = new Map<string, KeyLimits>();
  private orgId = "";
  /** The day and totals last written to D1 (in memory: a restarted meter writes them once more). */
  private flushedTotals = "";
  /** The UTC day of the last pruning (in memory: a restarted meter prunes once more). */
  private prunedDay = "";
  /** The UTC day keys' own limits were last checked against D1 (in memory, as prunedDay). */
  private keysCheckedDay = "";

  constructor(ctx: DurableObjectState, env: AppBindings) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      const sql = ctx.storage.sql;
      this.createTables();
      for (const row of sql.exec<{ name: string; value: string }>("SELECT name, value FROM config")) {
        if (row.name === "limits") this.limits = JSON.parse(row.value) as Limits;
        else if (row.name === "org") this.orgId = row.value;
        else if (row.name.startsWith("keylimits:")) this.keyLimits.set(row.name.slice(10), JSON.parse(row.value) as KeyLimits);
        else if (row.name.startsWith("key:") && !this.keyLimits.has(row.name.slice(4))) {
          this.keyLimits.set(row.name.slice(4), { rate: JSON.parse(row.value) as Rate | null, maxRequestsPerDay: null });
        }
      }
      // Last uses not yet in D1 survive a restart: make sure an alarm will carry them there.
      const pending = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM last_used WHERE at > flushed").one();
      if (pending.n > 0 && (await ctx.storage.getAlarm()) === null) await ctx.storage.setAlarm(Date.now() + FLUSH_DELAY_MS);
    });
  }

  private createTables(): void {
    const sql = this.ctx.storage.sql;
    for (const statement of SCHEMA) sql.exec(statement);
    const columns = sql.exec<{ name: string }>("PRAGMA table_info(usage)").toArray();
    if (!columns.some((c) => c.name === "refused")) sql.exec("ALTER TABLE usage ADD COLUMN refused INTEGER NOT NULL DEFAULT 0");
  }

  private saveConfig(name: string, value: string) {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO config (name, value) VALUES (?, ?)", name, value);
  }

  /** Sets the organization's effective limits (management side, after D1 changed). */
  configure(orgId: string, limits: Limits): void {
    this.orgId = orgId;
    this.limits = limits;
    this.saveConfig("org", orgId);
    this.saveConfig("limits", JSON.stringify(limits));
  }

  /** Sets one key's own limits (null fields: the organization's). Reaches isolates with their next lease. */
  setKeyLimits(keyId: string, limits: KeyLimits): void {
    this.keyLimits.set(keyId, limits);
    this.saveConfig(`keylimits:${keyId}`, JSON.stringify(limits));
  }

  private usedOn(day: string, keyId?: string): number {
    const sql = this.ctx.storage.sql;
    const row = keyId
      ? sql
          .exec<{ n: number }>("SELECT COALESCE(SUM(commands), 0) AS n FROM usage WHERE day = ? AND kind = 'key' AND id = ?", day, keyId)
          .one()
      : sql.exec<{ n: number }>("SELECT COALESCE(SUM(commands), 0) AS n FROM usage WHERE day = ? AND kind = 'key'", day).one();
    return row.n;
  }

  private count(day: string, kind: "key" | "instance", id: string, requests: number, commands: number, refused = 0) {
    this.ctx.storage.sql.exec(UPSERT_USAGE, day, kind, id, requests, commands, refused);
  }

  /** Applies expired leases' returns and the spend reports above this isolate's last seq. */
  private applySync(request: SpendSync, day: string): void {
    const sql = this.ctx.storage.sql;
    for (const r of request.returns) {
      const lease = sql
        .exec<{ key_id: string; day: string; window_start: number; budget: number }>("SELECT * FROM leases WHERE id = ?", r.leaseId)
        .toArray()[0];
      if (!lease) continue; // returned already (a retried sync), or never granted
      const unspent = Math.max(0, Math.min(lease.budget, r.unspent));
      sql.exec("DELETE FROM leases WHERE id = ?", r.leaseId);
      if (unspent > 0) this.count(lease.day, "key", lease.key_id, 0, -unspent);
      sql.exec(
        "UPDATE windows SET granted = MAX(0, granted - ?) WHERE key_id = ? AND start = ?",
        unspent,
        lease.key_id,
        lease.window_start,
      );
    }
    const last =
      sql.exec<{ seq: number }>("SELECT seq FROM syncs WHERE isolate_id = ? AND key_id = ?", request.isolateId, request.keyId).toArray()[0]
        ?.seq ?? 0;
    let seq = last;
    for (const report of request.reports) {
      if (report.seq <= seq) continue; // applied before: a sync is counted once
      seq = report.seq;
      // On the day the requests were spent; a report from an isolate older than `day` has none.
      const spentOn = report.day || day;
      this.count(spentOn, "key", request.keyId, report.requests, 0);
      for (const i of report.instances) this.count(spentOn, "instance", i.instanceId, i.requests, i.commands);
    }
    sql.exec(
      "INSERT OR REPLACE INTO syncs (isolate_id, key_id, seq, seen) VALUES (?, ?, ?, ?)",
      request.isolateId,
      request.keyId,
      seq,
      request.now,
    );
  }

  /**
   * Once per UTC day: forgets usage older than the API reports (REPORT_MAX_DAYS), sync state,
   * unreturned leases and last uses already in D1 unused for SYNC_KEPT_MS, and rate windows long
   * ended. Days and times are the isolates' clocks, as everywhere in the meter.
   */
  private prune(now: number, day: string): void {
    if (this.prunedDay === day) return;
    this.prunedDay = day;
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM usage WHERE day < ?", reportDays(REPORT_MAX_DAYS, now)[0]);
    sql.exec("DELETE FROM syncs WHERE seen < ?", now - SYNC_KEPT_MS);
    sql.exec("DELETE FROM leases WHERE day < ?", dayOf(now - SYNC_KEPT_MS));
    sql.exec("DELETE FROM windows WHERE start < ?", now - DAY_MS); // every window is a minute at most
    sql.exec("DELETE FROM last_used WHERE at <= flushed AND at < ?", now - SYNC_KEPT_MS); // in D1 already
  }

  /**
   * Applies an isolate's returns and spend reports for one key without granting anything: the sync
   * of a key whose leases ended with no request to carry them (see Admission's sweep).
   */
  async sync(request: SpendSync): Promise<void> {
    const day = dayOf(request.now);
    this.prune(request.now, day);
    this.applySync(request, day);
  }

  /**
   * Grants a lease of at least `need` commands (counted now, against every limit), or refuses
   * (the refusal is counted). Also applies the isolate's returns and spend reports.
   */
  async lease(request: LeaseRequest): Promise<LeaseGrant> {
    const day = dayOf(request.now);
    this.prune(request.now, day);
    this.applySync(request, day);
    const key = this.keyLimits.get(request.keyId);
    const dayEnd = Date.parse(`${day}T00:00:00Z`) + DAY_MS;
    const untilTomorrow = Math.max(1, Math.ceil((dayEnd - request.now) / 1000));
    let room = Number.POSITIVE_INFINITY;
    for (const [quota, used, reason] of [
      [this.limits.maxRequestsPerDay, () => this.usedOn(day), "quota_exceeded"],
      [key?.maxRequestsPerDay ?? null, () => this.usedOn(day, request.keyId), "key_quota_exceeded"],
    ] as const) {
      if (quota === null) continue;
      const spent = used();
      if (spent + request.need > quota)
        return this.refuse(request, day, { reason, retryAfterSeconds: untilTomorrow, limit: quota, used: spent });
      room = Math.min(room, quota - spent);
    }
    const rate = effectiveRate(this.limits, key);
    let windowStart = 0;
    let expiresAt = Math.min(request.now + LEASE_MS, dayEnd);
    if (rate) {
      const windowMs = rate.windowSeconds * 1000;
      // Never a window older than the one counted: a call made before it that arrives late (a
      // slow edge, a clock behind, a request that waited for a renewal) is charged to it, so it
      // cannot start an old window over and reset the count.
      const counted = this.windowOf(request.keyId);
      windowStart = Math.max(Math.floor(request.now / windowMs) * windowMs, counted?.start ?? 0);
      const granted = counted?.start === windowStart ? counted.granted : 0;
      if (granted + request.need > rate.requests) {
        const retry = Math.max(1, Math.ceil((windowStart + windowMs - request.now) / 1000));
        return this.refuse(request, day, { reason: "rate_limited", retryAfterSeconds: retry, limit: rate.requests, used: granted });
      }
      room = Math.min(room, rate.requests - granted);
      expiresAt = Math.min(expiresAt, windowStart + windowMs);
    }
    const budget = Math.max(request.need, Math.min(request.want, maxLeaseFor(rate), room));
    if (rate) {
      this.ctx.storage.sql.exec(
        "INSERT INTO windows (key_id, start, granted) VALUES (?, ?, ?) ON CONFLICT (key_id) DO UPDATE SET granted = CASE WHEN start = excluded.start THEN granted + excluded.granted ELSE excluded.granted END, start = excluded.start",
        request.keyId,
        windowStart,
        budget,
      );
    }
    const leaseId = `${request.isolateId}:${crypto.randomUUID()}`;
    this.ctx.storage.sql.exec(
      "INSERT INTO leases (id, key_id, day, window_start, budget) VALUES (?, ?, ?, ?, ?)",
      leaseId,
      request.keyId,
      day,
      windowStart,
      budget,
    );
    this.count(day, "key", request.keyId, request.first ? 1 : 0, budget);
    if (request.first) this.count(day, "instance", request.first.instanceId, 1, request.first.commands);
    await this.touch(request.keyId, request.now);
    return { ok: true, leaseId, budget, expiresAt };
  }

  /** The key's latest rate window: where it starts and the commands granted in it. */
  private windowOf(keyId: string): { start: number; granted: number } | undefined {
    return this.ctx.storage.sql
      .exec<{ start: number; granted: number }>("SELECT start, granted FROM windows WHERE key_id = ?", keyId)
      .toArray()[0];
  }

  private refuse(request: LeaseRequest, day: string, refusal: Omit<Refusal, "ok">): Refusal {
    if (request.first) this.count(day, "key", request.keyId, 0, 0, 1);
    return { ok: false, ...refusal };
  }

  /**
   * Counts one request refused outside a lease (a stream past its concurrency limit) on its UTC
   * day, so the usage page's refused requests hold every 429 a key got.
   */
  countRefused(keyId: string, now: number): void {
    this.count(dayOf(now), "key", keyId, 0, 0, 1);
  }

  /** Stores the key's last use (durable before the grant is acknowledged) and schedules the flush. */
  private async touch(keyId: string, at: number): Promise<void> {
    this.ctx.storage.sql.exec(
      "INSERT INTO last_used (key_id, at, flushed) VALUES (?, ?, 0) ON CONFLICT (key_id) DO UPDATE SET at = MAX(at, excluded.at)",
      keyId,
      at,
    );
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + FLUSH_DELAY_MS);
  }

  /**
   * Writes keys' last-use times to D1, then today's totals (D1's copy, for the operators' list); a
   * failure leaves them for the retried alarm. Then, once a day, forgets dead keys' own limits.
   */
  override async alarm(): Promise<void> {
    await this.flushLastUsed();
    await this.flushDayUsage();
    // Housekeeping: a failure is logged and tried again by the next alarm, never fails the flush's.
    await this.forgetDeadKeys().catch((error: unknown) => {
      console.error(
        JSON.stringify({
          level: "error",
          face: "meter",
          org: this.orgId,
          message: `forgetting dead keys' limits: ${describeErrorForLog(error)}`,
        }),
      );
    });
  }

  /**
   * Once per UTC day (from the alarm, never on a request's path): drops the own limits of keys D1
   * says are revoked or expired, which no request can use again (a key D1 does not show is kept: it
   * may be one minted a moment ago). Without it they would pile up for every key ever minted with
   * limits, all read into memory each time the meter starts.
   */
  async forgetDeadKeys(now = Date.now()): Promise<number> {
    const day = dayOf(now);
    if (!this.orgId || this.keysCheckedDay === day) return 0;
    const [db, ids, dead] = [createDb(this.env.DB), [...this.keyLimits.keys()], [] as string[]];
    for (let i = 0; i < ids.length; i += KEYS_PER_CHECK) {
      dead.push(...(await findDeadApiKeyIds(db, this.orgId, ids.slice(i, i + KEYS_PER_CHECK), new Date(now))));
    }
    for (const id of dead) {
      this.keyLimits.delete(id);
      this.ctx.storage.sql.exec("DELETE FROM config WHERE name IN (?, ?)", `keylimits:${id}`, `key:${id}`);
    }
    this.keysCheckedDay = day;
    return dead.length;
  }

  /** Writes today's requests and commands to D1 when they changed since the last write. */
  async flushDayUsage(now = Date.now()): Promise<boolean> {
    if (!this.orgId) return false;
    const day = dayOf(now);
    const total = this.usage(1, now).total;
    const mark = `${day}:${total.requests}:${total.commands}`;
    if (mark === this.flushedTotals) return false;
    await recordOrganizationUsage(this.env.DB, this.orgId, { day, requests: total.requests, commands: total.commands }, now);
    this.flushedTotals = mark;
    return true;
  }

  async flushLastUsed(): Promise<number> {
    const sql = this.ctx.storage.sql;
    const rows = sql.exec<{ key_id: string; at: number }>("SELECT key_id, at FROM last_used WHERE at > flushed").toArray();
    if (rows.length === 0 || !this.orgId) return 0;
    await recordApiKeysLastUsed(
      this.env.DB,
      this.orgId,
      rows.map((r) => [r.key_id, r.at]),
    );
    for (const r of rows) sql.exec("UPDATE last_used SET flushed = ? WHERE key_id = ? AND flushed < ?", r.at, r.key_id, r.at);
    return rows.length;
  }

  /**
   * Erases everything the meter holds (usage, limits, leases, rate windows, last uses not yet in D1)
   * and its alarm: the organization was deleted.
   */
  async erase(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.createTables(); // a late call finds empty tables, not missing ones
    this.limits = PLANS.free;
    this.keyLimits.clear();
    this.orgId = "";
    this.prunedDay = "";
    this.keysCheckedDay = "";
    this.flushedTotals = "";
  }

  /** Usage for the `days` UTC days ending with the day of `now`, zero-filled. */
  usage(days: number, now: number): UsageReport {
    const dates = reportDays(days, now);
    const rows = this.ctx.storage.sql
      .exec<UsageRow>(
        "SELECT day, kind, id, requests, commands, refused FROM usage WHERE day >= ? AND day <= ? ORDER BY day",
        dates[0],
        dates.at(-1),
      )
      .toArray();
    return buildUsageReport(dates, rows);
  }
}
