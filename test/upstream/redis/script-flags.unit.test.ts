// Pure parts of the Upstash script-flag translation: the shebang rewrite, SHA1 names, the bounded
// client-to-server SHA1 map and the command rewrite. No workerd needed.
import { describe, expect, it } from "vitest";
import { prepareScriptCommand, ScriptShaMap, sha1Hex, translateShebang } from "../../../src/upstream/redis/script-flags";

const RATELIMIT_STYLE = "#!lua flags=allow-key-locking\n  local key = KEYS[1]\n  return redis.call('INCR', key)\n";
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: unknown) => new TextDecoder().decode(value as Uint8Array);

describe("translateShebang", () => {
  it.each([
    ["drops the only Upstash flag, keeping a valid shebang", "#!lua flags=allow-key-locking\nreturn 1", "#!lua\nreturn 1"],
    [
      "keeps the other flags in order",
      "#!lua flags=no-writes,allow-key-locking,allow-stale\nreturn 1",
      "#!lua flags=no-writes,allow-stale\nreturn 1",
    ],
    ["keeps other parameters", "#!lua name=lib flags=allow-key-locking\nreturn 1", "#!lua name=lib\nreturn 1"],
    ["handles a script that is only a shebang", "#!lua flags=allow-key-locking", "#!lua"],
    ["leaves the body byte for byte", RATELIMIT_STYLE, "#!lua\n  local key = KEYS[1]\n  return redis.call('INCR', key)\n"],
  ])("%s", (_label, input, output) => {
    expect(translateShebang(input)).toBe(output);
  });

  it.each([
    ["no shebang", "return 1"],
    ["Redis flags only", "#!lua flags=no-writes\nreturn 1"],
    ["a flag on a later line", "return 1\n#!lua flags=allow-key-locking"],
    ["a look-alike flag", "#!lua flags=allow-key-locking-please\nreturn 1"],
  ])("changes nothing for %s", (_label, input) => {
    expect(translateShebang(input)).toBeNull();
  });
});

describe("sha1Hex", () => {
  it("names scripts as Redis does", async () => {
    expect(await sha1Hex("return 1")).toBe("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    expect(await sha1Hex(bytes("return 1"))).toBe("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  });
});

describe("ScriptShaMap", () => {
  it("forgets the least recently used entry past its bound", () => {
    const map = new ScriptShaMap(2);
    map.set("a", "A");
    map.set("b", "B");
    expect(map.get("a")).toBe("A"); // a is now the most recent
    map.set("c", "C");
    expect(map.size).toBe(2);
    expect(map.get("b")).toBeUndefined();
    expect(map.get("a")).toBe("A");
    expect(map.get("c")).toBe("C");
  });
});

describe("prepareScriptCommand", () => {
  it("translates EVAL and EVAL_RO and remembers the client's SHA1", async () => {
    const map = new ScriptShaMap();
    const translated = translateShebang(RATELIMIT_STYLE) as string;
    for (const name of ["EVAL", "eval_ro"]) {
      const prepared = await prepareScriptCommand([name, RATELIMIT_STYLE, "1", "k"], map);
      expect(prepared.command).toEqual([name, translated, "1", "k"]);
      expect(prepared.reply).toBeUndefined();
    }
    expect(map.get(await sha1Hex(RATELIMIT_STYLE))).toBe(await sha1Hex(translated));
  });

  it("swaps a known client SHA1 in EVALSHA and EVALSHA_RO, and leaves unknown ones", async () => {
    const map = new ScriptShaMap();
    map.set("aaaa", "bbbb");
    expect((await prepareScriptCommand(["EVALSHA", "AAAA", "0"], map)).command).toEqual(["EVALSHA", "bbbb", "0"]);
    expect((await prepareScriptCommand(["EVALSHA_RO", "aaaa", "0"], map)).command).toEqual(["EVALSHA_RO", "bbbb", "0"]);
    expect((await prepareScriptCommand(["EVALSHA", "cccc", "0"], map)).command).toEqual(["EVALSHA", "cccc", "0"]);
  });

  it("loads the translated script with SCRIPT LOAD and answers the client's SHA1", async () => {
    const map = new ScriptShaMap();
    const prepared = await prepareScriptCommand(["SCRIPT", "load", bytes(RATELIMIT_STYLE)], map);
    const translated = translateShebang(RATELIMIT_STYLE) as string;
    expect(prepared.command).toEqual(["SCRIPT", "load", translated]);
    const clientSha = await sha1Hex(RATELIMIT_STYLE);
    expect(text(prepared.reply?.(bytes(await sha1Hex(translated))))).toBe(clientSha);
    const error = { message: "ERR something" };
    expect(prepared.reply?.(error)).toBe(error);
    expect(map.get(clientSha)).toBe(await sha1Hex(translated));
  });

  it("translates FUNCTION LOAD, with and without REPLACE", async () => {
    const code = "#!lua name=rl flags=allow-key-locking\nredis.register_function('f', function() return 1 end)";
    const map = new ScriptShaMap();
    expect((await prepareScriptCommand(["FUNCTION", "LOAD", code], map)).command[2]).toBe(translateShebang(code));
    expect((await prepareScriptCommand(["FUNCTION", "LOAD", "REPLACE", code], map)).command[3]).toBe(translateShebang(code));
    expect(map.size).toBe(0);
  });

  it("leaves other commands and plain scripts as they are", async () => {
    const map = new ScriptShaMap();
    const get = ["GET", "#!lua flags=allow-key-locking"];
    expect((await prepareScriptCommand(get, map)).command).toBe(get);
    const plain = ["EVAL", "return 1", "0"];
    expect((await prepareScriptCommand(plain, map)).command).toBe(plain);
    expect(map.size).toBe(0);
  });
});
