// A runaway script must not stall the server for everyone: after the request deadline the gateway
// stops it (SCRIPT KILL / FUNCTION KILL once Redis answers BUSY) and answers 504 saying what happened.
// Runs on a redis-server of its own (test/setup/busy-redis.ts: busy-reply-threshold 200 ms), through
// both transports: the RedisPool object (pooled) and the isolate (direct) each hold the connection.
import { connect } from "cloudflare:sockets";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createInstance, tenant } from "../helpers/api";

type Tenant = Awaited<ReturnType<typeof tenant>>;
let t: Tenant;

const busy = new URL(env.TEST_REDIS_BUSY_URL);
// Database 2, so the gateway's own kill connection must not depend on SELECT (refused while busy).
const onBusyServer = { endpoint: `${env.TEST_REDIS_BUSY_URL}/2` };
const call = (body: unknown, path = "") => api("POST", `/redis/${t.instance.id}${path}`, { token: t.key, body });

const LIMITS =
  "Redis reads no command while a script runs until its busy-reply-threshold (5 s by default) has passed, " +
  "and cannot stop a script that has already written (only SHUTDOWN NOSAVE can).";
const timedOut = () => `ERR the upstream of instance ${t.instance.id} did not answer within 2000 ms`;
const killed = (kill: string) => `${timedOut()}: the script was still running, so RedisGate stopped it with ${kill} (killed). ${LIMITS}`;

/** One raw command to the busy server, outside the gateway; resolves with the first reply chunk. */
async function raw(command: string[]): Promise<string> {
  const socket = connect({ hostname: busy.hostname, port: Number(busy.port) });
  try {
    const writer = socket.writable.getWriter();
    await writer.write(new TextEncoder().encode(`*${command.length}\r\n${command.map((a) => `$${a.length}\r\n${a}\r\n`).join("")}`));
    const { value } = await socket.readable.getReader().read();
    return value ? new TextDecoder().decode(value) : "";
  } finally {
    await socket.close().catch(() => {});
  }
}

/** Waits (bounded) until the busy server answers PING again after a restart. */
async function waitForServer(): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const reply = await raw(["PING"]).catch(() => "");
    if (reply.startsWith("+PONG")) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the busy redis-server did not come back");
}

describe.each(["pooled", "direct"] as const)("a script that outlives the request deadline (%s transport)", (transport) => {
  beforeAll(async () => {
    t = await tenant({}, { ...onBusyServer, transport });
    expect(t.instance.transport).toBe(transport);
  });

  it("kills a read-only runaway EVAL_RO, answers 504 saying so, and the server serves the next command", async () => {
    expect(await call(["EVAL_RO", "while true do end", "0"])).toMatchObject({ status: 504, body: { error: killed("SCRIPT KILL") } });
    expect(await call(["PING"])).toMatchObject({ status: 200, body: { result: "PONG" } });
  });

  it("kills a runaway EVAL inside a pipeline the same way", async () => {
    const res = await call([["PING"], ["EVAL", "while true do end", "0"]], "/pipeline");
    expect(res).toMatchObject({ status: 504, body: { error: killed("SCRIPT KILL") } });
    expect(await call(["PING"])).toMatchObject({ status: 200, body: { result: "PONG" } });
  });

  it("kills a runaway function with FUNCTION KILL", async () => {
    const code =
      "#!lua name=runaway\nredis.register_function{function_name='spin', callback=function() while true do end end, flags={'no-writes'}}";
    expect((await call(["FUNCTION", "LOAD", "REPLACE", code])).body).toEqual({ result: "runaway" });
    expect(await call(["FCALL_RO", "spin", "0"])).toMatchObject({ status: 504, body: { error: killed("FUNCTION KILL") } });
    expect(await call(["PING"])).toMatchObject({ status: 200, body: { result: "PONG" } });
  });

  it("says a script that already wrote is UNKILLABLE (then the test shuts the server down and it restarts)", async () => {
    const res = await call(["EVAL", "redis.call('SET', KEYS[1], 'x') while true do end", "1", `kill:${crypto.randomUUID()}`]);
    expect(res).toMatchObject({
      status: 504,
      body: {
        error: `${timedOut()}: the script is still running and Redis refused SCRIPT KILL (UNKILLABLE: the script has already written), so it holds the whole server until it ends. ${LIMITS}`,
      },
    });
    // The server is still held: it refuses even the SELECT that precedes every command on database 2.
    const refusedSelect = { status: 502, body: { error: `ERR the upstream of instance ${t.instance.id} refused to select database 2` } };
    const next = await call(["PING"]);
    if (transport === "direct") expect(next).toMatchObject(refusedSelect);
    // Pooled: the shard picked at random may hold a warm connection already on database 2, where
    // Redis answers the PING itself with BUSY; otherwise a new connection's SELECT is refused.
    else if (next.status === 400) expect(next.body).toEqual({ error: expect.stringMatching(/^BUSY Redis is busy running a script/) });
    else expect(next).toMatchObject(refusedSelect);
    expect(await raw(["PING"])).toMatch(/^-BUSY Redis is busy running a script/);
    await raw(["SHUTDOWN", "NOSAVE"]).catch(() => "");
    await waitForServer();
    expect(await call(["PING"])).toMatchObject({ status: 200, body: { result: "PONG" } });
  });

  it("runs scripts that finish in time as usual (control)", async () => {
    const other = await createInstance(t.account, t.orgId, { ...onBusyServer, transport });
    expect((await api("POST", `/redis/${other.id}`, { token: t.key, body: ["EVAL", "return 5", "0"] })).body).toEqual({ result: 5 });
  });
});
