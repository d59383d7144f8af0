// Encodes RESP replies into Upstash's JSON shapes, with and without `Upstash-Encoding: base64`,
// exactly as the SDK decoders expect (shared/UPSTASH-REST.md §3.2):
// - every string is base64 when asked, except a top-level status reply "OK";
// - numbers and null are never encoded; errors are never encoded;
// - integers are written as their decimal text, so 64-bit values are not rounded.
import { decodeUtf8, toBase64, utf8 } from "../../lib/encoding";
import { replyTooLargeAsJsonText } from "../driver";
import { RespError, RespInteger, RespSimple, type RespValue } from "./resp";

/** JSON text of a reply value; `top` marks a top-level value (pipeline items are top-level). */
export function replyToJson(value: RespValue, base64: boolean, top = true): string {
  if (value === null) return "null";
  if (value instanceof Uint8Array) return JSON.stringify(base64 ? toBase64(value) : decodeUtf8(value));
  if (value instanceof RespInteger) return /^-?\d+$/.test(value.text) ? value.text : JSON.stringify(value.text);
  if (value instanceof RespSimple) {
    const plain = !base64 || (top && value.value === "OK");
    return JSON.stringify(plain ? value.value : toBase64(utf8.encode(value.value)));
  }
  // An error nested in an array (a script's table) is reported as its text: a string like any
  // other, so base64-encoded too (the SDK decoders decode every string inside an array).
  if (value instanceof RespError) return JSON.stringify(base64 ? toBase64(utf8.encode(value.message)) : value.message);
  let out = "[";
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out += ",";
    out += replyToJson(value[i] as RespValue, base64, false);
  }
  return `${out}]`;
}

/** `{"result":…}` or `{"error":…}` for one top-level reply (errors never carry `result`). */
export function replyItemJson(value: RespValue, base64: boolean): string {
  if (value instanceof RespError) return `{"error":${JSON.stringify(value.message || "ERR")}}`;
  return `{"result":${replyToJson(value, base64, true)}}`;
}

/** The UTF-8 bytes of JSON.stringify(text), or a little more (a surrogate counts 3), without building it. */
export function jsonStringBytes(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) bytes += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c === 34 || c === 92) bytes += 2;
    else bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  return bytes;
}

/** The bytes of a reply's strings plus a little per value: a sixth of a bound on its JSON (jsonBytes). */
function rawBytes(value: RespValue): number {
  if (value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength + 1;
  if (value instanceof RespInteger) return value.text.length + 1;
  if (value instanceof RespSimple) return 3 * value.value.length + 1;
  if (value instanceof RespError) return 3 * value.message.length + 1;
  let bytes = 1;
  for (const item of value) bytes += rawBytes(item);
  return bytes;
}

/** About what replyToJson writes for `value` (its strings exactly, see jsonStringBytes), counted without writing it. */
function jsonBytes(value: RespValue, base64: boolean): number {
  if (value === null) return 4;
  if (value instanceof Uint8Array) return base64 ? 4 * Math.ceil(value.byteLength / 3) + 2 : jsonStringBytes(decodeUtf8(value));
  if (value instanceof RespInteger) return value.text.length + 2;
  if (value instanceof RespSimple || value instanceof RespError) {
    const text = value instanceof RespSimple ? value.value : value.message;
    return base64 ? 4 * text.length + 2 : jsonStringBytes(text);
  }
  let bytes = 2;
  for (const item of value) bytes += jsonBytes(item, base64) + 1;
  return bytes;
}

/**
 * The reply budget counts bytes on the wire; written as JSON without base64, a control byte takes
 * six and an invalid one three. So the JSON of one request's replies may take at most twice the
 * budget: the reply that would pass that, and every one after it, becomes the too-large error
 * (as a reply past the budget does), before any of it is written.
 */
export function capForJson(replies: RespValue[], base64: boolean, maxReplyBytes: number): RespValue[] {
  // Most replies are far too small to matter: six times their raw size already fits (nothing decoded).
  if (6 * replies.reduce((sum, reply) => sum + rawBytes(reply), 0) <= 2 * maxReplyBytes) return replies;
  let left = 2 * maxReplyBytes;
  let over = false;
  return replies.map((reply) => {
    if (!over && !(reply instanceof RespError)) {
      left -= jsonBytes(reply, base64);
      over = left < 0;
    }
    return over ? new RespError(replyTooLargeAsJsonText(maxReplyBytes)) : reply;
  });
}
