// @ts-check
// A small closed-loop load generator for the benchmarks: N concurrent workers send requests for a
// fixed time and record each latency. Targets must be loopback addresses (see bench/README.md).

/**
 * @param {() => Promise<Response>} send  one request; its body is read fully
 * @param {{ seconds: number, concurrency: number, warmupSeconds?: number }} options
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
  const { errors, elapsed } = await run(options.seconds, latencies);
  latencies.sort((a, b) => a - b);
  const pct = (/** @type {number} */ p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return { requests: latencies.length, errors, elapsed, rps: latencies.length / elapsed, p50: pct(50), p99: pct(99) };
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
  };
}

/** @param {string} label @param {{ rps: number, p50: number, p99: number, errors: number, requests: number }} r @param {number} [baseline] */
export function formatRow(label, r, baseline) {
  const share = baseline ? `${((r.rps / baseline) * 100).toFixed(0).padStart(4)}%` : "    -";
  return `${label.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   ${share}   errors ${r.errors}/${r.requests}`;
}
