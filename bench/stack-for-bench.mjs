// @ts-check
// Starts a private local stack (own port, state and secrets) for one benchmark run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../scripts/redis-server.mjs";
import { startStack } from "../scripts/stack.mjs";

export async function benchStack() {
  const dir = mkdtempSync(join(tmpdir(), "redisgate-bench-"));
  const stack = await startStack({
    port: await freePort(),
    persistTo: join(dir, "state"),
    envFile: join(dir, "secrets.env"),
    stateFile: join(dir, "state.json"),
    log: () => {},
  });
  return {
    ...stack,
    stop: async () => {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
