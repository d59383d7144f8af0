// @ts-check
// `node bench/soak.mjs`: a loopback soak of the pooled transport: SOAK_CONCURRENCY clients (50)
// for SOAK_SECONDS (300) of SET/GET; prints 5xx count and workerd's resident memory over time.
import { startRig } from "./rig.mjs";

const seconds = Number(process.env.SOAK_SECONDS ?? 300);
const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 50);
const rig = await startRig();

try {
  const { url } = await rig.instance("pooled");
  const statuses = /** @type {Record<string, number>} */ ({});
  /** @type {number[]} */
  const rss = [rig.workerdRssKiB()];
  const stopAt = performance.now() + seconds * 1000;
  const sampler = setInterval(() => rss.push(rig.workerdRssKiB()), Math.max(1_000, (seconds * 1000) / 10));
  const worker = async (/** @type {number} */ n) => {
    for (let i = 0; performance.now() < stopAt; i++) {
      const body = JSON.stringify(i % 2 ? ["GET", `soak:${n}`] : ["SET", `soak:${n}`, String(i)]);
      const res = await fetch(url, { method: "POST", headers: rig.headers, body }).catch(() => null);
      const status = String(res?.status ?? "network error");
      statuses[status] = (statuses[status] ?? 0) + 1;
      await res?.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, n) => worker(n)));
  clearInterval(sampler);
  rss.push(rig.workerdRssKiB());
  const total = Object.values(statuses).reduce((a, b) => a + b, 0);
  const fives = Object.entries(statuses)
    .filter(([s]) => s.startsWith("5") || s === "network error")
    .reduce((a, [, n]) => a + n, 0);
  console.log(
    `Soak: ${seconds} s, ${concurrency} clients, ${total} requests (${(total / seconds).toFixed(0)} req/s): ${JSON.stringify(statuses)}; 5xx ${fives}`,
  );
  console.log(`workerd resident memory (MiB) over the run: ${rss.map((k) => (k / 1024).toFixed(0)).join(" → ")}`);
} finally {
  await rig.stop();
}
