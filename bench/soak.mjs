// @ts-check
// `node bench/soak.mjs`: a loopback soak of the pooled transport: SOAK_CONCURRENCY clients (50) for
// SOAK_SECONDS (300) of SET/GET (SOAK_TRANSPORT=direct for the other transport, SOAK_ROUTE=health for
// the bare /health route as a baseline). Prints the status counts (5xx must be 0), the floor of the
// Worker isolate's JS heap in each tenth of the run (flat means nothing accumulates per request), and
// workerd's resident memory, which under `wrangler dev` also grows with what the dev tooling keeps.
import { connectInspector } from "./inspector.mjs";
import { startRig } from "./rig.mjs";

const seconds = Number(process.env.SOAK_SECONDS ?? 300);
const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 50);
const route = process.env.SOAK_ROUTE === "health" ? "health" : "redis";
const transport = process.env.SOAK_TRANSPORT === "direct" ? "direct" : "pooled";
const rig = await startRig();
const inspector = await connectInspector(rig.stack.inspectorPort);

try {
  const url = route === "health" ? `${rig.stack.base}/health` : (await rig.instance(transport)).url;
  const statuses = /** @type {Record<string, number>} */ ({});
  /** @type {{ heap: number, rss: number }[]} */
  const samples = [];
  // Each tenth of the run keeps the lowest heap seen (sampled every 250 ms) and the resident memory at its end.
  let floor = Number.POSITIVE_INFINITY;
  const watch = setInterval(() => {
    inspector.heapUsed().then(
      (used) => (floor = Math.min(floor, used)),
      () => {},
    );
  }, 250);
  const sample = async () => {
    floor = Math.min(floor, await inspector.heapUsed());
    samples.push({ heap: floor, rss: rig.workerdRssKiB() * 1024 });
    floor = Number.POSITIVE_INFINITY;
  };
  const request = (/** @type {number} */ n, /** @type {number} */ i) =>
    route === "health"
      ? fetch(url)
      : fetch(url, {
          method: "POST",
          headers: rig.headers,
          body: JSON.stringify(i % 2 ? ["GET", `soak:${n}`] : ["SET", `soak:${n}`, String(i)]),
        });
  // Warm up first (JIT, caches, the pool's connections), so the first sample is the steady state's floor.
  await Promise.all(Array.from({ length: concurrency }, (_, n) => request(n, 0).then((r) => r.arrayBuffer())));
  await sample();
  const stopAt = performance.now() + seconds * 1000;
  const sampler = setInterval(() => void sample(), Math.max(1_000, (seconds * 1000) / 10));
  const worker = async (/** @type {number} */ n) => {
    for (let i = 0; performance.now() < stopAt; i++) {
      const res = await request(n, i).catch(() => null);
      const status = String(res?.status ?? "network error");
      statuses[status] = (statuses[status] ?? 0) + 1;
      await res?.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, n) => worker(n)));
  clearInterval(sampler);
  clearInterval(watch);
  await sample();
  const total = Object.values(statuses).reduce((a, b) => a + b, 0);
  const fives = Object.entries(statuses)
    .filter(([s]) => s.startsWith("5") || s === "network error")
    .reduce((a, [, n]) => a + n, 0);
  const what = route === "health" ? "GET /health (bare route)" : `SET/GET, ${transport} transport`;
  console.log(`Soak: ${what}, ${seconds} s, ${concurrency} clients, ${total} requests (${(total / seconds).toFixed(0)} req/s)`);
  console.log(`Statuses: ${JSON.stringify(statuses)}; 5xx or network errors: ${fives}`);
  const mib = (/** @type {number} */ bytes) => (bytes / 1024 / 1024).toFixed(1);
  console.log(`Worker isolate JS heap, floor per tenth (MiB): ${samples.map((s) => mib(s.heap)).join(" → ")}`);
  console.log(`workerd resident memory (MiB):               ${samples.map((s) => mib(s.rss)).join(" → ")}`);
} finally {
  inspector.close();
  await rig.stop();
}
