// The real @upstash/ratelimit through the edge. Its scripts open with `#!lua flags=allow-key-locking`,
// an Upstash-only flag plain Redis refuses; the redis driver translates it. `timeout: 0` so the
// library never lets a call through on its own, and no ephemeral cache, so every call reaches Redis.
import { env } from "cloudflare:workers";
import { Ratelimit } from "@upstash/ratelimit";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createInstance, tenant } from "../helpers/api";
import { sdkClient } from "../helpers/sdk";

type Tenant = Awaited<ReturnType<typeof tenant>>;
let t: Tenant;
let upstashUrl: string;

const FLAGGED = "#!lua flags=allow-key-locking\nreturn redis.call('INCR', KEYS[1])";
const call = (body: unknown, url = t.url) => api("POST", url.slice(url.indexOf("/redis/")), { token: t.key, body });

beforeAll(async () => {
  t = await tenant();
  const upstash = await createInstance(t.account, t.orgId, {
    driver: "upstash",
    endpoint: env.TEST_UPSTREAM_URL,
    token: env.TEST_UPSTREAM_TOKEN,
  });
  upstashUrl = `${t.url.slice(0, t.url.indexOf("/redis/"))}/redis/${upstash.id}`;
});

const LIMITERS = {
  fixedWindow: () => Ratelimit.fixedWindow(10, "60 s"),
  slidingWindow: () => Ratelimit.slidingWindow(10, "60 s"),
  tokenBucket: () => Ratelimit.tokenBucket(1, "60 s", 10),
};

describe("@upstash/ratelimit 2.2.0 through the edge", () => {
  for (const driver of ["redis", "upstash"] as const) {
    for (const [name, limiter] of Object.entries(LIMITERS)) {
      it(`${name} (${driver} driver) allows exactly 10 of 30 concurrent calls`, async () => {
        const redis = sdkClient(driver === "redis" ? t.url : upstashUrl, t.key);
        const ratelimit = new Ratelimit({
          redis,
          limiter: limiter(),
          prefix: `rl:${crypto.randomUUID()}`,
          timeout: 0,
          ephemeralCache: false,
          analytics: false,
        });
        const results = await Promise.all(Array.from({ length: 30 }, () => ratelimit.limit("user-1")));
        expect(results.filter((r) => r.success)).toHaveLength(10);
        expect(results.filter((r) => !r.success)).toHaveLength(20);
        for (const r of results) expect(r.reason).toBeUndefined();
      });
    }
  }
});

describe("scripts with Upstash-only flags on a plain Redis", () => {
  it("runs EVAL and EVAL_RO of a flagged script", async () => {
    const key = `rl:${crypto.randomUUID()}`;
    expect(await call(["EVAL", FLAGGED, "1", key])).toMatchObject({ status: 200, body: { result: 1 } });
    const readOnly = "#!lua flags=no-writes,allow-key-locking\nreturn redis.call('GET', KEYS[1])";
    expect(await call(["EVAL_RO", readOnly, "1", key])).toMatchObject({ status: 200, body: { result: "1" } });
  });

  it("answers SCRIPT LOAD with the client's SHA1 and runs EVALSHA with it", async () => {
    const script = `${FLAGGED}\n-- ${crypto.randomUUID()}`;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(script)));
    const clientSha = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    expect(await call(["SCRIPT", "LOAD", script])).toMatchObject({ status: 200, body: { result: clientSha } });
    const key = `rl:${crypto.randomUUID()}`;
    expect(await call(["EVALSHA", clientSha, "1", key])).toMatchObject({ status: 200, body: { result: 1 } });
    expect(await call([["EVALSHA_RO", clientSha, "1", key]], `${t.url}/pipeline`)).toMatchObject({
      status: 200,
      // The server found the translated script by the client's SHA1 (not NOSCRIPT) and refused it as Redis does.
      body: [{ error: "ERR Can not execute a script with write flag using *_ro command." }],
    });
    expect(await call([["EVALSHA", clientSha, "1", key]], `${t.url}/multi-exec`)).toMatchObject({ status: 200, body: [{ result: 2 }] });
  });

  it("loads a library whose shebang carries an Upstash-only flag", async () => {
    const lib = `rl${crypto.randomUUID().replaceAll("-", "")}`;
    const code = `#!lua name=${lib} flags=allow-key-locking\nredis.register_function('${lib}_one', function() return 1 end)`;
    expect(await call(["FUNCTION", "LOAD", code])).toMatchObject({ status: 200, body: { result: lib } });
    expect(await call(["FCALL", `${lib}_one`, "0"])).toMatchObject({ status: 200, body: { result: 1 } });
    expect((await call(["FUNCTION", "DELETE", lib])).body).toEqual({ result: "OK" });
  });
});
