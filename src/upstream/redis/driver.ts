// The `redis` driver: RESP2 to any Redis. It decides what to send and encodes replies itself (JSON,
// base64, resp2, a fresh upstash-sync-token on every response); a RedisTransport (pooled or direct)
// executes the exchanges and, holding the connection, translates Upstash script flags and stops
// runaway scripts (./script-exchange.ts, ./script-kill.ts). Streams hold a connection of their own.
import {
  type CallOptions,
  eventField,
  isRefused,
  isReplyTooLargeText,
  type RefusedItem,
  ranTooLargeText,
  type StreamKind,
  streamErrorData,
  streamLabel,
  type UpstreamDriver,
  type UpstreamTarget,
} from "../driver";
import { errorResponse, jsonTextResponse, respResponse } from "../upstash-response";
import { UpstreamFailure } from "./connection";
import { redisAddress } from "./endpoint";
import { eventStream } from "./event-stream";
import { type Arg, RespError, type RespValue } from "./resp";
import type { RedisTransport } from "./transport";
import { capForJson, replyItemJson } from "./upstash-json";

const FAILURE_STATUS = { unreachable: 502, timeout: 504, auth: 502, protocol: 502, busy: 503, too_large: 400 } as const;

function failureResponse(error: unknown): Response {
  if (!(error instanceof UpstreamFailure)) throw error;
  const response = errorResponse(FAILURE_STATUS[error.kind], error.message);
  if (error.kind === "busy") response.headers.set("retry-after", "1");
  return response;
}

export class RedisDriver implements UpstreamDriver {
  /**
   * @param transport executes exchanges (pooled or direct).
   * @param streamTarget the opened target, for streams (a connection of their own, in this isolate).
   * @param maxReplyBytes the instance's reply limit, which also bounds the JSON written (capForJson).
   */
  constructor(
    private readonly transport: RedisTransport,
    private readonly streamTarget: () => Promise<UpstreamTarget>,
    private readonly maxReplyBytes: number,
  ) {}

  async command(command: Arg[], options: CallOptions): Promise<Response> {
    try {
      const [reply] = (await this.transport.exchange([command])) as [RespValue];
      if (options.format === "resp2") return respResponse([saidRan(reply)], reply instanceof RespError ? 400 : 200);
      const base64 = options.format === "base64";
      const [value] = capForJson([reply], base64, this.maxReplyBytes).map(saidRan) as [RespValue];
      return jsonTextResponse(value instanceof RespError ? 400 : 200, replyItemJson(value, base64));
    } catch (error) {
      return failureResponse(error);
    }
  }

  async pipeline(items: (Arg[] | RefusedItem)[], options: CallOptions): Promise<Response> {
    const commands = items.filter((i): i is Arg[] => !isRefused(i));
    try {
      const replies = commands.length ? await this.transport.exchange(commands) : [];
      let next = 0;
      const merged = items.map((item) => (isRefused(item) ? new RespError(item.refused) : (replies[next++] as RespValue)));
      if (options.format === "resp2") return respResponse(merged.map(saidRan), 200);
      const base64 = options.format === "base64";
      const rendered = capForJson(merged, base64, this.maxReplyBytes).map((r) => replyItemJson(saidRan(r), base64));
      return jsonTextResponse(200, `[${rendered.join(",")}]`);
    } catch (error) {
      return failureResponse(error);
    }
  }

  /** MULTI, the commands and EXEC as one contiguous write (nothing else interleaves on the wire). */
  async transaction(commands: Arg[][], options: CallOptions): Promise<Response> {
    try {
      const base64 = options.format === "base64";
      const replies = capForJson(await this.transport.exchange([["MULTI"], ...commands, ["EXEC"]]), base64, this.maxReplyBytes);
      const exec = replies.at(-1) as RespValue;
      const ranTooLarge = transactionRanTooLarge(replies);
      if (ranTooLarge) {
        // EXEC ran: a non-2xx would tell the client it was discarded. Each command's item says so.
        const item = JSON.stringify({ error: ranTooLargeText(ranTooLarge, "transaction") });
        return jsonTextResponse(200, `[${commands.map(() => item).join(",")}]`);
      }
      if (!Array.isArray(exec)) {
        const queued = replies.slice(1, -1).findIndex((r) => r instanceof RespError);
        const cause = queued >= 0 ? ` (command ${queued + 1}: ${(replies[queued + 1] as RespError).message})` : "";
        const message = exec instanceof RespError ? exec.message : "ERR the transaction was discarded";
        return errorResponse(400, `${message}${cause}`);
      }
      return jsonTextResponse(200, `[${exec.map((r) => replyItemJson(r, base64)).join(",")}]`);
    } catch (error) {
      return failureResponse(error);
    }
  }

  async stream(kind: StreamKind, targets: string[], _options: CallOptions): Promise<Response> {
    const command: Arg[] = kind === "monitor" ? ["MONITOR"] : [kind.toUpperCase(), ...targets];
    try {
      const label = streamLabel(targets);
      const target = await this.streamTarget();
      const describe = describeEvent(label);
      const db = redisAddress(target.endpoint).db;
      return await eventStream(target, command, label, kind === "monitor" ? (reply) => ofDatabase(reply, db, describe) : describe);
    } catch (error) {
      return failureResponse(error);
    }
  }
}

/**
 * A reply the request's budget dropped (in the parser, or by capForJson, which keeps other errors
 * as they are) says that its command ran; any other reply is itself. Applied once, last.
 */
function saidRan(reply: RespValue): RespValue {
  if (!(reply instanceof RespError) || !isReplyTooLargeText(reply.message)) return reply;
  return new RespError(ranTooLargeText(reply.message, "command"));
}

/**
 * The reply-limit text when a transaction's EXEC reply went past the request's budget while every
 * command was queued (so EXEC ran, and a discarded transaction is out of the question); else null.
 * When the budget ran out before EXEC's reply, a queued command's error could be hidden, and the
 * transaction may have been discarded: that stays a 400 (see transaction).
 */
function transactionRanTooLarge(replies: RespValue[]): string | null {
  const exec = replies.at(-1);
  if (!(exec instanceof RespError) || !isReplyTooLargeText(exec.message)) return null;
  return replies.slice(0, -1).some((reply) => reply instanceof RespError) ? null : exec.message;
}

function text(value: RespValue | undefined): string {
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(text).join(",");
  return "text" in value ? value.text : "value" in value ? value.value : value.message;
}

/** A MONITOR line's database: `1701234567.123456 [<db> <client>] "GET" "k"`. */
const MONITOR_DB = /^\d+\.\d+ \[(\d+) /;

/**
 * A MONITOR reply as an event only when it is a command on the instance's own database: MONITOR
 * shows every command of the server, and the other databases are other instances'. Anything that
 * is not such a line (an error, the OK) is described as it is.
 */
function ofDatabase(reply: RespValue, db: number, describe: (reply: RespValue) => string | null): string | null {
  const line = !(reply instanceof RespError) && !Array.isArray(reply) ? text(reply) : "";
  const seen = MONITOR_DB.exec(line)?.[1];
  return seen !== undefined && Number(seen) !== db ? null : describe(reply);
}

/**
 * The SSE `data:` text of each pushed reply: "message,<channel>,<payload>", a MONITOR line, ...;
 * `label` names the stream in an error event.
 */
const describeEvent =
  (label: string) =>
  (reply: RespValue): string | null => {
    if (Array.isArray(reply)) return reply.map((field) => eventField(text(field))).join(",");
    if (reply instanceof RespError) return streamErrorData(label, reply.message);
    const line = text(reply);
    return line === "OK" ? '"OK"' : line;
  };
