// When a Worker cannot reach an instance's pool object: a clear 502 (503 with Retry-After when the
// object sheds load), never a retry and never the command sent over a direct connection instead,
// since the pool may already have written it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tenant } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { unreachableObjects } from "../helpers/counting-bindings";

describe("an unreachable pool object", () => {
  it("answers 502 and sends nothing to Redis another way", async () => {
    const t = await tenant();
    const edge = clockedApp(Date.now(), { ...env, REDIS_POOL: unreachableObjects(env.REDIS_POOL) });
    const key = `pool-down:${crypto.randomUUID()}`;
    expect(await edge.redis(t.instance.id, t.key, ["SET", key, "1"])).toMatchObject({
      status: 502,
      body: { error: `ERR the connection pool of instance ${t.instance.id} is unavailable; the command may have run and was not retried` },
    });
    expect((await clockedApp(Date.now()).redis(t.instance.id, t.key, ["GET", key])).body).toEqual({ result: null });
  });

  it("answers 503 with Retry-After when the object sheds load", async () => {
    const t = await tenant();
    const edge = clockedApp(Date.now(), { ...env, REDIS_POOL: unreachableObjects(env.REDIS_POOL, { overloaded: true }) });
    const res = await edge.redis(t.instance.id, t.key, ["PING"]);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
  });
});
