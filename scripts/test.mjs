// @ts-check
// `npm test`: everything CI checks, in order, stopping at the first failure: lint/format,
// types, generated Env types, schema/migration drift, a real bundle, the workerd test suite, the
// local stack driven by the official client from Node, and the dashboard's browser tests.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QUIET_ENV } from "./stack.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const bin = (/** @type {string} */ name) => join(ROOT, "node_modules", ".bin", name);
const env = { ...process.env, ...QUIET_ENV };

/** @param {string} title @param {string} command @param {string[]} args */
function step(title, command, args) {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit", env });
  if (result.status !== 0) {
    console.error(`\n✖ ${title} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status || 1);
  }
  console.log(`✔ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function drizzleDrift() {
  console.log("\n▶ drizzle schema matches migrations/");
  const dir = mkdtempSync(join(tmpdir(), "redisgate-drift-"));
  try {
    cpSync(join(ROOT, "migrations"), dir, { recursive: true });
    const before = readdirSync(dir).sort().join(",");
    const result = spawnSync(bin("drizzle-kit"), ["generate", "--dialect", "sqlite", "--schema", "./drizzle/schema.ts", "--out", dir], {
      cwd: ROOT,
      encoding: "utf8",
    });
    if (result.status !== 0) {
      console.error(result.stdout, result.stderr);
      process.exit(1);
    }
    const after = readdirSync(dir).sort().join(",");
    if (before !== after) {
      console.error("✖ drizzle/schema.ts has changes with no migration. Run `npm run db:generate` and commit migrations/.");
      process.exit(1);
    }
    console.log("✔ drizzle schema matches migrations/");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

step("biome (format + lint)", bin("biome"), ["check", "."]);
step("tsc --noEmit", bin("tsc"), ["--noEmit"]);
step("wrangler types are current", bin("wrangler"), ["types", "--env-file", ".dev.vars.example", "--strict-vars=false", "--check"]);
drizzleDrift();
step("wrangler deploy --dry-run (bundle)", bin("wrangler"), ["deploy", "--dry-run", "--outdir", "dist"]);
step("vitest (workerd, D1, KV, redis-server)", bin("vitest"), ["run"]);
step("npm run dev's stack with @upstash/redis from Node", "node", ["test/node/dev-stack-sdk.mjs"]);
if (existsSync(join(ROOT, "test", "e2e", "run.mjs"))) step("dashboard in Chromium", "node", ["test/e2e/run.mjs"]);
