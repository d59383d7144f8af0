// Lists: pushes with mixed value types, ranges, positions, moves between lists and LMPOP's
// nested [key, [elements]] reply.
import { expect, it } from "vitest";
import { type CompatContext, keyspace } from "../context";

export function lists(ctx: CompatContext) {
  it("LPUSH/RPUSH/LRANGE/LINDEX/LLEN/LSET with mixed values", async () => {
    const redis = ctx.client();
    const k = keyspace();
    expect(await redis.rpush(k("l"), "a", "b", "c")).toBe(3);
    expect(await redis.lpush<unknown>(k("l"), "z", 1, true)).toBe(6);
    expect(await redis.lrange(k("l"), 0, -1)).toEqual([true, 1, "z", "a", "b", "c"]);
    expect(await redis.lrange(k("l"), -2, -1)).toEqual(["b", "c"]);
    expect(await redis.lrange(k("missing"), 0, -1)).toEqual([]);
    expect(await redis.lindex(k("l"), 2)).toBe("z");
    expect(await redis.lindex(k("l"), 99)).toBeNull();
    expect(await redis.llen(k("l"))).toBe(6);
    expect(await redis.lset(k("l"), 0, { obj: 1 })).toBe("OK");
    expect(await redis.lindex(k("l"), 0)).toEqual({ obj: 1 });
    await ctx.expectRedisError(redis.lset(k("l"), 99, "x"), "ERR index out of range");
    expect(await redis.lpushx(k("missing"), "x")).toBe(0);
    expect(await redis.rpushx(k("l"), "d")).toBe(7);
  });

  it("LPOP/RPOP with counts, LREM, LTRIM", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.rpush(k("l"), "a", "b", "a", "c", "a", "d");
    expect(await redis.lpop(k("l"))).toBe("a");
    expect(await redis.rpop(k("l"))).toBe("d");
    expect(await redis.lrem(k("l"), 0, "a")).toBe(2);
    expect(await redis.lrange(k("l"), 0, -1)).toEqual(["b", "c"]);
    await redis.rpush(k("l"), "e", "f", "g");
    expect(await redis.lpop(k("l"), 2)).toEqual(["b", "c"]);
    expect(await redis.rpop(k("l"), 2)).toEqual(["g", "f"]);
    expect(await redis.ltrim(k("l"), 1, -1)).toBe("OK");
    expect(await redis.lrange(k("l"), 0, -1)).toEqual([]);
    expect(await redis.lpop(k("missing"))).toBeNull();
  });

  it("LPOS with RANK, COUNT and MAXLEN", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.rpush(k("l"), "x", "y", "x", "x", "z");
    expect(await redis.lpos(k("l"), "x")).toBe(0);
    expect(await redis.lpos(k("l"), "z")).toBe(4);
    expect(await redis.lpos(k("l"), "nope")).toBeNull();
    expect(await redis.lpos(k("l"), "x", { rank: 2 })).toBe(2);
    expect(await redis.lpos(k("l"), "x", { rank: -1 })).toBe(3);
    expect(await redis.lpos(k("l"), "x", { count: 0 })).toEqual([0, 2, 3]);
    expect(await redis.lpos(k("l"), "x", { count: 2, maxLen: 3 })).toEqual([0, 2]);
  });

  it("LMOVE, LMPOP and LINSERT", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.rpush(k("src"), "a", "b", "c");
    await redis.rpush(k("dst"), "x");
    expect(await redis.lmove(k("src"), k("dst"), "left", "right")).toBe("a");
    expect(await redis.lmove(k("src"), k("dst"), "right", "left")).toBe("c");
    expect(await redis.lrange(k("dst"), 0, -1)).toEqual(["c", "x", "a"]);
    expect(await redis.lrange(k("src"), 0, -1)).toEqual(["b"]);
    expect(await redis.lmove(k("missing"), k("dst"), "left", "left")).toBeNull();

    expect(await redis.lmpop(2, [k("empty"), k("dst")], "LEFT", 2)).toEqual([k("dst"), ["c", "x"]]);
    expect(await redis.lmpop(1, [k("dst")], "RIGHT")).toEqual([k("dst"), ["a"]]);
    expect(await redis.lmpop(2, [k("empty"), k("dst")], "LEFT")).toBeNull();

    await redis.rpush(k("ins"), "a", "c");
    expect(await redis.linsert(k("ins"), "before", "c", "b")).toBe(3);
    expect(await redis.linsert(k("ins"), "after", "c", "d")).toBe(4);
    expect(await redis.linsert(k("ins"), "after", "nope", "e")).toBe(-1);
    expect(await redis.lrange(k("ins"), 0, -1)).toEqual(["a", "b", "c", "d"]);
  });
}
