// The usage report built from the meter's rows: zero-filled days, refusals per day and per key.
import { describe, expect, it } from "vitest";
import { buildUsageReport, reportDays, type UsageRow } from "../../src/meter/usage-report";

const row = (day: string, kind: string, id: string, requests: number, commands: number, refused = 0): UsageRow => ({
  day,
  kind,
  id,
  requests,
  commands,
  refused,
});

describe("usage report", () => {
  it("lists the days ending with today's, oldest first, across a month end", () => {
    expect(reportDays(3, Date.parse("2026-03-01T08:00:00Z"))).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
  });

  it("sums refusals per day over every key, zero-filled, and per key over the period", () => {
    const dates = ["2026-02-27", "2026-02-28", "2026-03-01"];
    const report = buildUsageReport(dates, [
      row("2026-02-27", "key", "key_a", 5, 9, 2),
      row("2026-02-27", "key", "key_b", 1, 1, 1),
      row("2026-03-01", "key", "key_a", 0, 0, 4),
      row("2026-03-01", "instance", "rdb_x", 5, 9),
    ]);
    expect(report.refused).toEqual({
      total: 7,
      daily: [
        { date: "2026-02-27", requests: 3 },
        { date: "2026-02-28", requests: 0 },
        { date: "2026-03-01", requests: 4 },
      ],
    });
    expect(report.keys.map((k) => [k.key_id, k.requests, k.refused])).toEqual([
      ["key_a", 5, 6],
      ["key_b", 1, 1],
    ]);
    expect(report.total).toEqual({ requests: 6, commands: 10 });
    expect(report.instances).toEqual([expect.objectContaining({ instance_id: "rdb_x", requests: 5, commands: 9 })]);
  });
});
