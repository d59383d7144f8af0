// How a `redis` instance's connections authenticate. AUTH as the server's default user (a password,
// no username: requirepass, as many managed Redis services have it) travels in the same write as
// the commands: on every direct request, and on a pooled connection's first exchange; one round trip
// fewer. So does AUTH as an ACL user once the isolate has seen the server refuse a command sent
// before AUTH (its default user needs a password). With a database number, or an ACL user on a
// server that runs commands without AUTH, each set-up step is answered before any command is
// written. A TCP proxy in front of the real redis-server counts connections and round trips (a
// burst of client bytes after the server spoke).
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { sealedTarget } from "../../src/edge/gate";
import { getConfig } from "../../src/env";
import { getInstanceRecord } from "../../src/storage/directory";
import { poolName } from "../../src/upstream/redis/pooled-transport";
import { api, tenant } from "../helpers/api";
import { faultProxy } from "../helpers/fault-proxy";
import { aclUser, moveDirectoryRecord, redisValue } from "../helpers/redis-server";
import { openStream } from "../helpers/streams";

/**
 * An instance on `upstream` behind its own proxy, on the given transport; `sent` counts round trips
 * and connections from now on (after the instance's creation checks).
 */
async function proxiedTenant(upstream: string, transport: "direct" | "pooled" = "direct") {
  const proxy = await faultProxy(upstream);
  const t = await tenant({}, { endpoint: proxy.url, transport });
  const call = (body: unknown, path = "") => api("POST", `/redis/${t.instance.id}${path}`, { token: t.key, body });
  const before = await proxy.stats();
  const sent = async () => {
    const now = await proxy.stats();
    return { roundTrips: now.roundTrips - before.roundTrips, connections: now.accepted - before.accepted };
  };
  return { ...t, proxy, call, sent };
}

const key = () => `upstream-auth:${crypto.randomUUID()}`;

describe("direct transport: AUTH on each request's connection", () => {
  it("to a Redis that wants only a password, sends AUTH with the command: one round trip per request", async () => {
    const t = await proxiedTenant(env.TEST_REDIS_PASSWORD_URL);
    const k = key();
    expect(await t.call(["SET", k, "v"])).toMatchObject({ status: 200, body: { result: "OK" } });
    for (let i = 0; i < 4; i++) expect(await t.call(["GET", k])).toMatchObject({ status: 200, body: { result: "v" } });
    expect(await t.sent()).toEqual({ roundTrips: 5, connections: 5 });
  });

  it("answers a pipeline and a transaction in order the same way, each in one round trip", async () => {
    const t = await proxiedTenant(env.TEST_REDIS_PASSWORD_URL);
    const k = key();
    const pipeline = await t.call(
      [
        ["SET", k, "1"],
        ["INCR", k],
        ["GET", k],
      ],
      "/pipeline",
    );
    expect(pipeline).toMatchObject({ status: 200, body: [{ result: "OK" }, { result: 2 }, { result: "2" }] });
    const tx = await t.call(
      [
        ["INCR", k],
        ["GET", k],
      ],
      "/multi-exec",
    );
    expect(tx).toMatchObject({ status: 200, body: [{ result: 3 }, { result: "3" }] });
    expect(await t.sent()).toEqual({ roundTrips: 2, connections: 2 });
  });

  it("with an ACL user on a server that runs commands without AUTH, has AUTH answered before writing any command: two round trips", async () => {
    const t = await proxiedTenant(env.TEST_REDIS_ACL_URL);
    for (let i = 0; i < 3; i++) expect((await t.call(["PING"])).status).toBe(200);
    expect(await t.sent()).toEqual({ roundTrips: 6, connections: 3 });
  });

  it("with a database number, has AUTH and SELECT answered before writing any command", async () => {
    const t = await proxiedTenant(`${env.TEST_REDIS_PASSWORD_URL}/3`);
    const k = key();
    expect(await t.call(["SET", k, "in three"])).toMatchObject({ status: 200 });
    expect(await t.sent()).toEqual({ roundTrips: 2, connections: 1 });
    expect(await redisValue(["GET", k], `${env.TEST_REDIS_PASSWORD_URL}/3`)).toBe("in three");
    expect(await redisValue(["EXISTS", k], env.TEST_REDIS_PASSWORD_URL)).toBe(0);
  });
});

describe("pooled transport: AUTH on a new connection", () => {
  it("to a Redis that wants only a password, sends AUTH with the connection's first request: one round trip", async () => {
    const t = await proxiedTenant(env.TEST_REDIS_PASSWORD_URL, "pooled");
    const k = key();
    expect(await t.call(["SET", k, "pooled"])).toMatchObject({ status: 200, body: { result: "OK" } });
    expect(await t.sent()).toEqual({ roundTrips: 1, connections: 1 });
    expect(await redisValue(["GET", k], env.TEST_REDIS_PASSWORD_URL)).toBe("pooled");
  });

  it("a new connection whose first request (sent with its AUTH) goes unanswered counts as stalled: the next request gets a connection of its own", async () => {
    const t = await proxiedTenant(env.TEST_REDIS_PASSWORD_URL, "pooled");
    // Straight to one shard's pool object, as the edge would call it, so both requests meet the same pool.
    const record = await getInstanceRecord(env.DIRECTORY, t.instance.id);
    if (!record) throw new Error("the instance is not in the directory");
    const target = sealedTarget(record, getConfig(env));
    const shard = env.REDIS_POOL.get(env.REDIS_POOL.idFromName(poolName(t.instance.id, null, 0)));
    await t.proxy.stallNext();
    const k = key();
    expect(await shard.exchange(target, [["SET", k, "held"]])).toMatchObject({ ok: false, kind: "timeout" });
    const next = await shard.exchange(target, [["GET", k]]);
    expect(next.ok).toBe(true);
    expect(await t.sent()).toMatchObject({ connections: 2 });
  });

  it("with an ACL user on a server that runs commands without AUTH, has AUTH answered before the first request is written: two round trips", async () => {
    const t = await proxiedTenant(env.TEST_REDIS_ACL_URL, "pooled");
    expect((await t.call(["PING"])).status).toBe(200);
    expect(await t.sent()).toEqual({ roundTrips: 2, connections: 1 });
  });
});

describe("streams: AUTH on a subscription's own connection", () => {
  /** Subscribes through `t` and reads until Redis confirmed; round trips and connections so far. */
  async function subscribed(t: Awaited<ReturnType<typeof proxiedTenant>>) {
    const channel = `upstream-auth:${crypto.randomUUID()}`;
    const stream = await openStream(`/redis/${t.instance.id}/subscribe/${encodeURIComponent(channel)}`, t.key);
    expect(stream.res.status).toBe(200);
    await stream.until((events) => events.includes(`subscribe,${channel},1`));
    const sent = await t.sent();
    await stream.cancel();
    return sent;
  }

  it("to a Redis that wants only a password, sends AUTH with SUBSCRIBE: confirmed after one round trip", async () => {
    expect(await subscribed(await proxiedTenant(env.TEST_REDIS_PASSWORD_URL))).toEqual({ roundTrips: 1, connections: 1 });
  });

  it("with an ACL user on a server that runs commands without AUTH, has AUTH answered first: two round trips", async () => {
    expect(await subscribed(await proxiedTenant(env.TEST_REDIS_ACL_URL))).toEqual({ roundTrips: 2, connections: 1 });
  });
});

describe("an ACL user on a server whose default user needs a password", () => {
  // Such a server refuses a command sent before AUTH (NOAUTH), so if AUTH fails, so does every
  // command after it. The first set-up on a server sends a PING ahead of AUTH to learn that; from
  // then on the isolate sends AUTH with the commands.
  const user = () => aclUser(["~*", "&*", "+@all"], env.TEST_REDIS_PASSWORD_URL);

  it("direct: the first request to a server the isolate has not seen has AUTH answered first; every one after takes one round trip", async () => {
    const t = await proxiedTenant((await user()).url);
    // Creating the instance (its isolation probes) taught the isolate about the proxy it used: the
    // edge moves to a second proxy to the same server, one it has not seen.
    const unseen = await faultProxy(env.TEST_REDIS_PASSWORD_URL);
    await moveDirectoryRecord(t.instance.id, `redis://127.0.0.1:${unseen.port}`);
    const k = key();
    expect(await t.call(["SET", k, "acl"])).toMatchObject({ status: 200, body: { result: "OK" } });
    for (let i = 0; i < 4; i++) expect(await t.call(["GET", k])).toMatchObject({ status: 200, body: { result: "acl" } });
    expect(await unseen.stats()).toMatchObject({ roundTrips: 6, accepted: 5 });
  });

  it("pooled: on a server the isolate has seen, a new connection sends AUTH with its first request: one round trip", async () => {
    const t = await proxiedTenant((await user()).url, "pooled");
    expect(await t.call(["SET", key(), "pooled"])).toMatchObject({ status: 200, body: { result: "OK" } });
    expect(await t.sent()).toEqual({ roundTrips: 1, connections: 1 });
  });

  it("direct: the user's password changes after the server was learned: 502 naming the stored credentials, and the command never ran", async () => {
    const u = await user();
    const t = await proxiedTenant(u.url);
    expect((await t.call(["PING"])).status).toBe(200);
    await redisValue(["ACL", "SETUSER", u.name, "resetpass", `>other-${crypto.randomUUID()}`], env.TEST_REDIS_PASSWORD_URL);
    const k = key();
    for (let i = 0; i < 2; i++) {
      expect(await t.call(["SET", k, "must not be written"])).toMatchObject({
        status: 502,
        body: { error: `ERR the upstream of instance ${t.instance.id} rejected its stored credentials` },
      });
    }
    expect(await redisValue(["EXISTS", k], env.TEST_REDIS_PASSWORD_URL)).toBe(0);
    expect(await t.sent()).toEqual({ roundTrips: 3, connections: 3 });
  });
});

describe("when the server's password changes behind the instance", () => {
  // The server's default user takes a second password for one test, then loses it or all of them.
  const server = env.TEST_REDIS_PASSWORD_URL;
  const serverPassword = decodeURIComponent(new URL(server).password);
  const noPassword = `redis://127.0.0.1:${new URL(server).port}`;
  const extra = `pw-${crypto.randomUUID()}`;
  const withExtra = (() => {
    const url = new URL(server);
    url.password = extra;
    return url.href;
  })();
  afterEach(async () => {
    // Whatever a test did, the server wants its own password again, and only it.
    for (const url of [server, noPassword]) {
      const reset = await redisValue(["ACL", "SETUSER", "default", "on", "resetpass", `>${serverPassword}`], url).catch(() => null);
      if (reset === "OK") return;
    }
    throw new Error("could not give the password server its password back");
  });

  it.each(["direct", "pooled"] as const)(
    "%s: a password the server no longer takes: 502 naming the stored credentials, and the command never ran",
    async (transport) => {
      await redisValue(["ACL", "SETUSER", "default", `>${extra}`], server);
      const t = await proxiedTenant(withExtra, transport);
      await redisValue(["ACL", "SETUSER", "default", `<${extra}`], server);
      const k = key();
      for (let i = 0; i < 2; i++) {
        expect(await t.call(["SET", k, "must not be written"])).toMatchObject({
          status: 502,
          body: { error: `ERR the upstream of instance ${t.instance.id} rejected its stored credentials` },
        });
      }
      expect(await redisValue(["EXISTS", k], server)).toBe(0);
    },
  );

  it("direct, ACL user: the server stops wanting a password after it was learned, and the user's password is wrong: 502, and AUTH is answered first again", async () => {
    const u = await aclUser(["~*", "&*", "+@all"], server);
    const t = await proxiedTenant(u.url);
    expect((await t.call(["PING"])).status).toBe(200);
    await redisValue(["ACL", "SETUSER", u.name, "resetpass", `>other-${crypto.randomUUID()}`], server);
    await redisValue(["ACL", "SETUSER", "default", "nopass"], server);
    const [ran, never] = [key(), key()];
    const rejected = { status: 502, body: { error: `ERR the upstream of instance ${t.instance.id} rejected its stored credentials` } };
    // The one request the isolate's knowledge let through: it ran as the default user of a server
    // now open to anyone who reaches it. Its answer is still the credentials' 502.
    expect(await t.call(["INCR", ran])).toMatchObject(rejected);
    expect(await redisValue(["GET", ran], noPassword)).toBe("1");
    // From then on the set-up is answered first, so a refused AUTH runs nothing.
    expect(await t.call(["SET", never, "must not be written"])).toMatchObject(rejected);
    expect(await redisValue(["EXISTS", never], noPassword)).toBe(0);
  });

  it("a stream with a password the server no longer takes: 502 naming the stored credentials, and nothing subscribed", async () => {
    await redisValue(["ACL", "SETUSER", "default", `>${extra}`], server);
    const t = await proxiedTenant(withExtra);
    await redisValue(["ACL", "SETUSER", "default", `<${extra}`], server);
    const channel = `upstream-auth:${crypto.randomUUID()}`;
    const res = await api("POST", `/redis/${t.instance.id}/subscribe/${encodeURIComponent(channel)}`, { token: t.key });
    expect(res).toMatchObject({
      status: 502,
      body: { error: `ERR the upstream of instance ${t.instance.id} rejected its stored credentials` },
    });
    expect(await redisValue(["PUBSUB", "NUMSUB", channel], server)).toEqual([channel, 0]);
  });

  it.each(["direct", "pooled"] as const)(
    "%s: a server that stopped wanting a password: the commands ran as its default user, and their replies are the answer",
    async (transport) => {
      const t = await proxiedTenant(server, transport);
      await redisValue(["ACL", "SETUSER", "default", "nopass"], server);
      const k = key();
      expect(await t.call(["INCR", k])).toMatchObject({ status: 200, body: { result: 1 } });
      expect(await t.call(["INCR", k])).toMatchObject({ status: 200, body: { result: 2 } });
      expect(await redisValue(["GET", k], noPassword)).toBe("2");
    },
  );
});
