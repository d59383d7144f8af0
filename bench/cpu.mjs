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

/**
 * Ticks so far: per process of a reported group (by pid), and for the whole machine.
 * @returns {{ processes: Map<string, { group: (typeof CPU_GROUPS)[number], ticks: number }>, machine: number }}
 */
export function cpuTicks() {
  /** @type {Map<string, { group: (typeof CPU_GROUPS)[number], ticks: number }>} */
  const processes = new Map();
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const group = CPU_GROUPS.find((g) => name.startsWith(g));
      if (!group) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      processes.set(pid, { group, ticks: Number(fields[11]) + Number(fields[12]) }); // utime + stime
    } catch {
      // the process ended between listing and reading
    }
  }
  const [user, nice, system, , , irq, softirq] =
    readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  return { processes, machine: (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) };
}

/**
 * CPU milliseconds per request between two cpuTicks() samples. A process counts what it used
 * between them (all of it if it started in between); one that ended in between is left out, so an
 * unrelated command finishing during a run cannot make a group negative.
 * @param {ReturnType<typeof cpuTicks>} before @param {ReturnType<typeof cpuTicks>} after @param {number} requests
 */
export function cpuPerRequest(before, after, requests) {
  /** @type {Record<string, number>} */
  const used = Object.fromEntries(CPU_GROUPS.map((g) => [g, 0]));
  for (const [pid, { group, ticks }] of after.processes) {
    const earlier = before.processes.get(pid);
    used[group] = (used[group] ?? 0) + ticks - (earlier?.group === group ? earlier.ticks : 0);
  }
  const per = (/** @type {number} */ ticks) => (ticks * TICK_MS) / Math.max(1, requests);
  return {
    workerd: per(used.workerd ?? 0),
    redis: per(used["redis-server"] ?? 0),
    node: per(used.node ?? 0),
    machine: per(after.machine - before.machine),
  };
}
