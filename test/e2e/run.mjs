// @ts-check
// `node test/e2e/run.mjs [--only <text>]` (called by `npm test`): starts its own local stack on a
// free port with a fresh state directory, drives Debian's Chromium through the dashboard's scenarios
// (each builds its own account and organization, so any subset runs alone), prints "N passed, M failed".
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, sendRedisCommand } from "../../scripts/redis-server.mjs";
import { startStack } from "../../scripts/stack.mjs";
import { launchBrowser, SCREENSHOTS } from "./browser.mjs";
import { consoleScenarios } from "./console.e2e.mjs";
import { dataScenarios } from "./data.e2e.mjs";
import { invitationScenarios } from "./invitations.e2e.mjs";
import { keyScenarios } from "./keys.e2e.mjs";
import { pageScenarios } from "./pages.e2e.mjs";

const onlyAt = process.argv.indexOf("--only");
const only = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? "") : (process.env.E2E_ONLY ?? "");
const scenarios = [...pageScenarios, ...consoleScenarios, ...dataScenarios, ...keyScenarios, ...invitationScenarios].filter(([name]) =>
  name.includes(only),
);

const SCENARIO_TIMEOUT_MS = 180_000;
const RUN_TIMEOUT_MS = 480_000;
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);

/** @type {Awaited<ReturnType<typeof startStack>> | null} */
let stack = null;
/** @type {import("playwright-core").Browser | null} */
let browser = null;
const persistTo = mkdtempSync(join(tmpdir(), "redisgate-e2e-"));

async function cleanUp() {
  await browser?.close().catch(() => {});
  await stack?.stop().catch(() => {});
  rmSync(persistTo, { recursive: true, force: true });
}

// The whole run stops by itself, whatever hangs.
const watchdog = setTimeout(async () => {
  console.error(`✖ e2e: the run exceeded ${RUN_TIMEOUT_MS / 1000} s; stopping.`);
  await Promise.race([cleanUp(), new Promise((r) => setTimeout(r, 10_000))]);
  console.log("0 passed, 1 failed");
  process.exit(1);
}, RUN_TIMEOUT_MS);

/** @param {Promise<void>} promise @param {number} ms */
function withTimeout(promise, ms) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`scenario timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

let passed = 0;
let failed = 0;
try {
  const port = await freePort();
  // Own secrets and state file: a run never touches the developer's .dev.vars or dev key.
  stack = await startStack({
    port,
    persistTo,
    envFile: join(persistTo, "secrets.env"),
    stateFile: join(persistTo, "dev-state.json"),
    log: () => {},
  });
  console.log(`e2e: stack on ${stack.base} (redis ${stack.redisUrl}) after ${seconds()} s`);
  // Attaching an instance checks the upstream answers through its credentials, so the Redis user the
  // instance-settings scenario attaches and rotates to must exist with both of its passwords.
  const secrets = [">upstream-secret-one", ">upstream-secret-two"];
  await sendRedisCommand(Number(new URL(stack.redisUrl).port), ["ACL", "SETUSER", "app", "on", ...secrets, "~*", "&*", "+@all"]);
  browser = await launchBrowser();
  const env = { base: stack.base, redisUrl: stack.redisUrl, browser, record: { offsite: [], problems: [] } };
  if (scenarios.length === 0) throw new Error(`no scenario matches --only "${only}"`);
  for (const [name, run] of scenarios) {
    const t0 = Date.now();
    try {
      await withTimeout(run(env), SCENARIO_TIMEOUT_MS);
      passed++;
      console.log(`  ✔ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed++;
      console.log(`  ✖ ${name}\n      ${/** @type {Error} */ (error).message.split("\n").join("\n      ")}`);
    }
  }
  // Across every scenario: nothing left 127.0.0.1, no page error, no CSP violation.
  const leaks = [...env.record.offsite.map((u) => `request to ${u}`), ...env.record.problems];
  if (leaks.length > 0) {
    failed++;
    console.log(`  ✖ pages stayed on 127.0.0.1 with no errors or CSP violations\n      ${leaks.slice(0, 10).join("\n      ")}`);
  } else {
    passed++;
    console.log("  ✔ pages stayed on 127.0.0.1 with no errors or CSP violations");
  }
  if (failed > 0) console.log(`e2e: the last lines of wrangler dev:\n${stack.output().slice(-3000)}`);
  console.log(`e2e: screenshots in ${SCREENSHOTS}; ${seconds()} s in all`);
} catch (error) {
  failed++;
  console.error(`✖ e2e could not run: ${/** @type {Error} */ (error).message}`);
} finally {
  clearTimeout(watchdog);
  await cleanUp();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
