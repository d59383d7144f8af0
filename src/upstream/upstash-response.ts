// Builds Upstash-shaped HTTP responses: always a JSON body with `result` or a non-empty `error`,
// and a fresh `upstash-sync-token`. Shared by the drivers and the edge's own refusals.
import { nextSyncToken } from "../lib/sync-token";

const JSON_TYPE = "application/json";

/** A response whose body is already-serialised JSON text. */
export function jsonTextResponse(status: number, json: string, syncToken: string = nextSyncToken()): Response {
  return new Response(json, { status, headers: { "content-type": JSON_TYPE, "upstash-sync-token": syncToken } });
}

/** `{ "error": message }` with the given status. */
export function errorResponse(status: number, message: string): Response {
  return jsonTextResponse(status, JSON.stringify({ error: message }));
}
