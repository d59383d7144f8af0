// Stops a script that outlived the request deadline. Redis runs one script at a time and serves no
// one else meanwhile, so a runaway EVAL or FCALL stalls every instance on the server. After the
// deadline the gateway opens a connection of its own, waits for Redis to answer BUSY (it reads
// nothing before its busy-reply-threshold), then sends SCRIPT KILL or FUNCTION KILL and says what happened.
import { type Arg, type UpstreamTarget, upstreamFailureText } from "../driver";
import { RedisConnection, UpstreamFailure, withDeadline } from "./connection";
import { RespError } from "./resp";

export type ScriptKind = "script" | "function";

/** What became of the runaway script. */
export type KillOutcome = { kind: "killed" } | { kind: "unkillable" } | { kind: "finished" } | { kind: "unconfirmed"; reason: string };

const decoder = new TextDecoder();
const name = (arg: Arg | undefined) => (arg === undefined ? "" : (typeof arg === "string" ? arg : decoder.decode(arg)).toUpperCase());

/** The kind of script among the commands (EVAL* or FCALL*), or null when none runs one. */
export function runawayKind(commands: readonly (readonly Arg[])[]): ScriptKind | null {
  for (const command of commands) {
    const n = name(command[0]);
    if (n.startsWith("EVAL")) return "script";
    if (n.startsWith("FCALL")) return "function";
  }
  return null;
}

const killCommand = (kind: ScriptKind): string[] => (kind === "function" ? ["FUNCTION", "KILL"] : ["SCRIPT", "KILL"]);

/** Probes round after round: PING answers BUSY while a script runs, PONG once it is gone. */
const MAX_ROUNDS = 20;

async function killOnce(connection: RedisConnection, kind: ScriptKind): Promise<KillOutcome> {
  let killed = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const [probe] = await connection.exchange([["PING"]]);
    if (!(probe instanceof RespError)) return { kind: killed ? "killed" : "finished" };
    if (!probe.message.startsWith("BUSY")) return { kind: "unconfirmed", reason: probe.message };
    // The BUSY text names the command that stops what is running; trust it over our own guess.
    const command = probe.message.includes("FUNCTION KILL") ? killCommand("function") : killCommand(kind);
    const [answer] = await connection.exchange([command]);
    if (answer instanceof RespError) {
      if (answer.message.startsWith("UNKILLABLE")) return { kind: "unkillable" };
      if (answer.message.startsWith("NOTBUSY")) return { kind: killed ? "killed" : "finished" };
      return { kind: "unconfirmed", reason: answer.message };
    }
    killed = true;
  }
  return { kind: "unconfirmed", reason: `Redis still answered BUSY after ${MAX_ROUNDS} attempts` };
}

/**
 * Stops the script running on the target's server, on a fresh connection under its own deadline
 * (the target's timeout again). Never throws: every failure is an "unconfirmed" outcome.
 */
export async function stopRunawayScript(target: UpstreamTarget, kind: ScriptKind): Promise<KillOutcome> {
  let connection: RedisConnection | undefined;
  const work = async () => {
    connection = await RedisConnection.open(target, { selectDatabase: false });
    return killOnce(connection, kind);
  };
  try {
    return await withDeadline(target, work(), () => connection?.close());
  } catch (error) {
    return { kind: "unconfirmed", reason: error instanceof UpstreamFailure ? error.message : String(error) };
  } finally {
    connection?.close();
  }
}

/**
 * Runs `send` (one exchange of `commands`); when it misses its deadline while a script runs, stops
 * that script from a side connection (the shared or direct one is busy) and fails with the 504 text.
 */
export async function withScriptKill<T>(target: UpstreamTarget, commands: readonly (readonly Arg[])[], send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const kind = error instanceof UpstreamFailure && error.kind === "timeout" ? runawayKind(commands) : null;
    if (!kind) throw error;
    const outcome = await stopRunawayScript(target, kind);
    throw new UpstreamFailure("timeout", runawayScriptText(target, kind, outcome));
  }
}

const LIMITS =
  "Redis reads no command while a script runs until its busy-reply-threshold (5 s by default) has passed, " +
  "and cannot stop a script that has already written (only SHUTDOWN NOSAVE can)";

/** The 504 text for a request whose script outlived the deadline. */
export function runawayScriptText(target: UpstreamTarget, kind: ScriptKind, outcome: KillOutcome): string {
  const base = upstreamFailureText.timeout(target);
  const kill = killCommand(kind).join(" ");
  switch (outcome.kind) {
    case "killed":
      return `${base}: the script was still running, so RedisGate stopped it with ${kill} (killed). ${LIMITS}.`;
    case "unkillable":
      return `${base}: the script is still running and Redis refused ${kill} (UNKILLABLE: the script has already written), so it holds the whole server until it ends. ${LIMITS}.`;
    case "finished":
      return `${base}: the script finished before RedisGate could stop it (finished). ${LIMITS}.`;
    case "unconfirmed":
      return `${base}: RedisGate could not confirm that ${kill} stopped the script (${outcome.reason}). ${LIMITS}.`;
  }
}
