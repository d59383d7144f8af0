// Lua scripting: EVAL reply shapes (nested tables, status and error replies), EVALSHA and
// SCRIPT LOAD/EXISTS, and the SDK's createScript, whose EVALSHA → EVAL fallback depends on the
// NOSCRIPT error text arriving verbatim. Scripts carry a random marker so their SHA-1 is new.
import { expect, it } from "vitest";
import { type CompatContext, keyspace, sha1Hex } from "../context";

const NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";
const marker = () => `-- ${crypto.randomUUID()}`;

export function scripting(ctx: CompatContext) {
  it("EVAL returns nested tables, numbers, nil and status replies", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const script = "return {KEYS[1], ARGV[1], tonumber(ARGV[2]) + 1, {'nested', 2, {'deep'}}, 3.99}";
    expect(await redis.eval(script, [k("a")], ["hello", 41])).toEqual([k("a"), "hello", 42, ["nested", 2, ["deep"]], 3]);
    expect(await redis.eval("return redis.call('SET', KEYS[1], ARGV[1])", [k("s")], ["v"])).toBe("OK");
    expect(await redis.eval("return redis.call('GET', KEYS[1])", [k("s")], [])).toBe("v");
    expect(await redis.eval("return nil", [], [])).toBeNull();
    expect(await redis.eval("return true", [], [])).toBe(1);
    expect(await redis.eval("return redis.status_reply('PONG')", [], [])).toBe("PONG");
    // Status replies inside arrays are strings like any other (in base64 mode "OK" is encoded too).
    expect(await redis.eval("return {redis.call('SET', KEYS[1], 'x'), redis.status_reply('FINE')}", [k("s")], [])).toEqual(["OK", "FINE"]);
    expect(await redis.eval("return {}", [], [])).toEqual([]);
  });

  it("EVAL errors pass through verbatim; EVAL_RO refuses writes", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await ctx.expectRedisError(redis.eval("return redis.error_reply('MYERR custom failure')", [], []), "MYERR custom failure");
    await ctx.expectRedisError(redis.eval("return redis.error_reply('MYERR ünïcode — 🚀')", [], []), "MYERR ünïcode — 🚀");
    const unknown = `return redis.call('NOSUCHCMD') ${marker()}`;
    expect(await ctx.errorText(redis.eval(unknown, [], []))).toBe(
      `ERR Unknown Redis command called from script script: ${await sha1Hex(unknown)}, on @user_script:1.`,
    );
    await redis.set(k("s"), "ro-value");
    expect(await redis.evalRo("return redis.call('GET', KEYS[1])", [k("s")], [])).toBe("ro-value");
    const write = `return redis.call('SET', KEYS[1], 'x') ${marker()}`;
    expect(await ctx.errorText(redis.evalRo(write, [k("s")], []))).toBe(
      `ERR Write commands are not allowed from read-only scripts. script: ${await sha1Hex(write)}, on @user_script:1.`,
    );
  });

  it("errors nested in a script's table come back as their text, in every encoding", async () => {
    const redis = ctx.client();
    // A nested error is a string inside an array: with base64 it must be encoded like one, or the
    // SDK's decoder (which decodes every string in an array) turns "NOSPACE" into garbage.
    expect(await redis.eval("return {1, {err='NOSPACE'}, 'after'}", [], [])).toEqual([1, "NOSPACE", "after"]);
    expect(await redis.eval("return {redis.pcall('NOSUCHCMD')}", [], [])).toEqual(["ERR Unknown Redis command called from script"]);
  });

  it("SCRIPT LOAD/EXISTS and EVALSHA; NOSCRIPT text is verbatim", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const script = `return {KEYS[1], ARGV[1]} ${marker()}`;
    const sha = await sha1Hex(script);
    expect(await redis.scriptExists(sha)).toEqual([0]);
    await ctx.expectRedisError(redis.evalsha(sha, [k("a")], ["x"]), NOSCRIPT);
    expect(await redis.scriptLoad(script)).toBe(sha);
    expect(await redis.scriptExists(sha, await sha1Hex(marker()))).toEqual([1, 0]);
    expect(await redis.evalsha(sha, [k("a")], ["x"])).toEqual([k("a"), "x"]);
    expect(await redis.evalshaRo(sha, [k("a")], [7])).toEqual([k("a"), 7]);
    // SCRIPT FLUSH empties the script cache of the whole (shared) server, so only its argument
    // check is exercised here: the command reaches Redis and its error comes back verbatim.
    await ctx.expectRedisError(redis.exec(["SCRIPT", "FLUSH", "NOW"]), "ERR SCRIPT FLUSH only support SYNC|ASYNC option", {
      single: true,
    });
  });

  it("createScript().exec falls back from EVALSHA to EVAL on NOSCRIPT, then uses EVALSHA", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const script = redis.createScript<[string, string]>(
      `redis.call('INCR', KEYS[1]) return {ARGV[1], redis.call('GET', KEYS[1])} ${marker()}`,
    );
    const sha = await sha1Hex(script.script);
    expect(await redis.scriptExists(sha)).toEqual([0]);
    expect(await script.exec([k("n")], ["first"])).toEqual(["first", 1]);
    // The fallback EVAL cached the script, so the next exec is served by EVALSHA.
    expect(await redis.scriptExists(sha)).toEqual([1]);
    expect(await script.exec([k("n")], ["second"])).toEqual(["second", 2]);
    expect(await script.evalsha([k("n")], ["third"])).toEqual(["third", 3]);

    const readonly = redis.createScript<string, true>(`return redis.call('GET', KEYS[1]) ${marker()}`, { readonly: true });
    expect(await readonly.exec([k("n")], [])).toBe(3);
    expect(await readonly.exec([k("n")], [])).toBe(3);
  });
}
