// Pub/sub: PUBLISH's receiver count and the SDK's SSE subscribers. Every subscriber is
// unsubscribed in `finally`, and the test then waits for Redis to report the subscription gone,
// which proves the edge closed its upstream connection when the client aborted the stream.
import type { Redis } from "@upstash/redis";
import { expect, it } from "vitest";
import { type CompatContext, keyspace, waitFor } from "../context";

const numsub = async (redis: Redis, channel: string): Promise<number> => {
  const reply = (await redis.exec(["PUBSUB", "NUMSUB", channel])) as [string, number];
  return reply[1];
};

/** Waits (up to 5 s) until Redis reports exactly `count` subscribers of `channel`. */
async function expectSubscribers(redis: Redis, channel: string, count: number): Promise<void> {
  expect(
    await waitFor(
      () => numsub(redis, channel),
      (n) => n === count,
    ),
  ).toBe(count);
}

/** Resolves with the first `count` values `listen` reports, or rejects after `ms`. */
function collect<T>(count: number, listen: (push: (value: T) => void) => void, ms = 5000): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const values: T[] = [];
    const timer = setTimeout(() => reject(new Error(`only ${values.length} of ${count} events: ${JSON.stringify(values)}`)), ms);
    listen((value) => {
      values.push(value);
      if (values.length === count) {
        clearTimeout(timer);
        resolve(values);
      }
    });
  });
}

export function pubsub(ctx: CompatContext) {
  it("PUBLISH without subscribers reaches nobody", async () => {
    const redis = ctx.client();
    const k = keyspace();
    expect(await redis.publish(k("nobody"), "hello")).toBe(0);
  });

  it("subscribe() receives published messages (JSON and raw text), then unsubscribes", async () => {
    const redis = ctx.client();
    const channel = keyspace()("ch");
    const subscriber = redis.subscribe(channel);
    try {
      const subscribed = collect<number>(1, (push) => subscriber.on("subscribe", push));
      const messages = collect<{ channel: string; message: unknown }>(3, (push) => subscriber.on("message", push));
      expect(await subscribed).toEqual([1]);
      await expectSubscribers(redis, channel, 1);
      expect(await redis.publish(channel, { hello: "world", n: [1, 2] })).toBe(1);
      expect(await redis.publish(channel, "plain text, with commas, and ünïcode 🚀")).toBe(1);
      expect(await redis.publish(channel, 42)).toBe(1);
      expect(await messages).toEqual([
        { channel, message: { hello: "world", n: [1, 2] } },
        { channel, message: "plain text, with commas, and ünïcode 🚀" },
        { channel, message: 42 },
      ]);
      expect(subscriber.getSubscribedChannels()).toEqual([channel]);
    } finally {
      await subscriber.unsubscribe();
    }
    await expectSubscribers(redis, channel, 0);
  });

  it("a payload with line breaks arrives whole, and cannot forge a message on another channel", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const [news, alerts] = [k("news"), k("alerts")];
    const subscriber = redis.subscribe([news, alerts]);
    try {
      const subscribed = collect<number>(2, (push) => subscriber.on("subscribe", push));
      const messages = collect<{ channel: string; message: unknown }>(3, (push) => subscriber.on("message", push));
      await subscribed;
      await expectSubscribers(redis, alerts, 1);
      const forgery = `hi\nmessage,${alerts},{"cmd":"wire the money"}`;
      expect(await redis.publish(news, forgery)).toBe(1);
      expect(await redis.publish(news, "line one\r\nline two\r\n")).toBe(1);
      expect(await redis.publish(alerts, "the only alert")).toBe(1);
      expect(await messages).toEqual([
        { channel: news, message: forgery },
        { channel: news, message: "line one\r\nline two\r\n" },
        { channel: alerts, message: "the only alert" },
      ]);
    } finally {
      await subscriber.unsubscribe();
    }
  });

  it("two subscribers to one channel each get their own stream (count 1 each)", async () => {
    const redis = ctx.client();
    const channel = keyspace()("ch");
    const first = redis.subscribe(channel);
    const second = ctx.client().subscribe(channel);
    try {
      const counts = await Promise.all([
        collect<number>(1, (push) => first.on("subscribe", push)),
        collect<number>(1, (push) => second.on("subscribe", push)),
      ]);
      expect(counts).toEqual([[1], [1]]);
      const received = Promise.all([
        collect<{ message: unknown }>(1, (push) => first.on("message", push)),
        collect<{ message: unknown }>(1, (push) => second.on("message", push)),
      ]);
      await expectSubscribers(redis, channel, 2);
      expect(await redis.publish(channel, "both")).toBe(2);
      expect(await received).toEqual([[{ channel, message: "both" }], [{ channel, message: "both" }]]);
    } finally {
      await first.unsubscribe();
      await second.unsubscribe();
    }
    await expectSubscribers(redis, channel, 0);
  });

  it("channel names with spaces and unicode reach Redis decoded", async () => {
    const redis = ctx.client();
    // The SDK puts the channel into the URL path unencoded; fetch percent-encodes it.
    const channel = keyspace()("news ü 🚀");
    const subscriber = redis.subscribe(channel);
    try {
      const messages = collect<{ channel: string; message: unknown }>(1, (push) => subscriber.on("message", push));
      expect(await collect<number>(1, (push) => subscriber.on("subscribe", push))).toEqual([1]);
      expect(await numsub(redis, channel)).toBe(1);
      expect(await redis.publish(channel, "hi")).toBe(1);
      expect(await messages).toEqual([{ channel, message: "hi" }]);
    } finally {
      await subscriber.unsubscribe();
    }
    await expectSubscribers(redis, channel, 0);
  });

  it("psubscribe() receives pmessage events for matching channels", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const pattern = `${k.prefix}news.*`;
    const subscriber = redis.psubscribe(pattern);
    try {
      expect(await collect<number>(1, (push) => subscriber.on("psubscribe", push))).toEqual([1]);
      const messages = collect<{ pattern: string; channel: string; message: unknown }>(2, (push) => subscriber.on("pmessage", push));
      expect(await redis.publish(k("news.tech"), { title: "t" })).toBe(1);
      expect(await redis.publish(k("sports"), "ignored")).toBe(0);
      // pmessage payloads must be JSON: the SDK parses them without the raw-text fallback it
      // uses for plain messages (an SDK limitation), so raw text is tested on subscribe() only.
      expect(await redis.publish(k("news.art"), ["a, b", 2])).toBe(1);
      expect(await messages).toEqual([
        { pattern, channel: k("news.tech"), message: { title: "t" } },
        { pattern, channel: k("news.art"), message: ["a, b", 2] },
      ]);
    } finally {
      await subscriber.unsubscribe();
    }
    // Only this test's pattern matches its channels, so PUBLISH counts exactly its subscription.
    expect(
      await waitFor(
        () => redis.publish(k("news.after"), "late"),
        (n) => n === 0,
      ),
    ).toBe(0);
  });
}
