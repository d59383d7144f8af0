// Plans and limits. An organization's plan gives defaults; the organization may override its daily
// quota and default per-key rate limit, and a key may carry its own rate limit. Pure.

export type Rate = { requests: number; windowSeconds: 1 | 60 };
export type PlanName = "free" | "pro" | "enterprise";
export type Limits = { maxRequestsPerDay: number | null; rate: Rate | null };

/** Commands per day and per-key request rate of each plan (null: unlimited). */
export const PLANS: Record<PlanName, Limits> = {
  free: { maxRequestsPerDay: 100_000, rate: { requests: 1_000, windowSeconds: 1 } },
  pro: { maxRequestsPerDay: 10_000_000, rate: { requests: 10_000, windowSeconds: 1 } },
  enterprise: { maxRequestsPerDay: null, rate: null },
};

type LimitColumns = {
  plan: PlanName;
  maxRequestsPerDay: number | null;
  rateLimitRequests: number | null;
  rateLimitWindowSeconds: number | null;
};

export function rateFrom(requests: number | null, windowSeconds: number | null): Rate | null {
  return requests !== null && (windowSeconds === 1 || windowSeconds === 60) ? { requests, windowSeconds } : null;
}

/** The organization's effective limits: its overrides where set, else its plan's. */
export function effectiveLimits(org: LimitColumns): Limits {
  const plan = PLANS[org.plan];
  return {
    maxRequestsPerDay: org.maxRequestsPerDay ?? plan.maxRequestsPerDay,
    rate: rateFrom(org.rateLimitRequests, org.rateLimitWindowSeconds) ?? plan.rate,
  };
}

/** The UTC day (YYYY-MM-DD) that contains `ms`. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
