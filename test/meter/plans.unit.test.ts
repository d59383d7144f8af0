// Unit tests for src/meter/plans.ts: plan defaults, organization overrides and the UTC day.
import { describe, expect, it } from "vitest";
import { dayOf } from "../../src/lib/time";
import { effectiveLimits, PLANS, rateFrom } from "../../src/meter/plans";

const org = (over: Partial<Parameters<typeof effectiveLimits>[0]> = {}) => ({
  plan: "free" as const,
  maxRequestsPerDay: null,
  rateLimitRequests: null,
  rateLimitWindowSeconds: null,
  ...over,
});

describe("rateFrom", () => {
  it("builds a rate from a count and a 1 s or 60 s window", () => {
    expect(rateFrom(10, 1)).toEqual({ requests: 10, windowSeconds: 1 });
    expect(rateFrom(500, 60)).toEqual({ requests: 500, windowSeconds: 60 });
    expect(rateFrom(0, 1)).toEqual({ requests: 0, windowSeconds: 1 });
  });

  it("is null when either column is missing or the window is not 1 or 60", () => {
    expect(rateFrom(null, 1)).toBeNull();
    expect(rateFrom(10, null)).toBeNull();
    expect(rateFrom(null, null)).toBeNull();
    for (const w of [0, 2, 30, 59, 61, 3600, -1, 1.5, Number.NaN]) expect(rateFrom(10, w)).toBeNull();
  });
});

describe("effectiveLimits", () => {
  it("is the plan's limits without overrides", () => {
    expect(effectiveLimits(org())).toEqual({ maxRequestsPerDay: 100_000, rate: { requests: 1_000, windowSeconds: 1 } });
    expect(effectiveLimits(org({ plan: "pro" }))).toEqual({ maxRequestsPerDay: 10_000_000, rate: { requests: 10_000, windowSeconds: 1 } });
    expect(effectiveLimits(org({ plan: "enterprise" }))).toEqual({ maxRequestsPerDay: null, rate: null });
  });

  it("takes the organization's overrides, including a quota of 0", () => {
    expect(effectiveLimits(org({ maxRequestsPerDay: 5, rateLimitRequests: 7, rateLimitWindowSeconds: 60 }))).toEqual({
      maxRequestsPerDay: 5,
      rate: { requests: 7, windowSeconds: 60 },
    });
    expect(effectiveLimits(org({ plan: "enterprise", maxRequestsPerDay: 0 })).maxRequestsPerDay).toBe(0);
    expect(effectiveLimits(org({ plan: "enterprise", rateLimitRequests: 3, rateLimitWindowSeconds: 1 })).rate).toEqual({
      requests: 3,
      windowSeconds: 1,
    });
  });

  it("falls back to the plan's rate when the override is incomplete or has a bad window", () => {
    expect(effectiveLimits(org({ rateLimitRequests: 7 })).rate).toEqual(PLANS.free.rate);
    expect(effectiveLimits(org({ rateLimitRequests: 7, rateLimitWindowSeconds: 30 })).rate).toEqual(PLANS.free.rate);
    expect(effectiveLimits(org({ rateLimitWindowSeconds: 60 })).rate).toEqual(PLANS.free.rate);
  });

  it("does not hand out the shared plan object to be mutated", () => {
    const limits = effectiveLimits(org());
    expect(limits).not.toBe(PLANS.free);
  });
});

describe("dayOf", () => {
  it("is the UTC day, switching exactly at midnight", () => {
    expect(dayOf(0)).toBe("1970-01-01");
    expect(dayOf(Date.UTC(2026, 11, 2, 23, 59, 59, 999))).toBe("2026-12-02");
    expect(dayOf(Date.UTC(2026, 11, 3))).toBe("2026-12-03");
    expect(dayOf(Date.UTC(2028, 1, 29, 12))).toBe("2028-02-29");
    expect(dayOf(-1)).toBe("1969-12-31");
  });

  it("throws for a time that is not a date", () => {
    expect(() => dayOf(Number.NaN)).toThrow(RangeError);
    expect(() => dayOf(8.64e15 + 1)).toThrow(RangeError);
  });
});
