// The console's connection to the edge on the person's session: a five-minute key per instance,
// minted by the management API and kept in this module's memory only (never storage, never the
// page's markup); renewed shortly before it expires. Commands go to /redis/<instance> as Upstash's
// REST protocol does, asking for base64 replies and sending binary arguments raw (edge-wire.ts).
import { api } from "./api";
import type { ConsoleKey, Scope } from "./api-types";
import { allText, commandRequest } from "./edge-wire";
import { type Bulk, decodeReply } from "./redis-bytes";
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

type Posted = { status: number; json: unknown };

/**
 * Posts with the console key, and once more with a new one when the edge refused the key (401): a
 * password change or "sign out everywhere" revokes the console keys of every session, this one's
 * too. A 401 is answered before any command runs, so nothing runs twice.
 */
async function post(instanceId: string, path: string, body: string | Uint8Array<ArrayBuffer>, contentType: string): Promise<Posted> {
  const first = await postWithKey(instanceId, path, body, contentType);
  if (first.status !== 401) return first;
  keys.delete(instanceId);
  return postWithKey(instanceId, path, body, contentType);
}

async function postWithKey(instanceId: string, path: string, body: string | Uint8Array<ArrayBuffer>, contentType: string): Promise<Posted> {
  const { key } = await consoleKey(instanceId);
  let res: Response;
  try {
    res = await fetch(`/redis/${instanceId}${path}`, {
      method: "POST",
      // base64: every string comes back as its exact bytes (plain JSON would turn bytes that are
      // not UTF-8 into U+FFFD, and a value saved back from that would be destroyed).
      headers: { authorization: `Bearer ${key}`, "content-type": contentType, "upstash-encoding": "base64" },
      body,
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

/** One `{ result }` (its strings decoded to Bulks) or `{ error }` item with the HTTP status. */
function replyOf(status: number, item: unknown): EdgeReply {
  const { result, error } = item as { result?: unknown; error?: string };
  return error !== undefined ? { status, error } : { status, result: decodeReply(result) };
}

/** Runs one command; the reply is the edge's `{ result }` or `{ error }` with the HTTP status. */
export async function run(instanceId: string, args: readonly Bulk[]): Promise<EdgeReply> {
  const request = commandRequest(args);
  if ("error" in request) return { status: 0, error: request.error };
  const { status, json } = await post(instanceId, request.path, request.body, request.contentType);
  return replyOf(status, json);
}

async function batch(instanceId: string, path: "/pipeline" | "/multi-exec", commands: string[][]): Promise<EdgeReply[]> {
  const { status, json } = await post(instanceId, path, JSON.stringify(commands), "application/json");
  if (Array.isArray(json)) return json.map((r) => replyOf(status, r));
  const error = (json as { error?: string }).error ?? `HTTP ${status}`;
  return commands.map(() => ({ status, error }));
}

/**
 * Runs commands in one pipeline request; one reply per command (or the whole request's error for
 * each). A command with a binary argument cannot be in a JSON pipeline: it goes on its own.
 */
export async function pipeline(instanceId: string, commands: readonly (readonly Bulk[])[]): Promise<EdgeReply[]> {
  if (allText(commands)) return batch(instanceId, "/pipeline", commands);
  const texts = commands.filter((c): c is string[] => allText([c]));
  const together = texts.length > 0 ? await batch(instanceId, "/pipeline", texts) : [];
  const replies: EdgeReply[] = [];
  for (const command of commands) {
    replies.push(allText([command]) ? (together.shift() as EdgeReply) : await run(instanceId, command));
  }
  return replies;
}

/** Runs text-only commands as one MULTI/EXEC; throws the edge's error when it was discarded. */
export async function transaction(instanceId: string, commands: string[][]): Promise<EdgeReply[]> {
  const replies = await batch(instanceId, "/multi-exec", commands);
  const first = replies[0];
  if (first && first.status !== 200 && first.error !== undefined) throw new Error(first.error);
  return replies;
}

/** Runs a command and returns its result, throwing the edge's error. */
export async function must(instanceId: string, args: readonly Bulk[]): Promise<unknown> {
  const reply = await run(instanceId, args);
  if (reply.error !== undefined) throw new Error(reply.error);
  return reply.result;
}
