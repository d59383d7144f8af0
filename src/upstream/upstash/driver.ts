// The `upstash` driver: forwards each authorised request to an Upstash (or Upstash-compatible)
// REST endpoint as exactly one HTTP request. Encoding and sync-token headers pass through both
// ways; Redis-level outcomes come back unchanged. Never retries: commands may not be idempotent.
import { readAtMost } from "../../lib/bounded-read";
import { isOwnSyncToken } from "../../lib/sync-token";
import {
  type Arg,
  type CallOptions,
  isRefused,
  type RefusedItem,
  ranTooLargeText,
  replyTooLargeText,
  type StreamKind,
  type UpstreamDriver,
  type UpstreamTarget,
  upstreamFailureText,
} from "../driver";
import { RespError, RespParser, RespTooLarge, type RespValue } from "../redis/resp";
import { errorResponse, jsonTextResponse, respResponse } from "../upstash-response";
import { jsonArrayElements } from "./reply-shape";
import { argsToJson, toQuery } from "./request-shape";

// The only upstream headers a client sees: any other (a set-cookie for RedisGate's own origin) stays here.
const PASSED_BACK = ["content-type", "upstash-sync-token", "retry-after"];

type RawJson = { rawJSON(text: string): unknown };
/** The upstream's answer while its deadline still runs: `signal` aborts the body's read at it; `settle` stops it. */
type Sent = { upstream: Response; signal: AbortSignal; settle: () => void } | { failed: Response; timedOut?: boolean };
type Batch = { kind: "pipeline" | "transaction"; items: (Arg[] | RefusedItem)[] };

const isEventStream = (response: Response) => response.headers.get("content-type")?.includes("event-stream") === true;

/** The headers of the upstream's answer that may reach the client. */
function passedBack(upstream: Response): Headers {
  const headers = new Headers();
  for (const name of PASSED_BACK) {
    const value = upstream.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return headers;
}

/** The upstream's replies to the forwarded commands, with the edge's refusals put back in their places. */
function splice(items: (Arg[] | RefusedItem)[], replies: unknown[]): unknown[] {
  let next = 0;
  return items.map((item) => (isRefused(item) ? { error: item.refused } : replies[next++]));
}

/** Re-serialises a parsed array item keeping numbers exactly as Upstash wrote them. */
function parseKeepingNumbers(text: string): unknown {
  const raw = (JSON as unknown as RawJson).rawJSON;
  return JSON.parse(text, (_k, v, ctx?: { source?: string }) => (typeof v === "number" && ctx?.source ? raw(ctx.source) : v));
}

export class UpstashDriver implements UpstreamDriver {
  constructor(private readonly target: UpstreamTarget) {}

  private headers(options: CallOptions, extra: Record<string, string> = {}): Headers {
    const headers = new Headers({
      authorization: `Bearer ${this.target.credentials?.token ?? ""}`,
      "content-type": "application/json",
      ...extra,
    });
    if (options.format === "base64") headers.set("upstash-encoding", "base64");
    if (options.format === "resp2") headers.set("upstash-response-format", "resp2");
    // Only the upstream's own tokens go back to it: one the edge made (an answer of its own) means nothing there.
    if (options.syncToken && !isOwnSyncToken(options.syncToken)) headers.set("upstash-sync-token", options.syncToken);
    return headers;
  }

  /**
   * One upstream request under the deadline, which goes on over its body until `settle` stops it:
   * workerd's fetch signal aborts the body too, so a stream settles once its headers are in. Transport
   * failures come back as `failed`: a finished 502/504 `{ error }` that must not be relayed as if the
   * upstream had sent it.
   */
  private async send(path: string, body: BodyInit, options: CallOptions, extra?: Record<string, string>): Promise<Sent> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.target.timeoutMs);
    const settle = () => clearTimeout(timer);
    let upstream: Response;
    try {
      upstream = await fetch(`${this.target.endpoint}${path}`, {
        method: "POST",
        headers: this.headers(options, extra),
        body,
        // A redirect could lead anywhere, hosts outside ALLOWED_UPSTREAM_HOSTS included: never follow one.
        redirect: "manual",
        signal: deadline.signal,
      });
    } catch {
      settle();
      return {
        failed: deadline.signal.aborted
          ? errorResponse(504, upstreamFailureText.timeout(this.target))
          : errorResponse(502, upstreamFailureText.unreachable(this.target)),
        timedOut: deadline.signal.aborted,
      };
    }
    if (upstream.status >= 300 && upstream.status < 400) {
      settle();
      await upstream.body?.cancel();
      return {
        failed: errorResponse(
          502,
          `ERR the upstream of instance ${this.target.instanceId} answered with a redirect (HTTP ${upstream.status}); RedisGate does not follow upstream redirects`,
        ),
      };
    }
    if (upstream.status === 401 || upstream.status === 403) {
      settle();
      await upstream.body?.cancel();
      return { failed: errorResponse(502, `${upstreamFailureText.rejected(this.target)} (HTTP ${upstream.status})`) };
    }
    return { upstream, signal: deadline.signal, settle };
  }

  /**
   * The reply's bytes under the deadline and the byte limit (null past it), or the answer when the
   * body stalls or breaks off: the upstream has answered, so the commands may well have run.
   */
  private async readReply(sent: Extract<Sent, { upstream: Response }>, batch?: Batch): Promise<Uint8Array | null | Response> {
    const { upstream, signal, settle } = sent;
    const { maxReplyBytes } = this.target;
    try {
      // A declared length past the limit is refused unread, a streamed one is cut off at the limit;
      // either way nothing past it is held.
      if (Number(upstream.headers.get("content-length") ?? 0) > maxReplyBytes) return null;
      return await readAtMost(upstream.body, maxReplyBytes);
    } catch {
      const ran = `; the ${batch?.kind ?? "command"} may have run and was not retried`;
      if (signal.aborted) return errorResponse(504, `${upstreamFailureText.timeout(this.target)}${batch ? ran : ""}`);
      return errorResponse(502, `ERR the upstream of instance ${this.target.instanceId} broke off its reply${ran}`);
    } finally {
      settle();
    }
  }

  /**
   * Buffers a reply and checks it is JSON (or RESP when asked), so garbage from upstream is a clear
   * 502, and holds it to the instance's reply limits: bytes as it is read, elements by a byte scan
   * before anything is parsed. `batch`: the items of a pipeline or transaction, for what relay
   * answers itself (refusals keep their place).
   */
  private async relay(sent: Sent, options: CallOptions, batch?: Batch): Promise<Response> {
    if ("failed" in sent) {
      // Sent, and no answer in time: a batch says it may have run, as when its reply stalls (readReply).
      if (!(sent.timedOut && batch)) return sent.failed;
      return errorResponse(504, `${upstreamFailureText.timeout(this.target)}; the ${batch.kind} may have run and was not retried`);
    }
    const upstream = sent.upstream;
    // Only /subscribe, /psubscribe and /monitor may stream, and only once stream() accepted it.
    if (isEventStream(upstream)) {
      sent.settle();
      await upstream.body?.cancel().catch(() => {});
      return errorResponse(
        502,
        `ERR the upstream of instance ${this.target.instanceId} answered a command with an event stream (HTTP ${upstream.status})`,
      );
    }
    const headers = passedBack(upstream);
    const { maxReplyBytes, maxReplyElements } = this.target;
    const bytes = await this.readReply(sent, batch);
    if (bytes instanceof Response) return bytes;
    if (!bytes) {
      await upstream.body?.cancel().catch(() => {});
      return this.tooLarge(upstream, replyTooLargeText("bytes", maxReplyBytes), options.format === "resp2", batch);
    }
    if (options.format === "resp2" && upstream.ok) return this.relayResp(bytes, upstream, headers, batch);
    // Each element takes a byte at least: a reply no longer than the limit is not scanned.
    if (bytes.byteLength > maxReplyElements && jsonArrayElements(bytes, batch !== undefined, maxReplyElements) > maxReplyElements) {
      return this.tooLarge(upstream, replyTooLargeText("elements", maxReplyElements), false, batch);
    }
    const text = new TextDecoder().decode(bytes);
    // Parsed to check it is JSON; re-written (numbers kept exactly) only when refusals go in.
    const splicing = batch?.items.some(isRefused) === true;
    let parsed: unknown;
    try {
      parsed = splicing ? parseKeepingNumbers(text) : JSON.parse(text);
    } catch {
      return errorResponse(
        502,
        `ERR the upstream of instance ${this.target.instanceId} returned a response that is not JSON (HTTP ${upstream.status})`,
      );
    }
    if (upstream.status >= 500)
      return errorResponse(502, `ERR the upstream of instance ${this.target.instanceId} failed (HTTP ${upstream.status})`);
    const body = splicing && batch && Array.isArray(parsed) ? JSON.stringify(splice(batch.items, parsed)) : text;
    headers.set("content-type", "application/json");
    return new Response(body, { status: upstream.status, headers });
  }

  /**
   * The answer for replies past a limit. A 2xx upstream ran the commands: a batch is 200 with each
   * item saying so (a non-2xx would tell the client a transaction was discarded); else 400.
   */
  private tooLarge(upstream: Response, text: string, resp: boolean, batch?: Batch): Response {
    if (!batch || !upstream.ok) {
      const said = upstream.ok ? ranTooLargeText(text, "command") : text;
      return resp ? respResponse([new RespError(said)], 400) : errorResponse(400, said);
    }
    const ran = batch.items.map(() => ({ error: ranTooLargeText(text, batch.kind) }));
    return jsonTextResponse(200, JSON.stringify(splice(batch.items, ran)), upstream.headers.get("upstash-sync-token") ?? undefined);
  }

  /**
   * A RESP reply (`Upstash-Response-Format: resp2`): parsed under the element limit, and re-encoded
   * only when the edge's refusals must go in their places among a pipeline's replies.
   */
  private relayResp(bytes: Uint8Array, upstream: Response, headers: Headers, batch?: Batch): Response {
    const parser = new RespParser();
    parser.setBudget({ bytes: Number.POSITIVE_INFINITY, elements: this.target.maxReplyElements });
    parser.push(bytes);
    const replies: RespValue[] = [];
    try {
      for (let reply = parser.next(); reply !== undefined; reply = parser.next()) replies.push(reply);
    } catch {
      return errorResponse(
        502,
        `ERR the upstream of instance ${this.target.instanceId} returned a response that is not RESP (HTTP ${upstream.status})`,
      );
    }
    const over = replies.find((r): r is RespTooLarge => r instanceof RespTooLarge);
    if (over) return this.tooLarge(upstream, over.message, true, batch);
    if (!batch?.items.some(isRefused)) return new Response(bytes, { status: upstream.status, headers });
    let next = 0;
    const merged = batch.items.map((item) => (isRefused(item) ? new RespError(item.refused) : (replies[next++] as RespValue)));
    return respResponse(merged, upstream.status, headers.get("upstash-sync-token") ?? undefined);
  }

  async command(command: Arg[], options: CallOptions): Promise<Response> {
    const json = argsToJson(command);
    if (json !== null) return this.relay(await this.send("", json, options), options);
    // A binary value (from a path-form body) can only travel as the raw body of a path-form request:
    // the arguments before it become path segments, those after it query parameters (k=v pairs).
    const at = command.findIndex((a) => a instanceof Uint8Array);
    const body = command[at] as Uint8Array;
    const before = command.slice(0, at);
    const after = command.slice(at + 1);
    if ([...before, ...after].some((a) => typeof a !== "string") || after.some((a) => a === "")) {
      return errorResponse(400, "ERR only one binary argument (the request body) can be forwarded to this instance");
    }
    const path = `/${(before as string[]).map(encodeURIComponent).join("/")}${toQuery(after as string[])}`;
    return this.relay(await this.send(path, body, options, { "content-type": "application/octet-stream" }), options);
  }

  async pipeline(items: (Arg[] | RefusedItem)[], options: CallOptions): Promise<Response> {
    const commands = items.filter((i): i is Arg[] => !isRefused(i));
    const bodies = commands.map(argsToJson);
    if (bodies.some((b) => b === null))
      return errorResponse(400, "ERR binary arguments cannot be forwarded in a pipeline to this instance");
    if (commands.length === 0) {
      const refusals = items.map((i) => (i as RefusedItem).refused);
      if (options.format === "resp2")
        return respResponse(
          refusals.map((text) => new RespError(text)),
          200,
        );
      return jsonTextResponse(200, JSON.stringify(refusals.map((error) => ({ error }))));
    }
    const sent = await this.send("/pipeline", `[${bodies.join(",")}]`, options);
    return this.relay(sent, options, { kind: "pipeline", items });
  }

  async transaction(commands: Arg[][], options: CallOptions): Promise<Response> {
    const bodies = commands.map(argsToJson);
    if (bodies.some((b) => b === null))
      return errorResponse(400, "ERR binary arguments cannot be forwarded in a transaction to this instance");
    return this.relay(
      await this.send("/multi-exec", `[${bodies.join(",")}]`, { ...options, format: options.format === "resp2" ? "json" : options.format }),
      options,
      { kind: "transaction", items: commands },
    );
  }

  async stream(kind: StreamKind, targets: string[], options: CallOptions): Promise<Response> {
    const path = kind === "monitor" ? "/monitor" : `/${kind}/${targets.map(encodeURIComponent).join("/")}`;
    const sent = await this.send(path, "[]", options, { accept: "text/event-stream" });
    if ("failed" in sent) return sent.failed;
    const upstream = sent.upstream;
    if (!upstream.ok || !isEventStream(upstream)) return this.relay(sent, options);
    // The deadline covered the opening: a stream lives until the client leaves (or the edge ends it).
    sent.settle();
    const headers = passedBack(upstream);
    headers.set("content-type", "text/event-stream");
    headers.set("cache-control", "no-cache");
    if (!headers.has("upstash-sync-token")) headers.set("upstash-sync-token", "");
    return new Response(upstream.body, { status: 200, headers });
  }
}
