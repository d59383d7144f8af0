// Streams: entry ids as text, XRANGE's object decoding, consumer groups with their deeply nested
// replies (XREADGROUP, XPENDING, XINFO), trimming and claiming.
import { expect, it } from "vitest";
import { type CompatContext, keyspace, pairs } from "../context";

export function streams(ctx: CompatContext) {
  it("XADD/XLEN/XRANGE/XREVRANGE/XDEL", async () => {
    const redis = ctx.client();
    const k = keyspace();
    expect(await redis.xadd(k("s"), "1-1", { name: "first", n: 1 })).toBe("1-1");
    expect(await redis.xadd(k("s"), "1-2", { name: "second", obj: { a: true } })).toBe("1-2");
    expect(await redis.xadd(k("s"), "2-1", { name: "third" })).toBe("2-1");
    const auto = await redis.xadd(k("s"), "*", { name: "auto" });
    expect(auto).toMatch(/^\d{13,}-\d+$/);
    await ctx.expectRedisError(
      redis.xadd(k("s"), "1-0", { name: "old" }),
      "ERR The ID specified in XADD is equal or smaller than the target stream top item",
    );
    expect(await redis.xlen(k("s"))).toBe(4);
    expect(await redis.xrange(k("s"), "-", "2-1")).toEqual({
      "1-1": { name: "first", n: 1 },
      "1-2": { name: "second", obj: { a: true } },
      "2-1": { name: "third" },
    });
    expect(await redis.xrange(k("s"), "(1-1", "+", 1)).toEqual({ "1-2": { name: "second", obj: { a: true } } });
    expect(Object.keys(await redis.xrevrange(k("s"), "+", "-", 2))).toEqual([auto, "2-1"]);
    expect(await redis.xdel(k("s"), ["1-1", "9-9"])).toBe(1);
    expect(await redis.xlen(k("s"))).toBe(3);
    expect(await redis.xrange(k("missing"), "-", "+")).toEqual({});
  });

  it("XGROUP, XREADGROUP, XPENDING, XACK, XCLAIM", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.xadd(k("s"), "1-1", { f: "v1" });
    await redis.xadd(k("s"), "1-2", { f: "v2" });
    await redis.xadd(k("s"), "2-1", { f: "v3" });
    expect(await redis.xgroup(k("s"), { type: "CREATE", group: "g", id: "0" })).toBe("OK");
    expect(await redis.xgroup(k("new"), { type: "CREATE", group: "g", id: "$", options: { MKSTREAM: true } })).toBe("OK");
    await ctx.expectRedisError(
      redis.xgroup(k("s"), { type: "CREATE", group: "g", id: "0" }),
      "BUSYGROUP Consumer Group name already exists",
    );
    expect(await redis.xreadgroup("g", "c1", k("s"), ">", { count: 2 })).toEqual([
      [
        k("s"),
        [
          ["1-1", ["f", "v1"]],
          ["1-2", ["f", "v2"]],
        ],
      ],
    ]);
    expect(await redis.xreadgroup("g", "c1", k("new"), ">")).toBeNull();

    const summary = await redis.exec(["XPENDING", k("s"), "g"]);
    expect(summary).toEqual([2, "1-1", "1-2", [["c1", 2]]]);
    const detail = (await redis.xpending(k("s"), "g", "-", "+", 10)) as [string, string, number, number][];
    expect(detail.map(([id, consumer, , deliveries]) => [id, consumer, deliveries])).toEqual([
      ["1-1", "c1", 1],
      ["1-2", "c1", 1],
    ]);
    for (const [, , idle] of detail) expect(typeof idle).toBe("number");

    expect(await redis.xack(k("s"), "g", "1-1")).toBe(1);
    expect(await redis.xack(k("s"), "g", ["1-1", "9-9"])).toBe(0);
    expect(await redis.xclaim(k("s"), "g", "c2", 0, "1-2")).toEqual([["1-2", ["f", "v2"]]]);
    expect(await redis.exec(["XPENDING", k("s"), "g"])).toEqual([1, "1-2", "1-2", [["c2", 1]]]);
    expect(await redis.xautoclaim(k("s"), "g", "c3", 0, "0-0", { count: 10, justId: true })).toEqual(["0-0", ["1-2"], []]);
  });

  it("XINFO GROUPS/CONSUMERS/STREAM and XTRIM", async () => {
    const redis = ctx.client();
    const k = keyspace();
    for (const id of ["1-1", "1-2", "2-1"]) await redis.xadd(k("s"), id, { f: id });
    await redis.xgroup(k("s"), { type: "CREATE", group: "g", id: "0" });
    await redis.xreadgroup("g", "c1", k("s"), ">", { count: 2 });
    const groups = (await redis.xinfo(k("s"), { type: "GROUPS" })) as unknown[];
    expect(groups).toHaveLength(1);
    expect(pairs(groups[0])).toMatchObject({ name: "g", consumers: 1, pending: 2, "last-delivered-id": "1-2", "entries-read": 2 });
    const consumers = (await redis.xinfo(k("s"), { type: "CONSUMERS", group: "g" })) as unknown[];
    expect(consumers).toHaveLength(1);
    expect(pairs(consumers[0])).toMatchObject({ name: "c1", pending: 2 });

    expect(await redis.xtrim(k("s"), { strategy: "MAXLEN", threshold: 1, exactness: "=" })).toBe(2);
    expect(await redis.xlen(k("s"))).toBe(1);
    expect(await redis.xtrim(k("s"), { strategy: "MINID", threshold: "3-0", exactness: "=" })).toBe(1);
    const info = pairs(await redis.exec(["XINFO", "STREAM", k("s")]));
    expect(info).toMatchObject({ length: 0, groups: 1, "last-generated-id": "2-1", "first-entry": null, "last-entry": null });
  });
}
