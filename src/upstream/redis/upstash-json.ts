// Encodes RESP replies into Upstash's JSON shapes, with and without `Upstash-Encoding: base64`,
// exactly as the SDK decoders expect (shared/UPSTASH-REST.md §3.2):
// - every string is base64 when asked, except a top-level status reply "OK";
// - numbers and null are never encoded; errors are never encoded;
// - integers are written as their decimal text, so 64-bit values are not rounded.
import { decodeUtf8, toBase64, utf8 } from "../../lib/encoding";
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
