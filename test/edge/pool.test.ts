// The pooled transport (the default for `redis` instances): warm connections shared by concurrent
// requests through the instance's RedisPool objects, and what happens when the Redis misbehaves.
// A TCP proxy per test counts connections and injects faults; the Redis behind it is real.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sealedTarget } from "../../src/edge/gate";
import { getConfig } from "../../src/env";
import { getInstanceRecord } from "../../src/storage/directory";
import { poolName } from "../../src/upstream/redis/pooled-transport";
import { api, createInstance, tenant } from "../helpers/api";
import { faultProxy } from "../helpers/fault-proxy";
import { liftedTenant } from "../helpers/operator";
import { aclUser, redisValue } from "../helpers/redis-server";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pooledTenant(transport?: "pooled" | "direct") {
  const proxy = await faultProxy();
  const t = await liftedTenant(
    { rate_limit: { requests: 1_000_000, window_seconds: 1 } },
    { endpoint: proxy.url, ...(transport ? { transport } : {}) },
  );
  const call = (body: unknown, path = "") => api("POST", `/redis/${t.instance.id}${path}`, { token: t.key, body });
  // Connections the instance's creation opened (the connection check and the isolation probes).
  const created = (await proxy.stats()).accepted;
  return { ...t, proxy, call, created };
}

/** Enough sequential requests that both pool shards (picked at random) hold a warm connection. */
async function warm(call: (body: unknown) => Promise<{ status: number }>) {
  for (let i = 0; i < 24; i++) expect((await call(["PING"])).status).toBe(200);
}

describe("pooled transport", () => {
  it("is the default, and a password-protected Redis is connected and authenticated once per shard, not per request", async () => {
    const t = await pooledTenant();
    expect(t.instance).toMatchObject({ transport: "pooled", region: null });
    await warm(t.call);
    const key = `pool:${crypto.randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => t.call(["SET", `${key}:${i}`, String(i)])));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const reads = await Promise.all(Array.from({ length: 30 }, (_, i) => t.call(["GET", `${key}:${i}`])));
    expect(reads.map((r) => r.body)).toEqual(Array.from({ length: 30 }, (_, i) => ({ result: String(i) })));
    // 2 shards × at most 4 connections each; the direct transport would have opened 84.
    expect((await t.proxy.stats()).accepted - t.created).toBeLessThanOrEqual(8);
  });

  it("keeps a transaction contiguous on a shared connection", async () => {
    const t = await pooledTenant();
    const key = `pool:${crypto.randomUUID()}`;
    const [tx, ...others] = await Promise.all([
      t.call(
        [
          ["SET", key, "1"],
          ["INCR", key],
          ["GET", key],
        ],
        "/multi-exec",
      ),
      ...Array.from({ length: 10 }, () => t.call(["SET", key, "other"])),
    ]);
    expect(tx).toMatchObject({ status: 200, body: [{ result: "OK" }, { result: 2 }, { result: "2" }] });
    expect(others.every((r) => r.status === 200)).toBe(true);
  });

  it("direct opens a fresh connection per request", async () => {
    const t = await pooledTenant("direct");
    expect(t.instance).toMatchObject({ transport: "direct" });
    for (let i = 0; i < 5; i++) expect((await t.call(["PING"])).status).toBe(200);
    expect((await t.proxy.stats()).accepted - t.created).toBe(5);
  });

  it("answers a stalled Redis with 504, keeps the shared connection, and discards the late reply", async () => {
    const t = await pooledTenant();
    await warm(t.call);
    const before = await t.proxy.stats();
    const key = `pool:${crypto.randomUUID()}`;
    await t.proxy.stall();
    const late = await t.call(["SET", key, "late"]);
    expect(late).toMatchObject({
      status: 504,
      body: { error: `ERR the upstream of instance ${t.instance.id} did not answer within 2000 ms` },
    });
    await t.proxy.resume();
    for (let i = 0; i < 10; i++) {
      expect(await t.call(["SET", `${key}:${i}`, String(i)])).toMatchObject({ status: 200, body: { result: "OK" } });
      expect(await t.call(["GET", `${key}:${i}`])).toMatchObject({ status: 200, body: { result: String(i) } });
    }
    expect(await t.call(["GET", key])).toMatchObject({ body: { result: "late" } }); // it ran; its caller got 504
    expect(await t.proxy.stats()).toMatchObject({ accepted: before.accepted });
  });

  it("closes a connection still being set up at its request's deadline: a Redis that answers late leaves no connection behind", async () => {
    // The test ACL user on a server that runs commands without AUTH: a new connection's AUTH is
    // answered before its first request, and the stalled proxy holds that answer.
    const t = await pooledTenant();
    await t.proxy.stall();
    expect((await t.call(["PING"])).status).toBe(504);
    await t.proxy.resume();
    for (let tries = 0; (await t.proxy.stats()).open > 0 && tries < 30; tries++) await sleep(100);
    expect((await t.proxy.stats()).open).toBe(0);
    expect(await t.call(["PING"])).toMatchObject({ status: 200, body: { result: "PONG" } });
  });

  it("closes a new connection whose AUTH is refused: a password the server no longer takes leaves no connection behind", async () => {
    const user = await aclUser(["~*", "&*", "+@all"]);
    const proxy = await faultProxy(user.url);
    const t = await tenant({}, { endpoint: proxy.url });
    await redisValue(["ACL", "SETUSER", user.name, "resetpass", `>other-${crypto.randomUUID()}`]);
    for (let i = 0; i < 3; i++) {
      expect(await api("POST", `/redis/${t.instance.id}`, { token: t.key, body: ["PING"] })).toMatchObject({
        status: 502,
        body: { error: `ERR the upstream of instance ${t.instance.id} rejected its stored credentials` },
      });
    }
    for (let tries = 0; (await proxy.stats()).open > 0 && tries < 30; tries++) await sleep(100);
    expect((await proxy.stats()).open).toBe(0);
  });

  it("fails requests in flight on a dropped connection with 502, never replays them, and recovers", async () => {
    const t = await pooledTenant();
    await warm(t.call);
    const key = `pool:${crypto.randomUUID()}`;
    await t.proxy.stall();
    const inFlight = Array.from({ length: 6 }, () => t.call(["INCR", key]));
    // The INCRs reach Redis (read directly, not through the stalled proxy); their replies are held.
    for (let tries = 0; (await redisValue(["GET", key])) !== "6" && tries < 100; tries++) await sleep(50);
    expect(await redisValue(["GET", key])).toBe("6");
    await t.proxy.cut();
    await t.proxy.resume();
    const results = await Promise.all(inFlight);
    const lost = results.filter((r) => r.status !== 200);
    expect(lost.length).toBeGreaterThan(0);
    for (const r of lost) {
      expect(r).toMatchObject({
        status: 502,
        body: {
          error: `ERR lost the connection to the upstream of instance ${t.instance.id}; the command may have run and was not retried`,
        },
      });
    }
    // Every INCR ran exactly once: the failed ones reached Redis and were not replayed.
    expect(await t.call(["GET", key])).toMatchObject({ status: 200, body: { result: "6" } });
  });

  it("answers 502 while the Redis is down and recovers as soon as it is back", async () => {
    const t = await pooledTenant();
    await warm(t.call);
    await t.proxy.down();
    const down = await t.call(["PING"]);
    expect(down.status).toBe(502);
    expect(down.body.error).toMatch(new RegExp(`^ERR (cannot reach|lost the connection to) the upstream of instance ${t.instance.id}`));
    expect(await t.call(["PING"])).toMatchObject({
      status: 502,
      body: { error: `ERR cannot reach the upstream of instance ${t.instance.id}` },
    });
    await t.proxy.up();
    expect(await t.call(["PING"])).toMatchObject({ status: 200, body: { result: "PONG" } });
  });

  it("answers 503 with Retry-After when a pool object's requests in flight are capped", async () => {
    const t = await pooledTenant();
    await warm(t.call);
    await t.proxy.stall();
    // Fill both shards to the test cap of 40 straight over RPC, as the edge would (through the HTTP
    // edge, on a busy machine, 40 requests can take longer to arrive than the deadline lets them wait).
    const record = await getInstanceRecord(env.DIRECTORY, t.instance.id);
    if (!record) throw new Error("the instance is not in the directory");
    const target = sealedTarget(record, getConfig(env));
    const shards = [0, 1].map((shard) => env.REDIS_POOL.get(env.REDIS_POOL.idFromName(poolName(t.instance.id, null, shard))));
    const filling = shards.flatMap((stub) => Array.from({ length: 40 }, () => stub.exchange(target, [["PING"]])));
    for (const stub of shards) {
      for (let tries = 0; (await stub.stats()).requests < 40; tries++) {
        if (tries > 200) throw new Error("the pool never held 40 requests");
        await sleep(10);
      }
    }
    const refused = await t.call(["PING"]);
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({
      error: expect.stringMatching(/^ERR the connection pool of instance rdb_\w+ is full \(40 requests in flight\); retry shortly$/),
    });
    expect(refused.headers.get("retry-after")).toBe("1");
    // Resumed, the held requests are answered (or had timed out), and the pool takes new ones.
    await t.proxy.resume();
    const held = await Promise.all(filling);
    expect(held.every((o) => o.ok || o.kind === "timeout")).toBe(true);
    expect((await t.call(["PING"])).status).toBe(200);
  });
});

describe("instance transport and region fields", () => {
  it("accepts a region hint and a transport for redis instances, and refuses them for upstash (400 naming the field)", async () => {
    const t = await tenant();
    const placed = await createInstance(t.account, t.orgId, { region: "weur", transport: "direct" });
    expect(placed).toMatchObject({ region: "weur", transport: "direct" });
    const moved = await api("PUT", `/api/organizations/${t.orgId}/redis-instances/${placed.id}`, {
      token: t.account.token,
      body: { transport: "pooled", region: null },
    });
    expect(moved.body.data).toMatchObject({ transport: "pooled", region: null });
    const create = (body: Record<string, unknown>) =>
      api("POST", `/api/organizations/${t.orgId}/redis-instances`, {
        token: t.account.token,
        body: { name: "Up", slug: `up-${crypto.randomUUID().slice(0, 8)}`, ...body },
      });
    const refusal = (field: string) => ({
      status: 400,
      body: { error: { code: "invalid_request", issues: [expect.objectContaining({ path: field })] } },
    });
    expect(await create({ driver: "redis", endpoint: "redis://127.0.0.1:1", region: "mars" })).toMatchObject(refusal("region"));
    const upstash = { driver: "upstash", endpoint: env.TEST_UPSTREAM_URL, token: env.TEST_UPSTREAM_TOKEN };
    expect(await create({ ...upstash, region: "weur" })).toMatchObject(refusal("region"));
    expect(await create({ ...upstash, transport: "direct" })).toMatchObject(refusal("transport"));
    // The control: the same upstash instance without them is made.
    expect((await create(upstash)).status).toBe(201);
  });
});
