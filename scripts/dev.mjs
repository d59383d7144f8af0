// @ts-check
// `npm run dev`: the whole local stack in one command. Ctrl-C stops everything it started.
import { DEV_ACCOUNT, startStack } from "./stack.mjs";

try {
  const stack = await startStack({ inheritOutput: true });
  const lines = [
    "",
    "RedisGate is running.",
    `  Dashboard:   ${stack.base}/  (sign in as ${DEV_ACCOUNT.email} / ${DEV_ACCOUNT.password})`,
    `  Management:  ${stack.base}/api/openapi.json`,
    "",
    "Use it from @upstash/redis:",
    `  import { Redis } from "@upstash/redis";`,
    `  const redis = new Redis({ url: "${stack.url}", token: process.env.REDISGATE_TOKEN });`,
    "",
    `  url   = ${stack.url}`,
    `  token = ${stack.key}`,
    ...(stack.upstashInstanceId ? [`  upstash-backed url = ${stack.base}/redis/${stack.upstashInstanceId}`] : []),
    "",
    "Or with curl:",
    `  curl -H "Authorization: Bearer ${stack.key.slice(0, 12)}…" ${stack.url}/set/hello/world`,
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
