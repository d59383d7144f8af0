// An organization's limits as the settings and operator pages show and edit them: words for a
// quota, a rate and a member count, form input parsed and checked against the plan's ceiling, and
// the token of a reset link. Pure.

import { formatCount, formatCountOf } from "./format";
import type { Rate, ShownRate } from "./key-rate";

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const MAX_QUOTA = 1_000_000_000_000;
const MAX_RATE = 1_000_000;

const count = (n: number) => n.toLocaleString("en-GB");

export function describeQuota(quota: number | null): string {
  return quota === null ? "no daily quota" : `${count(quota)} commands per day`;
}

export function describeLimitRate(rate: ShownRate): string {
  if (!rate) return "no rate limit";
  return `${count(rate.requests)} requests per ${rate.window_seconds === 60 ? "minute" : "second"} per key`;
}

/** A whole number typed with or without thousands separators ("100,000", "100 000", "100_000"); null when it is not one. */
function readWhole(text: string): number | null {
  const cleaned = text.trim().replace(/[\s,_]/g, "");
  if (!/^\d+$/.test(cleaned)) return null;
  const n = Number(cleaned);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * A daily quota from a form: "" is null (the plan's applies); otherwise 1 to 10^12 commands and, when
 * a ceiling is given (an owner lowering their own), at most the ceiling.
 */
export function parseQuota(text: string, ceiling?: number | null): Parsed<number | null> {
  if (text.trim() === "") return { ok: true, value: null };
  const n = readWhole(text);
  if (n === null || n < 1 || n > MAX_QUOTA)
    return { ok: false, message: "The daily quota must be a whole number from 1 to 1,000,000,000,000." };
  if (ceiling !== undefined && ceiling !== null && n > ceiling) {
    return { ok: false, message: `The plan allows at most ${count(ceiling)} commands per day; only an operator can raise it.` };
  }
  return { ok: true, value: n };
}

const MAX_CAP = 1_000_000;

/** An operator's cap on instances or live API keys from a form: "" is null (the plan's applies); otherwise 0 to 10^6. */
export function parseCap(text: string, what: string): Parsed<number | null> {
  if (text.trim() === "") return { ok: true, value: null };
  const n = readWhole(text);
  if (n === null || n > MAX_CAP) return { ok: false, message: `The cap on ${what} must be a whole number from 0 to 1,000,000.` };
  return { ok: true, value: n };
}

/**
 * A per-key rate limit from a form: "" requests is null (the plan's applies); otherwise 1 to 10^6
 * requests per second or minute and, when a ceiling is given, no looser than it.
 */
export function parseLimitRate(requests: string, window: string, ceiling?: ShownRate): Parsed<Rate | null> {
  if (requests.trim() === "") return { ok: true, value: null };
  const n = readWhole(requests);
  if (n === null || n < 1 || n > MAX_RATE) return { ok: false, message: "Requests must be a whole number from 1 to 1,000,000." };
  const windowSeconds = window === "60" ? 60 : 1;
  if (ceiling && n / windowSeconds > ceiling.requests / (ceiling.window_seconds ?? 1)) {
    return { ok: false, message: `The plan allows at most ${describeLimitRate(ceiling)}; only an operator can raise it.` };
  }
  return { ok: true, value: { requests: n, window_seconds: windowSeconds } };
}

/** "1 owner, 2 members" from the operators' members-per-role counts, owners first. */
export function describeMembers(members: Record<string, number>): string {
  const order = ["owner", "admin", "member", "viewer"];
  const parts = Object.entries(members)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([role, n]) => formatCountOf(n, role));
  return parts.length ? parts.join(", ") : "nobody";
}

/** The reset token in a reset link's fragment (`#token=rgr_…`), or null when it is missing. */
export function readResetToken(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, "")).get("token")?.trim() ?? "";
  return /^rgr_[A-Za-z0-9_-]{16,200}$/.test(token) ? token : null;
}

/**
 * What an organization holds against a cap: "3 of 50", "3 of 500 live keys" (with a noun), or
 * "3 (no cap)", "1 live key (no cap)".
 */
export function describeHeld(held: number, cap: number | null, noun?: string): string {
  if (cap === null) return `${noun ? formatCountOf(held, noun) : formatCount(held)} (no cap)`;
  return `${formatCount(held)} of ${noun ? formatCountOf(cap, noun) : formatCount(cap)}`;
}
