// Scripts at the edge: the gateway cannot see what Lua or a function calls, so every script
// command needs the write scope (whatever its _RO name says), and an instance can turn them off.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createInstance, mintKey, tenant } from "../helpers/api";

type Tenant = Awaited<ReturnType<typeof tenant>>;
let t: Tenant;
let readKey: string;

const call = (instanceId: string, key: string, body: unknown, path = "") =>
  api("POST", `/redis/${instanceId}${path}`, { token: key, body });
const noperm = (command: string, why: string) => `NOPERM this key has no permissions to run the '${command}' command (${why})`;
const NEEDS_WRITE = "scripts need a key with the write scope";
const DISABLED = "scripts are disabled for this instance (allow_scripts is false)";

beforeAll(async () => {
  t = await tenant();
  readKey = (await mintKey(t.account, t.orgId, { scopes: ["read"] })).key;
});

describe("script commands need the write scope", () => {
  it.each([
    ["eval_ro", ["EVAL_RO", "return redis.call('KEYS', '*')", "0"]],
    ["evalsha_ro", ["EVALSHA_RO", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"]],
    ["fcall_ro", ["FCALL_RO", "nosuchfunction", "0"]],
    ["eval", ["EVAL", "return 1", "0"]],
    ["function", ["FUNCTION", "LIST"]],
    ["function", ["FUNCTION", "STATS"]],
    ["script", ["SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"]],
  ])("refuses a read key's %s with 403", async (name, command) => {
    expect(await call(t.instance.id, readKey, command)).toMatchObject({ status: 403, body: { error: noperm(name, NEEDS_WRITE) } });
  });

  it("refuses a read key's read-only script per item inside a pipeline", async () => {
    const res = await call(t.instance.id, readKey, [["PING"], ["EVAL_RO", "return redis.call('INFO')", "0"]], "/pipeline");
    expect(res).toMatchObject({ status: 200, body: [{ result: "PONG" }, { error: noperm("eval_ro", NEEDS_WRITE) }] });
  });

  it("refuses SCRIPT DEBUG even to a write key, so a shared pooled connection never turns into a Lua debugger for other requests", async () => {
    const refused =
      "ERR command 'script' is not supported by RedisGate: the Lua debugger would take over the upstream connection (and, with SYNC, the whole server)";
    for (const mode of ["YES", "SYNC"]) {
      expect(await call(t.instance.id, t.key, ["SCRIPT", "DEBUG", mode])).toMatchObject({ status: 400, body: { error: refused } });
    }
    // Had it reached the connection, the next EVAL would start a debugger session answering the GETs after it.
    expect((await call(t.instance.id, t.key, ["EVAL", "return 7", "0"])).body).toEqual({ result: 7 });
    expect((await call(t.instance.id, readKey, ["GET", `debug:${crypto.randomUUID()}`])).body).toEqual({ result: null });
  });

  it("runs a write key's scripts (control)", async () => {
    expect((await call(t.instance.id, t.key, ["EVAL", "return 7", "0"])).body).toEqual({ result: 7 });
    expect((await call(t.instance.id, t.key, ["EVAL_RO", "return 8", "0"])).body).toEqual({ result: 8 });
    expect((await call(t.instance.id, t.key, ["SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"])).status).toBe(200);
  });
});

describe("allow_scripts: false turns scripts off", () => {
  it.each([
    ["eval", ["EVAL", "return 1", "0"]],
    ["evalsha", ["EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"]],
    ["eval_ro", ["EVAL_RO", "return 1", "0"]],
    ["evalsha_ro", ["EVALSHA_RO", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"]],
    ["fcall", ["FCALL", "f", "0"]],
    ["fcall_ro", ["FCALL_RO", "f", "0"]],
    ["function", ["FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('f', function() return 1 end)"]],
    ["script", ["SCRIPT", "LOAD", "return 1"]],
  ])("refuses %s with 403 even for an admin key", async (name, command) => {
    const off = await createInstance(t.account, t.orgId, { allow_scripts: false, allow_admin: true });
    const admin = await mintKey(t.account, t.orgId, { scopes: ["admin"] });
    expect(await call(off.id, admin.key, command)).toMatchObject({ status: 403, body: { error: noperm(name, DISABLED) } });
  });

  it("refuses a whole transaction holding a script", async () => {
    const off = await createInstance(t.account, t.orgId, { allow_scripts: false });
    const key = `scr:${crypto.randomUUID()}`;
    const res = await call(
      off.id,
      t.key,
      [
        ["SET", key, "1"],
        ["EVAL", "return 1", "0"],
      ],
      "/multi-exec",
    );
    expect(res).toMatchObject({ status: 403, body: { error: `${noperm("eval", DISABLED)} (command 2; the transaction was not run)` } });
    expect((await call(off.id, t.key, ["EXISTS", key])).body).toEqual({ result: 0 });
  });

  it("treats a directory record written before the setting existed as scripts allowed", async () => {
    const old = await createInstance(t.account, t.orgId);
    const stored = await env.DIRECTORY.get<Record<string, unknown>>(`v1:instance:${old.id}`, "json");
    const { allow_scripts: _dropped, ...legacy } = stored ?? {};
    await env.DIRECTORY.put(`v1:instance:${old.id}`, JSON.stringify(legacy));
    expect((await call(old.id, t.key, ["EVAL", "return 3", "0"])).body).toEqual({ result: 3 });
  });
});
