// The console's connection to the edge on the person's session: a five-minute key per instance,
// minted by the management API and kept in this module's memory only (never storage, never the
// page's markup); renewed shortly before it expires. Commands go to /redis/<instance> as Upstash's
// REST protocol does.
import { api } from "./api";
import type { ConsoleKey, Scope } from "./api-types";
import { orgId } from "./shell";

export type EdgeReply = { status: number; result?: unknown; error?: string };

const keys = new Map<string, ConsoleKey>();
const RENEW_BEFORE_MS = 30_000;

/** The console key for `instanceId`, minting a new one when there is none or it is about to expire. */
export async function consoleKey(instanceId: string): Promise<ConsoleKey> {
  const held = keys.get(instanceId);
  if (held && Date.parse(held.expires_at) - Date.now() > RENEW_BEFORE_MS) return held;
  const minted = await api<ConsoleKey>("POST", `/api/organizations/${orgId}/redis-instances/${instanceId}/console-key`);
  if (!minted.ok) throw new Error(minted.message);
  keys.set(instanceId, minted.data);
  return minted.data;
}

export async function sessionScope(instanceId: string): Promise<Scope> {
  return (await consoleKey(instanceId)).scope;
}

async function post(instanceId: string, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const { key } = await consoleKey(instanceId);
  let res: Response;
  try {
    res = await fetch(`/redis/${instanceId}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    throw new Error("Could not reach the Redis endpoint. Check your connection and try again.");
  }
  const text = await res.text();
  try {
    return { status: res.status, json: JSON.parse(text) };
  } catch {
    return { status: res.status, json: { error: text.slice(0, 500) || `HTTP ${res.status}` } };
  }
}

/** Runs one command; the reply is the edge's `{ result }` or `{ error }` with the HTTP status. */
export async function run(instanceId: string, args: string[]): Promise<EdgeReply> {
  const { status, json } = await post(instanceId, "", args);
  return { status, ...(json as { result?: unknown; error?: string }) };
}

/** Runs commands in one pipeline request; one reply per command (or the whole request's error for each). */
export async function pipeline(instanceId: string, commands: string[][]): Promise<EdgeReply[]> {
  const { status, json } = await post(instanceId, "/pipeline", commands);
  if (Array.isArray(json)) return json.map((r) => ({ status, ...(r as { result?: unknown; error?: string }) }));
  const error = (json as { error?: string }).error ?? `HTTP ${status}`;
  return commands.map(() => ({ status, error }));
}

/** Runs a command and returns its result, throwing the edge's error. */
export async function must(instanceId: string, args: string[]): Promise<unknown> {
  const reply = await run(instanceId, args);
  if (reply.error !== undefined) throw new Error(reply.error);
  return reply.result;
}
