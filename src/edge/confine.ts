// Keeps a command inside its instance's database: an instance is one database (as at Upstash), so
// FLUSHALL, which would empty every database on the server, runs as FLUSHDB with the same arguments.
import type { Arg } from "../upstream/driver";

function isName(arg: Arg | undefined, name: string): boolean {
  return typeof arg === "string" ? arg.toUpperCase() === name : arg !== undefined && new TextDecoder().decode(arg).toUpperCase() === name;
}

/** The command as it must reach the upstream (same array when nothing changes). */
export function confineCommand(command: Arg[]): Arg[] {
  if (isName(command[0], "FLUSHALL")) return ["FLUSHDB", ...command.slice(1)];
  return command;
}
