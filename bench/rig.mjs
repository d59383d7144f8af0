// @ts-check
// The benchmarks' shared rig: a real redis-server with a password-protected ACL user, a private
// RedisGate stack (wrangler dev) and helpers to attach `redis` instances through a fault proxy.
// Loopback only.
import { execFileSync } from "node:child_process";
import { managementClient } from "../scripts/bootstrap.mjs";
import { startFaultProxy } from "../scripts/fault-proxy.mjs";
import { startRedisServer } from "../scripts/redis-server.mjs";
import { startPrivateStack } from "../scripts/stack.mjs";

export async function startRig() {
  const redis = await startRedisServer({ quiet: true });
  await redis.command(["ACL", "SETUSER", "gate", "on", ">gate-secret-pw", "~*", "&*", "+@all"]);
  const stack = await startPrivateStack({ redisUrl: redis.url });
  const api = managementClient(stack.base, stack.sessionToken);
  /** @type {{ stop(): Promise<void> }[]} */
  const proxies = [];
  let n = 0;
  /** Attaches a `redis` instance on the given transport whose Redis listens on `port`. @param {"pooled" | "direct"} transport @param {number} port */
  const attach = async (transport, port) => {
    n += 1;
    const made = await api("POST", `/api/organizations/${stack.orgId}/redis-instances`, {
      name: `Bench ${n}`,
      slug: `bench-${transport}-${n}-${Date.now().toString(36)}`,
      driver: "redis",
      endpoint: `redis://gate:gate-secret-pw@127.0.0.1:${port}`,
      transport,
    });
    if (made.status !== 201) throw new Error(`could not create the instance: ${JSON.stringify(made.json)}`);
    return `${stack.base}/redis/${made.json.data.id}`;
  };
  /**
   * A `redis` instance on the given transport behind its own proxy (optionally delaying each way).
   * @param {"pooled" | "direct"} transport @param {number} [delayMs]
   */
  const instance = async (transport, delayMs = 0) => {
    const proxy = await startFaultProxy({ targetPort: redis.port, delayMs });
    proxies.push(proxy);
    return { url: await attach(transport, proxy.port), proxy };
  };
  /**
   * A `redis` instance straight to the Redis, no proxy: for throughput, where a proxy opening a socket
   * of its own per connection would bill the direct transport for work no deployment does.
   * @param {"pooled" | "direct"} transport
   */
  const plainInstance = async (transport) => ({ url: await attach(transport, redis.port) });
  const headers = { authorization: `Bearer ${stack.key}`, "content-type": "application/json" };
  return {
    redis,
    stack,
    headers,
    instance,
    plainInstance,
    /** Resident memory (KiB) of this process's descendants named workerd. */
    workerdRssKiB() {
      const rows = execFileSync("ps", ["-eo", "pid=,ppid=,rss=,comm="], { encoding: "utf8" })
        .trim()
        .split("\n")
        .map((l) => l.trim().split(/\s+/));
      const children = new Map();
      for (const [pid, ppid] of rows) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
      const mine = new Set();
      const walk = (/** @type {string} */ pid) => {
        for (const c of children.get(pid) ?? []) {
          if (mine.has(c)) continue;
          mine.add(c);
          walk(c);
        }
      };
      walk(String(process.pid));
      return rows.filter(([pid, , , comm]) => mine.has(pid) && comm?.startsWith("workerd")).reduce((s, r) => s + Number(r[2]), 0);
    },
    async stop() {
      for (const p of proxies) await p.stop().catch(() => {});
      await stack.stop();
      await redis.stop();
    },
  };
}
