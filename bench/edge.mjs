// @ts-check
// `npm run bench`: the edge against the local stack, side by side in one run: a bare /health, a
// single GET and a 100-command pipeline through the `redis` driver, and the same two through the
// `upstash` driver (edge → edge → Redis), so the hop's added cost shows. Prints req/s, p50/p99 and
// each route's throughput as a share of /health's.
import { managementClient } from "../scripts/bootstrap.mjs";
import { startPrivateStack } from "../scripts/stack.mjs";
import { formatRow, measure } from "./load.mjs";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const stack = await startPrivateStack();

try {
  const api = managementClient(stack.base, stack.sessionToken);
  const hop = await api("POST", `/api/organizations/${stack.orgId}/redis-instances`, {
    name: "Hop",
    slug: "bench-hop",
    driver: "upstash",
    endpoint: stack.url,
    token: stack.key,
  });
  if (hop.status !== 201) throw new Error(`could not create the upstash-driver instance: ${JSON.stringify(hop.json)}`);
  const hopUrl = `${stack.base}/redis/${hop.json.data.id}`;
  const headers = { authorization: `Bearer ${stack.key}`, "content-type": "application/json" };
  await fetch(stack.url, { method: "POST", headers, body: JSON.stringify(["SET", "bench:key", "x".repeat(100)]) });
  const get = JSON.stringify(["GET", "bench:key"]);
  const pipeline = JSON.stringify(Array.from({ length: 100 }, (_, i) => (i % 2 ? ["GET", "bench:key"] : ["INCR", "bench:counter"])));

  /** @type {[string, () => Promise<Response>][]} */
  const scenarios = [
    ["GET /health (bare route)", () => fetch(`${stack.base}/health`)],
    ["GET via redis driver", () => fetch(stack.url, { method: "POST", headers, body: get })],
    ["pipeline x100 via redis driver", () => fetch(`${stack.url}/pipeline`, { method: "POST", headers, body: pipeline })],
    ["GET via upstash driver (hop)", () => fetch(hopUrl, { method: "POST", headers, body: get })],
    ["pipeline x100 via upstash driver", () => fetch(`${hopUrl}/pipeline`, { method: "POST", headers, body: pipeline })],
  ];
  console.log(`RedisGate edge benchmark: ${seconds} s per route, ${concurrency} concurrent clients, wrangler dev on ${stack.base}\n`);
  let baseline = 0;
  for (const [label, send] of scenarios) {
    const result = await measure(send, { seconds, concurrency });
    if (!baseline) baseline = result.rps;
    console.log(formatRow(label, result, baseline));
  }
  console.log("\nLast column: throughput as a share of the bare /health route in the same run.");

  // The limiter's own cost: the edge reports the UsageMeter round trip in Server-Timing.
  /** @type {number[]} */
  const meter = [];
  for (let i = 0; i < 200; i++) {
    const res = await fetch(stack.url, { method: "POST", headers, body: get });
    await res.arrayBuffer();
    const dur = /meter;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1];
    if (dur) meter.push(Number(dur));
  }
  meter.sort((a, b) => a - b);
  const mean = meter.reduce((a, b) => a + b, 0) / Math.max(1, meter.length);
  console.log(
    `UsageMeter (rate limit + quota + usage) per request: mean ${mean.toFixed(2)} ms, p50 ${meter[Math.floor(meter.length / 2)]?.toFixed(2)} ms over ${meter.length} sequential GETs`,
  );
} finally {
  await stack.stop();
}
