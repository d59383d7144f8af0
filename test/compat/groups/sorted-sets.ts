// Sorted sets: scores travel as text and the SDK turns them back into numbers, so float
// formatting (%.17g) must survive the edge untouched; ZRANGE options map to Redis arguments.
import { expect, it } from "vitest";
import { type CompatContext, keyspace } from "../context";

export function sortedSets(ctx: CompatContext) {
  it("ZADD with scores and NX/XX/CH/INCR/GT; ZSCORE/ZMSCORE as numbers", async () => {
    const redis = ctx.client();
    const k = keyspace();
    expect(await redis.zadd(k("z"), { score: 1, member: "a" }, { score: 2.5, member: "b" }, { score: -3, member: "c" })).toBe(3);
    expect(await redis.zadd(k("z"), { nx: true }, { score: 10, member: "a" })).toBe(0);
    expect(await redis.zadd(k("z"), { xx: true, ch: true }, { score: 5, member: "a" })).toBe(1);
    expect(await redis.zadd(k("z"), { xx: true }, { score: 1, member: "new" })).toBe(0);
    expect(await redis.zadd(k("z"), { gt: true, ch: true }, { score: 4, member: "a" })).toBe(0);
    expect(await redis.zadd(k("z"), { incr: true }, { score: 1, member: "a" })).toBe(6);
    expect(await redis.zscore(k("z"), "a")).toBe(6);
    expect(await redis.zscore(k("z"), "b")).toBe(2.5);
    expect(await redis.zscore(k("z"), "c")).toBe(-3);
    expect(await redis.zscore(k("z"), "missing")).toBeNull();
    expect(await redis.zmscore(k("z"), ["a", "missing", "b"])).toEqual([6, null, 2.5]);
    expect(await redis.zcard(k("z"))).toBe(3);
    expect(await redis.zcount(k("z"), 0, "+inf")).toBe(2);
    expect(await redis.zrank(k("z"), "b")).toBe(1);
    expect(await redis.zrevrank(k("z"), "b")).toBe(1);
    expect(await redis.zrank(k("z"), "missing")).toBeNull();
  });

  it("ZINCRBY keeps Redis's float text (0.1 + 0.2)", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.zadd(k("z"), { score: 0.1, member: "m" });
    expect(await redis.zincrby(k("z"), 0.2, "m")).toBe(0.30000000000000004);
    // %.17g text that is not JavaScript's shortest form stays a string in the SDK: proof that
    // the edge passed Redis's text through instead of re-formatting a parsed number.
    expect(await redis.zincrby(k("z"), -10, "m")).toBe("-9.6999999999999993");
    expect(await redis.zscore(k("z"), "m")).toBe("-9.6999999999999993");
    expect(await redis.zincrby(k("z"), 1.5, "fresh")).toBe(1.5);
  });

  it("ZRANGE with WITHSCORES, BYSCORE, BYLEX, REV and LIMIT", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.zadd(
      k("z"),
      { score: 1, member: "a" },
      { score: 2.5, member: "b" },
      { score: -3, member: "c" },
      { score: 10, member: "d" },
    );
    expect(await redis.zrange(k("z"), 0, -1)).toEqual(["c", "a", "b", "d"]);
    expect(await redis.zrange(k("z"), 0, 1, { withScores: true })).toEqual(["c", -3, "a", 1]);
    expect(await redis.zrange(k("z"), 0, 0, { rev: true })).toEqual(["d"]);
    expect(await redis.zrange(k("z"), 0, 5, { byScore: true })).toEqual(["a", "b"]);
    expect(await redis.zrange(k("z"), "(1", "+inf", { byScore: true, withScores: true })).toEqual(["b", 2.5, "d", 10]);
    expect(await redis.zrange(k("z"), "+inf", "-inf", { byScore: true, rev: true, offset: 1, count: 2 })).toEqual(["b", "a"]);
    await redis.zadd(
      k("lex"),
      { score: 0, member: "a" },
      { score: 0, member: "b" },
      { score: 0, member: "c" },
      { score: 0, member: "d" },
      { score: 0, member: "e" },
    );
    expect(await redis.zrange(k("lex"), "[b", "(d", { byLex: true })).toEqual(["b", "c"]);
    expect(await redis.zrange(k("lex"), "-", "+", { byLex: true, offset: 3, count: 5 })).toEqual(["d", "e"]);
    expect(await redis.zlexcount(k("lex"), "[b", "[d")).toBe(3);
    await ctx.expectRedisError(redis.exec(["ZRANGE", k("z"), "a", "b", "BYSCORE"]), "ERR min or max is not a float", { single: true });
  });

  it("ZPOPMIN/ZPOPMAX, ZRANGESTORE, ZREM and range removals", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.zadd(k("z"), { score: 1, member: "a" }, { score: 2, member: "b" }, { score: 3, member: "c" }, { score: 4, member: "d" });
    expect(await redis.exec(["ZRANGESTORE", k("copy"), k("z"), "1", "2"])).toBe(2);
    expect(await redis.zrange(k("copy"), 0, -1, { withScores: true })).toEqual(["b", 2, "c", 3]);
    expect(await redis.exec(["ZRANGESTORE", k("byscore"), k("z"), "(1", "3", "BYSCORE"])).toBe(2);
    expect(await redis.zpopmin(k("z"))).toEqual(["a", 1]);
    expect(await redis.zpopmax(k("z"), 2)).toEqual(["d", 4, "c", 3]);
    expect(await redis.zpopmin(k("missing"))).toEqual([]);
    expect(await redis.zrem(k("z"), "b", "missing")).toBe(1);
    expect(await redis.zcard(k("z"))).toBe(0);
    await redis.zadd(
      k("r"),
      { score: 1, member: "m1" },
      { score: 2, member: "m2" },
      { score: 3, member: "m3" },
      { score: 4, member: "m4" },
      { score: 5, member: "m5" },
    );
    expect(await redis.zremrangebyscore(k("r"), 4, "+inf")).toBe(2);
    expect(await redis.zremrangebyrank(k("r"), 0, 0)).toBe(1);
    expect(await redis.zrange(k("r"), 0, -1)).toEqual(["m2", "m3"]);
  });

  it("ZUNIONSTORE/ZINTERSTORE with weights, ZUNION with scores, ZDIFFSTORE", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.zadd(k("a"), { score: 1, member: "x" }, { score: 2, member: "y" });
    await redis.zadd(k("b"), { score: 10, member: "y" }, { score: 20, member: "z" });
    expect(await redis.zunionstore(k("u"), 2, [k("a"), k("b")], { weights: [2, 0.5] })).toBe(3);
    expect(await redis.zrange(k("u"), 0, -1, { withScores: true })).toEqual(["x", 2, "y", 9, "z", 10]);
    expect(await redis.zinterstore(k("i"), 2, [k("a"), k("b")], { aggregate: "max" })).toBe(1);
    expect(await redis.zrange(k("i"), 0, -1, { withScores: true })).toEqual(["y", 10]);
    expect(await redis.zunion(2, [k("a"), k("b")], { withScores: true, aggregate: "min" })).toEqual(["x", 1, "y", 2, "z", 20]);
    expect(await redis.zdiffstore(k("d"), 2, k("a"), k("b"))).toBe(1);
    expect(await redis.zrange(k("d"), 0, -1)).toEqual(["x"]);
  });
}
