// UsageMeter: one Durable Object per organization that admits edge requests (per-key rate limit,
// daily command quota) and counts usage per key and per instance per UTC day. Limits are pushed to
// it by the management side; key last-use times are written to D1 in batches by an alarm.
import { DurableObject } from "cloudflare:workers";
import type { AppBindings } from "../env";
import { DAY_MS } from "../lib/time";
import { dayOf, type Limits, lowerRate, PLANS, type Rate } from "./plans";

export type AdmitInput = { keyId: string; instanceId: string; commands: number; now: number };
export type AdmitResult =
  | { ok: true }
  | { ok: false; reason: "rate_limited" | "quota_exceeded" | "key_quota_exceeded"; retryAfterSeconds: number; limit: number; used: number };

/** One key's own limits; each applies under the organization's (the lower wins). */
export type KeyLimits = { rate: Rate | null; maxRequestsPerDay: number | null };

export type DailyUsage = { date: string; requests: number; commands: number };
export type UsageReport = {
  from: string;
  to: string;
  total: { requests: number; commands: number };
  daily: DailyUsage[];
  instances: { instance_id: string; requests: number; commands: number; daily: DailyUsage[] }[];
  keys: { key_id: string; requests: number; commands: number; daily: DailyUsage[] }[];
};

const FLUSH_DELAY_MS = 30_000;

export class UsageMeter extends DurableObject<AppBindings> {
  private limits: Limits = PLANS.free;
  private keyLimits = new Map<string, KeyLimits>();
  private keyToday = new Map<string, { day: string; commands: number }>();
  private windows = new Map<string, { start: number; count: number }>();
  private today = { day: "", commands: 0 };
  private lastUsed = new Map<string, number>();
  private orgId = "";

  constructor(ctx: DurableObjectState, env: AppBindings) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      const sql = ctx.storage.sql;
      sql.exec(
        `CREATE TABLE IF NOT EXISTS usage (day TEXT, kind TEXT, id TEXT, requests INTEGER, commands INTEGER, PRIMARY KEY (day, kind, id))`,
      );
      sql.exec(`CREATE TABLE IF NOT EXISTS config (name TEXT PRIMARY KEY, value TEXT)`);
      for (const row of sql.exec<{ name: string; value: string }>("SELECT name, value FROM config")) {
        if (row.name === "limits") this.limits = JSON.parse(row.value) as Limits;
        else if (row.name === "org") this.orgId = row.value;
        else if (row.name.startsWith("key:")) this.keyLimits.set(row.name.slice(4), readKeyLimits(row.value));
      }
    });
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

  /** Sets one key's own rate limit and daily quota (null: only the organization's applies). */
  setKeyLimits(keyId: string, limits: KeyLimits): void {
    this.keyLimits.set(keyId, limits);
    this.saveConfig(`key:${keyId}`, JSON.stringify(limits));
  }

  /** Sets (or clears, with null) one key's own rate limit, keeping its daily quota. */
  setKeyRate(keyId: string, rate: Rate | null): void {
    this.setKeyLimits(keyId, { rate, maxRequestsPerDay: this.keyLimits.get(keyId)?.maxRequestsPerDay ?? null });
  }

  private keyCommandsOn(keyId: string, day: string): number {
    const cached = this.keyToday.get(keyId);
    if (cached && cached.day === day) return cached.commands;
    const row = this.ctx.storage.sql
      .exec<{ n: number }>("SELECT COALESCE(SUM(commands), 0) AS n FROM usage WHERE day = ? AND kind = 'key' AND id = ?", day, keyId)
      .one();
    return row.n;
  }

  private commandsOn(day: string): number {
    if (this.today.day !== day) {
      const row = this.ctx.storage.sql
        .exec<{ n: number }>("SELECT COALESCE(SUM(commands), 0) AS n FROM usage WHERE day = ? AND kind = 'key'", day)
        .one();
      this.today = { day, commands: row.n };
    }
    return this.today.commands;
  }

  /**
   * Admits (and counts) one edge request of `commands` commands, or says why not. Pipelines count
   * by command against both the key's rate and the daily quota; a refused request is not counted.
   */
  admit(input: AdmitInput): AdmitResult {
    const day = dayOf(input.now);
    const used = this.commandsOn(day);
    const quota = this.limits.maxRequestsPerDay;
    if (quota !== null && used + input.commands > quota) {
      const retry = Math.ceil((Date.parse(`${day}T00:00:00Z`) + DAY_MS - input.now) / 1000);
      return { ok: false, reason: "quota_exceeded", retryAfterSeconds: Math.max(1, retry), limit: quota, used };
    }
    const own = this.keyLimits.get(input.keyId);
    const keyUsed = this.keyCommandsOn(input.keyId, day);
    if (own?.maxRequestsPerDay != null && keyUsed + input.commands > own.maxRequestsPerDay) {
      const retry = Math.ceil((Date.parse(`${day}T00:00:00Z`) + DAY_MS - input.now) / 1000);
      return {
        ok: false,
        reason: "key_quota_exceeded",
        retryAfterSeconds: Math.max(1, retry),
        limit: own.maxRequestsPerDay,
        used: keyUsed,
      };
    }
    // At the edge the lower of the key's own rate and the organization's applies.
    const rate = lowerRate(own?.rate ?? null, this.limits.rate);
    if (rate) {
      const windowMs = rate.windowSeconds * 1000;
      const start = Math.floor(input.now / windowMs) * windowMs;
      const current = this.windows.get(input.keyId);
      const count = current && current.start === start ? current.count : 0;
      if (count + input.commands > rate.requests) {
        return {
          ok: false,
          reason: "rate_limited",
          retryAfterSeconds: Math.max(1, Math.ceil((start + windowMs - input.now) / 1000)),
          limit: rate.requests,
          used: count,
        };
      }
      this.windows.set(input.keyId, { start, count: count + input.commands });
      if (this.windows.size > 10_000) this.windows.delete(this.windows.keys().next().value as string);
    }
    this.today.commands = used + input.commands;
    this.keyToday.set(input.keyId, { day, commands: keyUsed + input.commands });
    if (this.keyToday.size > 10_000) this.keyToday.delete(this.keyToday.keys().next().value as string);
    const upsert =
      "INSERT INTO usage (day, kind, id, requests, commands) VALUES (?, ?, ?, 1, ?) ON CONFLICT (day, kind, id) DO UPDATE SET requests = requests + 1, commands = commands + excluded.commands";
    this.ctx.storage.sql.exec(upsert, day, "key", input.keyId, input.commands);
    this.ctx.storage.sql.exec(upsert, day, "instance", input.instanceId, input.commands);
    this.lastUsed.set(input.keyId, input.now);
    void this.scheduleFlush();
    return { ok: true };
  }

  private async scheduleFlush() {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + FLUSH_DELAY_MS);
  }

  /** Writes keys' last-use times to D1 in one batch. */
  override async alarm(): Promise<void> {
    await this.flushLastUsed();
  }

  async flushLastUsed(): Promise<number> {
    if (this.lastUsed.size === 0 || !this.orgId) return 0;
    const entries = [...this.lastUsed];
    this.lastUsed.clear();
    const statement = this.env.DB.prepare(
      "UPDATE api_keys SET last_used_at = MAX(COALESCE(last_used_at, 0), ?) WHERE id = ? AND organization_id = ?",
    );
    await this.env.DB.batch(entries.map(([keyId, at]) => statement.bind(at, keyId, this.orgId)));
    return entries.length;
  }

  /** Usage for the `days` UTC days ending with the day of `now`, zero-filled. */
  usage(days: number, now: number): UsageReport {
    const dates = Array.from({ length: days }, (_, i) => dayOf(now - (days - 1 - i) * DAY_MS));
    const from = dates[0] as string;
    const to = dates.at(-1) as string;
    const rows = this.ctx.storage.sql
      .exec<{ day: string; kind: string; id: string; requests: number; commands: number }>(
        "SELECT day, kind, id, requests, commands FROM usage WHERE day >= ? AND day <= ? ORDER BY day",
        from,
        to,
      )
      .toArray();
    const series = (kind: string, id?: string) =>
      dates.map((date) => {
        const matching = rows.filter((r) => r.day === date && r.kind === kind && (id === undefined || r.id === id));
        return { date, requests: sum(matching, "requests"), commands: sum(matching, "commands") };
      });
    const ids = (kind: string) => [...new Set(rows.filter((r) => r.kind === kind).map((r) => r.id))];
    const daily = series("key");
    const total = { requests: sum(daily, "requests"), commands: sum(daily, "commands") };
    const entry = (kind: string, id: string) => {
      const d = series(kind, id);
      return { requests: sum(d, "requests"), commands: sum(d, "commands"), daily: d };
    };
    return {
      from,
      to,
      total,
      daily,
      instances: ids("instance").map((id) => ({ instance_id: id, ...entry("instance", id) })),
      keys: ids("key").map((id) => ({ key_id: id, ...entry("key", id) })),
    };
  }
}

/** Reads a stored key entry: the old form was a bare rate (or null), the new one KeyLimits. */
function readKeyLimits(value: string): KeyLimits {
  const parsed = JSON.parse(value) as KeyLimits | Rate | null;
  if (parsed !== null && "maxRequestsPerDay" in parsed) return parsed;
  return { rate: parsed, maxRequestsPerDay: null };
}

function sum<T extends Record<K, number>, K extends string>(rows: T[], field: K): number {
  return rows.reduce((total, r) => total + r[field], 0);
}
