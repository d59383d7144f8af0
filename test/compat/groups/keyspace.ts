// Generic keyspace commands. DUMP payloads are binary, which the SDK's JSON decoding cannot carry,
// so DUMP is read the two binary-safe ways (base64 JSON or resp2) and RESTORE is sent in the
// path form with the payload as the raw body — the only binary-safe way to send a value.
import { expect, it } from "vitest";
import { type CompatContext, type CompatTarget, keyspace } from "../context";

/** DUMP over raw HTTP: `Upstash-Encoding: base64` JSON, or `Upstash-Response-Format: resp2`. */
async function dump(target: CompatTarget, key: string, base64: boolean): Promise<Uint8Array> {
  const headers: Record<string, string> = { authorization: `Bearer ${target.token}`, "content-type": "application/json" };
  if (base64) headers["upstash-encoding"] = "base64";
  else headers["upstash-response-format"] = "resp2";
  const response = await fetch(target.url, { method: "POST", headers, body: JSON.stringify(["DUMP", key]) });
  expect(response.status).toBe(200);
  if (base64) {
    const body = (await response.json()) as { result: string };
    return Uint8Array.from(atob(body.result), (c) => c.charCodeAt(0));
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const headerEnd = bytes.indexOf(13);
  const length = Number(new TextDecoder().decode(bytes.subarray(1, headerEnd)));
  expect(String.fromCharCode(bytes[0] ?? 0)).toBe("$");
  expect(bytes.byteLength).toBe(headerEnd + 2 + length + 2);
  return bytes.slice(headerEnd + 2, headerEnd + 2 + length);
}

async function restore(target: CompatTarget, key: string, payload: Uint8Array, query = ""): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${target.url}/restore/${encodeURIComponent(key)}/0${query}`, {
    method: "POST",
    headers: { authorization: `Bearer ${target.token}` },
    body: payload,
  });
  return { status: response.status, body: await response.json() };
}

export function keyspaceCommands(ctx: CompatContext) {
  it("DEL/UNLINK/EXISTS/TOUCH/TYPE", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.set(k("str"), "v");
    await redis.rpush(k("list"), "a");
    await redis.sadd(k("set"), "a");
    await redis.zadd(k("zset"), { score: 1, member: "a" });
    await redis.hset(k("hash"), { f: "v" });
    await redis.xadd(k("stream"), "*", { f: "v" });
    const types = await Promise.all(["str", "list", "set", "zset", "hash", "stream", "missing"].map((n) => redis.type(k(n))));
    expect(types).toEqual(["string", "list", "set", "zset", "hash", "stream", "none"]);
    expect(await redis.exists(k("str"), k("list"), k("missing"), k("str"))).toBe(3);
    expect(await redis.touch(k("str"), k("hash"), k("missing"))).toBe(2);
    expect(await redis.del(k("str"), k("list"), k("missing"))).toBe(2);
    expect(await redis.unlink(k("set"), k("zset"), k("missing"))).toBe(2);
    expect(await redis.exists(k("str"), k("list"), k("set"), k("zset"))).toBe(0);
    await ctx.expectRedisError(redis.exec(["UNLINK"]), "ERR wrong number of arguments for 'unlink' command", { single: true });
  });

  it("EXPIRE/PEXPIRE/EXPIREAT/TTL/PTTL/PERSIST/EXPIRETIME", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.set(k("a"), "v");
    expect(await redis.ttl(k("a"))).toBe(-1);
    expect(await redis.ttl(k("missing"))).toBe(-2);
    expect(await redis.expire(k("a"), 100)).toBe(1);
    expect(await redis.ttl(k("a"))).toBeGreaterThanOrEqual(99);
    expect(await redis.expire(k("a"), 500, "NX")).toBe(0);
    expect(await redis.expire(k("a"), 500, "GT")).toBe(1);
    expect(await redis.ttl(k("a"))).toBeGreaterThanOrEqual(499);
    expect(await redis.expire(k("missing"), 100)).toBe(0);
    expect(await redis.pexpire(k("a"), 20_000)).toBe(1);
    const pttl = await redis.pttl(k("a"));
    expect(pttl).toBeGreaterThan(19_000);
    expect(pttl).toBeLessThanOrEqual(20_000);
    const at = Math.floor(Date.now() / 1000) + 3600;
    expect(await redis.expireat(k("a"), at)).toBe(1);
    expect(await redis.exec(["EXPIRETIME", k("a")])).toBe(at);
    expect(await redis.persist(k("a"))).toBe(1);
    expect(await redis.persist(k("a"))).toBe(0);
    expect(await redis.ttl(k("a"))).toBe(-1);
    expect(await redis.exec(["EXPIRETIME", k("a")])).toBe(-1);
  });

  it("RENAME/RENAMENX/COPY/OBJECT ENCODING", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.set(k("a"), "value");
    expect(await redis.rename(k("a"), k("b"))).toBe("OK");
    expect(await redis.get(k("b"))).toBe("value");
    await ctx.expectRedisError(redis.rename(k("a"), k("c")), "ERR no such key");
    await redis.set(k("c"), "other");
    expect(await redis.renamenx(k("b"), k("c"))).toBe(0);
    expect(await redis.renamenx(k("b"), k("d"))).toBe(1);
    expect(await redis.copy(k("d"), k("e"))).toBe("COPIED");
    expect(await redis.copy(k("d"), k("c"))).toBe("NOT_COPIED");
    expect(await redis.copy(k("d"), k("c"), { replace: true })).toBe("COPIED");
    expect(await redis.mget(k("c"), k("d"), k("e"))).toEqual(["value", "value", "value"]);

    await redis.set(k("int"), 12345);
    await redis.set(k("embstr"), "short");
    await redis.set(k("raw"), "x".repeat(100));
    await redis.hset(k("hash"), { f: 1 });
    await redis.sadd(k("intset"), 1, 2);
    const encodings = await Promise.all(["int", "embstr", "raw", "hash", "intset"].map((n) => redis.exec(["OBJECT", "ENCODING", k(n)])));
    expect(encodings).toEqual(["int", "embstr", "raw", "listpack", "intset"]);
    expect(await redis.exec(["OBJECT", "ENCODING", k("missing")])).toBeNull();
  });

  it("KEYS and SCAN with MATCH and TYPE find exactly this test's keys", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.mset({ [k("s1")]: 1, [k("s2")]: 2 });
    await redis.hset(k("h1"), { f: 1 });
    expect((await redis.keys(`${k.prefix}*`)).sort()).toEqual([k("h1"), k("s1"), k("s2")]);
    expect(await redis.keys(`${k.prefix}h*`)).toEqual([k("h1")]);
    const found: string[] = [];
    let cursor: string | number = 0;
    let rounds = 0;
    do {
      const [next, keys]: [string, string[]] = await redis.scan(cursor, { match: `${k.prefix}*`, count: 1000, type: "string" });
      found.push(...keys);
      cursor = next;
      rounds += 1;
    } while (cursor !== "0" && rounds < 10_000);
    expect(cursor).toBe("0");
    expect(found.sort()).toEqual([k("s1"), k("s2")]);
  });

  it("DUMP (binary-safe read) and RESTORE (raw body in the path form)", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.hset(k("src"), { name: "ünïcode 🚀", n: 7 });
    await redis.rpush(k("list"), "a", "b");
    const payload = await dump(ctx.target(), k("src"), ctx.mode.base64);
    // A DUMP payload ends with the RDB version (2 bytes) and a CRC64 (8 bytes).
    expect(payload.byteLength).toBeGreaterThan(10);
    expect(await restore(ctx.target(), k("copy"), payload)).toEqual({ status: 200, body: { result: "OK" } });
    expect(await redis.hgetall(k("copy"))).toEqual({ name: "ünïcode 🚀", n: 7 });
    expect(await restore(ctx.target(), k("list"), payload)).toEqual({
      status: 400,
      body: { error: "BUSYKEY Target key name already exists." },
    });
    expect(await restore(ctx.target(), k("list"), payload, "?REPLACE")).toEqual({ status: 200, body: { result: "OK" } });
    expect(await redis.type(k("list"))).toBe("hash");
    const corrupted = payload.slice();
    corrupted[corrupted.length - 1] = (corrupted.at(-1) ?? 0) ^ 0xff;
    expect(await restore(ctx.target(), k("bad"), corrupted)).toEqual({
      status: 400,
      body: { error: "ERR DUMP payload version or checksum are wrong" },
    });
  });
}
