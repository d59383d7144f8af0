// Upstash script flags on the way to Redis and back, for whoever holds the connection: the direct
// transport (its isolate's map) or the RedisPool object (its own map). A MULTI...EXEC exchange has
// its replies restored inside EXEC's array.
import { type Arg, RespError, type RespValue } from "./resp";
import { carriesScript, type PreparedCommand, prepareScriptCommands, type ScriptShaMap } from "./script-flags";

const decoder = new TextDecoder();
const upper = (arg: Arg | undefined) => (arg === undefined ? "" : (typeof arg === "string" ? arg : decoder.decode(arg)).toUpperCase());

/** Each server reply as the client expects it (SCRIPT LOAD answers the client's own SHA1). */
function restoreReplies(prepared: PreparedCommand[], replies: RespValue[]): RespValue[] {
  return replies.map((r, i) => {
    const restore = prepared[i]?.reply;
    return restore && !(r instanceof RespError) ? (restore(r) as RespValue) : r;
  });
}

/** True for [MULTI, ..., EXEC]: the per-command replies are inside EXEC's. */
function isTransaction(commands: readonly (readonly Arg[])[]): boolean {
  return commands.length >= 2 && upper(commands[0]?.[0]) === "MULTI" && upper(commands.at(-1)?.[0]) === "EXEC";
}

/**
 * Sends `commands` through `send` with Upstash-only script flags translated (remembering SHA1s in
 * `shas`), and gives back the replies the client expects.
 */
export async function exchangeWithScripts(
  commands: readonly (readonly Arg[])[],
  shas: ScriptShaMap,
  send: (commands: Arg[][]) => Promise<RespValue[]>,
): Promise<RespValue[]> {
  if (!carriesScript(commands)) return send(commands as Arg[][]);
  const prepared = await prepareScriptCommands(commands as Arg[][], shas);
  const replies = await send(prepared.map((p) => p.command));
  if (!isTransaction(commands)) return restoreReplies(prepared, replies);
  const exec = replies.at(-1);
  if (!Array.isArray(exec)) return replies;
  return [...replies.slice(0, -1), restoreReplies(prepared.slice(1, -1), exec)];
}
