// Admission by lease: the shapes an isolate and its organization's UsageMeter exchange, and how the
// meter sizes a lease from the limits. Pure. Every command granted counts against the key's rate
// window and the daily quotas when granted, so overshoot is zero within a window; a lease ends at
// the window's end (or LEASE_MS), and what an isolate did not spend is returned and un-counted.
import { type Limits, lowerRate, type Rate } from "./plans";

/** A key's own limits (null fields: the organization's). */
export type KeyLimits = { rate: Rate | null; maxRequestsPerDay: number | null };

/** Longest a lease lives; limit changes and suspensions reach every isolate within it. */
export const LEASE_MS = 5_000;
/** The largest lease for a key without a rate limit. */
export const MAX_LEASE = 1_000;

/** What an isolate spent from one key's leases since its last sync (deduplicated per isolate and key by `seq`, which only grows). */
export type SpendReport = {
  seq: number;
  /** The UTC day (the edge's clock) the requests were spent on: a report is never split across days. */
  day: string;
  requests: number;
  instances: { instanceId: string; requests: number; commands: number }[];
};

/** What an isolate tells the meter about one key at every sync: leases it gives back, and what it spent. */
export type SpendSync = {
  isolateId: string;
  keyId: string;
  now: number;
  /** Expired leases and what is left of them. Idempotent: a lease is un-counted once. */
  returns: { leaseId: string; unspent: number }[];
  /** Unacknowledged spend reports of this key, oldest first; the meter applies those above its last seq for the isolate and key. */
  reports: SpendReport[];
};

export type LeaseRequest = SpendSync & {
  /** Commands the waiting request needs (0 for a background renewal). */
  need: number;
  /** Commands the isolate would like (>= need); the meter may grant less, never less than need. */
  want: number;
  /** The request this call is made for, counted at once (null for a background renewal). */
  first: { instanceId: string; commands: number } | null;
};

export type Refusal = {
  ok: false;
  reason: "rate_limited" | "quota_exceeded" | "key_quota_exceeded";
  retryAfterSeconds: number;
  limit: number;
  used: number;
};
export type LeaseGrant = { ok: true; leaseId: string; budget: number; expiresAt: number } | Refusal;

/**
 * The largest lease for a key: a tenth of its rate (at least 1), so a 5-a-minute key gets 1 and a
 * 10,000-a-second key 1,000; MAX_LEASE without a rate.
 */
export function maxLeaseFor(rate: Rate | null): number {
  if (!rate) return MAX_LEASE;
  return Math.max(1, Math.min(MAX_LEASE, Math.floor(rate.requests / 10)));
}

/** The key's effective rate: its own when set, else the organization's. */
export function effectiveRate(limits: Limits, key: KeyLimits | undefined): Rate | null {
  return lowerRate(key?.rate ?? null, limits.rate);
}
