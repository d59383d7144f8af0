// @ts-check
// Global set-up of the browser project: its own local stack (wrangler dev on a free port, its own
// redis-server, state and secrets in a temp folder, never the developer's), with the Redis user the
// instance-settings scenario attaches and rotates to (attaching checks the credentials work). What
// wrangler dev printed is left in test-results/e2e-wrangler.log.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, sendRedisCommand } from "../../scripts/redis-server.mjs";
import { startStack } from "../../scripts/stack.mjs";

const RESULTS = join(new URL("../..", import.meta.url).pathname, "test-results");
const LOG = join(RESULTS, "e2e-wrangler.log");

/** Leaves what wrangler dev printed in test-results/ (git-ignored, beside the screenshots). @param {string} text */
function keepLog(text) {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(LOG, text);
}

/** @param {import("vitest/node").TestProject} project */
export default async function setup(project) {
  const persistTo = mkdtempSync(join(tmpdir(), "redisgate-e2e-"));
  /** @type {Awaited<ReturnType<typeof startStack>> | undefined} */
  let stack;
  /** @type {string[]} */
  const startLines = [];
  try {
    stack = await startStack({
      port: await freePort(),
      persistTo,
      envFile: join(persistTo, "secrets.env"),
      stateFile: join(persistTo, "dev-state.json"),
      // On a failed start, the stack passes wrangler dev's last output here.
      log: (line) => startLines.push(line),
      // A line per request in test-results/e2e-wrangler.log: a scenario that waited in vain shows whether the Worker answered.
      wranglerLog: "info",
    });
    const secrets = [">upstream-secret-one", ">upstream-secret-two"];
    await sendRedisCommand(Number(new URL(stack.redisUrl).port), ["ACL", "SETUSER", "app", "on", ...secrets, "~*", "&*", "+@all"]);
  } catch (error) {
    await stack?.stop();
    rmSync(persistTo, { recursive: true, force: true });
    keepLog(startLines.join("\n"));
    throw new Error(`${/** @type {Error} */ (error).message} (wrangler dev's output: ${LOG})`, { cause: error });
  }
  const running = stack;
  project.provide("e2e", { base: running.base, redisUrl: running.redisUrl });
  return async () => {
    await running.stop();
    keepLog(running.output());
    rmSync(persistTo, { recursive: true, force: true });
  };
}
