// @ts-check
// CPU time by process name, from /proc (Linux only): what one request costs each part of the rig.
// Throughput on a 2-core machine is shared by the load generator, `wrangler dev`, workerd and Redis,
// so a route's share of /health says little on its own about where its time goes; these figures do.
import { existsSync, readdirSync, readFileSync } from "node:fs";

/** The groups reported, by the process's command name. */
export const CPU_GROUPS = /** @type {const} */ (["workerd", "redis-server", "node"]);

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** Whether this machine can report CPU by process. */
export const cpuAvailable = existsSync("/proc/stat");

/** @returns {Record<(typeof CPU_GROUPS)[number] | "machine", number>} ticks so far */
export function cpuTicks() {
  /** @type {Record<string, number>} */
  const ticks = Object.fromEntries(CPU_GROUPS.map((g) => [g, 0]));
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const group = CPU_GROUPS.find((g) => name.startsWith(g));
      if (!group) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks[group] = (ticks[group] ?? 0) + Number(fields[11]) + Number(fields[12]); // utime + stime
    } catch {
      // the process ended between listing and reading
    }
  }
  const [user, nice, system, , , irq, softirq] =
    readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  ticks.machine = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0);
  return /** @type {Record<(typeof CPU_GROUPS)[number] | "machine", number>} */ (ticks);
}

/**
 * CPU milliseconds per request between two cpuTicks() samples.
 * @param {ReturnType<typeof cpuTicks>} before @param {ReturnType<typeof cpuTicks>} after @param {number} requests
 */
export function cpuPerRequest(before, after, requests) {
  const per = (/** @type {keyof typeof before} */ k) => ((after[k] - before[k]) * TICK_MS) / Math.max(1, requests);
  return { workerd: per("workerd"), redis: per("redis-server"), node: per("node"), machine: per("machine") };
}
