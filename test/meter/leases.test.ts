// Admission by lease: isolates spend leases the organization's UsageMeter granted, await the meter
// only when a lease ran out, and usage is counted as granted, corrected on return, never twice.
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DAY_MS, dayOf } from "../../src/lib/time";
import { Admission } from "../../src/meter/admission";
import type { LeaseRequest, SpendReport } from "../../src/meter/leases";
import { api, mintKey, tenant } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { liftedTenant } from "../helpers/operator";

const TODAY = new Date().toISOString().slice(0, 10);
const NOON = Date.parse(`${TODAY}T12:00:00.250Z`);
const meter = (orgId: string) => env.USAGE_METER.get(env.USAGE_METER.idFromName(orgId));
const usage = async (t: { orgId: string; account: { token: string } }) =>
  (await api("GET", `/api/organizations/${t.orgId}/usage?days=1`, { token: t.account.token })).body.data;
const fromLease = (res: { headers: Headers }) => res.headers.get("server-timing")?.includes("desc=lease") ?? false;

function leaseRequest(keyId: string, overrides: Partial<LeaseRequest> = {}): LeaseRequest {
  return { isolateId: "iso-test", keyId, now: NOON, need: 1, want: 1, first: null, returns: [], reports: [], ...overrides };
}
const spent = (seq: number, requests: number, instanceId: string, day = TODAY): SpendReport => ({
  seq,
  day,
  requests,
  instances: [{ instanceId, requests, commands: requests }],
});

describe("admission by lease", () => {
  it("lets a 5-a-minute key through at most 5 times a minute, also through two edges sharing one meter", async () => {
    const t = await tenant({ rate_limit: { requests: 5, window_seconds: 60 } });
    const [a, b] = [clockedApp(NOON), clockedApp(NOON)];
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await (i % 2 ? a : b).redis(t.instance.id, t.key, ["PING"])).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    a.advance(60_000);
    b.advance(60_000);
    const next: number[] = [];
    for (let i = 0; i < 8; i++) next.push((await (i % 2 ? a : b).redis(t.instance.id, t.key, ["PING"])).status);
    expect(next.filter((s) => s === 200)).toHaveLength(5);
    expect((await usage(t)).refused.total).toBe(10);
  });

  it("holds a 5-a-minute key to 5 a minute when the meter restarts within the minute", async () => {
    const t = await tenant({ rate_limit: { requests: 5, window_seconds: 60 } });
    const edge = clockedApp(NOON);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await edge.redis(t.instance.id, t.key, ["PING"])).status);
    await abortAllDurableObjects(); // a deploy: the meter starts again with only what it stored
    for (let i = 0; i < 5; i++) statuses.push((await edge.redis(t.instance.id, t.key, ["PING"])).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  });

  it("admits a busy key from its lease: few requests await the meter, and usage is exact once leases return", async () => {
    const t = await liftedTenant({ rate_limit: { requests: 10_000, window_seconds: 1 } });
    const edge = clockedApp(NOON);
    let local = 0;
    for (let i = 0; i < 60; i++) {
      const res = await edge.fetch(`/redis/${t.instance.id}`, { method: "POST", token: t.key, body: '["PING"]' });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      if (fromLease(res)) local += 1;
    }
    // Quiet at first (one awaited lease per request until the key is busy), then leases double ahead of time.
    expect(local).toBeGreaterThanOrEqual(50);
    const granted = await usage(t);
    expect(granted.total.commands).toBeGreaterThanOrEqual(60); // counted as granted
    edge.advance(10_000); // every lease expired: the next sync returns what was not spent
    expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
    expect((await usage(t)).total).toEqual({ requests: 61, commands: 61 });
  });

  it("reports a key that went quiet with the isolate's next request of any key: its last burst counted, its unspent lease returned", async () => {
    const t = await liftedTenant({ rate_limit: { requests: 10_000, window_seconds: 1 } });
    const other = await mintKey(t.account, t.orgId);
    const edge = clockedApp(NOON);
    for (let i = 0; i < 30; i++) expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
    const ofKey = async () => (await usage(t)).keys.find((k: { key_id: string }) => k.key_id === t.keyId);
    // Busy: it spends leases granted ahead, which only a later sync reports and returns.
    expect(await ofKey()).not.toMatchObject({ requests: 30, commands: 30 });
    edge.advance(10_000); // the key went quiet and its leases ended; the isolate serves another key
    expect((await edge.redis(t.instance.id, other.key, ["PING"])).status).toBe(200);
    expect(await ofKey()).toMatchObject({ requests: 30, commands: 30 });
    expect((await usage(t)).instances).toEqual([expect.objectContaining({ instance_id: t.instance.id, requests: 31, commands: 31 })]);
  });

  it("syncs at most 32 quiet keys per sweep, and the rest a second later", async () => {
    const t = await liftedTenant({ rate_limit: { requests: 10_000, window_seconds: 1 } });
    const admission = new Admission();
    const meterOf = (orgId: string) => meter(orgId);
    const work: Promise<unknown>[] = [];
    const background = (p: Promise<unknown>) => void work.push(p);
    const settle = async () => {
      while (work.length > 0) await Promise.all(work.splice(0));
    };
    const admit = async (keyId: string, now: number) => {
      const outcome = await admission.admit(meterOf, { orgId: t.orgId, keyId, instanceId: t.instance.id, commands: 1, now }, background);
      expect(outcome.ok).toBe(true);
      await settle();
    };
    // 33 keys, each busy for a moment (10 requests in one second): each ends with spend unreported.
    const keys = Array.from({ length: 33 }, (_, i) => `key_sweep_${i}_${crypto.randomUUID()}`);
    for (const keyId of keys) for (let i = 0; i < 10; i++) await admit(keyId, NOON);
    const reported = async () =>
      (await usage(t)).keys.filter((k: { key_id: string; requests: number }) => keys.includes(k.key_id) && k.requests === 10).length;
    expect(await reported()).toBe(0);
    await admit("key_sweep_other", NOON + 10_000); // every lease has ended: one sweep, at most 32 syncs
    expect(await reported()).toBe(32);
    await admit("key_sweep_other", NOON + 11_000); // the next sweep takes the rest
    expect(await reported()).toBe(33);
  });

  it("counts requests on the day they were spent when the sync that reports them comes the next day", async () => {
    const t = await liftedTenant({ rate_limit: { requests: 10_000, window_seconds: 1 } });
    const yesterday = dayOf(NOON - DAY_MS);
    const edge = clockedApp(Date.parse(`${TODAY}T00:00:00.000Z`) - 1_000); // 23:59:59 yesterday
    for (let i = 0; i < 20; i++) expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
    edge.advance(2_000); // past midnight: the next request syncs what the busy key spent yesterday
    expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
    const report = (await api("GET", `/api/organizations/${t.orgId}/usage?days=2`, { token: t.account.token })).body.data;
    expect(report.daily).toEqual([
      { date: yesterday, requests: 20, commands: 20 },
      { date: TODAY, requests: 1, commands: 1 },
    ]);
  });

  it("charges a lease request that arrives late, for a window already over, to the current one: it never resets the count", async () => {
    const t = await tenant({ rate_limit: { requests: 5, window_seconds: 60 } });
    const m = meter(t.orgId);
    for (let i = 0; i < 5; i++) expect(await m.lease(leaseRequest(t.keyId))).toMatchObject({ ok: true, budget: 1 });
    // A call another edge made a second before this minute (its clock, or a wait for a renewal) arrives now.
    expect(await m.lease(leaseRequest(t.keyId, { isolateId: "iso-far", now: NOON - 1_000 }))).toMatchObject({
      ok: false,
      reason: "rate_limited",
      used: 5,
    });
    // This minute's count stands: its next request is refused too, and the next minute starts afresh.
    expect(await m.lease(leaseRequest(t.keyId, { now: NOON + 1_000 }))).toMatchObject({ ok: false, reason: "rate_limited" });
    expect(await m.lease(leaseRequest(t.keyId, { now: NOON + 60_000 }))).toMatchObject({ ok: true, budget: 1 });
  });

  it("sizes leases from the limits and counts a retried sync once", async () => {
    const slow = await tenant({ rate_limit: { requests: 5, window_seconds: 60 } });
    const grant = await meter(slow.orgId).lease(leaseRequest(slow.keyId, { want: 100 }));
    expect(grant).toMatchObject({ ok: true, budget: 1 });
    const fast = await liftedTenant({ rate_limit: { requests: 10_000, window_seconds: 1 } });
    const big = await meter(fast.orgId).lease(leaseRequest(fast.keyId, { want: 5_000 }));
    expect(big).toMatchObject({ ok: true, budget: 1_000 });
    if (!big.ok) return;
    const report = { seq: 1, day: TODAY, requests: 400, instances: [{ instanceId: fast.instance.id, requests: 400, commands: 400 }] };
    const sync = leaseRequest(fast.keyId, { now: NOON + 6_000, returns: [{ leaseId: big.leaseId, unspent: 600 }], reports: [report] });
    await meter(fast.orgId).lease(sync);
    await meter(fast.orgId).lease(sync); // the same sync again (a retry): neither the report nor the return counts twice
    const report2 = await usage(fast);
    // 1,000 granted - 600 returned + 1 + 1 for the two new leases, which stay counted until returned.
    expect(report2.total).toEqual({ requests: 400, commands: 402 });
    expect(report2.instances).toEqual([expect.objectContaining({ instance_id: fast.instance.id, requests: 400, commands: 400 })]);
  });

  it("counts each key's reports once, whatever order one isolate's syncs for different keys arrive in", async () => {
    const t = await tenant();
    const second = await mintKey(t.account, t.orgId);
    // The isolate numbered key A's report 1 and key B's report 2. A's sync failed (or was overtaken),
    // B's arrived; A's report comes again with A's next sync, twice (a retry).
    await meter(t.orgId).lease(leaseRequest(second.api_key.id, { reports: [spent(2, 3, t.instance.id)] }));
    await meter(t.orgId).lease(leaseRequest(t.keyId, { reports: [spent(1, 4, t.instance.id)] }));
    await meter(t.orgId).lease(leaseRequest(t.keyId, { reports: [spent(1, 4, t.instance.id)] }));
    const report = await usage(t);
    expect(report.total.requests).toBe(7);
    expect(Object.fromEntries(report.keys.map((k: { key_id: string; requests: number }) => [k.key_id, k.requests]))).toEqual({
      [t.keyId]: 4,
      [second.api_key.id]: 3,
    });
  });

  it("carries a key's own daily quota (setKeyLimits)", async () => {
    const t = await tenant();
    await meter(t.orgId).setKeyLimits(t.keyId, { rate: null, maxRequestsPerDay: 2 });
    const edge = clockedApp(NOON);
    expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
    expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
    expect(await edge.redis(t.instance.id, t.key, ["PING"])).toMatchObject({
      status: 429,
      body: { error: "ERR max daily request limit exceeded for this key. Limit: 2, Usage: 2" },
    });
  });
});

describe("durable last use", () => {
  it("reaches D1 even when the meter restarts between the use and the flush", async () => {
    const t = await tenant();
    expect((await api("POST", `/redis/${t.instance.id}`, { token: t.key, body: ["PING"] })).status).toBe(200);
    await abortAllDurableObjects(); // the meter loses its memory; what it acknowledged must survive
    expect(await runDurableObjectAlarm(meter(t.orgId))).toBe(true);
    const key = await api("GET", `/api/organizations/${t.orgId}/api-keys/${t.keyId}`, { token: t.account.token });
    expect(Date.parse(key.body.data.last_used_at ?? "")).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe("the meter's storage", () => {
  /** One column of a query on the organization's meter's own SQLite storage. */
  const column = (orgId: string, query: string) =>
    runInDurableObject(meter(orgId), (_meter, state) =>
      state.storage.sql
        .exec<{ v: string | number }>(query)
        .toArray()
        .map((row) => row.v),
    );
  /** What the organization's meter holds. */
  const held = async (orgId: string) => {
    const rows: Record<string, string | number | undefined> = {};
    for (const table of ["usage", "config", "leases", "last_used", "windows"])
      rows[table] = (await column(orgId, `SELECT COUNT(*) AS v FROM ${table}`))[0];
    return {
      usageDays: await column(orgId, "SELECT DISTINCT day AS v FROM usage ORDER BY day"),
      rows,
      alarm: await runInDurableObject(meter(orgId), (_meter, state) => state.storage.getAlarm()),
    };
  };

  it("forgets usage no report covers (past 90 days), and isolates and unreturned leases unseen for a week", async () => {
    const t = await tenant();
    // Isolates that took a lease, reported and vanished without returning it: 100, 8 and 6 days ago.
    for (const [isolateId, daysAgo] of [
      ["iso-100-days", 100],
      ["iso-8-days", 8],
      ["iso-6-days", 6],
    ] as const) {
      const first = { instanceId: t.instance.id, commands: 1 };
      await meter(t.orgId).lease(
        leaseRequest(t.keyId, {
          isolateId,
          now: NOON - daysAgo * DAY_MS,
          first,
          reports: [spent(1, 1, t.instance.id, dayOf(NOON - daysAgo * DAY_MS))],
        }),
      );
    }
    await meter(t.orgId).lease(leaseRequest(t.keyId, { first: { instanceId: t.instance.id, commands: 1 } }));
    expect((await held(t.orgId)).usageDays).toEqual([dayOf(NOON - 8 * DAY_MS), dayOf(NOON - 6 * DAY_MS), TODAY]);
    expect(await column(t.orgId, "SELECT isolate_id AS v FROM syncs ORDER BY v")).toEqual(["iso-6-days", "iso-test"]);
    expect(await column(t.orgId, "SELECT day AS v FROM leases ORDER BY v")).toEqual([dayOf(NOON - 6 * DAY_MS), TODAY]);
    // What is kept still deduplicates: the 6-day-old isolate's report, sent again, does not count today.
    await meter(t.orgId).lease(leaseRequest(t.keyId, { isolateId: "iso-6-days", reports: [spent(1, 1, t.instance.id, TODAY)] }));
    expect((await usage(t)).total.requests).toBe(1);
  });

  it("forgets last uses already in D1 once unseen for a week, and keeps one not flushed yet", async () => {
    const t = await tenant();
    const [flushed, pending] = [(await mintKey(t.account, t.orgId)).api_key.id, (await mintKey(t.account, t.orgId)).api_key.id];
    const first = { instanceId: t.instance.id, commands: 1 };
    await meter(t.orgId).lease(leaseRequest(flushed, { isolateId: "iso-old", now: NOON - 8 * DAY_MS, first }));
    expect(await meter(t.orgId).flushLastUsed()).toBe(1);
    await meter(t.orgId).lease(leaseRequest(pending, { isolateId: "iso-old", now: NOON - 8 * DAY_MS, first }));
    await meter(t.orgId).lease(leaseRequest(t.keyId, { first })); // today's first lease prunes
    expect(await column(t.orgId, "SELECT key_id AS v FROM last_used ORDER BY at, key_id")).toEqual([pending, t.keyId]);
  });

  it("forgets the own limits of keys revoked or expired, once a day from its alarm, and keeps the rest", async () => {
    const t = await tenant({ rate_limit: { requests: 100, window_seconds: 60 } });
    const revoked = (await mintKey(t.account, t.orgId, { max_requests_per_day: 50 })).api_key.id;
    const expiresAt = Date.now() + 2 * DAY_MS;
    const expiring = (await mintKey(t.account, t.orgId, { max_requests_per_day: 50, expires_at: new Date(expiresAt).toISOString() }))
      .api_key.id;
    await meter(t.orgId).setKeyLimits("key_not_in_d1_yet", { rate: null, maxRequestsPerDay: 5 });
    expect((await api("DELETE", `/api/organizations/${t.orgId}/api-keys/${revoked}`, { token: t.account.token })).status).toBe(200);
    const limited = () => column(t.orgId, "SELECT name AS v FROM config WHERE name LIKE 'keylimits:%' ORDER BY name");
    expect(await limited()).toEqual([expiring, "key_not_in_d1_yet", revoked, t.keyId].map((id) => `keylimits:${id}`).sort());

    expect((await api("POST", `/redis/${t.instance.id}`, { token: t.key, body: ["PING"] })).status).toBe(200);
    expect(await runDurableObjectAlarm(meter(t.orgId))).toBe(true); // the flush a use schedules
    expect(await limited()).toEqual([expiring, "key_not_in_d1_yet", t.keyId].map((id) => `keylimits:${id}`).sort());
    expect(await meter(t.orgId).forgetDeadKeys(Date.now())).toBe(0); // once a day
    expect(await meter(t.orgId).forgetDeadKeys(expiresAt + DAY_MS)).toBe(1);
    expect(await limited()).toEqual(["key_not_in_d1_yet", t.keyId].map((id) => `keylimits:${id}`).sort());
    // What it forgot stays forgotten across a restart, and the live key keeps its own rate.
    await abortAllDurableObjects();
    expect(await limited()).toEqual(["key_not_in_d1_yet", t.keyId].map((id) => `keylimits:${id}`).sort());
    expect(await meter(t.orgId).lease(leaseRequest(t.keyId, { need: 101, want: 101 }))).toMatchObject({
      reason: "rate_limited",
      limit: 100,
    });
  });

  it("is erased with its organization: usage, limits, leases, rate windows, last uses and the alarm", async () => {
    const t = await tenant({ rate_limit: { requests: 100, window_seconds: 60 } });
    expect((await api("POST", `/redis/${t.instance.id}`, { token: t.key, body: ["PING"] })).status).toBe(200);
    const before = await held(t.orgId);
    expect(before.rows).toMatchObject({ usage: 2, leases: 1, last_used: 1, windows: 1 });
    expect(before.alarm).not.toBeNull();
    expect((await api("DELETE", `/api/organizations/${t.orgId}?force=true`, { token: t.account.token })).status).toBe(200);
    expect(await held(t.orgId)).toEqual({ usageDays: [], rows: { usage: 0, config: 0, leases: 0, last_used: 0, windows: 0 }, alarm: null });
  });
});
