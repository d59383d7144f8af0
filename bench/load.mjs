// @ts-check
// A small closed-loop load generator for the benchmarks: N concurrent workers send requests for a
// fixed time and record each latency. Targets must be loopback addresses (see bench/README.md).
import { cpuAvailable, cpuPerRequest, cpuTicks } from "./cpu.mjs";

/**
 * @param {() => Promise<Response>} send  one request; its body is read fully
 * @param {{ seconds: number, concurrency: number, warmupSeconds?: number, cpu?: boolean }} options
 *   cpu: also report CPU milliseconds per request by process (see cpu.mjs), over the measured run
 */
export async function measure(send, options) {
  const run = async (/** @type {number} */ seconds, /** @type {number[]} */ latencies) => {
    const stopAt = performance.now() + seconds * 1000;
    let errors = 0;
    const worker = async () => {
      while (performance.now() < stopAt) {
        const started = performance.now();
        const res = await send();
        await res.arrayBuffer();
        if (!res.ok) errors += 1;
        latencies.push(performance.now() - started);
      }
    };
    const began = performance.now();
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    return { errors, elapsed: (performance.now() - began) / 1000 };
  };
  await run(options.warmupSeconds ?? 1, []);
  /** @type {number[]} */
  const latencies = [];
  const before = options.cpu && cpuAvailable ? cpuTicks() : null;
  const { errors, elapsed } = await run(options.seconds, latencies);
  const cpu = before ? cpuPerRequest(before, cpuTicks(), latencies.length) : null;
  latencies.sort((a, b) => a - b);
  const pct = (/** @type {number} */ p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return { requests: latencies.length, errors, elapsed, rps: latencies.length / elapsed, p50: pct(50), p99: pct(99), cpu };
}

/**
 * Several measurements of one route as one: requests over total time; latencies, the median round's.
 * @param {Awaited<ReturnType<typeof measure>>[]} runs
 */
export function combine(runs) {
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  const elapsed = runs.reduce((n, r) => n + r.elapsed, 0);
  const middle = [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)];
  return {
    requests,
    errors: runs.reduce((n, r) => n + r.errors, 0),
    elapsed,
    rps: requests / Math.max(elapsed, 1e-9),
    p50: middle?.p50 ?? 0,
    p99: middle?.p99 ?? 0,
    cpu: combineCpu(runs),
  };
}

/**
 * CPU per request over several runs (weighted by their requests), or null when a run has none.
 * @param {Awaited<ReturnType<typeof measure>>[]} runs
 */
function combineCpu(runs) {
  if (runs.length === 0 || runs.some((r) => !r.cpu)) return null;
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  const weighted = (/** @type {"workerd" | "redis" | "node" | "machine"} */ k) =>
    runs.reduce((sum, r) => sum + (r.cpu?.[k] ?? 0) * r.requests, 0) / Math.max(1, requests);
  return { workerd: weighted("workerd"), redis: weighted("redis"), node: weighted("node"), machine: weighted("machine") };
}

/** @param {string} label @param {{ rps: number, p50: number, p99: number, errors: number, requests: number }} r @param {number} [baseline] */
export function formatRow(label, r, baseline) {
  const share = baseline ? `${((r.rps / baseline) * 100).toFixed(0).padStart(4)}%` : "    -";
  return `${label.padEnd(38)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   ${share}   errors ${r.errors}/${r.requests}`;
}
