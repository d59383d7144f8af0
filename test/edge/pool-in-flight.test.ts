// What a pool object counts in flight, and when it lets go: a timed-out request's slot is released
// once its late reply is read, a connection idle before a slow request is not taken for a silent one,
// a credentials change while a connection opens fails nothing it did not send, and request bytes are
// counted as they go on the wire. Driven over RPC (as the edge calls the object) and through the edge.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sealedTarget } from "../../src/edge/gate";
import { getConfig } from "../../src/env";
import { getInstanceRecord } from "../../src/storage/directory";
import type { SealedTarget } from "../../src/upstream/driver";
import { poolName } from "../../src/upstream/redis/pooled-transport";
import { api } from "../helpers/api";
import { faultProxy } from "../helpers/fault-proxy";
import { liftedTenant } from "../helpers/operator";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MiB = 1024 * 1024;

/** An instance behind a fault proxy, and the stub of its shard 0 with the target the edge would send. */
async function pooledShard() {
  const proxy = await faultProxy();
  const t = await liftedTenant({ rate_limit: { requests: 1_000_000, window_seconds: 1 } }, { endpoint: proxy.url });
  const record = await getInstanceRecord(env.DIRECTORY, t.instance.id);
  if (!record) throw new Error("the instance is not in the directory");
  const target: SealedTarget = sealedTarget(record, getConfig(env));
  const stub = env.REDIS_POOL.get(env.REDIS_POOL.idFromName(poolName(t.instance.id, null, 0)));
  return { ...t, proxy, target, stub };
}

/** Waits (up to 10 s) until `check` holds; the caller asserts the state itself afterwards. */
async function until(check: () => Promise<boolean>) {
  for (let tries = 0; tries < 100 && !(await check()); tries++) await sleep(100);
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("pool object requests in flight", () => {
  it("releases a timed-out request's slot once its late reply is read: a run of timeouts leaves the pool empty, not full", async () => {
    const t = await pooledShard();
    expect(await t.stub.exchange(t.target, [["PING"]])).toMatchObject({ ok: true });
    await t.proxy.stall();
    // As many as the test cap (REDIS_POOL_MAX_REQUESTS = 40): had each kept its slot, the pool would refuse every request from now on.
    const timedOut = await Promise.all(Array.from({ length: 40 }, () => t.stub.exchange(t.target, [["PING"]])));
    expect(timedOut).toEqual(
      Array.from({ length: 40 }, () => ({
        ok: false,
        kind: "timeout",
        message: `ERR the upstream of instance ${t.instance.id} did not answer within 2000 ms`,
      })),
    );
    await t.proxy.resume();
    await until(async () => (await t.stub.stats()).requests === 0);
    expect(await t.stub.stats()).toMatchObject({ requests: 0, bytes: 0 });
    const next = await t.stub.exchange(t.target, [["PING"]]);
    expect(next.ok && text(next.replies)).toBe("+PONG\r\n");
  });

  it("keeps a connection that was idle before a slow request: the request pipelined behind it gets its reply", async () => {
    const t = await pooledShard();
    const key = `idle:${crypto.randomUUID()}`;
    expect(await t.stub.exchange(t.target, [["SET", key, "v"]])).toMatchObject({ ok: true });
    await sleep(t.target.timeoutMs + 500); // idle for longer than the deadline
    await t.proxy.stall();
    const first = t.stub.exchange(t.target, [["GET", key]]);
    await sleep(800);
    const second = t.stub.exchange(t.target, [["GET", key]]);
    expect(await first).toMatchObject({ ok: false, kind: "timeout" });
    await t.proxy.resume();
    // Both replies were coming: the connection had been silent for one deadline since the first was sent, not two.
    const answered = await second;
    expect(answered.ok && text(answered.replies)).toBe("$1\r\nv\r\n");
  });

  it("fails nothing it did not send when the credentials change while a connection opens, and releases the slot", async () => {
    const t = await pooledShard();
    // The first request's new connection waits for its AUTH reply, held by the proxy.
    await t.proxy.stallNext();
    const first = t.stub.exchange(t.target, [["PING"]]);
    await until(async () => (await t.stub.stats()).requests === 1);
    // The deadline is part of the fingerprint: the second request retires what the first is opening.
    const second = await t.stub.exchange({ ...t.target, timeoutMs: 2001 }, [["PING"]]);
    expect(second.ok && text(second.replies)).toBe("+PONG\r\n");
    await t.proxy.resume();
    // Opened for credentials no longer in force, the connection is closed before the PING goes out.
    expect(await first).toEqual({
      ok: false,
      kind: "unreachable",
      message: `ERR the connection to the upstream of instance ${t.instance.id} was closed before the command was sent (the instance's endpoint or credentials changed); the command did not run`,
    });
    await until(async () => (await t.stub.stats()).requests === 0);
    expect(await t.stub.stats()).toMatchObject({ requests: 0, bytes: 0 });
  });
});

describe("pool object request bytes", () => {
  it("takes a request of 9 MiB (within the instance's 10 MiB limit) and hands the value back, as the direct transport does", async () => {
    const t = await liftedTenant({ rate_limit: { requests: 1_000_000, window_seconds: 1 } });
    expect(t.instance).toMatchObject({ transport: "pooled" });
    const key = `big:${crypto.randomUUID()}`;
    const value = "x".repeat(9 * MiB);
    const call = (body: unknown) => api("POST", `/redis/${t.instance.id}`, { token: t.key, body });
    expect(await call(["SET", key, value])).toMatchObject({ status: 200, body: { result: "OK" } });
    const read = await call(["GET", key]);
    expect(read.status).toBe(200);
    expect(read.body.result === value).toBe(true);
  });

  it("runs one request larger than the object's byte cap (24 MiB) when nothing else is in flight", async () => {
    const t = await pooledShard();
    const key = `huge:${crypto.randomUUID()}`;
    // Two bytes per character in UTF-8: 25 MiB on the wire.
    const set = await t.stub.exchange(t.target, [["SET", key, "é".repeat(12.5 * MiB)]]);
    expect(set.ok && text(set.replies)).toBe("+OK\r\n");
    const length = await t.stub.exchange(t.target, [["STRLEN", key]]);
    expect(length.ok && text(length.replies)).toBe(`:${25 * MiB}\r\n`);
    await t.stub.exchange(t.target, [["DEL", key]]);
  });
});
