// Hashes: HSET with mixed value types, HGETALL's object decoding, float increments, random
// fields and cursor-driven HSCAN over a hash large enough to leave the listpack encoding.
import { expect, it } from "vitest";
import { type CompatContext, keyspace } from "../context";

export function hashes(ctx: CompatContext) {
  it("HSET with numbers, booleans and objects; HGET/HGETALL/HMGET decode them", async () => {
    const redis = ctx.client();
    const k = keyspace();
    expect(await redis.hset(k("h"), { s: "text", n: 42, f: 1.5, b: false, o: { x: [1, 2] }, big: "12345678901234567890" })).toBe(6);
    expect(await redis.hget(k("h"), "n")).toBe(42);
    expect(await redis.hget(k("h"), "b")).toBe(false);
    expect(await redis.hget(k("h"), "missing")).toBeNull();
    // HGETALL keeps every number that is not a safe integer as text (floats included): SDK rule.
    expect(await redis.hgetall(k("h"))).toEqual({ s: "text", n: 42, f: "1.5", b: false, o: { x: [1, 2] }, big: "12345678901234567890" });
    expect(await redis.hgetall(k("missing"))).toBeNull();
    expect(await redis.hmget(k("h"), "s", "f", "missing")).toEqual({ s: "text", f: 1.5, missing: null });
    expect(await redis.hlen(k("h"))).toBe(6);
    expect(await redis.hstrlen(k("h"), "s")).toBe(4);
    expect(await redis.hstrlen(k("h"), "b")).toBe(5);
    expect(await redis.hexists(k("h"), "o")).toBe(1);
    expect(await redis.hsetnx(k("h"), "s", "other")).toBe(0);
    expect(await redis.hsetnx(k("h"), "new", "v")).toBe(1);
    expect(await redis.hdel(k("h"), "new", "missing")).toBe(1);
    expect((await redis.hkeys(k("h"))).sort()).toEqual(["b", "big", "f", "n", "o", "s"]);
    expect(await redis.hvals(k("h"))).toHaveLength(6);
    await redis.set(k("str"), "x");
    await ctx.expectRedisError(redis.hget(k("str"), "f"), "WRONGTYPE Operation against a key holding the wrong kind of value");
  });

  it("HINCRBY and HINCRBYFLOAT", async () => {
    const redis = ctx.client();
    const k = keyspace();
    expect(await redis.hincrby(k("h"), "i", 5)).toBe(5);
    expect(await redis.hincrby(k("h"), "i", -7)).toBe(-2);
    expect(await redis.hincrbyfloat(k("h"), "f", 1.5)).toBe(1.5);
    expect(await redis.hincrbyfloat(k("h"), "f", 0.25)).toBe(1.75);
    expect(await redis.hincrbyfloat(k("h"), "f", -2)).toBe(-0.25);
    expect(await redis.hgetall(k("h"))).toEqual({ i: -2, f: "-0.25" });
    expect(await redis.hget(k("h"), "f")).toBe(-0.25);
    await redis.hset(k("h"), { s: "abc" });
    await ctx.expectRedisError(redis.hincrby(k("h"), "s", 1), "ERR hash value is not an integer");
  });

  it("HRANDFIELD with count and WITHVALUES", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const hash = { a: 1, b: "two", c: true };
    await redis.hset(k("h"), hash);
    expect(["a", "b", "c"]).toContain(await redis.hrandfield(k("h")));
    const two = await redis.hrandfield(k("h"), 2);
    expect(two).toHaveLength(2);
    expect(new Set(two).size).toBe(2);
    for (const field of two) expect(["a", "b", "c"]).toContain(field);
    // A count at least the hash's size returns every field once.
    expect(await redis.hrandfield(k("h"), 10, true)).toEqual(hash);
    expect(await redis.hrandfield(k("missing"))).toBeNull();
  });

  it("HSCAN iterates a large hash with cursors and MATCH", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const fields: Record<string, string> = {};
    // Values over 64 bytes leave the listpack encoding whatever the server's entry limits.
    for (let i = 0; i < 300; i++) fields[`field:${i}`] = `value-${i}-${"x".repeat(80)}`;
    expect(await redis.hset(k("h"), fields)).toBe(300);
    expect(await redis.exec(["OBJECT", "ENCODING", k("h")])).toBe("hashtable");
    const seen: Record<string, unknown> = {};
    let cursor: string | number = 0;
    let rounds = 0;
    do {
      const [next, flat]: [string, (string | number)[]] = await redis.hscan(k("h"), cursor, { count: 50 });
      expect(typeof next).toBe("string");
      for (let i = 0; i < flat.length; i += 2) seen[String(flat[i])] = flat[i + 1];
      cursor = next;
      rounds += 1;
    } while (cursor !== "0" && rounds < 100);
    expect(cursor).toBe("0");
    expect(rounds).toBeGreaterThan(1);
    expect(seen).toEqual(fields);

    const small = keyspace();
    await redis.hset(small("h"), { apple: 1, avocado: 2, banana: 3 });
    const [done, matched] = await redis.hscan(small("h"), 0, { match: "a*" });
    expect(done).toBe("0");
    expect(matched).toEqual(["apple", 1, "avocado", 2]);
  });
}
