// HTTP details of the edge: CORS, token extraction, size-limited body reading, reply format.
import { readAtMost } from "../lib/bounded-read";
import type { ReplyFormat } from "../upstream/driver";

export const CORS_HEADERS: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "upstash-sync-token",
};

export const PREFLIGHT_HEADERS: Record<string, string> = {
  ...CORS_HEADERS,
  "access-control-allow-methods": "GET, HEAD, POST, PUT, OPTIONS",
  "access-control-allow-headers":
    "authorization, content-type, upstash-encoding, upstash-response-format, upstash-reponse-format, upstash-sync-token, upstash-telemetry-sdk, upstash-telemetry-runtime, upstash-telemetry-platform, upstash-telemetry-retry, accept, cache-control",
  "access-control-max-age": "86400",
};

/** The key from `Authorization: Bearer` or, failing that, `?_token=`. */
export function extractToken(authorization: string | null, url: URL): string | null {
  const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  return bearer ?? url.searchParams.get("_token");
}

export type BodyResult = { ok: true; body: Uint8Array | null } | { ok: false };

/** Reads the body up to `limit` bytes; a larger one (declared or streamed) fails without buffering it all. */
export async function readLimitedBody(request: Request, limit: number): Promise<BodyResult> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) return { ok: false };
  if (!request.body) return { ok: true, body: null };
  if (declared !== null && /^\d+$/.test(declared) && !request.headers.has("transfer-encoding")) {
    // Framed by Content-Length alone, an HTTP body is exactly that long (already checked against the
    // limit), so one native read will do. With Transfer-Encoding too, workerd shows both headers
    // and the declared length means nothing: such a body is streamed under the bound below.
    const bytes = new Uint8Array(await request.arrayBuffer());
    return bytes.byteLength === Number(declared) ? { ok: true, body: bytes } : { ok: false };
  }
  const body = await readAtMost(request.body, limit);
  return body ? { ok: true, body } : { ok: false };
}

/** The reply format the client asked for, or an error text for a bad header combination. */
export function replyFormat(headers: Headers): ReplyFormat | { error: string } {
  const encoding = headers.get("upstash-encoding")?.toLowerCase();
  const format = (headers.get("upstash-response-format") ?? headers.get("upstash-reponse-format"))?.toLowerCase();
  if (format !== undefined && format !== "json" && format !== "resp2") {
    return { error: "ERR Upstash-Response-Format must be json or resp2" };
  }
  if (format === "resp2") {
    return encoding === "base64"
      ? { error: "ERR Upstash-Response-Format: resp2 cannot be combined with Upstash-Encoding: base64" }
      : "resp2";
  }
  return encoding === "base64" ? "base64" : "json";
}
