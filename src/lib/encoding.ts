// Byte/text encodings used across faces. Pure; backed by the runtime's native Buffer for speed.
import { Buffer } from "node:buffer";

export const utf8 = new TextEncoder();
// ignoreBOM: a value that starts with U+FEFF keeps it (the default would silently drop it).
const utf8Lenient = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

export function fromBase64(text: string): Uint8Array {
  const buf = Buffer.from(text, "base64");
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** UTF-8 decode, replacing invalid sequences with U+FFFD (Upstash's documented behaviour). */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8Lenient.decode(bytes);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** SHA-256 of a UTF-8 string, hex. */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8.encode(text))));
}

/** Constant-time equality of two strings (length may leak; contents do not). */
export function timingSafeEqualStrings(a: string, b: string): boolean {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  if (x.byteLength !== y.byteLength) return false;
  return crypto.subtle.timingSafeEqual(x, y);
}
