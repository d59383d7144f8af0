// A Redis string as the dashboard holds it (a Bulk): text when its bytes are UTF-8, otherwise the
// bytes themselves, so a gzip blob or a binary key name is shown escaped and sent back exactly,
// never as U+FFFD. Decodes the edge's `Upstash-Encoding: base64` replies into Bulks. Pure.

export type Bulk = string | Uint8Array<ArrayBuffer>;

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function isBinary(value: unknown): value is Uint8Array<ArrayBuffer> {
  return value instanceof Uint8Array;
}

/** Text when `bytes` are UTF-8, else the bytes. */
export function bulkFromBytes(bytes: Uint8Array<ArrayBuffer>): Bulk {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return bytes;
  }
}

function bytesFromBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/**
 * A `result` sent with `Upstash-Encoding: base64`, every string decoded to a Bulk; numbers and
 * nulls as they are. A top-level status "OK" is sent plain (it cannot be padded base64).
 * @see shared/UPSTASH-REST.md §3.2
 */
export function decodeReply(value: unknown, top = true): unknown {
  if (typeof value === "string") return top && value === "OK" ? value : bulkFromBytes(bytesFromBase64(value));
  if (Array.isArray(value)) return value.map((v) => decodeReply(v, false));
  return value;
}

/**
 * The first bytes of a longer value (a GETRANGE preview): a UTF-8 character cut at the end
 * does not make the text look binary.
 */
export function bulkFromPrefix(value: Bulk): Bulk {
  if (!isBinary(value)) return value;
  for (let cut = 1; cut <= 3 && cut < value.length; cut++) {
    const text = bulkFromBytes(value.subarray(0, value.length - cut));
    if (!isBinary(text)) return text;
  }
  return value;
}

const ESCAPES: Record<number, string> = { 92: "\\\\", 34: '\\"', 10: "\\n", 13: "\\r", 9: "\\t" };

/** Bytes as redis-cli shows them: printable ASCII as is, the rest as \n, \t, \r or \xHH. */
export function escapeBytes(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    out += ESCAPES[b] ?? (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`);
  }
  return out;
}

/** How a Bulk reads on the page: text as it is; bytes escaped, marked as not UTF-8. */
export function showBulk(value: Bulk): string {
  return isBinary(value) ? `${escapeBytes(value)} (not UTF-8)` : value;
}

/** A string that tells Bulks apart (text and bytes never collide), for sets and equality. */
export function bulkId(value: Bulk): string {
  return isBinary(value) ? `b:${escapeBytes(value)}` : `t:${value}`;
}

export function sameBulk(a: Bulk, b: Bulk): boolean {
  return bulkId(a) === bulkId(b);
}
