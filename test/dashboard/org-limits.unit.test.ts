// The settings and operator pages' limit arithmetic: words, form parsing within the plan's ceiling,
// member counts and the reset link's token.
import { describe, expect, it } from "vitest";
import {
  describeHeld,
  describeLimitRate,
  describeMembers,
  describeQuota,
  parseCap,
  parseLimitRate,
  parseQuota,
  readResetToken,
} from "../../src/dashboard/client/org-limits";

describe("org limits", () => {
  it("describes quotas and rates, including none", () => {
    expect(describeQuota(100_000)).toBe("100,000 commands per day");
    expect(describeQuota(null)).toBe("no daily quota");
    expect(describeLimitRate({ requests: 1000, window_seconds: 1 })).toBe("1,000 requests per second per key");
    expect(describeLimitRate({ requests: 30, window_seconds: 60 })).toBe("30 requests per minute per key");
    expect(describeLimitRate(null)).toBe("no rate limit");
  });

  it("reads a quota with separators; empty means the plan's; refuses junk, zero and more than the ceiling", () => {
    expect(parseQuota("")).toEqual({ ok: true, value: null });
    expect(parseQuota(" 50,000 ", 100_000)).toEqual({ ok: true, value: 50_000 });
    expect(parseQuota("100 000", 100_000)).toEqual({ ok: true, value: 100_000 });
    expect(parseQuota("1_000_000")).toEqual({ ok: true, value: 1_000_000 });
    expect(parseQuota("100001", 100_000)).toEqual({
      ok: false,
      message: "The plan allows at most 100,000 commands per day; only an operator can raise it.",
    });
    expect(parseQuota("5000000000", null)).toEqual({ ok: true, value: 5_000_000_000 });
    for (const bad of ["0", "-5", "1.5", "lots", "1e6", "1000000000001"]) expect(parseQuota(bad).ok, bad).toBe(false);
  });

  it("reads a rate per second or minute and compares windows by requests per second", () => {
    const ceiling = { requests: 1000, window_seconds: 1 };
    expect(parseLimitRate("", "1", ceiling)).toEqual({ ok: true, value: null });
    expect(parseLimitRate("500", "1", ceiling)).toEqual({ ok: true, value: { requests: 500, window_seconds: 1 } });
    expect(parseLimitRate("60000", "60", ceiling)).toEqual({ ok: true, value: { requests: 60_000, window_seconds: 60 } });
    expect(parseLimitRate("60001", "60", ceiling)).toEqual({
      ok: false,
      message: "The plan allows at most 1,000 requests per second per key; only an operator can raise it.",
    });
    expect(parseLimitRate("5000", "1", null)).toEqual({ ok: true, value: { requests: 5000, window_seconds: 1 } });
    expect(parseLimitRate("5000", "1")).toEqual({ ok: true, value: { requests: 5000, window_seconds: 1 } });
    for (const bad of ["0", "x", "1000001", "2.5"]) expect(parseLimitRate(bad, "1").ok, bad).toBe(false);
  });

  it("reads an operator's cap: empty means the plan's, zero freezes, junk and more than a million are refused", () => {
    expect(parseCap("", "instances")).toEqual({ ok: true, value: null });
    expect(parseCap(" 1,500 ", "instances")).toEqual({ ok: true, value: 1500 });
    expect(parseCap("0", "API keys")).toEqual({ ok: true, value: 0 });
    expect(parseCap("1000001", "API keys")).toEqual({
      ok: false,
      message: "The cap on API keys must be a whole number from 0 to 1,000,000.",
    });
    for (const bad of ["-1", "2.5", "many", "1e3"]) expect(parseCap(bad, "instances").ok, bad).toBe(false);
  });

  it("summarises members per role, owners first", () => {
    expect(describeMembers({ viewer: 3, owner: 1, member: 1 })).toBe("1 owner, 1 member, 3 viewers");
    expect(describeMembers({ admin: 2 })).toBe("2 admins");
    expect(describeMembers({ member: 1200 })).toBe("1,200 members");
    expect(describeMembers({})).toBe("nobody");
  });

  it("describes what an organization holds against a cap, with or without a noun", () => {
    expect(describeHeld(1, 750)).toBe("1 of 750");
    expect(describeHeld(0, 5_000, "live key")).toBe("0 of 5,000 live keys");
    expect(describeHeld(1, 1, "instance")).toBe("1 of 1 instance");
    expect(describeHeld(1_200, null, "instance")).toBe("1,200 instances (no cap)");
    expect(describeHeld(1, null, "live key")).toBe("1 live key (no cap)");
    expect(describeHeld(3, null)).toBe("3 (no cap)");
  });

  it("reads the token from a reset link's fragment, and nothing else", () => {
    const token = `rgr_${"A1b2_-".repeat(7)}`;
    expect(readResetToken(`#token=${token}`)).toBe(token);
    expect(readResetToken(`token=${token}`)).toBe(token);
    expect(readResetToken("")).toBeNull();
    expect(readResetToken("#token=")).toBeNull();
    expect(readResetToken("#token=rgs_sessiontokennotareset")).toBeNull();
    expect(readResetToken(`#token=${token}<script>`)).toBeNull();
  });
});
