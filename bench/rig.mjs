// @ts-check
// The benchmarks' shared rig: a real redis-server with a password-protected ACL user, a second one
// whose default user needs a password (requirepass) with the same ACL user, a private RedisGate stack
// (wrangler dev) and helpers to attach `redis` instances, straight or through a fault proxy.
// Loopback only.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { managementClient } from "../scripts/bootstrap.mjs";
import { startFaultProxy } from "../scripts/fault-proxy.mjs";
import { startRedisServer } from "../scripts/redis-server.mjs";
import { startPrivateStack } from "../scripts/stack.mjs";

/** The Worker's compatibility date (wrangler.toml), for Workers the benchmarks run beside it. */
export const COMPATIBILITY_DATE =
  readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8").match(/^compatibility_date\s*=\s*"([^"]+)"/m)?.[1] ?? "";

/** The Redis ACL user every bench instance authenticates as. */
const REDIS_USER = { username: "gate", password: "gate-secret-pw" };

/**
 * redis-server arguments that create REDIS_USER at start-up, so a restarted Redis (bench/faults.mjs)
 * accepts the instances' credentials from its first connection.
 */
export const REDIS_USER_ARGS = ["--user", REDIS_USER.username, "on", `>${REDIS_USER.password}`, "~*", "&*", "+@all"];

/** The password of the second server's default user. */
const DEFAULT_USER_PASSWORD = "default-user-secret-pw";

/**
 * How an instance logs in: `user`, as the ACL user on the first server, whose default user runs
 * commands without AUTH (so AUTH is answered before any command); `password`, as the second server's
 * default user (the direct transport sends AUTH with the command); `locked-user`, as the same ACL
 * user on the second server, whose default user needs a password (once an isolate has seen that
 * server refuse a command before AUTH, AUTH goes with the commands).
 * @typedef {"user" | "password" | "locked-user"} Login
 */

export async function startRig() {
  const redis = await startRedisServer({ quiet: true, args: REDIS_USER_ARGS });
  // The password is set once the server is up: start-up waits for a PING without one.
  const passwordRedis = await startRedisServer({ quiet: true });
  await passwordRedis.command(["ACL", "SETUSER", ...REDIS_USER_ARGS.slice(1)]);
  await passwordRedis.command(["CONFIG", "SET", "requirepass", DEFAULT_USER_PASSWORD]);
  const userinfo = `${REDIS_USER.username}:${REDIS_USER.password}`;
  /** @param {Login} login */
  const server = (login) =>
    login === "user"
      ? { port: redis.port, userinfo }
      : login === "locked-user"
        ? { port: passwordRedis.port, userinfo }
        : { port: passwordRedis.port, userinfo: `:${DEFAULT_USER_PASSWORD}` };
  const stack = await startPrivateStack({ redisUrl: redis.url });
  const api = managementClient(stack.base, stack.sessionToken);
  /** @type {{ stop(): Promise<void> }[]} */
  const proxies = [];
  let n = 0;
  /**
   * Attaches a `redis` instance on the given transport whose Redis listens on `port`.
   * @param {"pooled" | "direct"} transport @param {number} port @param {Login} login
   */
  const attach = async (transport, port, login) => {
    n += 1;
    const made = await api("POST", `/api/organizations/${stack.orgId}/redis-instances`, {
      name: `Bench ${n}`,
      slug: `bench-${transport}-${n}-${Date.now().toString(36)}`,
      driver: "redis",
      endpoint: `redis://${server(login).userinfo}@127.0.0.1:${port}`,
      transport,
    });
    if (made.status !== 201) throw new Error(`could not create the instance: ${JSON.stringify(made.json)}`);
    return `${stack.base}/redis/${made.json.data.id}`;
  };
  /**
   * A `redis` instance on the given transport behind its own proxy (optionally delaying each way).
   * @param {"pooled" | "direct"} transport @param {number} [delayMs] @param {Login} [login]
   */
  const instance = async (transport, delayMs = 0, login = /** @type {Login} */ ("user")) => {
    const proxy = await startFaultProxy({ targetPort: server(login).port, delayMs });
    proxies.push(proxy);
    return { url: await attach(transport, proxy.port, login), proxy };
  };
  /**
   * A `redis` instance straight to the Redis, no proxy: for throughput, where a proxy opening a socket
   * of its own per connection would bill the direct transport for work no deployment does.
   * @param {"pooled" | "direct"} transport @param {Login} [login]
   */
  const plainInstance = async (transport, login = /** @type {Login} */ ("user")) => ({
    url: await attach(transport, server(login).port, login),
  });
  const headers = { authorization: `Bearer ${stack.key}`, "content-type": "application/json" };
  return {
    redis,
    redisUser: REDIS_USER,
    passwordRedis: { port: passwordRedis.port, password: DEFAULT_USER_PASSWORD },
    stack,
    headers,
    instance,
    plainInstance,
    /** Resident memory (KiB) of this process's descendants named workerd. */
    workerdRssKiB() {
      return workerdDescendants().reduce((sum, pid) => sum + residentKiB(pid), 0);
    },
    /**
     * The Worker's own HTTP entry, which `wrangler dev` hides behind a proxy worker in a workerd of
     * its own (every request to `stack.base` crosses both): the loopback port, other than the
     * proxy's, where a workerd of this rig answers GET /health. Null when none is found (not Linux).
     * @returns {Promise<string | null>}
     */
    async workerEntry() {
      const proxyPort = Number(new URL(stack.base).port);
      for (const port of listeningPorts(workerdDescendants())) {
        if (port === proxyPort) continue;
        const base = `http://127.0.0.1:${port}`;
        try {
          const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2_000) });
          const body = await res.text();
          if (res.ok && body.includes('"status":"ok"')) return base;
        } catch {
          // not an HTTP entry (an inspector or a Durable Object socket)
        }
      }
      return null;
    },
    async stop() {
      for (const p of proxies) await p.stop().catch(() => {});
      await stack.stop();
      await redis.stop();
      await passwordRedis.stop();
    },
  };
}

/** Pids of this process's descendants named workerd (from `ps`). */
function workerdDescendants() {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid=,comm="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/));
  /** @type {Map<string, string[]>} */
  const children = new Map();
  for (const [pid, ppid] of rows) if (pid && ppid) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  /** @type {Set<string>} */
  const mine = new Set();
  const walk = (/** @type {string} */ pid) => {
    for (const c of children.get(pid) ?? []) {
      if (mine.has(c)) continue;
      mine.add(c);
      walk(c);
    }
  };
  walk(String(process.pid));
  return rows.filter(([pid, , comm]) => pid && mine.has(pid) && comm?.startsWith("workerd")).map(([pid]) => /** @type {string} */ (pid));
}

/** @param {string} pid */
function residentKiB(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0);
  } catch {
    return 0; // the process ended
  }
}

/**
 * Loopback TCP ports the given processes listen on, from /proc (Linux; empty elsewhere).
 * @param {string[]} pids
 */
function listeningPorts(pids) {
  if (!existsSync("/proc/net/tcp")) return [];
  /** @type {Set<string>} */
  const inodes = new Set();
  for (const pid of pids) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // the process ended
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = target.match(/^socket:\[(\d+)\]$/)?.[1];
        if (inode) inodes.add(inode);
      } catch {
        // closed between listing and reading
      }
    }
  }
  const LISTEN = "0A";
  const LOOPBACK = "0100007F";
  return readFileSync("/proc/net/tcp", "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[3] === LISTEN && f[1]?.startsWith(`${LOOPBACK}:`) && inodes.has(f[9] ?? ""))
    .map((f) => Number.parseInt((f[1] ?? "").split(":")[1] ?? "0", 16));
}
