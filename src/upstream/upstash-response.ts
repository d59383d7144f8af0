// Builds Upstash-shaped HTTP responses: a JSON body with `result` or a non-empty `error` (or the
// replies in RESP for `Upstash-Response-Format: resp2`), and an `upstash-sync-token`. Shared by the
// drivers and the edge's own refusals.
import { nextSyncToken } from "../lib/sync-token";
import type { RespValue } from "./redis/resp";
import { encodeReply } from "./redis/resp-encode";

const JSON_TYPE = "application/json";

/** A response whose body is already-serialised JSON text. */
export function jsonTextResponse(status: number, json: string, syncToken: string = nextSyncToken()): Response {
  return new Response(json, { status, headers: { "content-type": JSON_TYPE, "upstash-sync-token": syncToken } });
}

/** `{ "error": message }` with the given status. */
export function errorResponse(status: number, message: string): Response {
  return jsonTextResponse(status, JSON.stringify({ error: message }));
}

/** Replies in RESP (`Upstash-Response-Format: resp2`), with the upstream's sync token when it sent one. */
export function respResponse(replies: readonly RespValue[], status: number, syncToken: string = nextSyncToken()): Response {
  return new Response(new Blob(replies.flatMap((reply) => encodeReply(reply))), {
    status,
    headers: { "content-type": "application/octet-stream", "upstash-sync-token": syncToken },
  });
}
