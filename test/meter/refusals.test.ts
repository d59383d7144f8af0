// Requests refused with 429 (a key's rate limit, a daily quota) are counted by the organization's
// UsageMeter on the UTC day they were refused, per key, and the usage API returns them per day.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../src/lib/time";
import { api, tenant } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";

const TODAY = new Date().toISOString().slice(0, 10);
const day = (offset: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);
const meter = (orgId: string) => env.USAGE_METER.get(env.USAGE_METER.idFromName(orgId));

describe("refused requests per day", () => {
  it("counts each refusal on the UTC day it happened, per key, and never as a request", async () => {
    const t = await tenant({ rate_limit: { requests: 1, window_seconds: 60 } });
    const edge = clockedApp(Date.parse(`${TODAY}T23:59:30Z`));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await edge.redis(t.instance.id, t.key, ["PING"])).status);
    edge.advance(60_000); // 00:00:30 the next day: a new rate window and a new day
    for (let i = 0; i < 2; i++) statuses.push((await edge.redis(t.instance.id, t.key, ["PING"])).status);
    expect(statuses).toEqual([200, 429, 429, 200, 429]);
    const report = await meter(t.orgId).usage(3, Date.parse(`${day(1)}T12:00:00Z`));
    expect(report.refused).toEqual({
      total: 3,
      daily: [
        { date: day(-1), requests: 0 },
        { date: TODAY, requests: 2 },
        { date: day(1), requests: 1 },
      ],
    });
    expect(report.daily.map((d) => d.requests)).toEqual([0, 1, 1]);
    expect(report.keys).toEqual([expect.objectContaining({ key_id: t.keyId, requests: 2, refused: 3 })]);
  });

  it("GET …/usage returns quota refusals per day and per key, for this organization only", async () => {
    const t = await tenant();
    const other = await tenant();
    await api("PUT", `/api/organizations/${t.orgId}/limits`, { token: t.account.token, body: { max_requests_per_day: 2 } });
    const edge = clockedApp(Date.parse(`${TODAY}T00:00:01Z`));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await edge.redis(t.instance.id, t.key, ["PING"])).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
    const res = await api("GET", `/api/organizations/${t.orgId}/usage?days=3`, { token: t.account.token });
    expect(res.status).toBe(200);
    expect(res.body.data.refused).toEqual({
      total: 2,
      daily: [
        { date: day(-2), requests: 0 },
        { date: day(-1), requests: 0 },
        { date: TODAY, requests: 2 },
      ],
    });
    expect(res.body.data.keys).toEqual([expect.objectContaining({ key_id: t.keyId, requests: 2, refused: 2 })]);
    const theirs = await api("GET", `/api/organizations/${other.orgId}/usage?days=1`, { token: other.account.token });
    expect(theirs.body.data.refused).toEqual({ total: 0, daily: [{ date: TODAY, requests: 0 }] });
  });
});
