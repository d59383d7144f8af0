// @ts-check
// Finds, installs, starts and stops a redis-server on a loopback port, for `npm run dev`, the test
// setup and the benchmarks. Node-side only; the Worker never imports this.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { listenOnLoopback } from "./loopback.mjs";
import { stackError } from "./stack-error.mjs";

/** @returns {string | null} absolute path of redis-server on PATH, or null */
export function findRedisServer() {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : null;
}

/** @returns {Promise<number>} a TCP port on 127.0.0.1 that was free a moment ago */
export async function freePort() {
  const server = createServer();
  server.unref();
  const port = await listenOnLoopback(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One command as RESP: an array of bulk strings. @param {string[]} args */
export function encodeRedisCommand(args) {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

/**
 * Sends one command to a Redis server and resolves with the first line of its reply (enough for
 * set-up commands: +OK, -ERR, :n). Not a client: no parsing of nested replies.
 * @param {number} port
 * @param {string[]} args
 */
export function sendRedisCommand(port, args) {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    socket.setTimeout(3000, () => socket.destroy(new Error("redis-server did not answer in 3 s")));
    socket.on("error", reject);
    socket.on("connect", () => {
      socket.write(encodeRedisCommand(args));
    });
    socket.on("data", (chunk) => {
      reply += chunk.toString("utf8");
      const end = reply.indexOf("\r\n");
      if (end >= 0) {
        socket.end();
        const line = reply.slice(0, end);
        if (line.startsWith("-")) reject(new Error(`redis-server: ${line.slice(1)}`));
        else resolve(line);
      }
    });
  });
}

/**
 * Starts redis-server on a free port (or `port`) and waits until it answers PING. With `dataDir`
 * it keeps its data there (append-only file), so a restart finds the same keys; without, nothing persists.
 * `args` are extra configuration arguments (e.g. ["--busy-reply-threshold", "200"]).
 * @param {{ port?: number, quiet?: boolean, dataDir?: string, args?: string[] }} [options]
 */
export async function startRedisServer(options = {}) {
  const binary = findRedisServer();
  if (!binary) {
    throw new Error(
      "redis-server is not on PATH. Install it first: `sudo apt-get install -y redis-server` (Debian/Ubuntu) or `brew install redis` (macOS).",
    );
  }
  const port = options.port ?? (await freePort());
  if (options.port !== undefined) {
    const taken = await sendRedisCommand(port, ["PING"]).then(
      () => true,
      () => false,
    );
    if (taken)
      throw new Error(`Port ${port} already answers as a Redis server (an earlier run still going?). Stop it or set REDISGATE_REDIS_PORT.`);
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const persistence = options.dataDir
    ? ["--dir", options.dataDir, "--appendonly", "yes", "--save", "60 1"]
    : ["--save", "", "--appendonly", "no"];
  const child = spawn(
    binary,
    ["--port", String(port), "--bind", "127.0.0.1", ...persistence, "--protected-mode", "yes", ...(options.args ?? [])],
    { stdio: options.quiet ? "ignore" : ["ignore", "inherit", "inherit"] },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await sendRedisCommand(port, ["PING"]);
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`redis-server did not start on port ${port}: ${String(error)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    /** @param {string[]} args */
    command: (args) => sendRedisCommand(port, args),
    /** Resolves when the server process ends, for whatever reason. */
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
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
    throw stackError(
      "redis-server is required. Install it, then run the command again:\n" +
        "  Debian/Ubuntu: sudo apt-get install -y redis-server\n" +
        "  macOS:         brew install redis\n" +
        "Or point the stack at a running Redis: REDIS_URL=redis://127.0.0.1:6379 npm run dev",
    );
  }
}
