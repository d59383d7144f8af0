// @ts-check
// `node bench/hotpath.mjs`: the hot path's figures in one run, pooled and direct side by side:
// upstream round trips per request (GET, 10-command pipeline) through a proxy adding DELAY_MS each
// way in front of a password-protected Redis (as an ACL user; `direct` also as a server's default
// user, and as an ACL user on a server whose default user needs a password: both send AUTH with the
// command); edge GET throughput as a share of the bare
// /health route, beside the socket steps' ceiling for each login; and how many requests awaited the
// UsageMeter (Server-Timing desc=awaited) vs spent a lease.

import { startSocketCeiling } from "./ceiling.mjs";
import { combine, formatRow, measure } from "./load.mjs";
import { COMPATIBILITY_DATE, startRig } from "./rig.mjs";

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
  console.log(`${"transport, login".padEnd(34)} ${"request".padEnd(18)} round trips/request   ms/request`);
  /** @type {["pooled" | "direct", import("./rig.mjs").Login, string][]} */
  const logins = [
    ["pooled", "user", "pooled, ACL user"],
    ["direct", "user", "direct, ACL user, open default"],
    ["direct", "locked-user", "direct, ACL user, locked default"],
    ["direct", "password", "direct, password only"],
  ];
  for (const [transport, login, name] of logins) {
    const { url, proxy } = await rig.instance(transport, delayMs, login);
    /** @type {[string, string, string][]} */
    const requests = [
      ["GET", "", get],
      ["pipeline x10", "/pipeline", pipeline],
    ];
    for (const [label, path, body] of requests) {
      // Warm: requests pick one of the pool shards at random, and 16 leave one cold once in 30,000 runs (4 did once in 8).
      for (let i = 0; i < 16; i++) await (await fetch(`${url}${path}`, { method: "POST", headers, body })).arrayBuffer();
      const before = { ...proxy.stats };
      const started = performance.now();
      for (let i = 0; i < samples; i++) {
        const res = await fetch(`${url}${path}`, { method: "POST", headers, body });
        if (!res.ok) throw new Error(`${name} ${label}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
      const ms = (performance.now() - started) / samples;
      // A new connection costs its TCP handshake (one round trip the proxy does not see as data).
      const trips = proxy.stats.roundTrips - before.roundTrips + (proxy.stats.accepted - before.accepted);
      console.log(`${name.padEnd(34)} ${label.padEnd(18)} ${(trips / samples).toFixed(2).padStart(19)}   ${ms.toFixed(1).padStart(10)}`);
    }
  }

  const value = "x".repeat(100);
  await fetch(`${rig.stack.url}`, { method: "POST", headers, body: JSON.stringify(["SET", "bench:key", value]) });
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
  const directPassword = await rig.plainInstance("direct", "password");
  const directLocked = await rig.plainInstance("direct", "locked-user");
  await fetch(directPassword.url, { method: "POST", headers, body: JSON.stringify(["SET", "bench:key", value]) });
  const entry = await rig.workerEntry();
  const ceiling = await startSocketCeiling({
    port: rig.redis.port,
    ...rig.redisUser,
    key: "bench:key",
    compatibilityDate: COMPATIBILITY_DATE,
    // +OK, then the value as a bulk string.
    passwordOnly: { ...rig.passwordRedis, replyBytes: "+OK\r\n".length + `$${value.length}\r\n${value}\r\n`.length },
  });
  /** @typedef {{ label: string, send: () => Promise<Response>, runs: Awaited<ReturnType<typeof measure>>[] }} Route */
  /** @param {string} base @param {string} label @returns {Route[]} */
  const edgeRoutes = (base, label) => [
    { label: `GET /health ${label}`, send: () => fetch(`${base}/health`), runs: [] },
    { label: `GET, pooled ${label}`, send: sendGet(pooled.url.replace(rig.stack.base, base)), runs: [] },
    { label: `GET, direct ${label}`, send: sendGet(direct.url.replace(rig.stack.base, base)), runs: [] },
    { label: `GET, direct, password only ${label}`, send: sendGet(directPassword.url.replace(rig.stack.base, base)), runs: [] },
    { label: `GET, direct, locked default ${label}`, send: sendGet(directLocked.url.replace(rig.stack.base, base)), runs: [] },
  ];
  /** Each group's first route is its bare route, the 100 % of its shares. @type {{ title: string, routes: Route[] }[]} */
  const groups = [
    {
      title: "Through wrangler dev's proxy worker (what `npm run dev` serves; every request crosses two workerd processes)",
      routes: edgeRoutes(rig.stack.base, "(proxy)"),
    },
    ...(entry
      ? [{ title: "Straight to the Worker's own entry (no proxy, as in production)", routes: edgeRoutes(entry, "(straight)") }]
      : []),
    {
      title: "Ceiling: a minimal Worker doing only a direct request's socket steps (bench/ceiling.mjs, no proxy)",
      routes: [
        { label: "GET, answers at once", send: () => fetch(`${ceiling.base}/bare`), runs: [] },
        {
          label: "POST, body + connect/AUTH/GET/close",
          send: () => fetch(`${ceiling.base}/socket`, { method: "POST", headers, body: get }),
          runs: [],
        },
        {
          label: "POST, body + connect/AUTH+GET/close",
          send: () => fetch(`${ceiling.base}/socket-one-write`, { method: "POST", headers, body: get }),
          runs: [],
        },
      ],
    },
  ];
  const routes = groups.flatMap((g) => g.routes);
  console.log(
    `\nThroughput: ${rounds} rounds of ${seconds} s per route, the ${routes.length} routes taking turns (a drift of the machine hits all), ${concurrency} concurrent clients, no delay`,
  );
  if (!entry) console.log("(the Worker's own entry was not found: the straight rows are left out)");
  try {
    for (let round = 0; round < rounds; round++) {
      for (const route of routes) route.runs.push(await measure(route.send, { seconds, concurrency, cpu: true }));
    }
  } finally {
    await ceiling.stop();
  }
  for (const { title, routes: members } of groups) {
    console.log(`\n${title}`);
    const bare = members[0]?.runs ?? [];
    const baseline = combine(bare).rps;
    for (const { label, runs } of members) {
      const shares = runs.map((r, round) => `${((r.rps / (bare[round]?.rps ?? r.rps)) * 100).toFixed(0)}%`).join(" ");
      console.log(`${formatRow(label, combine(runs), baseline)}   rounds ${shares}`);
    }
  }
  console.log("\nShare: throughput as a share of the group's first route over all rounds; rounds: the same, round by round.");
  const cpuRows = routes.map(({ label, runs }) => ({ label, cpu: combine(runs).cpu }));
  if (cpuRows.every((r) => r.cpu)) {
    console.log("\nCPU per request (ms), over the same runs: where each route's time goes on this machine's cores");
    console.log(`${"route".padEnd(38)} ${"workerd".padStart(8)} ${"redis".padStart(8)} ${"node".padStart(8)} ${"machine".padStart(8)}`);
    for (const { label, cpu } of cpuRows) {
      if (!cpu) continue;
      const cells = [cpu.workerd, cpu.redis, cpu.node, cpu.machine].map((v) => v.toFixed(2).padStart(8)).join(" ");
      console.log(`${label.padEnd(38)} ${cells}`);
    }
    console.log(
      "workerd: every workerd process (the Worker with its Durable Objects, wrangler's proxy worker, the ceiling's Miniflare); node: the load generator and wrangler dev; machine: every process and the kernel.",
    );
    const workerd = (/** @type {Route | undefined} */ route) => (route ? (combine(route.runs).cpu?.workerd ?? 0) : 0);
    const [bare, socket, socketOneWrite] = groups.at(-1)?.routes ?? [];
    const straight = entry ? groups[1]?.routes : undefined;
    if (straight) {
      // The socket steps cost the same in any Worker: added to the bare route, they bound a direct edge.
      const health = workerd(straight[0]);
      for (const [login, steps, edge] of /** @type {const} */ ([
        ["as an ACL user (AUTH answered first)", workerd(socket) - workerd(bare), straight[2]],
        ["as the default user (AUTH with the command)", workerd(socketOneWrite) - workerd(bare), straight[3]],
        ["as an ACL user, default user locked (AUTH with the command)", workerd(socketOneWrite) - workerd(bare), straight[4]],
      ])) {
        console.log(
          `\nDirect, ${login}: the socket steps alone cost ${steps.toFixed(2)} ms of workerd CPU per request, so such an edge can ` +
            `reach at most ${((health / (health + steps)) * 100).toFixed(0)} % of /health straight; the edge's own work costs ` +
            `${(workerd(edge) - health - steps).toFixed(2)} ms more (checking the key, policy, parsing, admission, the reply).`,
        );
      }
    }
  }
  const total = meter.awaited + meter.lease;
  console.log(
    `Admission: ${meter.awaited} of ${total} edge GETs awaited the UsageMeter (${((meter.awaited / Math.max(1, total)) * 100).toFixed(2)} %); the rest spent the isolate's lease.`,
  );
} finally {
  await rig.stop();
}
