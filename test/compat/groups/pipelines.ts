// Explicit pipelines (POST /pipeline) and auto-pipelining: per-item results and errors in order,
// errors without a `result` key, the SDK's "Command <n> [ <cmd> ] failed" text, large batches.
import { expect, it } from "vitest";
import { type CompatContext, keyspace, rejection } from "../context";

const NOT_AN_INTEGER = "ERR value is not an integer or out of range";
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

export function pipelines(ctx: CompatContext) {
  it("pipeline() returns every result in order, deserialized per command", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const results = await redis
      .pipeline()
      .set(k("n"), 1)
      .incr(k("n"))
      .get(k("n"))
      .hset(k("h"), { a: true, b: { c: 1 } })
      .hgetall(k("h"))
      .zadd(k("z"), { score: 1.5, member: "m" })
      .zscore(k("z"), "m")
      .get(k("missing"))
      .exec();
    expect(results).toEqual(["OK", 2, 2, 2, { a: true, b: { c: 1 } }, 1, 1.5, null]);
  });

  it("keepErrors: per-item errors carry no result, and later commands still run", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const results = await redis
      .pipeline()
      .set(k("s"), "text")
      .incr(k("s"))
      .lpush(k("s"), "x")
      .set(k("after"), "ran")
      .get(k("s"))
      .exec({ keepErrors: true });
    expect(results).toHaveLength(5);
    expect(results[0]).toEqual({ result: "OK", error: undefined });
    expect(results[1]?.error).toBe(NOT_AN_INTEGER);
    expect(results[1]?.result).toBeUndefined();
    expect(results[2]?.error).toBe(WRONGTYPE);
    expect(results[2]?.result).toBeUndefined();
    expect(results[3]).toEqual({ result: "OK", error: undefined });
    expect(results[4]).toEqual({ result: "text", error: undefined });
  });

  it("without keepErrors the first failing command rejects as 'Command <n> [ <cmd> ] failed'", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const error = await rejection(redis.pipeline().set(k("s"), "text").incr(k("s")).set(k("after"), "ran").exec());
    expect((error as Error).message).toBe(`Command 2 [ incr ] failed: ${NOT_AN_INTEGER}`);
    // The pipeline is not a transaction: the command after the failure was applied.
    expect(await redis.get(k("after"))).toBe("ran");
  });

  it("1000 commands (the SDK's batch maximum) and a 2 MB value in one pipeline", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const big = "payload-ü-🚀-".repeat(120_000);
    const pipeline = redis.pipeline();
    for (let i = 0; i < 499; i++) pipeline.set(k(`key:${i}`), `value-${i}`);
    pipeline.set(k("big"), big);
    for (let i = 0; i < 499; i++) pipeline.get(k(`key:${i}`));
    pipeline.get(k("big"));
    const results = await pipeline.exec();
    expect(results).toHaveLength(1000);
    expect(results.slice(0, 500)).toEqual(Array.from({ length: 500 }, () => "OK"));
    expect(results.slice(500, 999)).toEqual(Array.from({ length: 499 }, (_, i) => `value-${i}`));
    expect(results[999]).toBe(big);
    expect(await redis.strlen(k("big"))).toBe(new TextEncoder().encode(big).byteLength);
  });

  it("large multi-element replies (20 000 list items, a 5 000-field hash) arrive whole", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const items = Array.from({ length: 20_000 }, (_, i) => `item-${i}-${"é".repeat(i % 7)}`);
    const pipeline = redis.pipeline();
    for (let i = 0; i < items.length; i += 5_000) pipeline.rpush(k("l"), ...items.slice(i, i + 5_000));
    const fields = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`f${i}`, `v${i}`]));
    pipeline.hset(k("h"), fields);
    expect(await pipeline.exec()).toEqual([5_000, 10_000, 15_000, 20_000, 5_000]);
    expect(await redis.lrange(k("l"), 0, -1)).toEqual(items);
    expect(await redis.hgetall(k("h"))).toEqual(fields);
  });

  it("concurrent calls resolve to their own results (auto-pipelining batches them)", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.mset(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [k(`r${i}`), i])));
    const counter = (redis as unknown as { pipelineCounter?: number }).pipelineCounter ?? 0;
    const [reads, writes] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, (_, i) => redis.get(k(`r${i}`)))),
      Promise.all(Array.from({ length: 20 }, (_, i) => redis.incrby(k(`w${i}`), i + 100))),
    ]);
    expect(reads).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(writes).toEqual(Array.from({ length: 20 }, (_, i) => i + 100));
    if (ctx.mode.autoPipeline) {
      // One read batch and one write batch went out as /pipeline requests.
      expect((redis as unknown as { pipelineCounter: number }).pipelineCounter - counter).toBe(2);
    }
  });

  it("an error in one concurrent call rejects only that call", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.mset({ [k("s")]: "text", [k("a")]: 1 });
    const settled = await Promise.allSettled([redis.incr(k("b")), redis.incr(k("s")), redis.incrby(k("a"), 2)]);
    expect(settled[0]).toEqual({ status: "fulfilled", value: 1 });
    expect(settled[1]?.status).toBe("rejected");
    expect(settled[2]).toEqual({ status: "fulfilled", value: 3 });
    await ctx.expectRedisError(Promise.reject((settled[1] as PromiseRejectedResult).reason), NOT_AN_INTEGER);
  });
}
