// @ts-check
// `node bench/profile.mjs [direct|pooled|health]`: where the Worker's JavaScript spends its time on
// one edge route under load. It samples the isolate's CPU through `wrangler dev`'s inspector while
// BENCH_CONCURRENCY clients send GETs for BENCH_SECONDS, then prints the functions with the most self
// time (their own code, not their callees'), and the shares of idle, GC and native time. What
// workerd does outside JavaScript (sockets, HTTP, the proxy worker) shows only as "(program)".
// Loopback only.
import { connectInspector } from "./inspector.mjs";
import { measure } from "./load.mjs";
import { startRig } from "./rig.mjs";

const route = process.argv[2] ?? "direct";
if (!["direct", "pooled", "health"].includes(route)) throw new Error("usage: node bench/profile.mjs [direct|pooled|health]");
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const top = Number(process.env.PROFILE_TOP ?? 30);
const rig = await startRig();
const inspector = await connectInspector(rig.stack.inspectorPort);

try {
  const { headers } = rig;
  const body = JSON.stringify(["GET", "bench:key"]);
  /** @type {() => Promise<Response>} */
  let send = () => fetch(`${rig.stack.base}/health`);
  if (route !== "health") {
    const { url } = await rig.plainInstance(/** @type {"direct" | "pooled"} */ (route));
    await fetch(url, { method: "POST", headers, body: JSON.stringify(["SET", "bench:key", "x".repeat(100)]) });
    send = () => fetch(url, { method: "POST", headers, body });
  }
  await measure(send, { seconds: 2, concurrency }); // JIT warm-up, caches filled
  await inspector.startProfile(Number(process.env.PROFILE_INTERVAL_US ?? 500));
  const run = await measure(send, { seconds, concurrency, warmupSeconds: 0 });
  const profile = await inspector.stopProfile();

  /** @type {Map<number, number>} microseconds of self time by node id */
  const self = new Map();
  for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  /** @type {Map<string, number>} */
  const byFunction = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (!us) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url ? `${url.split("/").slice(-2).join("/")}:${lineNumber + 1}` : "";
    const key = `${functionName || "(anonymous)"} ${file}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const idle = byFunction.get("(idle)") ?? 0;
  const busy = total - idle;
  const perRequest = (/** @type {number} */ us) => (us / 1000 / run.requests).toFixed(3);
  console.log(
    `RedisGate profile of ${route}: ${run.requests} requests in ${seconds} s (${run.rps.toFixed(0)} req/s, ${concurrency} clients, errors ${run.errors})`,
  );
  console.log(
    `Isolate busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled: ${perRequest(busy)} ms per request\n`,
  );
  console.log(`${"self ms/request".padStart(15)} ${"share".padStart(6)}  function`);
  const rows = [...byFunction].filter(([k]) => k !== "(idle)").sort((a, b) => b[1] - a[1]);
  for (const [key, us] of rows.slice(0, top)) {
    console.log(`${perRequest(us).padStart(15)} ${`${((us / busy) * 100).toFixed(1)}%`.padStart(6)}  ${key}`);
  }
  console.log("\nshare: of the isolate's busy time; (program): native work outside JavaScript; (garbage collector): V8's GC.");
} finally {
  inspector.close();
  await rig.stop();
}
