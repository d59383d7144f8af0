// @ts-check
// `node bench/faults.mjs`: the pooled transport under faults, with figures (never assertions):
// the Redis killed mid-load and restarted (502s, time to full recovery), a stalled Redis (504s, then
// recovery), and clients that vanish mid-request (connections to Redis must stay bounded).
import { startRedisServer } from "../scripts/redis-server.mjs";
import { REDIS_USER_ARGS, startRig } from "./rig.mjs";

const concurrency = Number(process.env.FAULT_CONCURRENCY ?? 20);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
const rig = await startRig();

/**
 * Runs closed-loop load on `url` while `fault` runs; records (time, status, error text).
 * @param {string} url @param {() => Promise<number>} fault resolves with the time the fault ended
 */
async function underLoad(url, fault) {
  /** @type {{ at: number, status: number, error?: string }[]} */
  const seen = [];
  let running = true;
  const worker = async () => {
    while (running) {
      const res = await fetch(url, { method: "POST", headers: rig.headers, body: JSON.stringify(["INCR", "fault:counter"]) }).catch(
        () => null,
      );
      const status = res?.status ?? 0;
      const body = res ? await res.text() : "";
      seen.push({ at: performance.now(), status, ...(status >= 500 ? { error: body } : {}) });
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  const endedAt = await fault();
  await sleep(3_000);
  running = false;
  await Promise.all(workers);
  const after = seen.filter((s) => s.at > endedAt);
  const lastFailure = after.filter((s) => s.status !== 200).at(-1);
  const byStatus = /** @type {Record<string, number>} */ ({});
  for (const s of seen) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
  const texts = [...new Set(seen.filter((s) => s.error).map((s) => `${s.status} ${s.error}`))];
  return { byStatus, texts, recoveredMs: lastFailure ? lastFailure.at - endedAt : 0 };
}

try {
  const pooled = await rig.instance("pooled");
  const port = rig.redis.port;

  const kill = await underLoad(pooled.url, async () => {
    await sleep(1_500);
    await rig.redis.stop();
    await sleep(2_000);
    const again = await startRedisServer({ port, quiet: true, args: REDIS_USER_ARGS });
    rig.redis.stop = again.stop;
    return performance.now();
  });
  console.log("Redis killed for 2 s under load:", JSON.stringify(kill.byStatus));
  for (const t of kill.texts) console.log(`  ${t}`);
  console.log(`  last failure ${kill.recoveredMs.toFixed(0)} ms after the Redis was back (full recovery after that)\n`);

  const stall = await underLoad(pooled.url, async () => {
    await sleep(1_000);
    pooled.proxy.stall();
    await sleep(Number(process.env.STALL_MS ?? 12_000));
    pooled.proxy.resume();
    return performance.now();
  });
  console.log("Redis stalled under load (longer than the 10 s deadline):", JSON.stringify(stall.byStatus));
  for (const t of stall.texts) console.log(`  ${t}`);
  console.log(`  last failure ${stall.recoveredMs.toFixed(0)} ms after the stall ended\n`);

  const direct = await rig.instance("direct");
  for (const [label, target] of [
    ["pooled", pooled],
    ["direct", direct],
  ]) {
    const { url, proxy } = /** @type {typeof pooled} */ (target);
    let aborted = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        for (let i = 0; i < 10; i++) {
          const controller = new AbortController();
          setTimeout(() => controller.abort(), Number(process.env.ABORT_MS ?? 30));
          await fetch(url, { method: "POST", headers: rig.headers, body: '["PING"]', signal: controller.signal })
            .then((r) => r.arrayBuffer())
            .catch(() => (aborted += 1));
        }
      }),
    );
    const peak = proxy.stats.open;
    await sleep(3_000);
    console.log(
      `Vanishing clients (${label}): 500 requests, ${aborted} abandoned by their client; connections to Redis right after ${peak}, 3 s later ${proxy.stats.open} (opened in all ${proxy.stats.accepted})`,
    );
  }
} finally {
  await rig.stop();
}
