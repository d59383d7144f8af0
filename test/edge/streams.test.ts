// Server-sent-event endpoints: /subscribe, /psubscribe and /monitor over a dedicated Redis connection,
// cleaned up when the client goes away.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createInstance, mintKey, tenant } from "../helpers/api";
import { openStream } from "../helpers/streams";

type Tenant = Awaited<ReturnType<typeof tenant>>;
let t: Tenant;

beforeAll(async () => {
  t = await tenant();
});

const redis = (token: string, body: unknown, instanceId = t.instance.id) => api("POST", `/redis/${instanceId}`, { token, body });

async function numsub(channel: string): Promise<number> {
  const res = await redis(t.key, ["PUBSUB", "NUMSUB", channel]);
  const [, count] = res.body.result as [string, unknown]; // PUBSUB NUMSUB: [channel, subscribers]
  return Number(count);
}

describe("subscribe", () => {
  it("streams subscribe confirmations and messages, and drops the Redis subscription on cancel", async () => {
    const channel = `ch:${crypto.randomUUID()}`;
    const stream = await openStream(`/redis/${t.instance.id}/subscribe/${encodeURIComponent(channel)}`, t.key);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get("content-type")).toBe("text/event-stream");
    expect(stream.res.headers.get("upstash-sync-token")).toMatch(/^rg1-/);
    await stream.until((e) => e.includes(`subscribe,${channel},1`));
    expect((await redis(t.key, ["PUBLISH", channel, "hello, world"])).body).toEqual({ result: 1 });
    await stream.until((e) => e.includes(`message,${channel},hello, world`));
    await stream.cancel();
    const deadline = Date.now() + 5000;
    while ((await numsub(channel)) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await numsub(channel)).toBe(0);
  });

  it("streams pattern messages with psubscribe, for a read-only key too", async () => {
    const read = await mintKey(t.account, t.orgId, { scopes: ["read"] });
    const prefix = `news:${crypto.randomUUID()}`;
    const stream = await openStream(`/redis/${t.instance.id}/psubscribe/${encodeURIComponent(`${prefix}:*`)}`, read.key);
    await stream.until((e) => e.includes(`psubscribe,${prefix}:*,1`));
    await redis(t.key, ["PUBLISH", `${prefix}:eu`, '{"n":1}']);
    await stream.until((e) => e.includes(`pmessage,${prefix}:*,${prefix}:eu,{"n":1}`));
    await stream.cancel();
  });

  it("turns a message past the reply limit into an error event naming the channel, and goes on streaming", async () => {
    const small = await tenant({}, { max_reply_bytes: 1024 });
    const channel = `ch:${crypto.randomUUID()}`;
    const stream = await openStream(`/redis/${small.instance.id}/subscribe/${encodeURIComponent(channel)}`, small.key);
    await stream.until((e) => e.includes(`subscribe,${channel},1`));
    await redis(small.key, ["PUBLISH", channel, "x".repeat(2000)], small.instance.id);
    await redis(small.key, ["PUBLISH", channel, "after"], small.instance.id);
    const events = await stream.until((e) => e.includes(`message,${channel},after`));
    expect(events.slice(1)).toEqual([
      `error,${channel},ERR the reply is larger than this instance's limit of 1024 bytes per request; ask for less at a time (a range, a SCAN cursor, a COUNT)`,
      `message,${channel},after`,
    ]);
    await stream.cancel();
  });

  it("reads Redis only as fast as the client takes events, and ends a stream whose client stopped reading", async () => {
    const channel = `ch:${crypto.randomUUID()}`;
    const stream = await openStream(`/redis/${t.instance.id}/subscribe/${encodeURIComponent(channel)}`, t.key);
    await stream.until((e) => e.includes(`subscribe,${channel},1`));
    // The client reads nothing more while eight 1 MiB messages are published: more than a stream may hold for it.
    const script = "for i = 1, 8 do redis.call('PUBLISH', KEYS[1], string.rep('x', 1048576)) end return 8";
    expect((await redis(t.key, ["EVAL", script, "1", channel])).body).toEqual({ result: 8 });
    // Five heartbeats (200 ms here) later the server closes the stream (its subscription goes) while
    // the client still reads nothing; then the client finds an error event after what it held.
    for (let tries = 0; (await numsub(channel)) !== 0 && tries < 200; tries++) await new Promise((r) => setTimeout(r, 50));
    expect(await numsub(channel)).toBe(0);
    const text = await stream.untilEnd();
    const events = stream.events;
    const messages = events.filter((e) => e.startsWith(`message,${channel},`));
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.length).toBeLessThan(8);
    expect(events.at(-1)).toBe(
      `error,${channel},ERR this stream's client left more than 1048576 bytes unread for 1 s; the stream was closed, subscribe again to continue`,
    );
    expect(text).toMatch(/event: error\ndata: error,/);
  });

  it("needs a channel in the path", async () => {
    const res = await api("POST", `/redis/${t.instance.id}/subscribe`, { token: t.key, body: [] });
    expect(res).toMatchObject({ status: 400, body: { error: "ERR subscribe needs a channel in the path" } });
  });
});

describe("monitor", () => {
  it("is an admin command: refused for a write key", async () => {
    const res = await api("POST", `/redis/${t.instance.id}/monitor`, { token: t.key });
    expect(res).toMatchObject({ status: 403, body: { error: expect.stringMatching(/^NOPERM .*'monitor'/) } });
  });

  it("streams OK, then the commands the instance runs", async () => {
    const open = await createInstance(t.account, t.orgId, { allow_admin: true });
    const admin = await mintKey(t.account, t.orgId, { scopes: ["admin"] });
    const stream = await openStream(`/redis/${open.id}/monitor`, admin.key);
    await stream.until((e) => e.includes('"OK"'));
    const marker = `mon:${crypto.randomUUID()}`;
    await redis(admin.key, ["GET", marker], open.id);
    await stream.until((e) => e.some((line) => line.includes(`"GET" "${marker}"`)));
    await stream.cancel();
  });

  it("shows only the commands of the instance's own database: the server's other databases are other instances'", async () => {
    const endpoint = new URL(env.TEST_REDIS_URL);
    endpoint.pathname = "/3";
    const onThree = await createInstance(t.account, t.orgId, { allow_admin: true, endpoint: endpoint.toString() });
    const admin = await mintKey(t.account, t.orgId, { scopes: ["admin"] });
    const stream = await openStream(`/redis/${onThree.id}/monitor`, admin.key);
    await stream.until((e) => e.includes('"OK"'));
    const [elsewhere, own] = [`mon-other:${crypto.randomUUID()}`, `mon-own:${crypto.randomUUID()}`];
    await redis(t.key, ["GET", elsewhere]); // database 0, through another instance
    await redis(admin.key, ["GET", own], onThree.id);
    // MONITOR sends lines in the order the server ran them: once this one is in, the other would be too.
    await stream.until((e) => e.some((line) => line.includes(`"GET" "${own}"`)));
    expect(stream.events.filter((line) => line.includes(elsewhere))).toEqual([]);
    await stream.cancel();
  });
});
