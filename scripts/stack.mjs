// @ts-check
// The local stack behind `npm run dev`, the browser tests and the benchmarks, put together from its
// parts: a redis-server (./redis-server.mjs, or REDIS_URL), migrations and `wrangler dev`
// (./wrangler.mjs), the dashboard's bundle (./build-client.mjs) and the bootstrap (./bootstrap.mjs).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrap } from "./bootstrap.mjs";
import { buildClient } from "./build-client.mjs";
import { ensureDevVars } from "./local-secrets.mjs";
import { findRedisServer, freePort, installRedisServer, startRedisServer } from "./redis-server.mjs";
import { DEV_VARS, QUIET_ENV, ROOT, WRANGLER, waitForHealth, wranglerSync } from "./wrangler.mjs";

/**
 * Starts the whole local stack and resolves once it is bootstrapped.
 * @param {{ port?: number, persistTo?: string, log?: (line: string) => void, inheritOutput?: boolean,
 *   redisUrl?: string, envFile?: string, stateFile?: string, redisPort?: number, redisDataDir?: string,
 *   vars?: Record<string, string>, wranglerLog?: string }} [options]
 *   redisUrl: use this Redis instead of REDIS_URL or a new redis-server; envFile: secrets file for
 *   wrangler dev instead of .dev.vars; stateFile: where the dev key is remembered between runs;
 *   redisPort/redisDataDir: a fixed port and a data folder for the started redis-server (npm run dev);
 *   vars: more `wrangler dev --var`s on top of DEV_VARS; wranglerLog: wrangler dev's WRANGLER_LOG
 *   ("info" prints a line per request; "warn" by default).
 */
export async function startStack(options = {}) {
  const log = options.log ?? console.log;
  const stateDir = join(ROOT, ".redisgate");
  mkdirSync(stateDir, { recursive: true });
  const persistTo = options.persistTo ?? join(ROOT, ".wrangler", "state");
  const envFile = options.envFile ?? join(ROOT, ".dev.vars");
  if (ensureDevVars(envFile)) log(`Wrote ${envFile} with fresh local secrets.`);

  /** @type {Awaited<ReturnType<typeof startRedisServer>> | null} */
  let redis = null;
  let redisUrl = options.redisUrl ?? process.env.REDIS_URL;
  if (!redisUrl) {
    if (!findRedisServer()) installRedisServer(log);
    redis = await startRedisServer({ quiet: true, port: options.redisPort, dataDir: options.redisDataDir });
    redisUrl = redis.url;
    log(`redis-server listening on ${redisUrl}`);
  }

  wranglerSync(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo]);
  // The vitest pool and a bare wrangler need dist/client; build it here too (wrangler's [build] repeats it).
  await buildClient();
  const port = options.port ?? Number(process.env.PORT ?? 8787);
  const inspector = await freePort();
  const child = spawn(
    WRANGLER,
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspector),
      "--persist-to",
      persistTo,
      "--env-file",
      envFile,
      "--show-interactive-dev-session=false",
      ...Object.entries({ ...DEV_VARS, ...options.vars }).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ...QUIET_ENV, ...(options.wranglerLog ? { WRANGLER_LOG: options.wranglerLog } : {}) },
      stdio: options.inheritOutput ? ["ignore", "inherit", "inherit"] : ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    await redis?.stop();
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(base, 60_000, () => child.exitCode === null);
    const boot = await bootstrap(base, redisUrl, options.stateFile ?? join(stateDir, "dev-state.json"), envFile);
    return { base, url: `${base}/redis/${boot.instanceId}`, redisUrl, inspectorPort: inspector, ...boot, stop, output: () => output };
  } catch (error) {
    await stop();
    if (output) log(output.slice(-4000));
    throw error;
  }
}

/**
 * A throwaway stack on a free port with its own state, secrets and dev-key file in a temp folder,
 * for tests and benchmarks: it never touches the developer's `.dev.vars`, state or dev key.
 * @param {{ redisUrl?: string, vars?: Record<string, string> }} [options]
 */
export async function startPrivateStack(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), "redisgate-stack-"));
  try {
    const stack = await startStack({
      port: await freePort(),
      persistTo: join(dir, "state"),
      envFile: join(dir, "secrets.env"),
      stateFile: join(dir, "dev-state.json"),
      log: () => {},
      ...options,
    });
    return {
      ...stack,
      stateFile: join(dir, "dev-state.json"),
      stop: async () => {
        await stack.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
