// @ts-check
// `npm run dev`: the whole local stack in one command. Ctrl-C stops everything it started. The dev
// Redis keeps its port (6399, or REDISGATE_REDIS_PORT) and its data (.wrangler/redis) across runs;
// the dev key is written to .dev-token so the printed commands work when pasted.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEV_ACCOUNT } from "./bootstrap.mjs";
import { startStack } from "./stack.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const TOKEN_FILE = join(ROOT, ".dev-token");

try {
  const stack = await startStack({
    inheritOutput: true,
    redisPort: Number(process.env.REDISGATE_REDIS_PORT ?? 6399),
    redisDataDir: join(ROOT, ".wrangler", "redis"),
  });
  writeFileSync(TOKEN_FILE, `${stack.key}\n`, { mode: 0o600 });
  const lines = [
    "",
    "RedisGate is running.",
    `  Dashboard:   ${stack.base}/  (sign in as ${DEV_ACCOUNT.email} / ${DEV_ACCOUNT.password})`,
    `  Management:  ${stack.base}/api/openapi.json`,
    `  Redis:       ${stack.redisUrl} (data kept in .wrangler/redis between runs)`,
    "",
    `The dev API key (admin scope) is in ${TOKEN_FILE}.`,
    "",
    "Try it with curl (from this folder):",
    `  curl -H "Authorization: Bearer $(cat .dev-token)" ${stack.url}/set/hello/world`,
    `  curl -H "Authorization: Bearer $(cat .dev-token)" ${stack.url}/get/hello`,
    "",
    "Or from any Node project (run `npm i @upstash/redis` there first), as an ES module (.mjs):",
    `  import { Redis } from "@upstash/redis";`,
    `  const redis = new Redis({ url: "${stack.url}", token: "${stack.key}" });`,
    `  console.log(await redis.get("hello"));`,
    ...(stack.upstashInstanceId ? ["", `Upstash-backed instance: ${stack.base}/redis/${stack.upstashInstanceId}`] : []),
    "",
    "Press Ctrl-C to stop.",
  ];
  console.log(lines.join("\n"));
  const shutdown = async () => {
    console.log("\nStopping ...");
    await stack.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
} catch (error) {
  console.error(`\n${error instanceof Error && error.name === "StackError" ? error.message : String(error)}`);
  process.exit(1);
}
