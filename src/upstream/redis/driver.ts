// The `redis` driver: RESP2 over cloudflare:sockets to any Redis. It encodes replies itself
// (JSON, base64, resp2) and issues a fresh upstash-sync-token on every response. Scripts carrying
// Upstash-only flags are translated on the way out (./script-flags.ts).
import { nextSyncToken } from "../../lib/sync-token";
import { type CallOptions, isRefused, type RefusedItem, type StreamKind, type UpstreamDriver, type UpstreamTarget } from "../driver";
import { errorResponse, jsonTextResponse } from "../upstash-response";
import { UpstreamFailure, withConnection } from "./connection";
import { eventStream } from "./event-stream";
import { type Arg, encodeReply, RespError, type RespValue } from "./resp";
import { type PreparedCommand, prepareScriptCommands, ScriptShaMap } from "./script-flags";
import { runawayKind, runawayScriptText, stopRunawayScript } from "./script-kill";
import { replyItemJson } from "./upstash-json";

const FAILURE_STATUS = { unreachable: 502, timeout: 504, auth: 502, protocol: 502, too_large: 400 } as const;

function failureResponse(error: unknown): Response {
  if (error instanceof UpstreamFailure) return errorResponse(FAILURE_STATUS[error.kind], error.message);
  throw error;
}

function resp2Response(values: RespValue[], status: number): Response {
  const parts = values.flatMap((v) => encodeReply(v));
  return new Response(new Blob(parts), {
    status,
    headers: { "content-type": "application/octet-stream", "upstash-sync-token": nextSyncToken() },
  });
}

/** This isolate's client-to-server script SHA1s (the pool Durable Object will hold its own). */
const ISOLATE_SCRIPT_SHAS = new ScriptShaMap();

/** Each server reply as the client expects it (SCRIPT LOAD answers the client's own SHA1). */
function restoreReplies(prepared: PreparedCommand[], replies: RespValue[]): RespValue[] {
  return replies.map((r, i) => (prepared[i]?.reply ? (prepared[i].reply(r) as RespValue) : r));
}

export class RedisDriver implements UpstreamDriver {
  constructor(
    private readonly target: UpstreamTarget,
    private readonly scriptShas: ScriptShaMap = ISOLATE_SCRIPT_SHAS,
  ) {}

  /** Sends commands on a fresh connection, with Upstash-only script flags translated. */
  private async exchange(commands: Arg[][]): Promise<RespValue[]> {
    const prepared = await prepareScriptCommands(commands, this.scriptShas);
    const replies = await this.send(prepared.map((p) => p.command));
    return restoreReplies(prepared, replies);
  }

  /** One exchange on a fresh connection; a script that outlives the deadline is stopped (./script-kill.ts). */
  private async send(commands: Arg[][]): Promise<RespValue[]> {
    try {
      return await withConnection(this.target, (c) => c.exchange(commands));
    } catch (error) {
      const kind = error instanceof UpstreamFailure && error.kind === "timeout" ? runawayKind(commands) : null;
      if (!kind) throw error;
      const outcome = await stopRunawayScript(this.target, kind);
      throw new UpstreamFailure("timeout", runawayScriptText(this.target, kind, outcome));
    }
  }

  async command(command: Arg[], options: CallOptions): Promise<Response> {
    try {
      const [reply] = await this.exchange([command]);
      const value = reply as RespValue;
      const status = value instanceof RespError ? 400 : 200;
      if (options.format === "resp2") return resp2Response([value], status);
      return jsonTextResponse(status, replyItemJson(value, options.format === "base64"));
    } catch (error) {
      return failureResponse(error);
    }
  }

  async pipeline(items: (Arg[] | RefusedItem)[], options: CallOptions): Promise<Response> {
    const commands = items.filter((i): i is Arg[] => !isRefused(i));
    try {
      const replies = commands.length ? await this.exchange(commands) : [];
      let next = 0;
      const merged = items.map((item) => (isRefused(item) ? new RespError(item.refused) : (replies[next++] as RespValue)));
      if (options.format === "resp2") return resp2Response(merged, 200);
      const base64 = options.format === "base64";
      return jsonTextResponse(200, `[${merged.map((r) => replyItemJson(r, base64)).join(",")}]`);
    } catch (error) {
      return failureResponse(error);
    }
  }

  /** MULTI, the commands and EXEC in one write on a connection of its own (never shared). */
  async transaction(commands: Arg[][], options: CallOptions): Promise<Response> {
    try {
      const prepared = await prepareScriptCommands(commands, this.scriptShas);
      const sent = [["MULTI"], ...prepared.map((p) => p.command), ["EXEC"]];
      const replies = await this.send(sent);
      const executed = replies.at(-1) as RespValue;
      const exec = Array.isArray(executed) ? restoreReplies(prepared, executed) : executed;
      if (!Array.isArray(exec)) {
        const queued = replies.slice(1, -1).findIndex((r) => r instanceof RespError);
        const cause = queued >= 0 ? ` (command ${queued + 1}: ${(replies[queued + 1] as RespError).message})` : "";
        const message = exec instanceof RespError ? exec.message : "ERR the transaction was discarded";
        return errorResponse(400, `${message}${cause}`);
      }
      const base64 = options.format === "base64";
      return jsonTextResponse(200, `[${exec.map((r) => replyItemJson(r, base64)).join(",")}]`);
    } catch (error) {
      return failureResponse(error);
    }
  }

  async stream(kind: StreamKind, targets: string[], _options: CallOptions): Promise<Response> {
    const command: Arg[] = kind === "monitor" ? ["MONITOR"] : [kind.toUpperCase(), ...targets];
    try {
      return await eventStream(this.target, command, describeEvent);
    } catch (error) {
      return failureResponse(error);
    }
  }
}

function text(value: RespValue | undefined): string {
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(text).join(",");
  return "text" in value ? value.text : "value" in value ? value.value : value.message;
}

/** The SSE `data:` text of one pushed reply: "message,<channel>,<payload>", a MONITOR line, ... */
function describeEvent(reply: RespValue): string | null {
  if (Array.isArray(reply)) return reply.map(text).join(",");
  if (reply instanceof RespError) return `error,${reply.message}`;
  const line = text(reply);
  return line === "OK" ? '"OK"' : line;
}
