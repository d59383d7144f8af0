// The connection pool a RedisPool object holds, driven directly against the real redis-server behind
// a fault proxy: what it sends, and when it refuses to, at a request's deadline.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sealedTarget } from "../../../src/edge/gate";
import { getConfig } from "../../../src/env";
import { getInstanceRecord } from "../../../src/storage/directory";
import { openTarget } from "../../../src/upstream/credentials";
import { ConnectionPool, POOL_LIMITS } from "../../../src/upstream/redis/pool";
import { RespSimple } from "../../../src/upstream/redis/resp";
import { tenant } from "../../helpers/api";
import { faultProxy } from "../../helpers/fault-proxy";
import { redisValue } from "../../helpers/redis-server";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An instance behind a fault proxy, with its target opened as the pool object opens it. */
async function proxiedTarget() {
  const proxy = await faultProxy();
  const t = await tenant({}, { endpoint: proxy.url });
  const record = await getInstanceRecord(env.DIRECTORY, t.instance.id);
  if (!record) throw new Error("the instance is not in the directory");
  const config = getConfig(env);
  return { proxy, target: await openTarget(config.ENCRYPTION_KEY, sealedTarget(record, config)) };
}

describe("connection pool deadlines", () => {
  it("sends nothing for a request whose deadline passed while it waited for a connection", async () => {
    const { proxy, target } = await proxiedTarget();
    const pool = new ConnectionPool(POOL_LIMITS);
    const key = `unsent:${crypto.randomUUID()}`;
    // The first request opens a connection whose AUTH reply the proxy holds; the second, with a
    // shorter deadline (as when the object's event loop is late), waits for that connection.
    await proxy.stallNext();
    const opener = pool.exchange({ ...target, timeoutMs: 5000 }, "fingerprint", [["PING"]], 4);
    const late = pool.exchange({ ...target, timeoutMs: 300 }, "fingerprint", [["INCR", key]], 4 + key.length);
    await expect(late).rejects.toMatchObject({
      kind: "timeout",
      message: `ERR the upstream of instance ${target.instanceId} did not answer within 300 ms`,
    });
    await proxy.resume();
    expect(await opener).toEqual([new RespSimple("PONG")]);
    for (let tries = 0; pool.stats().requests > 0 && tries < 100; tries++) await sleep(50);
    expect(pool.stats()).toMatchObject({ requests: 0, bytes: 0 });
    // Its caller was told it timed out; the INCR never reached Redis.
    expect(await redisValue(["GET", key])).toBeNull();
  });
});
