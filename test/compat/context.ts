// What every compatibility group receives: a client factory for one client mode, the target it
// talks to, and assertion helpers that know how the official SDK reports Redis errors per mode.
import { errors, Redis } from "@upstash/redis";
import { expect } from "vitest";

/** Where the suite sends its requests: a base URL as a user pastes it, and a key for it. */
export type CompatTarget = { url: string; token: string };

/** One way of configuring the official client. Read-your-writes is always on (the SDK default). */
export type ClientMode = { name: string; autoPipeline: boolean; base64: boolean };

export const AUTO_PIPELINE_BASE64: ClientMode = { name: "auto-pipeline, base64", autoPipeline: true, base64: true };
export const AUTO_PIPELINE_PLAIN: ClientMode = { name: "auto-pipeline, plain json", autoPipeline: true, base64: false };
export const SINGLE_BASE64: ClientMode = { name: "single requests, base64", autoPipeline: false, base64: true };
export const SINGLE_PLAIN: ClientMode = { name: "single requests, plain json", autoPipeline: false, base64: false };

/** Auto-pipelining on and off × base64 on and off: every combination changes the wire. */
export const CLIENT_MODES: readonly ClientMode[] = [AUTO_PIPELINE_BASE64, AUTO_PIPELINE_PLAIN, SINGLE_BASE64, SINGLE_PLAIN];

export type CompatContext = {
  mode: ClientMode;
  /** A fresh client in this mode, pointed at the target (with another token when given). */
  client(token?: string): Redis;
  /** The target, for the few checks that need raw HTTP next to the client. */
  target(): CompatTarget;
  /**
   * The Redis error text `promise` was rejected with, after checking it is the SDK's UpstashError
   * in the shape of this mode: auto-pipelined calls report "Command failed: <error>"; single
   * requests, and the commands the SDK never auto-pipelines (`exec`, `hgetall`, `zrange`, …,
   * pass `single: true`), report "<error>, command was: [...]".
   */
  errorText(promise: Promise<unknown>, options?: { single?: boolean }): Promise<string>;
  /** Asserts that `promise` rejects with exactly `redisError` (see errorText). */
  expectRedisError(promise: Promise<unknown>, redisError: string, options?: { single?: boolean }): Promise<void>;
};

export function createContext(mode: ClientMode, target: () => CompatTarget): CompatContext {
  const context: CompatContext = {
    mode,
    target,
    client(token = target().token) {
      const { url } = target();
      return new Redis({
        url,
        token,
        enableAutoPipelining: mode.autoPipeline,
        responseEncoding: mode.base64 ? "base64" : false,
        readYourWrites: true,
        enableTelemetry: false,
      });
    },
    async errorText(promise, options = {}) {
      const error = await rejection(promise);
      expect(error).toBeInstanceOf(errors.UpstashError);
      const message = (error as Error).message;
      if (mode.autoPipeline && !options.single) {
        expect(message.startsWith("Command failed: "), message).toBe(true);
        return message.slice("Command failed: ".length);
      }
      const at = message.lastIndexOf(", command was: [");
      expect(at, message).toBeGreaterThan(0);
      return message.slice(0, at);
    },
    async expectRedisError(promise, redisError, options) {
      expect(await context.errorText(promise, options)).toBe(redisError);
    },
  };
  return context;
}

/** The rejection reason of `promise`; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  let settled: { value: unknown } | undefined;
  try {
    settled = { value: await promise };
  } catch (error) {
    return error;
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(settled.value)}`);
}

/** Unique key names for one test: `k("a")` → "compat:<uuid>:a"; `k.prefix` for MATCH patterns. */
export type Keyspace = ((name: string) => string) & { prefix: string };

export function keyspace(): Keyspace {
  const prefix = `compat:${crypto.randomUUID()}:`;
  return Object.assign((name: string) => `${prefix}${name}`, { prefix });
}

/** Polls `probe` until `done` holds or `timeoutMs` passes; returns the last value for asserting. */
export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await probe();
  }
  return value;
}

/** Lower-case hex SHA-1, as Redis names scripts. */
export async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A flat RESP2 field/value array (XINFO, FUNCTION LIST, …) as an object. */
export function pairs(flat: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const list = flat as unknown[];
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}
