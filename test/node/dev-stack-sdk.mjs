// @ts-check
// The README's promise, checked: the local stack `npm run dev` starts, and a plain Node script using
// the official @upstash/redis client with the printed url and token. Prints "N passed, N failed".
import { Redis } from "@upstash/redis";
import { bootstrap, startPrivateStack } from "../../scripts/stack.mjs";

const stack = await startPrivateStack();
let passed = 0;
let failed = 0;
/** @param {string} name @param {() => Promise<void>} fn */
async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`  ✓ ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`  ✗ ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
/** @param {unknown} actual @param {unknown} expected */
function equal(actual, expected) {
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

try {
  const redis = new Redis({ url: stack.url, token: stack.key });
  const key = `node:${Date.now()}`;
  await check("set/get an object with auto-pipelining", async () => {
    await redis.set(key, { hello: "world" });
    equal(await redis.get(key), { hello: "world" });
  });
  await check("pipeline", async () => {
    const p = redis.pipeline();
    p.incr(`${key}:n`);
    p.incr(`${key}:n`);
    equal(await p.exec(), [1, 2]);
  });
  await check("multi/exec", async () => equal(await redis.multi().set(`${key}:m`, 1).get(`${key}:m`).exec(), ["OK", 1]));
  await check("a wrong token is refused", async () => {
    const bad = new Redis({ url: stack.url, token: `${stack.key}x` });
    const error = await bad.get(key).then(
      () => null,
      (e) => e,
    );
    if (!String(error).includes("WRONGPASS")) throw new Error(`expected WRONGPASS, got ${String(error)}`);
  });
  await check("bootstrap is idempotent: a second run keeps the same instance and key", async () => {
    const again = await bootstrap(stack.base, stack.redisUrl, stack.stateFile);
    equal([again.instanceId, again.key], [stack.instanceId, stack.key]);
  });
} finally {
  await stack.stop();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
