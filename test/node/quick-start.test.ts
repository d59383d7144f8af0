// The README's promise, checked: the local stack `npm run dev` starts (scripts/stack.mjs), used
// from a plain Node program with the official @upstash/redis client and the printed url and token.
import { Redis } from "@upstash/redis";
import { describe, expect, inject, it } from "vitest";
import { bootstrap } from "../../scripts/bootstrap.mjs";

describe("the dev stack from Node with @upstash/redis", () => {
  const stack = inject("stack");
  const redis = new Redis({ url: stack.url, token: stack.key });
  const key = `node:${crypto.randomUUID()}`;

  it("sets and gets an object with auto-pipelining", async () => {
    await redis.set(key, { hello: "world" });
    expect(await redis.get(key)).toEqual({ hello: "world" });
  });

  it("runs a pipeline and a transaction", async () => {
    const p = redis.pipeline();
    p.incr(`${key}:n`);
    p.incr(`${key}:n`);
    expect(await p.exec()).toEqual([1, 2]);
    expect(await redis.multi().set(`${key}:m`, 1).get(`${key}:m`).exec()).toEqual(["OK", 1]);
  });

  it("refuses a wrong token with WRONGPASS", async () => {
    const bad = new Redis({ url: stack.url, token: `${stack.key}x` });
    await expect(bad.get(key)).rejects.toThrow(/^WRONGPASS /);
  });

  it("bootstraps idempotently: a second run keeps the same instance and key", async () => {
    const again = await bootstrap(stack.base, stack.redisUrl, stack.stateFile);
    expect([again.instanceId, again.key]).toEqual([stack.instanceId, stack.key]);
  });
});
