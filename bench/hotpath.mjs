// @ts-check
// `node bench/hotpath.mjs`: the hot path's figures in one run, pooled and direct side by side:
// upstream round trips per request (GET, 10-command pipeline) through a proxy adding DELAY_MS each
// way in front of a password-protected Redis; edge GET throughput as a share of the bare /health
// route; and how many requests awaited the UsageMeter (Server-Timing desc=awaited) vs spent a lease.
import { combine, formatRow, measure } from "./load.mjs";
import { startRig } from "./rig.mjs";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const delayMs = Number(process.env.DELAY_MS ?? 20);
const samples = Number(process.env.RTT_SAMPLES ?? 20);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const rig = await startRig();

try {
  const { headers } = rig;
  const get = JSON.stringify(["GET", "bench:key"]);
  const pipeline = JSON.stringify(Array.from({ length: 10 }, (_, i) => (i % 2 ? ["GET", "bench:key"] : ["INCR", "bench:counter"])));
  console.log(`RedisGate hot path: proxy delay ${delayMs} ms each way, ${samples} sequential requests per figure\n`);
  console.log("transport   request            round trips/request   ms/request");
  for (const transport of /** @type {const} */ (["pooled", "direct"])) {
    const { url, proxy } = await rig.instance(transport, delayMs);
    /** @type {[string, string, string][]} */
    const requests = [
      ["GET", "", get],
      ["pipeline x10", "/pipeline", pipeline],
    ];
    for (const [label, path, body] of requests) {
      for (let i = 0; i < 4; i++) await (await fetch(`${url}${path}`, { method: "POST", headers, body })).arrayBuffer(); // warm
      const before = { ...proxy.stats };
      const started = performance.now();
      for (let i = 0; i < samples; i++) {
        const res = await fetch(`${url}${path}`, { method: "POST", headers, body });
        if (!res.ok) throw new Error(`${transport} ${label}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
      const ms = (performance.now() - started) / samples;
      // A new connection costs its TCP handshake (one round trip the proxy does not see as data).
      const trips = proxy.stats.roundTrips - before.roundTrips + (proxy.stats.accepted - before.accepted);
      console.log(
        `${transport.padEnd(11)} ${label.padEnd(18)} ${(trips / samples).toFixed(2).padStart(19)}   ${ms.toFixed(1).padStart(10)}`,
      );
    }
  }

  console.log(
    `\nThroughput: ${rounds} rounds of ${seconds} s per route, routes taking turns (a drift of the machine hits all three), ${concurrency} concurrent clients, no proxy, no added delay\n`,
  );
  await fetch(`${rig.stack.url}`, { method: "POST", headers, body: JSON.stringify(["SET", "bench:key", "x".repeat(100)]) });
  const meter = { awaited: 0, lease: 0 };
  /** @param {string} url */
  const sendGet = (url) => async () => {
    const res = await fetch(url, { method: "POST", headers, body: get });
    const timing = res.headers.get("server-timing") ?? "";
    if (timing.includes("desc=awaited")) meter.awaited += 1;
    else if (timing.includes("desc=lease")) meter.lease += 1;
    return res;
  };
  const pooled = await rig.plainInstance("pooled");
  const direct = await rig.plainInstance("direct");
  /** @type {{ label: string, send: () => Promise<Response>, runs: Awaited<ReturnType<typeof measure>>[] }[]} */
  const routes = [
    { label: "GET /health (bare route)", send: () => fetch(`${rig.stack.base}/health`), runs: [] },
    { label: "GET, pooled transport", send: sendGet(pooled.url), runs: [] },
    { label: "GET, direct transport", send: sendGet(direct.url), runs: [] },
  ];
  for (let round = 0; round < rounds; round++) {
    for (const route of routes) route.runs.push(await measure(route.send, { seconds, concurrency, cpu: true }));
  }
  const health = routes[0]?.runs ?? [];
  const baseline = combine(health).rps;
  for (const { label, runs } of routes) {
    const shares = runs.map((r, round) => `${((r.rps / (health[round]?.rps ?? r.rps)) * 100).toFixed(0)}%`).join(" ");
    console.log(`${formatRow(label, combine(runs), baseline)}   rounds ${shares}`);
  }
  console.log("\nShare: throughput as a share of /health over all rounds; rounds: the same, round by round.");
  const cpuRows = routes.map(({ label, runs }) => ({ label, cpu: combine(runs).cpu }));
  if (cpuRows.every((r) => r.cpu)) {
    console.log("\nCPU per request (ms), over the same runs: where each route's time goes on this machine's cores");
    console.log(`${"route".padEnd(34)} ${"workerd".padStart(8)} ${"redis".padStart(8)} ${"node".padStart(8)} ${"machine".padStart(8)}`);
    for (const { label, cpu } of cpuRows) {
      if (!cpu) continue;
      const cells = [cpu.workerd, cpu.redis, cpu.node, cpu.machine].map((v) => v.toFixed(2).padStart(8)).join(" ");
      console.log(`${label.padEnd(34)} ${cells}`);
    }
    console.log(
      "workerd: the Worker, its Durable Objects and wrangler's proxy worker; node: the load generator and wrangler dev; machine: every process and the kernel.",
    );
  }
  const total = meter.awaited + meter.lease;
  console.log(
    `Admission: ${meter.awaited} of ${total} edge GETs awaited the UsageMeter (${((meter.awaited / Math.max(1, total)) * 100).toFixed(2)} %); the rest spent the isolate's lease.`,
  );
} finally {
  await rig.stop();
}
