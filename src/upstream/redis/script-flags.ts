// Upstash-only script flags for plain Redis. Upstash clients (@upstash/ratelimit >= 2.1, Python
// upstash-ratelimit >= 1.2) open scripts with `#!lua flags=allow-key-locking`, which Redis refuses
// ("ERR Unexpected flag in script shebang"). This module drops such flags from EVAL, EVAL_RO,
// SCRIPT LOAD and FUNCTION LOAD, keeps every other flag, and remembers which SHA1 the client knows a
// script by and which the server does. Pure: no sockets, no cloudflare:* imports.
import type { Arg } from "../driver";

/** Flags only Upstash understands; Redis refuses a shebang that names any of them. */
export const UPSTASH_ONLY_FLAGS: ReadonlySet<string> = new Set(["allow-key-locking"]);

/**
 * The script with Upstash-only flags removed from its shebang line, or null when it needs no
 * change (no shebang, or no such flag). A `flags=` list left empty is dropped, so `#!lua
 * flags=allow-key-locking` becomes `#!lua`, which Redis reads as "a script with no flags".
 */
export function translateShebang(script: string): string | null {
  if (!script.startsWith("#!")) return null;
  const end = script.indexOf("\n");
  const line = end < 0 ? script : script.slice(0, end);
  const parts = line.split(" ");
  let changed = false;
  const kept: string[] = [];
  for (const part of parts) {
    if (!part.startsWith("flags=")) {
      kept.push(part);
      continue;
    }
    const flags = part.slice("flags=".length).split(",");
    const remaining = flags.filter((f) => !UPSTASH_ONLY_FLAGS.has(f));
    if (remaining.length === flags.length) {
      kept.push(part);
      continue;
    }
    changed = true;
    if (remaining.length > 0) kept.push(`flags=${remaining.join(",")}`);
  }
  if (!changed) return null;
  return kept.join(" ") + (end < 0 ? "" : script.slice(end));
}

/** Lower-case hex SHA1, as Redis names scripts. */
export async function sha1Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A bounded map from the SHA1 a client knows a script by (its own text) to the SHA1 of the
 * translated script the server holds. Least recently used entries go first. Whoever holds the
 * upstream connection holds one: the isolate today, the pool Durable Object later.
 */
export class ScriptShaMap {
  private readonly entries = new Map<string, string>();

  constructor(private readonly maxEntries = 1_000) {}

  get size(): number {
    return this.entries.size;
  }

  /** The server's SHA1 for the client's, or undefined. A hit counts as a use. */
  get(clientSha: string): string | undefined {
    const serverSha = this.entries.get(clientSha);
    if (serverSha !== undefined) {
      this.entries.delete(clientSha);
      this.entries.set(clientSha, serverSha);
    }
    return serverSha;
  }

  set(clientSha: string, serverSha: string): void {
    this.entries.delete(clientSha);
    this.entries.set(clientSha, serverSha);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

/** A command as it must be sent, and how to turn the server's reply back into what the client expects. */
export type PreparedCommand = { command: Arg[]; reply?: (serverReply: unknown) => unknown };

const decoder = new TextDecoder();
const upper = (arg: Arg | undefined) => (arg === undefined ? "" : (typeof arg === "string" ? arg : decoder.decode(arg)).toUpperCase());
const asText = (arg: Arg) => (typeof arg === "string" ? arg : decoder.decode(arg));

/** Where a command carries script text (or a SHA1), by command name and subcommand. */
function scriptPosition(command: readonly Arg[]): { at: number; kind: "text" | "sha" | "load" } | null {
  const name = upper(command[0]);
  if (name === "EVAL" || name === "EVAL_RO") return { at: 1, kind: "text" };
  if (name === "EVALSHA" || name === "EVALSHA_RO") return { at: 1, kind: "sha" };
  if (name === "SCRIPT" && upper(command[1]) === "LOAD") return { at: 2, kind: "load" };
  if (name === "FUNCTION" && upper(command[1]) === "LOAD") return { at: upper(command[2]) === "REPLACE" ? 3 : 2, kind: "text" };
  return null;
}

/**
 * Rewrites one command for plain Redis: translated script text (remembering both SHA1s in `shas`),
 * a client SHA1 swapped for the server's, and for SCRIPT LOAD a reply carrying the client's SHA1.
 */
export async function prepareScriptCommand(command: Arg[], shas: ScriptShaMap): Promise<PreparedCommand> {
  const position = scriptPosition(command);
  const original = position ? command[position.at] : undefined;
  if (!position || original === undefined) return { command };
  if (position.kind === "sha") {
    const serverSha = shas.get(asText(original).toLowerCase());
    return serverSha ? { command: command.with(position.at, serverSha) } : { command };
  }
  const translated = translateShebang(asText(original));
  if (translated === null) return { command };
  const [clientSha, serverSha] = await Promise.all([sha1Hex(original), sha1Hex(translated)]);
  if (upper(command[0]) !== "FUNCTION") shas.set(clientSha, serverSha);
  const prepared = command.with(position.at, translated);
  if (position.kind !== "load") return { command: prepared };
  // SCRIPT LOAD answers the SHA1 of what it loaded; the client expects the SHA1 of what it sent.
  const clientShaBytes = new TextEncoder().encode(clientSha);
  return { command: prepared, reply: (r) => (r instanceof Uint8Array ? clientShaBytes : r) };
}

/** True when a command carries script text or a SHA1: it reads or fills a ScriptShaMap. */
export function carriesScript(commands: readonly (readonly Arg[])[]): boolean {
  return commands.some((c) => scriptPosition(c) !== null);
}

/** prepareScriptCommand for many commands; replies are fixed up by index. */
export async function prepareScriptCommands(commands: Arg[][], shas: ScriptShaMap): Promise<PreparedCommand[]> {
  return Promise.all(commands.map((c) => prepareScriptCommand(c, shas)));
}
