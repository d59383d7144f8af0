// The seam between the edge and an upstream. The edge hands a driver authorised commands and the
// client's reply format; the driver answers with the complete HTTP response (Upstash's wire shape).
// A new backend is a folder implementing UpstreamDriver plus a line in catalog.ts and table.ts.
import type { UpstreamCredentials } from "./endpoint";
import type { LocationHint, TransportName } from "./placement";

/** One command argument: text, or raw bytes (a path-form body). */
export type Arg = string | Uint8Array;

/** How the client asked for replies: plain JSON, base64-encoded strings, or raw RESP2 bytes. */
export type ReplyFormat = "json" | "base64" | "resp2";

/** A pipeline item the edge refused by policy; the driver puts it in place as `{ error }`. */
export type RefusedItem = { refused: string };

export type CallOptions = {
  format: ReplyFormat;
  /** The client's `upstash-sync-token`, if any (the upstash driver forwards it). */
  syncToken: string | null;
};

export type StreamKind = "subscribe" | "psubscribe" | "monitor";

export interface UpstreamDriver {
  /** One command: 200 `{ result }` or 400 `{ error }` with the Redis error text verbatim. */
  command(command: Arg[], options: CallOptions): Promise<Response>;
  /** Many commands in one round trip; 200 with one `{ result }` or `{ error }` per item, in order. */
  pipeline(items: (Arg[] | RefusedItem)[], options: CallOptions): Promise<Response>;
  /** MULTI/EXEC on one connection; a discarded transaction is a non-2xx `{ error }`. */
  transaction(commands: Arg[][], options: CallOptions): Promise<Response>;
  /** A server-sent-event stream of messages (or MONITOR lines) until the client goes away. */
  stream(kind: StreamKind, targets: string[], options: CallOptions): Promise<Response>;
}

/** What a driver needs to reach an instance: the decrypted view of its directory record. */
export type UpstreamTarget = {
  instanceId: string;
  endpoint: string;
  credentials: UpstreamCredentials | null;
  timeoutMs: number;
  heartbeatMs: number;
  /** Reply budget per request: bytes on the wire (bulk headers count before their bytes arrive)... */
  maxReplyBytes: number;
  /** ...and elements summed over every array header. Past either, the driver answers 400. */
  maxReplyElements: number;
};

/**
 * What the edge holds for an instance: the target with its credentials still sealed, and how its
 * traffic runs (the `redis` driver's transport and its pool's location hint; others ignore both).
 */
export type SealedTarget = Omit<UpstreamTarget, "credentials"> & {
  sealedCredentials: string | null;
  transport: TransportName;
  region: LocationHint | null;
};

/** What a driver may use besides its target: opening credentials, and the pool objects. */
export type DriverRuntime = {
  /** Opens the sealed credentials (once per driver; the result is the plaintext target). */
  openTarget(target: SealedTarget): Promise<UpstreamTarget>;
  /** The `redis` driver's pool Durable Objects (binding REDIS_POOL). */
  pools: DurableObjectNamespace<import("./redis/pool-object").RedisPool>;
};

/** The words every driver uses for transport failures: they name the instance, never its credentials. */
export const upstreamFailureText = {
  unreachable: (t: UpstreamTarget) => `ERR cannot reach the upstream of instance ${t.instanceId}`,
  timeout: (t: UpstreamTarget) => `ERR the upstream of instance ${t.instanceId} did not answer within ${t.timeoutMs} ms`,
  rejected: (t: UpstreamTarget) => `ERR the upstream of instance ${t.instanceId} rejected its stored credentials`,
};

/** The 400 text of a reply past the request's budget (every driver says the same). */
const REPLY_TOO_LARGE = "ERR the reply is larger than this instance's limit of ";
export const replyTooLargeText = (limit: "bytes" | "elements", max: number) =>
  `${REPLY_TOO_LARGE}${max} ${limit} per request; ask for less at a time (a range, a SCAN cursor, a COUNT)`;
/** The text when replies within the limit would pass twice it once written as JSON (see capForJson in ./redis/upstash-json). */
export const replyTooLargeAsJsonText = (max: number) =>
  `${REPLY_TOO_LARGE}${max} bytes per request once written as JSON, which may take twice that (JSON escapes control and invalid bytes, up to six characters each); ask for it with Upstash-Encoding: base64, or for less at a time`;
/**
 * The error of a command that ran but whose reply passed the limit, or the item of each command of
 * a pipeline or transaction that did (`tooLarge`): a GETDEL too big to answer has still deleted.
 */
export const ranTooLargeText = (tooLarge: string, kind: "command" | "pipeline" | "transaction") =>
  `${tooLarge}; the ${kind} ran, and its ${kind === "command" ? "reply was" : "replies were"} dropped`;
/** Whether an error reply's text is the edge's own stand-in for a reply past the budget (it survives the pool's RPC as text only). */
export const isReplyTooLargeText = (message: string) => message.startsWith(REPLY_TOO_LARGE);

/**
 * One comma-separated field of a stream event's `data:` line, as `@upstash/redis` reads it: as it
 * is, or, when it holds a line break, as a JSON string, which the SDK's JSON.parse of a payload
 * turns back into the exact text. Sent raw, a line break would end the `data:` line, and what
 * follows would arrive as an event of its own: a forged message on any channel.
 */
export const eventField = (text: string): string => (/[\r\n]/.test(text) ? JSON.stringify(text) : text);

/** What names a stream in its error events: its first channel or pattern, or "monitor". */
export const streamLabel = (targets: readonly string[]): string => targets[0] ?? "monitor";

/** The `data:` text of a stream's error event: the SDK hands `{ channel, message }` to its "error" listeners. */
export const streamErrorData = (label: string, text: string): string => `error,${eventField(label)},${eventField(text)}`;

/**
 * A stream's closing error event: `event: error` for EventSource clients, and a `data:` line that
 * the official SDK's subscriber dispatches to its "error" listeners.
 */
export const streamErrorEvent = (label: string, text: string): string => `event: error\ndata: ${streamErrorData(label, text)}\n\n`;

/** The outcome of a driver's creation check: never throws, says why in words. */
export type CheckResult = { ok: true } | { ok: false; reason: string };

export const isRefused = (item: Arg[] | RefusedItem): item is RefusedItem => !Array.isArray(item);
