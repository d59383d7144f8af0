// The usage chart's arithmetic: a continuous run of days, a round axis maximum and bar geometry.
// Pure: the page turns these numbers into SVG.
import type { DailyUsage } from "../../meter/usage-meter";

const DAY_MS = 86_400_000;

/** Every date from `from` to `to` (UTC, inclusive), with zeros where no point was sent; at most 400 days. */
export function fillDays(from: string, to: string, points: DailyUsage[]): DailyUsage[] {
  const byDate = new Map(points.map((p) => [p.date, p]));
  const out: DailyUsage[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length < 400; t += DAY_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    out.push(byDate.get(date) ?? { date, requests: 0, commands: 0 });
  }
  return out;
}

/** A round axis maximum at or above `n` whose half is round too (the middle grid line); at least 4. */
export function niceMax(n: number): number {
  if (!(n > 4)) return 4;
  const step = 10 ** Math.floor(Math.log10(n));
  const max = Math.ceil(n / step) * step;
  // 10, 100, … halve to 5, 50, …; otherwise an even number of steps keeps the half on a step.
  return max === step || (max / step) % 2 === 0 ? max : max + step;
}

export type ChartBox = { width: number; height: number; left: number; right: number; top: number; bottom: number };

/** Maps a value to its y coordinate in the box (0 at the bottom edge of the plot). */
export function scaleY(box: ChartBox, max: number, value: number): number {
  const plot = box.height - box.top - box.bottom;
  return box.top + plot * (1 - Math.min(value, max) / max);
}

/** The x of each day's slot and the width of one bar (two bars per slot, 80 % of it). */
export function slots(box: ChartBox, count: number): { x: number[]; bar: number } {
  const slot = (box.width - box.left - box.right) / Math.max(count, 1);
  return { x: Array.from({ length: count }, (_, i) => box.left + i * slot + slot * 0.1), bar: Math.max(slot * 0.4, 1) };
}

/** How much of a quota is used, as a whole percentage clamped to 0-100 (null when there is no quota). */
export function quotaPercent(used: number, quota: number | null): number | null {
  if (quota === null || quota <= 0) return null;
  return Math.min(100, Math.max(0, Math.floor((used / quota) * 100)));
}
