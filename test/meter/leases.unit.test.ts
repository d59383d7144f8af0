// Lease sizing from the limits (pure).
import { describe, expect, it } from "vitest";
import { effectiveRate, MAX_LEASE, maxLeaseFor } from "../../src/meter/leases";
import { PLANS } from "../../src/meter/plans";

describe("maxLeaseFor", () => {
  it("gives a slow key a lease of one and a fast key a tenth of its rate, capped", () => {
    expect(maxLeaseFor({ requests: 5, windowSeconds: 60 })).toBe(1);
    expect(maxLeaseFor({ requests: 1_000, windowSeconds: 1 })).toBe(100);
    expect(maxLeaseFor({ requests: 10_000, windowSeconds: 1 })).toBe(1_000);
    expect(maxLeaseFor({ requests: 1_000_000, windowSeconds: 1 })).toBe(MAX_LEASE);
    expect(maxLeaseFor(null)).toBe(MAX_LEASE);
  });

  it("uses the key's own rate before the organization's", () => {
    const own = { requests: 5, windowSeconds: 60 as const };
    expect(effectiveRate(PLANS.free, { rate: own, maxRequestsPerDay: null })).toBe(own);
    expect(effectiveRate(PLANS.free, { rate: null, maxRequestsPerDay: 10 })).toBe(PLANS.free.rate);
    expect(effectiveRate(PLANS.free, undefined)).toBe(PLANS.free.rate);
  });
});
