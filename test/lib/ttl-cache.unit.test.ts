// Unit tests for src/lib/ttl-cache.ts: expiry against an injected clock and the LRU bound.
import { describe, expect, it } from "vitest";
import { TtlCache } from "../../src/lib/ttl-cache";

function clocked<V>(max: number) {
  const clock = { now: 1_000 };
  const cache = new TtlCache<string, V>(max, () => clock.now);
  return { cache, clock };
}

describe("TtlCache", () => {
  it("misses an absent key", () => {
    expect(clocked<number>(2).cache.get("nope")).toBeUndefined();
  });

  it("serves an entry until its expiry instant, then drops it", () => {
    const { cache, clock } = clocked<string>(4);
    cache.set("k", "v", 100);
    clock.now = 1_099;
    expect(cache.get("k")).toBe("v");
    clock.now = 1_100;
    expect(cache.get("k")).toBeUndefined();
    expect(cache.size).toBe(0);
    clock.now = 0; // a clock going backwards does not resurrect it
    expect(cache.get("k")).toBeUndefined();
  });

  it("does not extend an entry's life on a hit", () => {
    const { cache, clock } = clocked<string>(4);
    cache.set("k", "v", 100);
    clock.now = 1_050;
    expect(cache.get("k")).toBe("v");
    clock.now = 1_100;
    expect(cache.get("k")).toBeUndefined();
  });

  it("restarts the expiry when a key is set again", () => {
    const { cache, clock } = clocked<string>(4);
    cache.set("k", "old", 100);
    clock.now = 1_090;
    cache.set("k", "new", 100);
    clock.now = 1_150;
    expect(cache.get("k")).toBe("new");
  });

  it.each([0, -1, -Infinity])("stores nothing for a ttl of %d and drops the previous value", (ttl) => {
    const { cache } = clocked<string>(4);
    cache.set("k", "v", 100);
    cache.set("k", "w", ttl);
    expect(cache.get("k")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("caches negative answers (null, false, 0) as values distinct from a miss", () => {
    const { cache } = clocked<null | boolean | number>(4);
    cache.set("none", null, 100);
    cache.set("no", false, 100);
    cache.set("zero", 0, 100);
    expect(cache.get("none")).toBeNull();
    expect(cache.get("no")).toBe(false);
    expect(cache.get("zero")).toBe(0);
    expect(cache.get("other")).toBeUndefined();
  });

  it("evicts the least recently used entry past its bound", () => {
    const { cache } = clocked<number>(2);
    cache.set("a", 1, 1_000);
    cache.set("b", 2, 1_000);
    expect(cache.get("a")).toBe(1); // a is now the most recent
    cache.set("c", 3, 1_000);
    expect(cache.size).toBe(2);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
  });

  it("counts a re-set key as recent and does not grow", () => {
    const { cache } = clocked<number>(2);
    cache.set("a", 1, 1_000);
    cache.set("b", 2, 1_000);
    cache.set("a", 10, 1_000);
    expect(cache.size).toBe(2);
    cache.set("c", 3, 1_000);
    expect(cache.get("a")).toBe(10);
    expect(cache.get("b")).toBeUndefined();
  });

  it("stays bounded under a flood of distinct keys", () => {
    const { cache } = clocked<number>(100);
    for (let i = 0; i < 10_000; i++) cache.set(`k${i}`, i, 1_000);
    expect(cache.size).toBe(100);
    expect(cache.get("k9899")).toBeUndefined();
    expect(cache.get("k9900")).toBe(9900);
    expect(cache.get("k9999")).toBe(9999);
  });

  it("holds nothing with a bound of 0", () => {
    const { cache } = clocked<number>(0);
    cache.set("a", 1, 1_000);
    expect(cache.size).toBe(0);
    expect(cache.get("a")).toBeUndefined();
  });

  it("deletes a key", () => {
    const { cache } = clocked<number>(2);
    cache.set("a", 1, 1_000);
    cache.delete("a");
    cache.delete("missing");
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("treats __proto__ as an ordinary key", () => {
    const { cache } = clocked<number>(2);
    cache.set("__proto__", 7, 1_000);
    expect(cache.get("__proto__")).toBe(7);
    expect(cache.get("constructor")).toBeUndefined();
  });
});
