// Streams are bounded: concurrent /subscribe, /psubscribe and /monitor streams per key and per
// instance (counted across isolates by the instance's StreamSlots object), refused with 429 and
// Retry-After; and each stream ends after the instance's maximum lifetime with an error event the
// official SDK hands to its "error" listeners. Only the lifetime tests use short lifetimes; the
// concurrency tests' streams live long (so a slow machine cannot free a slot early) and are ended
// by the test.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, mintKey, tenant } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { unreachableObjects } from "../helpers/counting-bindings";
import { aclUser, redisValue } from "../helpers/redis-server";
import { sdkClient } from "../helpers/sdk";
import { openStream } from "../helpers/streams";

const subscribe = (instanceId: string, channel: string, token: string) =>
  openStream(`/redis/${instanceId}/subscribe/${encodeURIComponent(channel)}`, token);

/** Far longer than any test here: a concurrency test's streams end only when it cancels them. */
const LONG_LIVED = { max_stream_seconds: 600 };

type Stream = Awaited<ReturnType<typeof subscribe>>;
const cancelAll = (streams: Stream[]) => Promise.all(streams.map((s) => s.cancel()));

/**
 * Ends the one stream of `user` that holds a pattern subscription by closing its Redis connection:
 * the server ends that stream as it would any whose Redis went away (a client's cancel is the
 * other way, tested below).
 */
async function endPatternStream(user: string): Promise<void> {
  const clients = String(await redisValue(["CLIENT", "LIST"])).split("\n");
  const ids = clients.filter((c) => c.includes(` user=${user} `) && c.includes(" psub=1 ")).map((c) => c.match(/^id=(\d+) /)?.[1]);
  expect(ids).toEqual([expect.any(String)]);
  expect(await redisValue(["CLIENT", "KILL", "ID", ids[0] as string])).toBe(1);
}

describe("stream lifetime", () => {
  it("ends a stream after the instance's maximum lifetime with an SSE error event", async () => {
    const t = await tenant({}, { max_stream_seconds: 1 });
    const channel = `life:${crypto.randomUUID()}`;
    const stream = await subscribe(t.instance.id, channel, t.key);
    expect(stream.res.status).toBe(200);
    await stream.until(() => stream.events.includes(`subscribe,${channel},1`));
    const text = await stream.untilEnd();
    expect(text).toMatch(
      new RegExp(
        `event: error\\ndata: error,${channel},ERR this stream reached its maximum lifetime of 1 s on this instance; subscribe again to continue\\n\\n$`,
      ),
    );
  });

  it("runs the official SDK subscriber's error handler", async () => {
    const t = await tenant({}, { max_stream_seconds: 1 });
    const channel = `sdk:${crypto.randomUUID()}`;
    const subscriber = sdkClient(t.url, t.key).subscribe([channel]);
    const error = await new Promise((resolve) => subscriber.on("error", resolve));
    expect(error).toEqual({
      channel,
      message: "ERR this stream reached its maximum lifetime of 1 s on this instance; subscribe again to continue",
    });
    await subscriber.unsubscribe();
  });
});

describe("concurrent streams", () => {
  it("refuses a stream past the instance's limit with 429 and Retry-After, and frees the slot when one ends", async () => {
    const user = await aclUser(["~*", "&*", "+@all"]);
    const t = await tenant({}, { endpoint: user.url, max_streams_per_instance: 2, ...LONG_LIVED });
    const other = await mintKey(t.account, t.orgId, { scopes: ["read"] });
    const first = await openStream(`/redis/${t.instance.id}/psubscribe/a*`, t.key);
    const second = await subscribe(t.instance.id, "b", other.key);
    expect([first.res.status, second.res.status]).toEqual([200, 200]);
    const third = await api("POST", `/redis/${t.instance.id}/psubscribe/c*`, { token: t.key });
    expect(third.status).toBe(429);
    const retryAfter = Number(third.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(third.body).toEqual({
      error: `ERR too many concurrent streams on instance ${t.instance.id} (the limit is 2); close one or retry after ${retryAfter} s`,
    });
    await endPatternStream(user.name);
    await first.untilEnd();
    const fourth = await subscribe(t.instance.id, "d", t.key);
    expect(fourth.res.status).toBe(200);
    await cancelAll([second, fourth]);
  });

  it("gives a HEAD request's stream its slot back at once: it has no body to stream", async () => {
    const t = await tenant({}, { max_streams_per_key: 1, ...LONG_LIVED });
    for (let i = 0; i < 3; i++) expect((await api("HEAD", `/redis/${t.instance.id}/subscribe/h${i}`, { token: t.key })).status).toBe(200);
    const real = await subscribe(t.instance.id, "after", t.key);
    expect(real.res.status).toBe(200);
    await real.cancel();
  });

  it("refuses a key's stream past the per-key limit while another key still gets one", async () => {
    const t = await tenant({}, { max_streams_per_key: 1, ...LONG_LIVED });
    const other = await mintKey(t.account, t.orgId, { scopes: ["read"] });
    const first = await subscribe(t.instance.id, "a", t.key);
    expect(first.res.status).toBe(200);
    const second = await api("POST", `/redis/${t.instance.id}/subscribe/b`, { token: t.key });
    expect(second).toMatchObject({
      status: 429,
      body: {
        error: expect.stringMatching(
          new RegExp(`^ERR too many concurrent streams for this key on instance ${t.instance.id} \\(the limit is 1\\)`),
        ),
      },
    });
    const third = await subscribe(t.instance.id, "c", other.key);
    expect(third.res.status).toBe(200);
    await cancelAll([first, third]);
  });

  it("counts a refused stream with the key's refused requests on the usage page", async () => {
    const t = await tenant({}, { max_streams_per_key: 1, ...LONG_LIVED });
    const first = await subscribe(t.instance.id, "a", t.key);
    expect(first.res.status).toBe(200);
    for (const path of ["subscribe/b", "psubscribe/c*"]) {
      expect((await api("POST", `/redis/${t.instance.id}/${path}`, { token: t.key })).status).toBe(429);
    }
    await first.cancel();
    const usage = await api("GET", `/api/organizations/${t.orgId}/usage?days=1`, { token: t.account.token });
    expect(usage.body.data.refused.total).toBe(2);
    // Both passed admission first (they count against the rate limit like any request), then found no slot.
    expect(usage.body.data.keys).toEqual([expect.objectContaining({ key_id: t.keyId, refused: 2 })]);
  });

  it("uses the deployment's defaults: 10 per key", async () => {
    const t = await tenant({}, LONG_LIVED);
    const streams = await Promise.all(Array.from({ length: 10 }, (_, i) => subscribe(t.instance.id, `s${i}`, t.key)));
    expect(streams.map((s) => s.res.status)).toEqual(Array(10).fill(200));
    expect((await api("POST", `/redis/${t.instance.id}/subscribe/x`, { token: t.key })).status).toBe(429);
    await cancelAll(streams);
  });
});

describe("a stream whose slot lapsed", () => {
  it("ends at its next renewal with an error event, so the instance's limit holds", async () => {
    const t = await tenant();
    const channel = `ch:${crypto.randomUUID()}`;
    const stream = await openStream(`/redis/${t.instance.id}/subscribe/${encodeURIComponent(channel)}`, t.key);
    await stream.until((e) => e.includes(`subscribe,${channel},1`));
    // The slot is gone, as after a minute with no renewal reaching the object (its lease may now count another stream).
    const slots = env.STREAM_SLOTS.get(env.STREAM_SLOTS.idFromName(t.instance.id));
    await runInDurableObject(slots, (_object, state) => state.storage.sql.exec("DELETE FROM leases"));
    // Renewals run every ten heartbeats: 2 s here.
    await stream.until((e) => e.some((event) => event.startsWith("error,")), 10_000);
    expect(stream.events.at(-1)).toBe(
      `error,${channel},ERR this stream lost its slot among the instance's concurrent streams (the slot could not be renewed); subscribe again to continue`,
    );
  });
});

describe("unreachable stream slots", () => {
  it("answer 503 with Retry-After, opening nothing", async () => {
    const t = await tenant();
    const edge = clockedApp(Date.now(), { ...env, STREAM_SLOTS: unreachableObjects(env.STREAM_SLOTS) });
    const res = await edge.fetch(`/redis/${t.instance.id}/subscribe/slots-down`, { method: "POST", token: t.key });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.json()).toEqual({ error: `ERR the stream slots of instance ${t.instance.id} are unavailable; retry shortly` });
  });
});

describe("a stream's access, checked while it runs", () => {
  it("frees a stream's slot when its client hangs up, so the key can subscribe again at once", async () => {
    const t = await tenant({}, { max_streams_per_key: 1, ...LONG_LIVED });
    const channel = `hangup:${crypto.randomUUID()}`;
    const first = await subscribe(t.instance.id, channel, t.key);
    await first.until((events) => events.includes(`subscribe,${channel},1`));
    await first.cancel();
    // The slot's lease lasts a minute: only a release that outlives the hung-up request frees it sooner.
    const deadline = Date.now() + 10_000;
    let again: Stream | undefined;
    while (!again && Date.now() < deadline) {
      const next = await subscribe(t.instance.id, channel, t.key);
      if (next.res.status === 200) again = next;
      else {
        await next.cancel();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    expect(again?.res.status).toBe(200);
    await again?.cancel();
  });

  it("ends a stream whose key was revoked, and one whose instance was disabled, each with an error event", async () => {
    const t = await tenant({}, LONG_LIVED);
    const reader = await mintKey(t.account, t.orgId, { scopes: ["read"] });
    const [revokedChannel, disabledChannel] = [`revoked:${crypto.randomUUID()}`, `disabled:${crypto.randomUUID()}`];
    const other = await tenant({}, LONG_LIVED);
    const [onRevokedKey, onDisabledInstance] = await Promise.all([
      subscribe(t.instance.id, revokedChannel, reader.key),
      subscribe(other.instance.id, disabledChannel, other.key),
    ]);
    await onRevokedKey.until((events) => events.includes(`subscribe,${revokedChannel},1`));
    await onDisabledInstance.until((events) => events.includes(`subscribe,${disabledChannel},1`));
    expect((await api("DELETE", `/api/organizations/${t.orgId}/api-keys/${reader.api_key.id}`, { token: t.account.token })).status).toBe(
      200,
    );
    const disabled = await api("PUT", `/api/organizations/${other.orgId}/redis-instances/${other.instance.id}`, {
      token: other.account.token,
      body: { disabled: true },
    });
    expect(disabled.status).toBe(200);
    // Seen at a renewal once the isolate's caches (10 s) let the change through; before, each ran to its lifetime.
    const [revokedText, disabledText] = await Promise.all([onRevokedKey.untilEnd(), onDisabledInstance.untilEnd()]);
    expect(revokedText).toMatch(
      new RegExp(`event: error\\ndata: error,${revokedChannel},WRONGPASS this API key has been revoked; this stream was closed\\n\\n$`),
    );
    expect(disabledText).toMatch(
      new RegExp(
        `event: error\\ndata: error,${disabledChannel},ERR instance ${other.instance.id} is disabled; this stream was closed\\n\\n$`,
      ),
    );
  });
});
