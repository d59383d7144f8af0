// The data plane's protections hold on the pooled transport's shared connections: the reply caps
// count per request (an oversized reply is skipped, its caller gets the direct path's 400, the
// connection stays in use), and the pool object translates Upstash script flags with one SHA1 map
// (the direct transport, in the isolate, likewise). A Worker that cannot reach the pool object
// answers a clear 502 (503 with Retry-After when the object sheds load), never retrying and never
// sending the command over a direct connection instead, since the pool may already have written it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, tenant } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { unreachableObjects } from "../helpers/counting-bindings";
import { faultProxy } from "../helpers/fault-proxy";
import { liftedTenant } from "../helpers/operator";
import { saidRan, tooLarge } from "../helpers/reply-limits";

async function capped(transport: "pooled" | "direct") {
  const proxy = await faultProxy();
  const t = await liftedTenant(
    { rate_limit: { requests: 1_000_000, window_seconds: 1 } },
    { endpoint: proxy.url, transport, max_reply_bytes: 4096, max_reply_elements: 10 },
  );
  expect(t.instance).toMatchObject({ transport, max_reply_bytes: 4096, max_reply_elements: 10 });
  const call = (body: unknown, path = "") => api("POST", `/redis/${t.instance.id}${path}`, { token: t.key, body });
  return { ...t, proxy, call };
}

describe("reply caps on a shared connection", () => {
  it.each(["pooled", "direct"] as const)("answers an oversized reply with 400 and the next request works (%s)", async (transport) => {
    const t = await capped(transport);
    const key = `cap:${crypto.randomUUID()}`;
    expect((await t.call(["SET", `${key}:big`, "x".repeat(5000)])).status).toBe(200);
    expect((await t.call(["RPUSH", `${key}:list`, ...Array.from({ length: 11 }, (_, i) => String(i))])).status).toBe(200);
    expect(await t.call(["GET", `${key}:big`])).toMatchObject({ status: 400, body: { error: saidRan(tooLarge(4096, "bytes")) } });
    expect(await t.call(["LRANGE", `${key}:list`, "0", "-1"])).toMatchObject({
      status: 400,
      body: { error: saidRan(tooLarge(10, "elements")) },
    });
    const twice = [
      ["GETRANGE", `${key}:big`, "0", "2999"],
      ["GETRANGE", `${key}:big`, "0", "2999"],
    ];
    expect(await t.call(twice, "/pipeline")).toMatchObject({
      status: 200,
      body: [{ result: "x".repeat(3000) }, { error: saidRan(tooLarge(4096, "bytes")) }],
    });
    const ran = { error: `${tooLarge(4096, "bytes")}; the transaction ran, and its replies were dropped` };
    expect(await t.call(twice, "/multi-exec")).toMatchObject({ status: 200, body: [ran, ran] });
    expect(await t.call(["STRLEN", `${key}:big`])).toMatchObject({ status: 200, body: { result: 5000 } });
  });

  it("skips the oversized reply among concurrent requests on the pool, answering every other one, on the same connections", async () => {
    const t = await capped("pooled");
    const key = `cap:${crypto.randomUUID()}`;
    await t.call(["SET", `${key}:big`, "x".repeat(5000)]);
    await Promise.all(Array.from({ length: 20 }, (_, i) => t.call(["SET", `${key}:${i}`, String(i)])));
    const [big, ...small] = await Promise.all([
      t.call(["GET", `${key}:big`]),
      ...Array.from({ length: 20 }, (_, i) => t.call(["GET", `${key}:${i}`])),
    ]);
    expect(big).toMatchObject({ status: 400, body: { error: saidRan(tooLarge(4096, "bytes")) } });
    expect(small.map((r) => r.body)).toEqual(Array.from({ length: 20 }, (_, i) => ({ result: String(i) })));
    for (let i = 0; i < 24; i++) expect((await t.call(["PING"])).status).toBe(200); // both shards warm
    const before = await t.proxy.stats();
    for (let i = 0; i < 4; i++)
      expect(await t.call(["GET", `${key}:big`])).toMatchObject({ status: 400, body: { error: saidRan(tooLarge(4096, "bytes")) } });
    for (let i = 0; i < 10; i++) expect(await t.call(["GET", `${key}:${i}`])).toMatchObject({ status: 200, body: { result: String(i) } });
    // No connection was dropped for the oversized replies: one at a time, the pool opened none.
    expect(await t.proxy.stats()).toMatchObject({ accepted: before.accepted });
  });
});

describe("Upstash script flags where the connection is held", () => {
  it.each(["pooled", "direct"] as const)(
    "loads a flagged script, answers the client's SHA1, and runs EVALSHA with it every time (%s)",
    async (transport) => {
      const t = await liftedTenant({ rate_limit: { requests: 1_000_000, window_seconds: 1 } }, { transport });
      expect(t.instance.transport).toBe(transport);
      const call = (body: unknown) => api("POST", `/redis/${t.instance.id}`, { token: t.key, body });
      const script = `#!lua flags=allow-key-locking\nreturn redis.call('INCR', KEYS[1]) -- ${crypto.randomUUID()}`;
      const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(script));
      const clientSha = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
      expect(await call(["SCRIPT", "LOAD", script])).toMatchObject({ status: 200, body: { result: clientSha } });
      const key = `sha:${crypto.randomUUID()}`;
      // Whichever isolate and shard would take a plain request, every EVALSHA finds the map.
      for (let i = 1; i <= 12; i++)
        expect(await call(["EVALSHA", clientSha, "1", key])).toMatchObject({ status: 200, body: { result: i } });
    },
  );
});

describe("an unreachable pool object", () => {
  it("answers 502 and sends nothing to Redis another way", async () => {
    const t = await tenant();
    const edge = clockedApp(Date.now(), { ...env, REDIS_POOL: unreachableObjects(env.REDIS_POOL) });
    const key = `pool-down:${crypto.randomUUID()}`;
    expect(await edge.redis(t.instance.id, t.key, ["SET", key, "1"])).toMatchObject({
      status: 502,
      body: { error: `ERR the connection pool of instance ${t.instance.id} is unavailable; the command may have run and was not retried` },
    });
    expect((await clockedApp(Date.now()).redis(t.instance.id, t.key, ["GET", key])).body).toEqual({ result: null });
  });

  it("answers 504 when the object never answers, saying the command may have run", async () => {
    const t = await tenant();
    const edge = clockedApp(Date.now(), { ...env, REDIS_POOL: unreachableObjects(env.REDIS_POOL, { silent: true }) });
    expect(await edge.redis(t.instance.id, t.key, ["PING"])).toMatchObject({
      status: 504,
      body: {
        error: `ERR the connection pool of instance ${t.instance.id} did not answer in time; the command may have run and was not retried`,
      },
    });
  });

  it("answers 503 with Retry-After when the object sheds load", async () => {
    const t = await tenant();
    const edge = clockedApp(Date.now(), { ...env, REDIS_POOL: unreachableObjects(env.REDIS_POOL, { overloaded: true }) });
    const res = await edge.redis(t.instance.id, t.key, ["PING"]);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
  });
});
