// Decides whether a key may run a command on an instance. Scopes are cumulative levels:
// read < write < admin. Refusals carry Upstash-shaped text and the status the edge answers with.
import type { Scope } from "../auth/api-key-token";
import type { Arg } from "../upstream/driver";
import { classifyCommand } from "./commands";

export type Refusal = { status: 400 | 403; error: string };

/** What one request may do: the key's level (from keyLevel) and the instance's switches. */
export type Permissions = { level: number; allowAdmin: boolean; allowScripts: boolean };

const LEVEL: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

export function keyLevel(scopes: readonly Scope[]): number {
  return Math.max(0, ...scopes.map((s) => LEVEL[s]));
}

/** null when allowed; otherwise why not. */
export function authorizeCommand(command: readonly Arg[], permissions: Permissions): Refusal | null {
  const c = classifyCommand(command);
  const lower = c.name.toLowerCase();
  const { level } = permissions;
  switch (c.class) {
    case "refused":
      return { status: 400, error: `ERR command '${lower}' is not supported by RedisGate: ${c.reason}` };
    case "read":
      return level >= LEVEL.read ? null : noperm(lower);
    case "powerful-read":
    case "write":
      return level >= LEVEL.write ? null : noperm(lower);
    case "script":
      return authorizeScript(lower, permissions);
    case "admin":
      return authorizeAdmin(lower, level, permissions.allowAdmin);
  }
}

/** Scripts can run anything a write key can (and reads a read key may not), whatever their name says. */
function authorizeScript(command: string, permissions: Permissions): Refusal | null {
  if (!permissions.allowScripts) return noperm(command, "scripts are disabled for this instance (allow_scripts is false)");
  if (permissions.level < LEVEL.write) return noperm(command, "scripts need a key with the write scope");
  return null;
}

function authorizeAdmin(command: string, level: number, instanceAllowsAdmin: boolean): Refusal | null {
  if (level < LEVEL.admin) return noperm(command, "it needs a key with the admin scope");
  if (!instanceAllowsAdmin) return noperm(command, "admin commands are disabled for this instance");
  return null;
}

/** Streams: (p)subscribe only read messages; MONITOR sees every command, so it is an admin command. */
export function authorizeStream(kind: "subscribe" | "psubscribe" | "monitor", permissions: Permissions): Refusal | null {
  if (kind === "monitor") return authorizeAdmin(kind, permissions.level, permissions.allowAdmin);
  return permissions.level >= LEVEL.read ? null : noperm(kind);
}

function noperm(command: string, why?: string): Refusal {
  return { status: 403, error: `NOPERM this key has no permissions to run the '${command}' command${why ? ` (${why})` : ""}` };
}
