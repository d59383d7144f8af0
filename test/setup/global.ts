// Node-side set-up for the whole run, handed to the workers through vitest's provide/inject:
// a real redis-server, a silent TCP server (timeouts), a scripted HTTP fault server, and a second
// RedisGate in its own workerd (`wrangler dev`) that serves as the real Upstash-compatible upstream
// for the `upstash` driver.
import { createServer, type Socket } from "node:net";
import type { TestProject } from "vitest/node";
import { startFaultProxyControl } from "../../scripts/fault-proxy.mjs";
import { listenOnLoopback } from "../../scripts/loopback.mjs";
import { startRedisServer } from "../../scripts/redis-server.mjs";
import { startPrivateStack } from "../../scripts/stack.mjs";
import { startBusyRedis } from "./busy-redis";
import { startCountingProxy } from "./counting-proxy";
import { startFaultServer } from "./fault-server";
import { startSteadyRelay } from "./steady-relay";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
    redisAclUrl: string;
    redisPasswordUrl: string;
    redisBusyUrl: string;
    blackholeUrl: string;
    faultUrl: string;
    faultProxyUrl: string;
    upstreamUrl: string;
    upstreamToken: string;
    upstreamBase: string;
    countingProxyUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // Everything started so far is stopped again, in reverse order, even when a later step fails.
  const stops: (() => Promise<unknown>)[] = [];
  const teardown = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const redis = await startRedisServer({ quiet: true });
    stops.push(redis.stop);
    // A second user with a password, so the driver's AUTH path is exercised for real.
    await redis.command(["ACL", "SETUSER", "gate", "on", ">gate-secret-pw", "~*", "&*", "+@all"]);
    project.provide("redisUrl", redis.url);
    project.provide("redisAclUrl", `redis://gate:gate-secret-pw@127.0.0.1:${redis.port}`);

    // A server whose default user needs a password (requirepass, no ACL user): how many managed
    // Redis services are reached. Set after start-up, which waits for an unauthenticated PING.
    // test/edge/upstream-auth.test.ts changes its password for a moment: another file using this
    // server at the same time could see its AUTH refused.
    const passwordRedis = await startRedisServer({ quiet: true });
    stops.push(passwordRedis.stop);
    await passwordRedis.command(["CONFIG", "SET", "requirepass", "pass-only-secret"]);
    project.provide("redisPasswordUrl", `redis://:pass-only-secret@127.0.0.1:${passwordRedis.port}`);

    // A TCP server that accepts connections and never answers: the upstream-timeout case.
    const silent = new Set<Socket>();
    const blackhole = createServer((socket) => {
      silent.add(socket);
      socket.on("close", () => silent.delete(socket));
      socket.on("error", () => {});
    });
    const blackholePort = await listenOnLoopback(blackhole);
    stops.push(async () => {
      for (const socket of silent) socket.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
    });
    project.provide("blackholeUrl", `redis://127.0.0.1:${blackholePort}`);

    // Its own server: the runaway-script tests stall it and shut it down on purpose.
    const busy = await startBusyRedis();
    stops.push(busy.stop);
    project.provide("redisBusyUrl", busy.url);

    // Per-test TCP proxies to a redis-server (the main one unless asked) that stall, cut and refuse on command (pool faults).
    const proxies = await startFaultProxyControl(redis.port, [passwordRedis.port]);
    stops.push(proxies.stop);
    project.provide("faultProxyUrl", proxies.url);

    const faults = await startFaultServer();
    stops.push(faults.stop);
    project.provide("faultUrl", faults.url);

    // Its streams beat every 200 ms, so an aborted subscriber is noticed (and its Redis connection closed) quickly.
    const upstream = await startPrivateStack({ redisUrl: redis.url, vars: { SSE_HEARTBEAT_MS: "200" } });
    stops.push(upstream.stop);
    const relay = await startSteadyRelay(upstream.base);
    stops.push(relay.stop);
    project.provide("upstreamUrl", `${relay.url}${new URL(upstream.url).pathname}`);
    project.provide("upstreamToken", upstream.key);
    project.provide("upstreamBase", upstream.base);

    const proxy = await startCountingProxy(upstream.base);
    stops.push(proxy.stop);
    project.provide("countingProxyUrl", proxy.url);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
