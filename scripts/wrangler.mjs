// @ts-check
// Running wrangler for the local stack: its quiet environment, local development's vars on top of
// wrangler.toml's production ones, one-shot commands (migrations) and waiting for `wrangler dev`.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { stackError } from "./stack-error.mjs";

export const ROOT = new URL("..", import.meta.url).pathname;
export const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
export const QUIET_ENV = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_LOG: "warn" };

/** Local development's own vars on top of wrangler.toml's production ones (loopback Redis allowed). */
export const DEV_VARS = { ENVIRONMENT: "development", ALLOWED_UPSTREAM_HOSTS: "127.0.0.1,localhost,::1,*.upstash.io" };

/** @param {string[]} args */
export function wranglerSync(args) {
  const result = spawnSync(WRANGLER, args, {
    cwd: ROOT,
    env: { ...process.env, ...QUIET_ENV, CI: "true" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.status !== 0) throw stackError(`wrangler ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** @param {string} url @param {number} timeoutMs */
export async function waitForHealth(url, timeoutMs, isAlive = () => true) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw stackError("wrangler dev exited before it answered /health");
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw stackError(`wrangler dev did not answer ${url}/health within ${timeoutMs / 1000} s`);
}
