// Bitmaps and BITFIELD: integer replies, bit offsets, and byte strings built by BITOP.
import { expect, it } from "vitest";
import { type CompatContext, keyspace } from "../context";

type BitField = {
  set(type: string, offset: number | string, value: number): BitField;
  get(type: string, offset: number | string): BitField;
  incrby(type: string, offset: number | string, increment: number): BitField;
  overflow(mode: "WRAP" | "SAT" | "FAIL"): BitField;
  exec(): Promise<unknown>;
};

export function bitmaps(ctx: CompatContext) {
  it("SETBIT/GETBIT/BITCOUNT/BITPOS", async () => {
    const redis = ctx.client();
    const k = keyspace();
    expect(await redis.setbit(k("b"), 7, 1)).toBe(0);
    expect(await redis.setbit(k("b"), 7, 1)).toBe(1);
    expect(await redis.getbit(k("b"), 7)).toBe(1);
    expect(await redis.getbit(k("b"), 6)).toBe(0);
    expect(await redis.getbit(k("b"), 10_000)).toBe(0);
    // "foobar": f=0x66 0b01100110, o=0x6f 0b01101111
    await redis.set(k("s"), "foobar");
    expect(await redis.bitcount(k("s"), 0, -1)).toBe(26);
    expect(await redis.bitcount(k("s"), 0, 0)).toBe(4);
    expect(await redis.bitcount(k("s"), 1, 1)).toBe(6);
    expect(await redis.bitpos(k("s"), 1)).toBe(1);
    expect(await redis.bitpos(k("s"), 0)).toBe(0);
    expect(await redis.bitpos(k("s"), 1, 2)).toBe(17);
    expect(await redis.bitpos(k("missing"), 1)).toBe(-1);
  });

  it("BITOP AND/OR/XOR/NOT", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.mset({ [k("a")]: "foobar", [k("b")]: "abcdef" });
    expect(await redis.bitop("and", k("and"), k("a"), k("b"))).toBe(6);
    expect(await redis.get(k("and"))).toBe("`bc`ab");
    expect(await redis.bitop("or", k("or"), k("a"), k("b"))).toBe(6);
    expect(await redis.get(k("or"))).toBe("goofev");
    expect(await redis.bitop("xor", k("xor"), k("a"), k("a"))).toBe(6);
    expect(await redis.get(k("xor"))).toBe("\u0000".repeat(6));
    await redis.set(k("low"), "\u0001\u0002");
    expect(await redis.bitop("not", k("not"), k("low"))).toBe(2);
    expect(await redis.bitcount(k("not"), 0, -1)).toBe(14);
  });

  it("BITFIELD SET/GET/INCRBY with OVERFLOW, and BITFIELD_RO", async () => {
    const redis = ctx.client();
    const k = keyspace();
    // Under auto-pipelining the SDK's proxy turns redis.bitfield(key) into a Promise instead of the
    // builder, so that mode goes through an explicit pipeline (same wire command, /pipeline).
    const bitfield = async (build: (b: BitField) => BitField): Promise<unknown> => {
      if (!ctx.mode.autoPipeline) return build(redis.bitfield(k("f")) as unknown as BitField).exec();
      const pipeline = redis.pipeline();
      build(pipeline.bitfield(k("f")) as unknown as BitField).exec();
      const [result] = await pipeline.exec();
      return result;
    };
    expect(await bitfield((b) => b.set("u8", 0, 200).get("u8", 0).incrby("u8", 0, 100))).toEqual([0, 200, 44]);
    expect(await bitfield((b) => b.overflow("SAT").incrby("u8", 0, 250))).toEqual([255]);
    expect(await bitfield((b) => b.overflow("FAIL").incrby("u8", 0, 1))).toEqual([null]);
    expect(await bitfield((b) => b.set("i16", "#1", -300).get("i16", "#1").get("u4", 0))).toEqual([0, -300, 15]);
    expect(await redis.exec(["BITFIELD_RO", k("f"), "GET", "u8", "0", "GET", "i16", "#1"])).toEqual([255, -300]);
  });
}
