// The data browser's commands per Redis type and how it reads replies back.
import { describe, expect, it } from "vitest";
import { formatBytes, formatTtl } from "../../src/dashboard/client/format";
import { parseRate } from "../../src/dashboard/client/key-rate";
import {
  firstPosition,
  lengthCommand,
  listRemoval,
  newValueFrom,
  nextPosition,
  previewRows,
  readCommand,
  removeItemCommand,
  stringPreviewCommand,
  ttlCommand,
  writeCommand,
} from "../../src/dashboard/client/redis-value";
import { levelOf } from "../../src/dashboard/client/scope-level";

describe("data browser commands", () => {
  it("reads each type with a bounded command", () => {
    expect(readCommand("string", "k")).toEqual(["GET", "k"]);
    expect(readCommand("hash", "k")).toEqual(["HSCAN", "k", "0", "COUNT", "100"]);
    expect(readCommand("zset", "k")).toEqual(["ZRANGE", "k", "0", "99", "WITHSCORES"]);
    expect(readCommand("stream", "k")).toEqual(["XREVRANGE", "k", "+", "-", "COUNT", "20"]);
    expect(lengthCommand("set", "k")).toEqual(["SCARD", "k"]);
    // A string too large for one reply is previewed by its first bytes, within the smallest reply limit (1 KiB).
    expect(stringPreviewCommand("k")).toEqual(["GETRANGE", "k", "0", "999"]);
  });
  it("reads a large value page by page, and knows the last page", () => {
    const full = (n: number) => Array.from({ length: n }, (_, i) => [`item${i}`]);
    expect(readCommand("list", "k", "100")).toEqual(["LRANGE", "k", "100", "199"]);
    expect(nextPosition("list", "0", null, full(100))).toBe("100");
    expect(nextPosition("list", "100", null, full(30))).toBeNull();
    expect(readCommand("zset", "k", "200")).toEqual(["ZRANGE", "k", "200", "299", "WITHSCORES"]);
    expect(nextPosition("zset", "0", null, full(99))).toBeNull();
    // SCAN types follow the cursor Redis answers, whatever the page held.
    expect(readCommand("set", "k", "17")).toEqual(["SSCAN", "k", "17", "COUNT", "100"]);
    expect(nextPosition("set", "0", ["17", []], [])).toBe("17");
    expect(nextPosition("hash", "17", ["0", ["f", "v"]], [["f", "v"]])).toBeNull();
    // Streams read backwards from just before the oldest entry shown.
    const entries = Array.from({ length: 20 }, (_, i) => [`${100 - i}-0`, "f=v"]);
    expect(nextPosition("stream", "+", null, entries)).toBe("(81-0");
    expect(readCommand("stream", "k", "(81-0")).toEqual(["XREVRANGE", "k", "(81-0", "-", "COUNT", "20"]);
    expect(nextPosition("stream", "(81-0", null, entries.slice(0, 5))).toBeNull();
    expect(nextPosition("string", "0", "v", [["v"]])).toBeNull();
    expect([firstPosition("stream"), firstPosition("hash")]).toEqual(["+", "0"]);
  });
  it("turns replies into rows", () => {
    expect(previewRows("hash", ["0", ["f", "v", "g", "w"]])).toEqual([
      ["f", "v"],
      ["g", "w"],
    ]);
    expect(previewRows("set", ["0", ["a", "b"]])).toEqual([["a"], ["b"]]);
    expect(previewRows("zset", ["a", "1", "b", "2"])).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
    expect(previewRows("stream", [["1-0", ["f", "v", "g", "w"]]])).toEqual([["1-0", "f=v  g=w"]]);
    expect(previewRows("list", "not an array")).toEqual([]);
  });
  it("writes, removes and expires", () => {
    expect(writeCommand("k", { type: "string", value: "v" })).toEqual(["SET", "k", "v", "KEEPTTL"]);
    expect(writeCommand("k", newValueFrom("zset", { value: "", field: "", member: "m", score: " 2.5 " }))).toEqual([
      "ZADD",
      "k",
      "2.5",
      "m",
    ]);
    expect(() => newValueFrom("zset", { value: "", field: "", member: "m", score: "high" })).toThrow("The score must be a number.");
    expect(removeItemCommand("hash", "k", ["f", "v"])).toEqual(["HDEL", "k", "f"]);
    expect(removeItemCommand("string", "k", ["v"])).toBeNull();
    expect(ttlCommand("k", 90.7)).toEqual(["EXPIRE", "k", "90"]);
    expect(ttlCommand("k", null)).toEqual(["PERSIST", "k"]);
  });
});

describe("removing a list item", () => {
  it("goes by the item's index through a unique mark, never LREM of the first equal value", () => {
    expect(removeItemCommand("list", "k", ["a"])).toBeNull();
    const removal = listRemoval("k", 2, "mark");
    expect(removal.mark).toEqual([
      ["LINDEX", "k", "2"],
      ["LSET", "k", "2", "mark"],
    ]);
    expect(removal.remove).toEqual(["LREM", "k", "1", "mark"]);
    expect(removal.restore("b")).toEqual([
      ["LINSERT", "k", "BEFORE", "mark", "b"],
      ["LREM", "k", "1", "mark"],
    ]);
    expect(listRemoval("k", 0).remove[3]).toMatch(/^redisgate:removing:[0-9a-f-]{36}$/);
  });
});

describe("formats and key settings", () => {
  it("formats TTLs and sizes", () => {
    expect([-1, -2, 1500, 600_000, 7_200_000, 864_000_000].map(formatTtl)).toEqual([
      "no expiry",
      "expired",
      "2 s",
      "10 min",
      "2 h",
      "10 days",
    ]);
    expect([0, 1023, 1536, 10 * 1024 * 1024].map(formatBytes)).toEqual(["0 B", "1023 B", "1.5 KiB", "10 MiB"]);
  });
  it("reads a key's level from its scopes", () => {
    expect(levelOf(["read", "write"])).toBe("write");
    expect(levelOf(["admin"])).toBe("admin");
    expect(levelOf([])).toBe("read");
  });
  it("parses a rate limit no looser than the organization's", () => {
    const org = { requests: 100, window_seconds: 1 };
    expect(parseRate("", "1", org)).toEqual({ ok: true, rate: null });
    expect(parseRate("50", "1", org)).toEqual({ ok: true, rate: { requests: 50, window_seconds: 1 } });
    expect(parseRate("6000", "60", org)).toEqual({ ok: true, rate: { requests: 6000, window_seconds: 60 } });
    expect(parseRate("101", "1", org)).toEqual({
      ok: false,
      message: "The organization allows at most 100 per second; a key may be stricter, not looser.",
    });
    expect(parseRate("1.5", "1", null)).toEqual({ ok: false, message: "Requests must be a whole number from 1 to 1,000,000." });
  });
});
