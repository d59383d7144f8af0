// Builds the usage report (per day, per instance, per key, refusals) from the meter's usage rows. Pure.

import { DAY_MS, dayOf } from "../lib/time";

/** The most UTC days a usage report covers; the meter keeps no more than this. */
export const REPORT_MAX_DAYS = 90;

export type DailyUsage = { date: string; requests: number; commands: number };
export type UsageRow = { day: string; kind: string; id: string; requests: number; commands: number; refused: number };
export type UsageReport = {
  from: string;
  to: string;
  total: { requests: number; commands: number };
  daily: DailyUsage[];
  /** Requests refused with 429 (rate limit, quota, no free stream slot), per day; the dashboard shows them. */
  refused: { total: number; daily: { date: string; requests: number }[] };
  instances: { instance_id: string; requests: number; commands: number; daily: DailyUsage[] }[];
  keys: { key_id: string; requests: number; commands: number; refused: number; daily: DailyUsage[] }[];
};

/** The `days` UTC days ending with the day of `now`, oldest first. */
export function reportDays(days: number, now: number): string[] {
  return Array.from({ length: days }, (_, i) => dayOf(now - (days - 1 - i) * DAY_MS));
}

/** Zero-filled series over `dates` from rows within them. */
export function buildUsageReport(dates: string[], rows: UsageRow[]): UsageReport {
  const series = (kind: string, id?: string) =>
    dates.map((date) => {
      const matching = rows.filter((r) => r.day === date && r.kind === kind && (id === undefined || r.id === id));
      return { date, requests: sum(matching, "requests"), commands: sum(matching, "commands") };
    });
  const ids = (kind: string) => [...new Set(rows.filter((r) => r.kind === kind).map((r) => r.id))];
  const daily = series("key");
  const entry = (kind: string, id: string) => {
    const d = series(kind, id);
    return { requests: sum(d, "requests"), commands: sum(d, "commands"), daily: d };
  };
  const refusedDaily = dates.map((date) => ({
    date,
    requests: sum(
      rows.filter((r) => r.day === date && r.kind === "key"),
      "refused",
    ),
  }));
  return {
    from: dates[0] as string,
    to: dates.at(-1) as string,
    total: { requests: sum(daily, "requests"), commands: sum(daily, "commands") },
    daily,
    refused: { total: sum(refusedDaily, "requests"), daily: refusedDaily },
    instances: ids("instance").map((id) => ({ instance_id: id, ...entry("instance", id) })),
    keys: ids("key").map((id) => ({
      key_id: id,
      ...entry("key", id),
      refused: sum(
        rows.filter((r) => r.kind === "key" && r.id === id),
        "refused",
      ),
    })),
  };
}

function sum<T extends Record<K, number>, K extends string>(rows: T[], field: K): number {
  return rows.reduce((total, r) => total + r[field], 0);
}
