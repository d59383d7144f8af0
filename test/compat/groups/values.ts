// Values as the SDK sees them: unicode, control characters, JSON objects and arrays it
// serialises, strings that look like base64, JSON or "OK", and unicode key names.
import { expect, it } from "vitest";
import { type CompatContext, keyspace } from "../context";

const utf8Length = (s: string) => new TextEncoder().encode(s).byteLength;

export function values(ctx: CompatContext) {
  it("unicode, emoji and control characters round-trip byte-exactly", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const samples = {
      emoji: "🚀👩‍👩‍👧‍👦🇯🇵",
      scripts: "héllo wörld — 日本語 — العربية — עברית — ελληνικά",
      control: "line1\r\nline2\ttab\u0000nul\u0001\u007f end",
      quotes: `"quoted" \\backslash\\ 'single'`,
      spaces: "  padded  ",
    };
    const entries = Object.entries(samples);
    await Promise.all(entries.map(([name, value]) => redis.set(k(name), value)));
    expect(await Promise.all(entries.map(([name]) => redis.get(k(name))))).toEqual(Object.values(samples));
    expect(await Promise.all(entries.map(([name]) => redis.strlen(k(name))))).toEqual(entries.map(([, v]) => utf8Length(v)));
    expect(await redis.mget(...Object.keys(samples).map(k))).toEqual(Object.values(samples));
  });

  it("objects and arrays are JSON-serialised by the SDK and parsed back", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const object = { a: 1, nested: { b: [1, "two", null, false], c: "ü🚀" }, empty: {}, f: 1.25 };
    await redis.set(k("obj"), object);
    expect(await redis.get(k("obj"))).toEqual(object);
    expect(await redis.get(k("obj"))).not.toBe(JSON.stringify(object));
    await redis.set(k("arr"), [1, "two", { three: 3 }]);
    expect(await redis.get(k("arr"))).toEqual([1, "two", { three: 3 }]);
    // Stored as JSON text, exactly as JSON.stringify wrote it.
    expect(await redis.strlen(k("obj"))).toBe(utf8Length(JSON.stringify(object)));
    await redis.rpush(k("list"), { id: 1 }, { id: 2 });
    expect(await redis.lrange(k("list"), 0, -1)).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("strings that look like OK, base64, JSON or null stay what they are", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.mset({ [k("ok")]: "OK", [k("b64")]: "SGVsbG8=", [k("null")]: "null", [k("json")]: '{"a":1}', [k("neg")]: "-0" });
    expect(await redis.get(k("ok"))).toBe("OK");
    expect(await redis.get(k("b64"))).toBe("SGVsbG8=");
    // The SDK JSON-parses every reply, so JSON-looking text comes back parsed: same on Upstash.
    expect(await redis.get(k("null"))).toBeNull();
    expect(await redis.get(k("json"))).toEqual({ a: 1 });
    expect(await redis.get(k("neg"))).toBe("-0");
    // Inside arrays every element is decoded on its own (a raw "OK" would decode to "8").
    expect(await redis.mget(k("ok"), k("b64"))).toEqual(["OK", "SGVsbG8="]);
    expect(await redis.lpush(k("l"), "OK", "T0s=")).toBe(2);
    expect(await redis.lrange(k("l"), 0, -1)).toEqual(["T0s=", "OK"]);
    expect(await redis.echo("OK")).toBe("OK");
  });

  it("unicode key names, and keys with spaces and slashes", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const names = [k("ключ 🔑"), k("with space"), k("a/b/c"), k("percent%20sign"), k("query?x=1&y=2#frag")];
    await Promise.all(names.map((name, i) => redis.set(name, i)));
    expect(await redis.mget(...names)).toEqual([0, 1, 2, 3, 4]);
    expect((await redis.keys(`${k.prefix}*`)).sort()).toEqual([...names].sort());
  });
}
