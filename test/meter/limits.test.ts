// Per-key rate limits, the per-organization daily quota, usage counts and last_used_at, all
// enforced by the organization's UsageMeter. Time is driven by the edge's clock.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { recordApiKeysLastUsed } from "../../src/storage/api-keys";
import { api, createInstance, mintKey, tenant } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { unreachableObjects } from "../helpers/counting-bindings";

// Clocks stay within the keys' validity (issued now, valid for a year): today, UTC.
const TODAY = new Date().toISOString().slice(0, 10);
const NOON = Date.parse(`${TODAY}T12:00:00.250Z`);

describe("an unreachable usage meter", () => {
  it("answers 503 with Retry-After, and nothing reaches the upstream", async () => {
    const t = await tenant();
    const down = clockedApp(NOON, { ...env, USAGE_METER: unreachableObjects(env.USAGE_METER) });
    const key = `meter-down:${crypto.randomUUID()}`;
    const refused = await down.redis(t.instance.id, t.key, ["SET", key, "1"]);
    expect(refused).toMatchObject({ status: 503, body: { error: "ERR the usage meter is unavailable; retry shortly" } });
    expect(refused.headers.get("retry-after")).toBe("1");
    expect((await clockedApp(NOON).redis(t.instance.id, t.key, ["GET", key])).body).toEqual({ result: null });
  });
});

describe("per-key rate limit", () => {
  it("refuses with 429 and Retry-After past the limit, counts pipelines by command, and recovers", async () => {
    const t = await tenant({ rate_limit: { requests: 3, window_seconds: 1 } });
    const edge = clockedApp(NOON);
    expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
    expect((await edge.redis(t.instance.id, t.key, [["PING"], ["PING"]], "/pipeline")).status).toBe(200);
    const limited = await edge.redis(t.instance.id, t.key, ["PING"]);
    expect(limited).toMatchObject({
      status: 429,
      body: { error: "ERR rate limit exceeded for this key: 3 commands per window. Retry after 1 s" },
    });
    expect(limited.headers.get("retry-after")).toBe("1");

    const other = await mintKey(t.account, t.orgId); // another key has its own window
    expect((await edge.redis(t.instance.id, other.key, ["PING"])).status).toBe(200);

    edge.advance(1_000);
    expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
  });

  it("lets the organization's default apply to keys without their own limit, and changes take effect", async () => {
    const t = await tenant();
    const limits = await api("PUT", `/api/organizations/${t.orgId}/limits`, {
      token: t.account.token,
      body: { rate_limit: { requests: 2, window_seconds: 60 } },
    });
    expect(limits.body.data.limits).toEqual({ max_requests_per_day: 100_000, rate_limit: { requests: 2, window_seconds: 60 } });
    const edge = clockedApp(NOON);
    await edge.redis(t.instance.id, t.key, ["PING"]);
    await edge.redis(t.instance.id, t.key, ["PING"]);
    const refused = await edge.redis(t.instance.id, t.key, ["PING"]);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");

    const cleared = await api("PUT", `/api/organizations/${t.orgId}/limits`, { token: t.account.token, body: { rate_limit: null } });
    expect(cleared.body.data.limits.rate_limit).toEqual({ requests: 1000, window_seconds: 1 });
    expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
  });
});

describe("daily quota", () => {
  it("refuses commands over max_requests_per_day and resets at the UTC day boundary", async () => {
    const t = await tenant();
    await api("PUT", `/api/organizations/${t.orgId}/limits`, { token: t.account.token, body: { max_requests_per_day: 5 } });
    const edge = clockedApp(Date.parse(`${TODAY}T23:59:58Z`));
    expect((await edge.redis(t.instance.id, t.key, [["PING"], ["PING"], ["PING"], ["PING"]], "/pipeline")).status).toBe(200);
    expect((await edge.redis(t.instance.id, t.key, [["PING"], ["PING"]], "/pipeline")).status).toBe(429); // 4 + 2 > 5: nothing runs
    expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
    const over = await edge.redis(t.instance.id, t.key, ["PING"]);
    expect(over).toMatchObject({ status: 429, body: { error: "ERR max daily request limit exceeded. Limit: 5, Usage: 5" } });
    expect(over.headers.get("retry-after")).toBe("2");

    edge.advance(2_000); // midnight: a new UTC day
    expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
  });

  it("lets only the owner change limits, and audits it", async () => {
    const t = await tenant();
    const bad = await api("PUT", `/api/organizations/${t.orgId}/limits`, {
      token: t.account.token,
      body: { rate_limit: { requests: 5, window_seconds: 7 } },
    });
    expect(bad.status).toBe(400);
    await api("PUT", `/api/organizations/${t.orgId}/limits`, { token: t.account.token, body: { max_requests_per_day: 700 } });
    const org = await api("GET", `/api/organizations/${t.orgId}`, { token: t.account.token });
    expect(org.body.data).toMatchObject({ plan: "free", limits: { max_requests_per_day: 700 } });
    const audit = await api("GET", `/api/organizations/${t.orgId}/audit-logs`, { token: t.account.token });
    expect(audit.body.data.map((r) => r.action)).toContain("organization.limits_update");
  });
});

describe("usage", () => {
  it("counts requests and commands per day, per instance and per key", async () => {
    const t = await tenant();
    const second = await createInstance(t.account, t.orgId);
    const read = await mintKey(t.account, t.orgId, { scopes: ["read"] });
    const call = (instanceId: string, token: string, body: unknown, path = "") =>
      api("POST", `/redis/${instanceId}${path}`, { token, body });
    await call(t.instance.id, t.key, ["SET", "u", "1"]);
    await call(
      t.instance.id,
      t.key,
      [
        ["GET", "u"],
        ["GET", "u"],
        ["GET", "u"],
      ],
      "/pipeline",
    );
    await call(second.id, read.key, ["GET", "u"]);
    await call(second.id, read.key, ["GET", "u"]);

    const usage = await api("GET", `/api/organizations/${t.orgId}/usage?days=7`, { token: t.account.token });
    expect(usage.status).toBe(200);
    const report = usage.body.data;
    const today = new Date().toISOString().slice(0, 10);
    expect(report.to).toBe(today);
    expect(report.daily).toHaveLength(7);
    expect(report.total).toEqual({ requests: 4, commands: 6 });
    expect(report.daily.at(-1)).toEqual({ date: today, requests: 4, commands: 6 });
    const byKey = Object.fromEntries(report.keys.map((k) => [k.key_id, [k.requests, k.commands]]));
    expect(byKey).toEqual({ [t.keyId]: [2, 4], [read.api_key.id]: [2, 2] });
    const byInstance = Object.fromEntries(report.instances.map((i) => [i.instance_id, [i.requests, i.commands]]));
    expect(byInstance).toEqual({ [t.instance.id]: [2, 4], [second.id]: [2, 2] });
  });

  it("records last_used_at on keys in batches", async () => {
    const t = await tenant();
    const before = await api("GET", `/api/organizations/${t.orgId}/api-keys/${t.keyId}`, { token: t.account.token });
    expect(before.body.data.last_used_at).toBeNull();
    await api("POST", `/redis/${t.instance.id}`, { token: t.key, body: ["PING"] });
    const stub = env.USAGE_METER.get(env.USAGE_METER.idFromName(t.orgId));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const after = await api("GET", `/api/organizations/${t.orgId}/api-keys/${t.keyId}`, { token: t.account.token });
    expect(Date.parse(after.body.data.last_used_at ?? "")).toBeGreaterThan(Date.now() - 60_000);
  });

  it("writes many keys' last uses in one statement: each moves forward only, and only the organization's keys", async () => {
    const [a, b] = await Promise.all([tenant(), tenant()]);
    const second = (await mintKey(a.account, a.orgId)).api_key.id;
    const lastUsed = async (t: typeof a, id: string) =>
      (await api("GET", `/api/organizations/${t.orgId}/api-keys/${id}`, { token: t.account.token })).body.data.last_used_at;
    const [t1, t2] = [Date.parse("2026-01-02T03:04:05.000Z"), Date.parse("2026-01-03T03:04:05.000Z")];
    await recordApiKeysLastUsed(env.DB, a.orgId, [
      [a.keyId, t2],
      [second, t1],
      [b.keyId, t2], // another organization's key, named under a's: untouched
    ]);
    await recordApiKeysLastUsed(env.DB, a.orgId, [
      [a.keyId, t1], // older than what D1 holds: kept at t2
      [second, t2],
    ]);
    expect([await lastUsed(a, a.keyId), await lastUsed(a, second), await lastUsed(b, b.keyId)]).toEqual([
      new Date(t2).toISOString(),
      new Date(t2).toISOString(),
      null,
    ]);
  });

  it("is a 404 for another organization", async () => {
    const [a, b] = await Promise.all([tenant(), tenant()]);
    expect((await api("GET", `/api/organizations/${b.orgId}/usage`, { token: a.account.token })).status).toBe(404);
  });
});
