// @ts-check
// The local stack behind `npm run dev`, the browser tests and the benchmarks: migrations on the
// local D1, a redis-server (or REDIS_URL), `wrangler dev`, and an idempotent bootstrap through the
// management API of a dev account, organization, redis-driver instance and API key.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildClient } from "./build-client.mjs";
import { ensureDevVars, readBootstrapSecret } from "./local-secrets.mjs";
import { findRedisServer, freePort, startRedisServer } from "./redis-server.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
export const QUIET_ENV = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_LOG: "warn" };

/** Local development's own vars on top of wrangler.toml's production ones (loopback Redis allowed). */
export const DEV_VARS = { ENVIRONMENT: "development", ALLOWED_UPSTREAM_HOSTS: "127.0.0.1,localhost,::1,*.upstash.io" };

export const DEV_ACCOUNT = { email: "dev@redisgate.local", username: "dev", password: "redisgate-dev-password" };

/** @param {string} message */
function fail(message) {
  const error = new Error(message);
  error.name = "StackError";
  return error;
}

/** Installs redis-server where that can be done without asking (Debian as root or with sudo -n, Homebrew). */
export function installRedisServer(log = console.log) {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
  const sudoOk = !isRoot && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;
  if (hasApt && (isRoot || sudoOk)) {
    log("redis-server is not installed; installing it with apt-get ...");
    const run = (/** @type {string[]} */ args) => {
      const [command, ...rest] = isRoot ? args : ["sudo", "-n", ...args];
      spawnSync(/** @type {string} */ (command), rest, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    };
    run(["apt-get", "update", "-qq"]);
    run(["apt-get", "install", "-y", "-qq", "redis-server"]);
  } else if (process.platform === "darwin" && spawnSync("sh", ["-c", "command -v brew"]).status === 0) {
    log("redis-server is not installed; installing it with Homebrew ...");
    spawnSync("brew", ["install", "redis"], { stdio: "inherit" });
  }
  if (!findRedisServer()) {
    throw fail(
      "redis-server is required. Install it, then run the command again:\n" +
        "  Debian/Ubuntu: sudo apt-get install -y redis-server\n" +
        "  macOS:         brew install redis\n" +
        "Or point the stack at a running Redis: REDIS_URL=redis://127.0.0.1:6379 npm run dev",
    );
  }
}

/** @param {string[]} args */
function wranglerSync(args) {
  const result = spawnSync(WRANGLER, args, {
    cwd: ROOT,
    env: { ...process.env, ...QUIET_ENV, CI: "true" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.status !== 0) throw fail(`wrangler ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** @param {string} url @param {number} timeoutMs */
async function waitForHealth(url, timeoutMs, isAlive = () => true) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw fail("wrangler dev exited before it answered /health");
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw fail(`wrangler dev did not answer ${url}/health within ${timeoutMs / 1000} s`);
}

/**
 * A tiny client for the management API.
 * @param {string} base
 */
export function managementClient(base, token = "") {
  /** @param {string} method @param {string} path @param {unknown} [body] */
  return async (method, path, body) => {
    /** @type {Record<string, string>} */
    const headers = { "content-type": "application/json", "cf-connecting-ip": "127.0.0.1" };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = /** @type {any} */ (await res.json());
    return { status: res.status, json };
  };
}

/**
 * Bootstraps (idempotently) the dev account, organization, instance(s) and API key.
 * @param {string} base @param {string} redisUrl @param {string} stateFile
 */
export async function bootstrap(base, redisUrl, stateFile, envFile = join(ROOT, ".dev.vars")) {
  const anon = managementClient(base);
  const reg = await anon("POST", "/auth/register", DEV_ACCOUNT);
  if (reg.status !== 201 && reg.status !== 409) throw fail(`register failed: ${JSON.stringify(reg.json)}`);
  const login = await anon("POST", "/auth/login", { email: DEV_ACCOUNT.email, password: DEV_ACCOUNT.password });
  if (login.status !== 200) throw fail(`login failed: ${JSON.stringify(login.json)}`);
  const api = managementClient(base, login.json.data.token);

  const orgs = await api("GET", "/api/organizations?limit=100");
  let org = orgs.json.data.find((/** @type {any} */ o) => o.slug === "dev");
  if (!org) org = (await api("POST", "/api/organizations", { name: "Development", slug: "dev" })).json.data;
  const orgPath = `/api/organizations/${org.id}`;
  // Local development and benchmarks should not trip the free plan's quota or rate limit. Only an
  // operator sets plans: the dev account becomes the first one (a 403 means one already exists).
  if (org.plan !== "enterprise") {
    const secret = readBootstrapSecret(envFile);
    if (secret) await api("POST", "/api/admin/bootstrap", { secret });
    const set = await api("PUT", `/api/admin/organizations/${org.id}/limits`, { plan: "enterprise" });
    if (set.status !== 200) console.warn(`note: the dev organization stays on the ${org.plan} plan (${set.json?.message ?? set.status})`);
  }

  /** @param {Record<string, unknown>} wanted */
  const upsertInstance = async (wanted) => {
    const list = await api("GET", `${orgPath}/redis-instances?limit=100`);
    const existing = list.json.data.find((/** @type {any} */ i) => i.slug === wanted.slug);
    const res = existing
      ? await api("PUT", `${orgPath}/redis-instances/${existing.id}`, {
          endpoint: wanted.endpoint,
          ...(wanted.token ? { token: wanted.token } : {}),
          disabled: false,
        })
      : await api("POST", `${orgPath}/redis-instances`, wanted);
    if (res.status !== 200 && res.status !== 201) throw fail(`instance ${wanted.slug}: ${JSON.stringify(res.json)}`);
    return res.json.data;
  };

  const instance = await upsertInstance({
    name: "Local Redis",
    slug: "local-redis",
    driver: "redis",
    endpoint: redisUrl,
    allow_admin: true,
  });
  let upstash = null;
  if (process.env.UPSTASH_REDIS_REST_URL && process.env.UPSTASH_REDIS_REST_TOKEN) {
    // Optional: an unreachable or rejected Upstash database must not stop the local stack.
    upstash = await upsertInstance({
      name: "Upstash",
      slug: "upstash",
      driver: "upstash",
      endpoint: process.env.UPSTASH_REDIS_REST_URL,
      token: process.env.UPSTASH_REDIS_REST_TOKEN,
    }).catch((/** @type {Error} */ error) => {
      console.warn(`Skipping the Upstash instance: ${error.message}`);
      return null;
    });
  }

  /** @type {{ orgId?: string, keyId?: string, key?: string }} */
  let state = {};
  try {
    state = JSON.parse(readFileSync(stateFile, "utf8"));
  } catch {
    // first run
  }
  let key = state.key;
  if (state.orgId === org.id && state.keyId && key) {
    const current = await api("GET", `${orgPath}/api-keys/${state.keyId}`);
    const usable =
      current.status === 200 && !current.json.data.revoked_at && Date.parse(current.json.data.expires_at) > Date.now() + 86_400_000;
    if (!usable) key = undefined;
  } else key = undefined;
  if (!key) {
    const minted = await api("POST", `${orgPath}/api-keys`, { name: "dev key", scopes: ["admin"] });
    if (minted.status !== 201) throw fail(`mint key: ${JSON.stringify(minted.json)}`);
    key = minted.json.data.key;
    state = { orgId: org.id, keyId: minted.json.data.api_key.id, key };
    writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
  }
  return {
    orgId: org.id,
    instanceId: instance.id,
    upstashInstanceId: upstash?.id ?? null,
    key: /** @type {string} */ (key),
    sessionToken: login.json.data.token,
  };
}

/**
 * Starts the whole local stack and resolves once it is bootstrapped.
 * @param {{ port?: number, persistTo?: string, log?: (line: string) => void, inheritOutput?: boolean,
 *   redisUrl?: string, envFile?: string, stateFile?: string, redisPort?: number, redisDataDir?: string }} [options]
 *   redisUrl: use this Redis instead of REDIS_URL or a new redis-server; envFile: secrets file for
 *   wrangler dev instead of .dev.vars; stateFile: where the dev key is remembered between runs;
 *   redisPort/redisDataDir: a fixed port and a data folder for the started redis-server (npm run dev).
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
      ...Object.entries(DEV_VARS).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ...QUIET_ENV },
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
    return { base, url: `${base}/redis/${boot.instanceId}`, redisUrl, ...boot, stop, output: () => output };
  } catch (error) {
    await stop();
    if (output) log(output.slice(-4000));
    throw error;
  }
}

/**
 * A throwaway stack on a free port with its own state, secrets and dev-key file in a temp folder,
 * for tests and benchmarks: it never touches the developer's `.dev.vars`, state or dev key.
 * @param {{ redisUrl?: string }} [options]
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
