// @ts-check
// `node bench/memory.mjs`: what one abusive request costs workerd's memory. On a private stack it
// sends a million-PING /pipeline (9 MB body), a DEL of five million one-byte arguments (10 MB
// body), a GET of a 100 MB value, SRANDMEMBER k -1000000 on a big set and a script whose status reply
// is one 32 MB line, and for each prints how long it took, workerd's resident memory before (the
// baseline) and its peak during the request (VmHWM, reset before each scenario), then shows the
// next request succeeds; last, the same for a subscriber that stops reading while 64 MiB are
// published to its channel.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { sendRedisCommand } from "../scripts/redis-server.mjs";
import { startPrivateStack } from "../scripts/stack.mjs";

const MiB = 1024 * 1024;

/** @param {number} pid */
function parentOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
}

/** The workerd processes descended from this one (the stack's wrangler dev), never anyone else's. */
function ourWorkerds() {
  /** @type {number[]} */
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!pid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("workerd")) continue;
      for (let p = parentOf(pid); p > 1; p = parentOf(p)) {
        if (p === process.pid) {
          pids.push(pid);
          break;
        }
      }
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

/** @param {number} pid @param {"VmRSS" | "VmHWM"} field */
function memoryOf(pid, field) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
}

/** @param {number[]} pids @param {"VmRSS" | "VmHWM"} field */
const total = (pids, field) => pids.reduce((sum, pid) => sum + memoryOf(pid, field), 0);
const mb = (/** @type {number} */ bytes) => `${(bytes / MiB).toFixed(0)} MB`.padStart(8);

const stack = await startPrivateStack();
try {
  const pids = ourWorkerds();
  if (pids.length === 0) throw new Error("found no workerd process under this benchmark");
  const headers = { authorization: `Bearer ${stack.key}`, "content-type": "application/json" };
  /** @param {string} path @param {string} body */
  const send = async (path, body) => {
    const res = await fetch(`${stack.url}${path}`, { method: "POST", headers, body });
    const text = await res.text();
    return { status: res.status, text: text.length > 110 ? `${text.slice(0, 110)}…` : text };
  };
  // Set-up: a 100 MB value from a tiny request, and a set of 100,000 members.
  await send("", JSON.stringify(["SETRANGE", "bench:huge", String(100 * MiB - 1), "x"]));
  const members = Array.from({ length: 1000 }, (_, i) => [
    "SADD",
    "bench:set",
    ...Array.from({ length: 100 }, (_, j) => `m${i * 100 + j}`),
  ]);
  await send("/pipeline", JSON.stringify(members));

  /** @type {[string, string, string][]} */
  const scenarios = [
    ["/pipeline of 1,000,000 PINGs (9 MB)", "/pipeline", `[${'["PING"],'.repeat(999_999)}["PING"]]`],
    ["DEL of 5,000,000 one-byte arguments (10 MB)", "", `["DEL"${",1".repeat(5_000_000)}]`],
    ["GET of a 100 MB value", "", JSON.stringify(["GET", "bench:huge"])],
    ["SRANDMEMBER k -1000000 (26-byte body)", "", JSON.stringify(["SRANDMEMBER", "bench:set", "-1000000"])],
    [
      "EVAL returning a 32 MB status line (one line, no length header)",
      "",
      JSON.stringify(["EVAL", "return redis.status_reply(string.rep('x', 33554432))", "0"]),
    ],
  ];
  console.log(`RedisGate memory benchmark: ${pids.length} workerd process(es) of wrangler dev on ${stack.base}\n`);
  for (const [label, path, body] of scenarios) {
    // Writing 5 to clear_refs resets the peak (VmHWM) of our own processes to their current RSS.
    for (const pid of pids) writeFileSync(`/proc/${pid}/clear_refs`, "5");
    const before = total(pids, "VmRSS");
    const started = performance.now();
    const reply = await send(path, body);
    const took = performance.now() - started;
    const peak = total(pids, "VmHWM");
    const next = await send("", JSON.stringify(["PING"]));
    console.log(`${label}`);
    console.log(`  answer: ${reply.status} ${reply.text} (in ${(took / 1000).toFixed(2)} s)`);
    console.log(`  workerd RSS before ${mb(before)}   peak during ${mb(peak)}   (+${mb(peak - before).trim()})`);
    console.log(`  next request: ${next.status} ${next.text}\n`);
  }

  // A subscriber that stops reading while 64 MiB are published to its channel, 1 MiB at a time and
  // straight to Redis, so workerd only streams (one script publishing it all would pass Redis's own
  // 32 MB output limit for a subscriber at once).
  const subscriber = await fetch(`${stack.url}/subscribe/bench-channel`, { method: "POST", headers });
  const events = /** @type {ReadableStream<Uint8Array>} */ (subscriber.body).getReader();
  await events.read();
  for (const pid of pids) writeFileSync(`/proc/${pid}/clear_refs`, "5");
  const before = total(pids, "VmRSS");
  const redisPort = Number(new URL(stack.redisUrl).port);
  let published = "";
  for (let i = 0; i < 64; i++) published = await sendRedisCommand(redisPort, ["PUBLISH", "bench-channel", "x".repeat(MiB)]);
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const peak = total(pids, "VmHWM");
  await events.cancel();
  const next = await send("", JSON.stringify(["PING"]));
  console.log("a subscriber that stops reading while 64 MiB are published to its channel");
  console.log(`  subscribers reached by the last PUBLISH: ${published.slice(1)}`);
  console.log(`  workerd RSS before ${mb(before)}   peak in the next 5 s ${mb(peak)}   (+${mb(peak - before).trim()})`);
  console.log(`  next request: ${next.status} ${next.text}\n`);
} finally {
  await stack.stop();
}
