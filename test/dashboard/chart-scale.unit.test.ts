// The usage chart's arithmetic: continuous days, round axis maxima, geometry and the quota share.
import { describe, expect, it } from "vitest";
import { fillDays, niceMax, quotaPercent, scaleY, slots } from "../../src/dashboard/client/chart-scale";

describe("chart scale", () => {
  it("fills missing days with zeros, across a month end", () => {
    expect(fillDays("2026-01-30", "2026-02-02", [{ date: "2026-01-31", requests: 3, commands: 5 }])).toEqual([
      { date: "2026-01-30", requests: 0, commands: 0 },
      { date: "2026-01-31", requests: 3, commands: 5 },
      { date: "2026-02-01", requests: 0, commands: 0 },
      { date: "2026-02-02", requests: 0, commands: 0 },
    ]);
    expect(fillDays("2026-02-02", "2026-02-01", [])).toEqual([]);
  });
  it("rounds the axis up to a value whose half is round", () => {
    expect([0, 3, 5, 9, 10, 11, 31, 99, 100, 1234].map(niceMax)).toEqual([4, 4, 6, 10, 10, 20, 40, 100, 100, 2000]);
    expect(niceMax(Number.NaN)).toBe(4);
  });
  it("maps values into the plot and lays out slots", () => {
    const box = { width: 300, height: 120, left: 40, right: 10, top: 10, bottom: 10 };
    expect(scaleY(box, 100, 0)).toBe(110);
    expect(scaleY(box, 100, 100)).toBe(10);
    expect(scaleY(box, 100, 500)).toBe(10);
    expect(slots(box, 5)).toEqual({ x: [45, 95, 145, 195, 245], bar: 20 });
  });
  it("gives the quota share in whole percent, clamped, or null without a quota", () => {
    expect(quotaPercent(500, 1000)).toBe(50);
    expect(quotaPercent(999, 1000)).toBe(99);
    expect(quotaPercent(5000, 1000)).toBe(100);
    expect(quotaPercent(5, null)).toBeNull();
  });
});
