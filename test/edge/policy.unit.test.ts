// Unit tests for src/edge/policy.ts: key levels and what each level may run, with the admin
// switch of the instance, for commands and for the streaming endpoints.
import { describe, expect, it } from "vitest";
import { authorizeCommand, authorizeStream, keyLevel } from "../../src/edge/policy";

const noperm = (cmd: string, why?: string) => ({
  status: 403,
  error: `NOPERM this key has no permissions to run the '${cmd}' command${why ? ` (${why})` : ""}`,
});
const NEEDS_ADMIN = "it needs a key with the admin scope";
const ADMIN_OFF = "admin commands are disabled for this instance";

describe("keyLevel", () => {
  it("is the highest scope's level, 0 for none", () => {
    expect(keyLevel([])).toBe(0);
    expect(keyLevel(["read"])).toBe(1);
    expect(keyLevel(["write"])).toBe(2);
    expect(keyLevel(["admin"])).toBe(3);
    expect(keyLevel(["admin", "read"])).toBe(3);
    expect(keyLevel(["read", "write"])).toBe(2);
  });
});

describe("authorizeCommand", () => {
  it("lets a read key run reads only", () => {
    expect(authorizeCommand(["GET", "k"], { level: 1, allowAdmin: false, allowScripts: true })).toBeNull();
    expect(authorizeCommand(["SET", "k", "v"], { level: 1, allowAdmin: false, allowScripts: true })).toEqual(noperm("set"));
    expect(authorizeCommand(["KEYS", "*"], { level: 1, allowAdmin: false, allowScripts: true })).toEqual(noperm("keys"));
    expect(authorizeCommand(["scan", "0"], { level: 1, allowAdmin: false, allowScripts: true })).toEqual(noperm("scan"));
    expect(authorizeCommand(["INFO"], { level: 1, allowAdmin: false, allowScripts: true })).toEqual(noperm("info"));
    expect(authorizeCommand(["NOSUCH"], { level: 1, allowAdmin: false, allowScripts: true })).toEqual(noperm("nosuch"));
  });

  it("refuses everything to a key with no scope", () => {
    expect(authorizeCommand(["GET", "k"], { level: 0, allowAdmin: true, allowScripts: true })).toEqual(noperm("get"));
    expect(authorizeCommand(["PING"], { level: 0, allowAdmin: true, allowScripts: true })).toEqual(noperm("ping"));
  });

  it("lets a write key run reads, powerful reads and writes but not admin commands", () => {
    expect(authorizeCommand(["GET", "k"], { level: 2, allowAdmin: false, allowScripts: true })).toBeNull();
    expect(authorizeCommand(["KEYS", "*"], { level: 2, allowAdmin: false, allowScripts: true })).toBeNull();
    expect(authorizeCommand(["SET", "k", "v"], { level: 2, allowAdmin: false, allowScripts: true })).toBeNull();
    expect(authorizeCommand(["CONFIG", "GET", "*"], { level: 2, allowAdmin: true, allowScripts: true })).toEqual(
      noperm("config", NEEDS_ADMIN),
    );
    expect(authorizeCommand(["COPY", "a", "b", "DB", "1"], { level: 2, allowAdmin: true, allowScripts: true })).toEqual(
      noperm("copy", NEEDS_ADMIN),
    );
  });

  it("lets an admin key run admin commands only where the instance allows them", () => {
    expect(authorizeCommand(["DEBUG", "SLEEP", "0"], { level: 3, allowAdmin: false, allowScripts: true })).toEqual(
      noperm("debug", ADMIN_OFF),
    );
    expect(authorizeCommand(["swapdb", "0", "1"], { level: 3, allowAdmin: false, allowScripts: true })).toEqual(
      noperm("swapdb", ADMIN_OFF),
    );
    expect(authorizeCommand(["DEBUG", "SLEEP", "0"], { level: 3, allowAdmin: true, allowScripts: true })).toBeNull();
    expect(authorizeCommand(["MOVE", "k", "1"], { level: 3, allowAdmin: true, allowScripts: true })).toBeNull();
    expect(authorizeCommand(["GET", "k"], { level: 3, allowAdmin: false, allowScripts: true })).toBeNull();
  });

  it("refuses connection-state commands with 400 whatever the key", () => {
    for (const level of [0, 1, 3]) {
      expect(authorizeCommand(["SELECT", "1"], { level: level, allowAdmin: true, allowScripts: true })).toEqual({
        status: 400,
        error: "ERR command 'select' is not supported by RedisGate: the database is fixed by the instance's endpoint",
      });
    }
    expect(authorizeCommand(["Multi"], { level: 3, allowAdmin: true, allowScripts: true })).toEqual({
      status: 400,
      error: "ERR command 'multi' is not supported by RedisGate: use the /multi-exec endpoint for transactions",
    });
  });

  it("refuses blocking commands with 400 even to an admin key", () => {
    expect(authorizeCommand(["BLPOP", "k", "0"], { level: 3, allowAdmin: true, allowScripts: true })?.status).toBe(400);
    expect(authorizeCommand(["XREAD", "BLOCK", "0", "STREAMS", "s", "$"], { level: 3, allowAdmin: true, allowScripts: true })?.status).toBe(
      400,
    );
  });
});

describe("authorizeStream", () => {
  it("lets any read key subscribe", () => {
    expect(authorizeStream("subscribe", { level: 1, allowAdmin: false, allowScripts: true })).toBeNull();
    expect(authorizeStream("psubscribe", { level: 2, allowAdmin: false, allowScripts: true })).toBeNull();
    expect(authorizeStream("subscribe", { level: 0, allowAdmin: true, allowScripts: true })).toEqual(noperm("subscribe"));
    expect(authorizeStream("psubscribe", { level: 0, allowAdmin: true, allowScripts: true })).toEqual(noperm("psubscribe"));
  });

  it("treats monitor as an admin command", () => {
    expect(authorizeStream("monitor", { level: 2, allowAdmin: true, allowScripts: true })).toEqual(noperm("monitor", NEEDS_ADMIN));
    expect(authorizeStream("monitor", { level: 3, allowAdmin: false, allowScripts: true })).toEqual(noperm("monitor", ADMIN_OFF));
    expect(authorizeStream("monitor", { level: 3, allowAdmin: true, allowScripts: true })).toBeNull();
  });
});
