// One database per instance: a write key's FLUSHALL empties its own database only (it runs as
// FLUSHDB, as at Upstash), and the commands that reach other databases or the server are admin-class.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createInstance, mintKey, tenant } from "../helpers/api";

type Tenant = Awaited<ReturnType<typeof tenant>>;
let a: Tenant;
let b: Tenant;

// Databases no other test file uses, on the shared redis-server.
const onDb = (db: number) => ({ endpoint: `${env.TEST_REDIS_URL}/${db}` });
const call = (x: Tenant, body: unknown, path = "") => api("POST", `/redis/${x.instance.id}${path}`, { token: x.key, body });

beforeAll(async () => {
  [a, b] = await Promise.all([tenant({}, onDb(13)), tenant({}, onDb(14))]);
});

describe("FLUSHALL runs as FLUSHDB", () => {
  it.each([
    ["FLUSHALL", (x: Tenant) => call(x, ["FLUSHALL"]), { result: "OK" }],
    ["FLUSHALL ASYNC", (x: Tenant) => call(x, ["FLUSHALL", "ASYNC"]), { result: "OK" }],
    ["flushall sync in a pipeline", (x: Tenant) => call(x, [["flushall", "SYNC"]], "/pipeline"), [{ result: "OK" }]],
    ["FLUSHALL in a transaction", (x: Tenant) => call(x, [["FLUSHALL"]], "/multi-exec"), [{ result: "OK" }]],
    ["FLUSHALL in the path form", (x: Tenant) => api("GET", `/redis/${x.instance.id}/flushall`, { token: x.key }), { result: "OK" }],
  ])("%s on instance A (db 13) leaves instance B (db 14) intact", async (_label, flush, answer) => {
    const key = `db:${crypto.randomUUID()}`;
    expect((await call(a, ["SET", key, "a"])).body).toEqual({ result: "OK" });
    expect((await call(b, ["SET", key, "b"])).body).toEqual({ result: "OK" });
    const res = await flush(a);
    expect(res).toMatchObject({ status: 200, body: answer });
    expect((await call(a, ["EXISTS", key])).body).toEqual({ result: 0 });
    expect((await call(b, ["GET", key])).body).toEqual({ result: "b" });
  });

  it("rejects a bad FLUSHALL argument as Redis rejects FLUSHDB's", async () => {
    const res = await call(a, ["FLUSHALL", "NOW"]);
    expect(res).toMatchObject({ status: 400, body: { error: "ERR syntax error" } });
  });
});

describe("commands that reach past the database are admin-class", () => {
  it.each([
    ["pfselftest", ["PFSELFTEST"]],
    ["pfdebug", ["PFDEBUG", "GETREG", "hll"]],
    ["restore", ["RESTORE", "k", "0", "\u0000"]],
    ["restore-asking", ["RESTORE-ASKING", "k", "0", "\u0000"]],
    ["swapdb", ["SWAPDB", "0", "1"]],
    ["move", ["MOVE", "k", "1"]],
    ["migrate", ["MIGRATE", "127.0.0.1", "1", "k", "0", "1000"]],
  ])("refuses a write key's %s with 403", async (name, command) => {
    expect(await call(a, command)).toMatchObject({
      status: 403,
      body: { error: `NOPERM this key has no permissions to run the '${name}' command (it needs a key with the admin scope)` },
    });
  });

  it("runs PFSELFTEST for an admin key on an instance that allows admin commands (control)", async () => {
    const open = await createInstance(a.account, a.orgId, { ...onDb(13), allow_admin: true });
    const admin = await mintKey(a.account, a.orgId, { scopes: ["admin"] });
    expect((await api("POST", `/redis/${open.id}`, { token: admin.key, body: ["PFSELFTEST"] })).body).toEqual({ result: "OK" });
  });
});
