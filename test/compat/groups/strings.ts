// Strings and numbers: what the SDK sends (numbers, floats, booleans, objects) must come back as
// the same values, and number-like text must reach Redis exactly as written.
import { expect, it } from "vitest";
import { type CompatContext, keyspace } from "../context";

export function strings(ctx: CompatContext) {
  it("SET/GET round-trips strings, integers, floats and booleans", async () => {
    const redis = ctx.client();
    const k = keyspace();
    expect(await redis.set(k("s"), "hello")).toBe("OK");
    expect(await redis.set(k("n"), 42)).toBe("OK");
    expect(await redis.set(k("f"), 1.5)).toBe("OK");
    expect(await redis.set(k("t"), true)).toBe("OK");
    expect(await redis.set(k("e"), "")).toBe("OK");
    expect(await redis.get(k("s"))).toBe("hello");
    expect(await redis.get(k("n"))).toBe(42);
    expect(await redis.get(k("f"))).toBe(1.5);
    expect(await redis.get(k("t"))).toBe(true);
    expect(await redis.get(k("e"))).toBe("");
    expect(await redis.get(k("missing"))).toBeNull();
    // What Redis stored is the decimal text of each argument.
    expect(await redis.strlen(k("n"))).toBe(2);
    expect(await redis.strlen(k("f"))).toBe(3);
    expect(await redis.strlen(k("t"))).toBe(4);
  });

  it("passes number literals through as written (1e+21, 64-bit integers)", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.set(k("exp"), 1e21);
    // The SDK sends the JSON literal 1e+21; "1000000000000000000000" would be 22 bytes.
    expect(await redis.strlen(k("exp"))).toBe(5);
    expect(await redis.get(k("exp"))).toBe(1e21);
    await redis.set(k("i64"), "9223372036854775806");
    // INCR's integer reply is a JSON number; JavaScript rounds it (accepted SDK behaviour) ...
    expect(await redis.incr(k("i64"))).toBe(Number(9223372036854775807n));
    // ... but the stored text is exact, and the SDK keeps unsafe integers as strings.
    expect(await redis.get(k("i64"))).toBe("9223372036854775807");
    await ctx.expectRedisError(redis.incr(k("i64")), "ERR increment or decrement would overflow");
    // Number-like text the SDK cannot round-trip as a number stays text.
    await redis.set(k("padded"), "1.50");
    expect(await redis.get(k("padded"))).toBe("1.50");
    await redis.set(k("zero"), "007");
    expect(await redis.get(k("zero"))).toBe("007");
  });

  it("INCR/DECR/INCRBY/DECRBY/INCRBYFLOAT", async () => {
    const redis = ctx.client();
    const k = keyspace();
    expect(await redis.incr(k("c"))).toBe(1);
    expect(await redis.incrby(k("c"), 41)).toBe(42);
    expect(await redis.decr(k("c"))).toBe(41);
    expect(await redis.decrby(k("c"), 50)).toBe(-9);
    await redis.set(k("f"), "10.5");
    expect(await redis.incrbyfloat(k("f"), 0.1)).toBe(10.6);
    expect(await redis.incrbyfloat(k("f"), -5)).toBe(5.6);
    // Redis formats with long double precision; the SDK keeps text it cannot round-trip.
    expect(await redis.incrbyfloat(k("f"), 1.5e3)).toBe("1505.59999999999999998");
    await redis.set(k("text"), "abc");
    await ctx.expectRedisError(redis.incr(k("text")), "ERR value is not an integer or out of range");
    await ctx.expectRedisError(redis.incrbyfloat(k("text"), 1), "ERR value is not a valid float");
  });

  it("SET options: NX, XX, GET, EX/PX, KEEPTTL", async () => {
    const redis = ctx.client();
    const k = keyspace();
    expect(await redis.set(k("a"), "first", { nx: true })).toBe("OK");
    expect(await redis.set(k("a"), "second", { nx: true })).toBeNull();
    expect(await redis.set(k("b"), "x", { xx: true })).toBeNull();
    expect(await redis.set(k("a"), "third", { get: true })).toBe("first");
    expect(await redis.set(k("a"), "fourth", { ex: 100 })).toBe("OK");
    expect(await redis.ttl(k("a"))).toBeGreaterThanOrEqual(99);
    expect(await redis.set(k("a"), "fifth", { keepTtl: true })).toBe("OK");
    expect(await redis.ttl(k("a"))).toBeGreaterThanOrEqual(99);
    expect(await redis.set(k("a"), "sixth", { px: 50_000 })).toBe("OK");
    const pttl = await redis.pttl(k("a"));
    expect(pttl).toBeGreaterThan(45_000);
    expect(pttl).toBeLessThanOrEqual(50_000);
    expect(await redis.get(k("a"))).toBe("sixth");
    expect(await redis.setnx(k("a"), "no")).toBe(0);
    expect(await redis.setex(k("c"), 30, "with-ttl")).toBe("OK");
    expect(await redis.ttl(k("c"))).toBeGreaterThanOrEqual(29);
    expect(await redis.getset(k("c"), "swapped")).toBe("with-ttl");
    expect(await redis.ttl(k("c"))).toBe(-1);
  });

  it("GETEX, GETDEL, GETRANGE, SETRANGE, APPEND, STRLEN", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.set(k("s"), "Hello World");
    expect(await redis.getex(k("s"), { ex: 100 })).toBe("Hello World");
    expect(await redis.ttl(k("s"))).toBeGreaterThanOrEqual(99);
    expect(await redis.getex(k("s"), { persist: true })).toBe("Hello World");
    expect(await redis.ttl(k("s"))).toBe(-1);
    expect(await redis.setrange(k("s"), 6, "Redis")).toBe(11);
    expect(await redis.get(k("s"))).toBe("Hello Redis");
    expect(await redis.getrange(k("s"), 0, 4)).toBe("Hello");
    expect(await redis.append(k("s"), "!")).toBe(12);
    expect(await redis.strlen(k("s"))).toBe(12);
    expect(await redis.getdel(k("s"))).toBe("Hello Redis!");
    expect(await redis.exists(k("s"))).toBe(0);
    expect(await redis.getdel(k("s"))).toBeNull();
    // SETRANGE past the end pads with zero bytes.
    expect(await redis.setrange(k("pad"), 3, "x")).toBe(4);
    expect(await redis.get(k("pad"))).toBe("\u0000\u0000\u0000x");
  });

  it("MSET/MGET/MSETNX with mixed value types", async () => {
    const redis = ctx.client();
    const k = keyspace();
    expect(await redis.mset({ [k("a")]: "x", [k("b")]: 2, [k("c")]: { o: [1, "two"] }, [k("d")]: false })).toBe("OK");
    expect(await redis.mget(k("a"), k("b"), k("c"), k("d"), k("missing"))).toEqual(["x", 2, { o: [1, "two"] }, false, null]);
    expect(await redis.mget([k("b"), k("a")])).toEqual([2, "x"]);
    expect(await redis.msetnx({ [k("a")]: "y", [k("e")]: "z" })).toBe(0);
    expect(await redis.exists(k("e"))).toBe(0);
    expect(await redis.msetnx({ [k("e")]: "z", [k("f")]: "w" })).toBe(1);
    expect(await redis.mget(k("e"), k("f"))).toEqual(["z", "w"]);
  });

  it("LCS: string, LEN and IDX with nested match arrays", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.mset({ [k("a")]: "ohmytext", [k("b")]: "mynewtext" });
    expect(await redis.exec(["LCS", k("a"), k("b")])).toBe("mytext");
    expect(await redis.exec(["LCS", k("a"), k("b"), "LEN"])).toBe(6);
    expect(await redis.exec(["LCS", k("a"), k("b"), "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"])).toEqual([
      "matches",
      [[[4, 7], [5, 8], 4]],
      "len",
      6,
    ]);
  });
}
