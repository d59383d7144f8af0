// RESP2 encoding: commands as arrays of bulk strings (one buffer, sized exactly, for one write), and
// replies back into RESP bytes (for `Upstash-Response-Format: resp2`). The values and the parser are
// in ./resp.ts.
// @see https://redis.io/docs/latest/develop/reference/protocol-spec/
import { utf8 } from "../../lib/encoding";
import { type Arg, RespError, RespInteger, RespSimple, type RespValue } from "./resp";

const CRLF = utf8.encode("\r\n");

/** The UTF-8 length of `text` as TextEncoder writes it (a lone surrogate becomes U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: two units, four bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** Decimal digits of a non-negative integer. */
const digits = (n: number) => (n < 10 ? 1 : Math.floor(Math.log10(n)) + 1);

/**
 * Encodes commands as one RESP buffer of arrays of bulk strings, ready for a single write. The
 * buffer is sized exactly first and written in place: no array per argument, however many.
 */
export function encodeCommands(commands: readonly (readonly Arg[])[]): Uint8Array {
  const lengths: number[] = []; // each argument's byte length, in order, measured once
  let total = 0;
  for (const command of commands) {
    total += 3 + digits(command.length); // *<n>\r\n
    for (const arg of command) {
      const length = typeof arg === "string" ? utf8Length(arg) : arg.byteLength;
      lengths.push(length);
      total += 5 + digits(length) + length; // $<length>\r\n<bytes>\r\n
    }
  }
  const out = new Uint8Array(total);
  let at = 0;
  let next = 0;
  const write = (text: string) => {
    at += utf8.encodeInto(text, out.subarray(at)).written;
  };
  for (const command of commands) {
    write(`*${command.length}\r\n`);
    for (const arg of command) {
      write(`$${lengths[next++]}\r\n`);
      if (typeof arg === "string") write(arg);
      else {
        out.set(arg, at);
        at += arg.byteLength;
      }
      out.set(CRLF, at);
      at += 2;
    }
  }
  return out;
}

/** Encodes a reply value back into RESP2 bytes (for `Upstash-Response-Format: resp2`). */
export function encodeReply(value: RespValue, out: Uint8Array[] = []): Uint8Array[] {
  if (value === null) out.push(utf8.encode("$-1\r\n"));
  else if (value instanceof Uint8Array) out.push(utf8.encode(`$${value.byteLength}\r\n`), value, CRLF);
  else if (value instanceof RespSimple) out.push(utf8.encode(`+${value.value}\r\n`));
  else if (value instanceof RespError) out.push(utf8.encode(`-${value.message}\r\n`));
  else if (value instanceof RespInteger) out.push(utf8.encode(`:${value.text}\r\n`));
  else {
    out.push(utf8.encode(`*${value.length}\r\n`));
    for (const item of value) encodeReply(item, out);
  }
  return out;
}
