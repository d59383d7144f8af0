// Plans and limits. An organization's plan gives defaults that an operator may override (the
// ceiling); its owners may set lower limits under that ceiling; a key may carry its own rate limit
// and daily quota, and wherever two limits meet, the lower applies. Pure.

/** The plans, declared once: drizzle's column, the API's enums and PLANS derive from it. */
export const PLAN_NAMES = ["free", "pro", "enterprise"] as const;
export type PlanName = (typeof PLAN_NAMES)[number];
/** The rate-limit windows a limit may use, in seconds. */
export const RATE_WINDOWS = [1, 60] as const;
export type Rate = { requests: number; windowSeconds: (typeof RATE_WINDOWS)[number] };
export type Limits = { maxRequestsPerDay: number | null; rate: Rate | null };

/** Commands per day and per-key request rate of each plan (null: unlimited). */
export const PLANS: Record<PlanName, Limits> = {
  free: { maxRequestsPerDay: 100_000, rate: { requests: 1_000, windowSeconds: 1 } },
  pro: { maxRequestsPerDay: 10_000_000, rate: { requests: 10_000, windowSeconds: 1 } },
  enterprise: { maxRequestsPerDay: null, rate: null },
};

/**
 * How many instances and live API keys (the console's own aside) an organization of each plan may
 * hold (null: no cap). They bound what one organization can store in D1 and KV; an operator lifts
 * them by changing the plan.
 */
export type PlanCaps = { maxInstances: number | null; maxApiKeys: number | null };
export const PLAN_CAPS: Record<PlanName, PlanCaps> = {
  free: { maxInstances: 50, maxApiKeys: 500 },
  pro: { maxInstances: 500, maxApiKeys: 5_000 },
  enterprise: { maxInstances: null, maxApiKeys: null },
};

type LimitColumns = {
  plan: PlanName;
  maxRequestsPerDay: number | null;
  rateLimitRequests: number | null;
  rateLimitWindowSeconds: number | null;
  ownerMaxRequestsPerDay?: number | null;
  ownerRateLimitRequests?: number | null;
  ownerRateLimitWindowSeconds?: number | null;
};

export function rateFrom(requests: number | null, windowSeconds: number | null): Rate | null {
  return requests !== null && (windowSeconds === 1 || windowSeconds === 60) ? { requests, windowSeconds } : null;
}

/** Requests per second a rate allows (null: unlimited), so rates of different windows compare. */
export function perSecond(rate: Rate | null): number {
  return rate === null ? Number.POSITIVE_INFINITY : rate.requests / rate.windowSeconds;
}

/** The stricter of two rates (null is unlimited). */
export function lowerRate(a: Rate | null, b: Rate | null): Rate | null {
  if (a === null) return b;
  if (b === null) return a;
  return perSecond(b) < perSecond(a) ? b : a;
}

/** The smaller of two quotas (null is unlimited). */
export function lowerQuota(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** The operator's ceiling: the plan's limits with the operator's overrides where set. */
export function ceilingLimits(org: LimitColumns): Limits {
  const plan = PLANS[org.plan];
  return {
    maxRequestsPerDay: org.maxRequestsPerDay ?? plan.maxRequestsPerDay,
    rate: rateFrom(org.rateLimitRequests, org.rateLimitWindowSeconds) ?? plan.rate,
  };
}

/** The organization's effective limits: the ceiling, lowered by the owners' own limits where set. */
export function effectiveLimits(org: LimitColumns): Limits {
  const ceiling = ceilingLimits(org);
  return {
    maxRequestsPerDay: lowerQuota(ceiling.maxRequestsPerDay, org.ownerMaxRequestsPerDay ?? null),
    rate: lowerRate(ceiling.rate, rateFrom(org.ownerRateLimitRequests ?? null, org.ownerRateLimitWindowSeconds ?? null)),
  };
}
