// RESP2, the Redis wire protocol: encoding commands and an incremental reply parser that keeps
// its place across socket chunks (large bulk strings are filled in place, never re-scanned).
// @see https://redis.io/docs/latest/develop/reference/protocol-spec/
import { utf8 } from "../../lib/encoding";
import type { Arg } from "../driver";

export type { Arg };

export class RespSimple {
  constructor(readonly value: string) {}
}
export class RespError {
  constructor(readonly message: string) {}
}
export class RespInteger {
  /** Kept as its decimal text so 64-bit values survive to the JSON reply exactly. */
  constructor(readonly text: string) {}
}
export type RespValue = Uint8Array | RespSimple | RespError | RespInteger | null | RespValue[];

const CRLF = utf8.encode("\r\n");

/** Encodes commands as one RESP buffer of arrays of bulk strings, ready for a single write. */
export function encodeCommands(commands: readonly (readonly Arg[])[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const push = (p: Uint8Array) => {
    parts.push(p);
    total += p.byteLength;
  };
  for (const command of commands) {
    push(utf8.encode(`*${command.length}\r\n`));
    for (const arg of command) {
      const bytes = typeof arg === "string" ? utf8.encode(arg) : arg;
      push(utf8.encode(`$${bytes.byteLength}\r\n`));
      push(bytes);
      push(CRLF);
    }
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
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

export class RespProtocolError extends Error {}

const NEED_MORE = Symbol("need-more");
const latin1 = new TextDecoder("latin1");
const text = new TextDecoder();

type Frame = { items: RespValue[]; remaining: number };

/** Incremental RESP2 parser: `push` socket chunks, then `next()` until it returns `undefined`. */
export class RespParser {
  private buf = new Uint8Array(0);
  private pos = 0;
  private stack: Frame[] = [];
  private pendingBulk: { data: Uint8Array; filled: number } | null = null;

  push(chunk: Uint8Array): void {
    if (this.pendingBulk) {
      chunk = this.fillBulk(chunk);
      if (chunk.byteLength === 0) return;
    }
    const rest = this.buf.byteLength - this.pos;
    const merged = new Uint8Array(rest + chunk.byteLength);
    merged.set(this.buf.subarray(this.pos), 0);
    merged.set(chunk, rest);
    this.buf = merged;
    this.pos = 0;
  }

  /** Copies chunk bytes into the pending bulk string; returns what is left of the chunk. */
  private fillBulk(chunk: Uint8Array): Uint8Array {
    const pending = this.pendingBulk as { data: Uint8Array; filled: number };
    const need = pending.data.byteLength - pending.filled;
    const take = Math.min(need, chunk.byteLength);
    pending.data.set(chunk.subarray(0, take), pending.filled);
    pending.filled += take;
    return chunk.subarray(take);
  }

  /** The next complete top-level reply, or `undefined` when more bytes are needed. */
  next(): RespValue | undefined {
    for (;;) {
      const value = this.parseOne();
      if (value === NEED_MORE) return undefined;
      let done: RespValue | typeof NEED_MORE = value;
      while (done !== NEED_MORE) {
        const top = this.stack.at(-1);
        if (!top) return done;
        top.items.push(done);
        if (--top.remaining > 0) done = NEED_MORE;
        else {
          this.stack.pop();
          done = top.items;
        }
      }
    }
  }

  private readLine(): string | typeof NEED_MORE {
    const end = this.buf.indexOf(13, this.pos);
    if (end < 0 || end + 1 >= this.buf.byteLength) return NEED_MORE;
    if (this.buf[end + 1] !== 10) throw new RespProtocolError("expected CRLF");
    const line = latin1.decode(this.buf.subarray(this.pos, end));
    this.pos = end + 2;
    return line;
  }

  /** Parses one scalar, or opens an array frame (returning NEED_MORE to continue the loop). */
  private parseOne(): RespValue | typeof NEED_MORE {
    if (this.pendingBulk) return this.finishBulk();
    const start = this.pos;
    const line = this.readLine();
    if (line === NEED_MORE) return NEED_MORE;
    const type = line.charCodeAt(0);
    const rest = line.slice(1);
    switch (type) {
      case 43 /* + */:
        return new RespSimple(text.decode(this.buf.subarray(start + 1, this.pos - 2)));
      case 45 /* - */:
        return new RespError(text.decode(this.buf.subarray(start + 1, this.pos - 2)));
      case 58 /* : */:
        return new RespInteger(rest);
      case 36 /* $ */:
        {
          const length = Number(rest);
          if (length === -1) return null;
          if (!Number.isInteger(length) || length < 0) throw new RespProtocolError(`bad bulk length ${rest}`);
          const end = this.pos + length;
          if (end + 2 <= this.buf.byteLength) {
            const value = this.buf.subarray(this.pos, end);
            this.pos = end + 2;
            return value;
          }
          // Incomplete: everything buffered belongs to this string; later chunks fill it in place.
          this.pendingBulk = { data: new Uint8Array(length + 2), filled: 0 };
          this.fillBulk(this.buf.subarray(this.pos));
          this.buf = new Uint8Array(0);
          this.pos = 0;
          return NEED_MORE;
        }
      case 42 /* * */:
        {
          const length = Number(rest);
          if (length === -1) return null;
          if (!Number.isInteger(length) || length < 0) throw new RespProtocolError(`bad array length ${rest}`);
          if (length === 0) return [];
          this.stack.push({ items: [], remaining: length });
          return this.parseOne();
        }
      default:
        throw new RespProtocolError(`unexpected reply type ${JSON.stringify(line.slice(0, 1))}`);
    }
  }

  private finishBulk(): RespValue | typeof NEED_MORE {
    const pending = this.pendingBulk as { data: Uint8Array; filled: number };
    if (pending.filled < pending.data.byteLength) return NEED_MORE;
    this.pendingBulk = null;
    return pending.data.subarray(0, pending.data.byteLength - 2);
  }
}
