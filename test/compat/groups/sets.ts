// Sets: membership replies, set algebra, stores, SMISMEMBER's integer array and SSCAN cursors
// over a set large enough to be a hashtable.
import { expect, it } from "vitest";
import { type CompatContext, keyspace } from "../context";

const sorted = <T>(values: T[]): string[] => values.map(String).sort();

export function sets(ctx: CompatContext) {
  it("SADD/SMEMBERS/SISMEMBER/SMISMEMBER/SCARD/SREM", async () => {
    const redis = ctx.client();
    const k = keyspace();
    expect(await redis.sadd(k("s"), "a", "b", "c")).toBe(3);
    expect(await redis.sadd(k("s"), "a", "d")).toBe(1);
    expect(sorted(await redis.smembers(k("s")))).toEqual(["a", "b", "c", "d"]);
    expect(await redis.smembers(k("missing"))).toEqual([]);
    expect(await redis.sismember(k("s"), "b")).toBe(1);
    expect(await redis.sismember(k("s"), "zz")).toBe(0);
    expect(await redis.smismember(k("s"), ["a", "zz", "c"])).toEqual([1, 0, 1]);
    expect(await redis.scard(k("s"))).toBe(4);
    expect(await redis.srem(k("s"), "d", "zz")).toBe(1);
    await redis.sadd(k("nums"), 1, 2, 3);
    expect(((await redis.smembers(k("nums"))) as number[]).sort()).toEqual([1, 2, 3]);
    expect(await redis.exec(["OBJECT", "ENCODING", k("nums")])).toBe("intset");
  });

  it("SINTER/SUNION/SDIFF, their STORE forms, SINTERCARD and SMOVE", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.sadd(k("a"), "1x", "2x", "3x");
    await redis.sadd(k("b"), "2x", "3x", "4x");
    expect(sorted(await redis.sinter(k("a"), k("b")))).toEqual(["2x", "3x"]);
    expect(sorted(await redis.sunion(k("a"), k("b")))).toEqual(["1x", "2x", "3x", "4x"]);
    expect(await redis.sdiff(k("a"), k("b"))).toEqual(["1x"]);
    expect(await redis.sunionstore(k("u"), k("a"), k("b"))).toBe(4);
    expect(sorted(await redis.smembers(k("u")))).toEqual(["1x", "2x", "3x", "4x"]);
    expect(await redis.sinterstore(k("i"), k("a"), k("b"))).toBe(2);
    expect(await redis.sdiffstore(k("d"), k("b"), k("a"))).toBe(1);
    expect(await redis.smembers(k("d"))).toEqual(["4x"]);
    expect(await redis.sintercard([k("a"), k("b")])).toBe(2);
    expect(await redis.smove(k("a"), k("b"), "1x")).toBe(1);
    expect(await redis.smove(k("a"), k("b"), "1x")).toBe(0);
    expect(await redis.scard(k("b"))).toBe(4);
  });

  it("SPOP and SRANDMEMBER with counts", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const members = ["m1", "m2", "m3", "m4"];
    await redis.sadd(k("s"), "m1", "m2", "m3", "m4");
    expect(members).toContain(await redis.srandmember(k("s")));
    expect(sorted((await redis.srandmember<string[]>(k("s"), 10)) ?? [])).toEqual(members);
    const popped = (await redis.spop<string[]>(k("s"), 3)) ?? [];
    expect(popped).toHaveLength(3);
    const left = await redis.smembers(k("s"));
    expect(sorted([...popped, ...left])).toEqual(members);
    expect(await redis.spop(k("missing"))).toBeNull();
  });

  it("SSCAN iterates a large set with cursors and MATCH", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const members = Array.from({ length: 300 }, (_, i) => `member-${i}-${"x".repeat(80)}`);
    const [first = "", ...rest] = members;
    expect(await redis.sadd(k("s"), first, ...rest)).toBe(300);
    const seen = new Set<string>();
    let cursor: string | number = 0;
    let rounds = 0;
    do {
      const [next, batch]: [string, (string | number)[]] = await redis.sscan(k("s"), cursor, { count: 40 });
      for (const m of batch) seen.add(String(m));
      cursor = next;
      rounds += 1;
    } while (cursor !== "0" && rounds < 100);
    expect(cursor).toBe("0");
    expect(rounds).toBeGreaterThan(1);
    expect([...seen].sort()).toEqual([...members].sort());

    const filtered = new Set<string>();
    cursor = 0;
    rounds = 0;
    do {
      const [next, batch]: [string, (string | number)[]] = await redis.sscan(k("s"), cursor, { match: "member-1?-*", count: 100 });
      for (const m of batch) filtered.add(String(m));
      cursor = next;
      rounds += 1;
    } while (cursor !== "0" && rounds < 100);
    expect([...filtered].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `member-1${i}-${"x".repeat(80)}`));
  });
}
