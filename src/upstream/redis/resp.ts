// RESP2, the Redis wire protocol: its values, and an incremental reply parser that keeps its place
// across socket chunks: large bulk strings are filled in place, a line is scanned once however many
// chunks it spans, and the buffer grows by doubling, so a reply costs time linear in its size.
// Encoding is in ./resp-encode.ts.
// @see https://redis.io/docs/latest/develop/reference/protocol-spec/
import { type Arg, replyTooLargeText } from "../driver";

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

export class RespProtocolError extends Error {}

/**
 * Stands in for a reply that went past the request's budget. Its bytes were read and dropped,
 * never held, so the connection stays in step for the next reply. An error reply, so it can never
 * pass for data.
 */
export class RespTooLarge extends RespError {
  constructor(
    readonly limit: "bytes" | "elements",
    readonly max: number,
  ) {
    super(replyTooLargeText(limit, max));
  }
}

/** The most one request's replies may hold: bytes on the wire, and elements summed over every array header. */
export type ReplyBudget = { bytes: number; elements: number };

const NEED_MORE = Symbol("need-more");
/** The longest a length or integer line can be (`$`, `*`, `:` and digits); a longer one is not RESP. */
const MAX_HEADER_LINE = 64;
const MIN_BUFFER = 16 * 1024;
const latin1 = new TextDecoder("latin1");
const text = new TextDecoder();

type Frame = { items: RespValue[]; remaining: number };
/**
 * Skip mode: counts left in each open array; inside a bulk string, the bytes still to drop; inside a
 * simple or error line (`inLine`), bytes are dropped up to its CRLF.
 */
type Skip = { reply: RespTooLarge; frames: number[]; inBulk: boolean; bytes: number; inLine: boolean };

/**
 * Incremental RESP2 parser: `push` socket chunks, then `next()` until it returns `undefined`.
 * With a budget set, a reply that would pass it is consumed without being held and comes out of
 * `next()` as a RespTooLarge; so does every later reply until the budget is set again. A simple or
 * error line is measured against the budget as it arrives, so one without an end is never held
 * whole. Without a budget nothing is bounded: only for bytes already bounded (the pool's answers).
 */
export class RespParser {
  /** Bytes [pos, end) are unread. Only bytes past `end` are ever written: bulk strings returned as views stay intact. */
  private buf = new Uint8Array(0);
  private pos = 0;
  private end = 0;
  /** Where the search for the current line's CR goes on (no byte is scanned twice). */
  private scan = 0;
  private stack: Frame[] = [];
  private pendingBulk: { data: Uint8Array; filled: number } | null = null;
  private budget: ReplyBudget | null = null;
  private spent = { bytes: 0, elements: 0 };
  private skip: Skip | null = null;

  /** Bytes held for replies not yet complete (what a connection costs its isolate right now). */
  get buffered(): number {
    return this.end - this.pos + (this.pendingBulk?.data.byteLength ?? 0);
  }

  /** Starts a new request's budget (null: unlimited). Counts run across replies until the next call. */
  setBudget(budget: ReplyBudget | null): void {
    this.budget = budget;
    this.spent = { bytes: 0, elements: 0 };
  }

  push(chunk: Uint8Array): void {
    if (this.skip && this.pos === this.end) {
      // Dropped straight from the chunk: a 100 MB value or line never reaches the buffer.
      if (this.skip.bytes > 0) {
        const take = Math.min(this.skip.bytes, chunk.byteLength);
        this.skip.bytes -= take;
        chunk = chunk.subarray(take);
      } else if (this.skip.inLine) {
        const cr = chunk.indexOf(13);
        chunk = cr < 0 ? chunk.subarray(chunk.byteLength) : chunk.subarray(cr);
      }
    }
    if (this.pendingBulk) chunk = this.fillBulk(chunk);
    if (chunk.byteLength === 0) return;
    if (this.end + chunk.byteLength > this.buf.byteLength) {
      const unread = this.end - this.pos;
      const grown = new Uint8Array(Math.max(MIN_BUFFER, 2 * (unread + chunk.byteLength)));
      grown.set(this.buf.subarray(this.pos, this.end), 0);
      this.scan = Math.max(0, this.scan - this.pos);
      this.buf = grown;
      this.pos = 0;
      this.end = unread;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.byteLength;
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
      if (this.skip) return this.skipOn();
      const value = this.parseOne();
      if (value === NEED_MORE) {
        if (this.skip) continue;
        return undefined;
      }
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

  private unread(): Uint8Array {
    return this.buf.subarray(0, this.end);
  }

  private readLine(): string | typeof NEED_MORE {
    const cr = this.unread().indexOf(13, Math.max(this.scan, this.pos));
    if (cr < 0 || cr + 1 >= this.end) {
      this.scan = cr < 0 ? this.end : cr;
      return NEED_MORE;
    }
    if (this.buf[cr + 1] !== 10) throw new RespProtocolError("expected CRLF");
    const line = latin1.decode(this.buf.subarray(this.pos, cr));
    this.pos = cr + 2;
    this.scan = this.pos;
    return line;
  }

  /**
   * After readLine found no complete line: true when what has come of it is a simple or error line
   * (any length); a length or integer line longer than any can be, or an unknown type, is refused.
   */
  private simpleLinePending(): boolean {
    if (this.pos === this.end) return false;
    const type = this.buf[this.pos];
    if (type === 43 /* + */ || type === 45 /* - */) return true;
    if (type !== 58 && type !== 36 && type !== 42) {
      throw new RespProtocolError(`unexpected reply type ${JSON.stringify(String.fromCharCode(type ?? 0))}`);
    }
    if (this.end - this.pos > MAX_HEADER_LINE + 1) throw new RespProtocolError("a length line longer than RESP allows");
    return false;
  }

  /** Drops bytes through the next CRLF (a skipped simple or error line); true once it has gone by. */
  private dropLine(): boolean {
    const cr = this.unread().indexOf(13, this.pos);
    if (cr < 0 || cr + 1 >= this.end) {
      this.pos = cr < 0 ? this.end : cr;
      this.scan = this.pos;
      return false;
    }
    if (this.buf[cr + 1] !== 10) throw new RespProtocolError("expected CRLF");
    this.pos = cr + 2;
    this.scan = this.pos;
    return true;
  }

  /** Spends from the budget; the limit that broke, if one did (spending continues past it). */
  private overspent(bytes: number, elements: number): RespTooLarge | null {
    this.spent.bytes += bytes;
    this.spent.elements += elements;
    const budget = this.budget;
    if (!budget) return null;
    if (this.spent.elements > budget.elements) return new RespTooLarge("elements", budget.elements);
    if (this.spent.bytes > budget.bytes) return new RespTooLarge("bytes", budget.bytes);
    return null;
  }

  /**
   * Drops what was assembled of this reply and skips the rest: `open` more elements, `bytes` more
   * bytes, or (`inLine`) the rest of the simple or error line under way.
   */
  private startSkip(reply: RespTooLarge, open: number, bytes: number, inLine = false): typeof NEED_MORE {
    const frames = this.stack.map((f) => f.remaining);
    if (open > 0) frames.push(open);
    this.stack = [];
    this.skip = { reply, frames, inBulk: bytes > 0, bytes, inLine };
    if (open === 0 && bytes === 0 && !inLine) this.skipElementDone();
    return NEED_MORE;
  }

  /** Parses one scalar, or opens an array frame (returning NEED_MORE to continue the loop). */
  private parseOne(): RespValue | typeof NEED_MORE {
    if (this.pendingBulk) return this.finishBulk();
    const start = this.pos;
    const line = this.readLine();
    if (line === NEED_MORE) {
      if (!this.simpleLinePending()) return NEED_MORE;
      // Measured as it arrives: a line that has already passed the budget is dropped, not held.
      const over =
        this.budget && this.spent.bytes + (this.end - this.pos) > this.budget.bytes ? this.overspent(this.end - this.pos, 0) : null;
      return over ? this.startSkip(over, 0, 0, true) : NEED_MORE;
    }
    const type = line.charCodeAt(0);
    const rest = line.slice(1);
    const lineBytes = this.pos - start;
    switch (type) {
      case 43 /* + */:
      case 45 /* - */:
      case 58 /* : */:
        {
          const over = this.overspent(lineBytes, 0);
          if (over) return this.startSkip(over, 0, 0);
          if (type === 58) return new RespInteger(rest);
          const body = text.decode(this.buf.subarray(start + 1, this.pos - 2));
          return type === 43 ? new RespSimple(body) : new RespError(body);
        }
      case 36 /* $ */:
        {
          const length = Number(rest);
          if (length === -1) return this.startSkipIfOver(lineBytes, 0) ?? null;
          if (!Number.isInteger(length) || length < 0) throw new RespProtocolError(`bad bulk length ${rest}`);
          // The header is counted before any of its bytes arrive: nothing is allocated past the budget.
          const over = this.overspent(lineBytes + length + 2, 0);
          if (over) return this.startSkip(over, 0, length + 2);
          const end = this.pos + length;
          if (end + 2 <= this.end) {
            const value = this.buf.subarray(this.pos, end);
            this.pos = end + 2;
            this.scan = this.pos;
            return value;
          }
          // Incomplete: everything buffered belongs to this string; later chunks fill it in place.
          this.pendingBulk = { data: new Uint8Array(length + 2), filled: 0 };
          this.fillBulk(this.buf.subarray(this.pos, this.end));
          this.pos = this.end;
          this.scan = this.end;
          return NEED_MORE;
        }
      case 42 /* * */:
        {
          const length = Number(rest);
          if (length === -1) return this.startSkipIfOver(lineBytes, 0) ?? null;
          if (!Number.isInteger(length) || length < 0) throw new RespProtocolError(`bad array length ${rest}`);
          const over = this.overspent(lineBytes, length);
          if (over) return this.startSkip(over, length, 0);
          if (length === 0) return [];
          this.stack.push({ items: [], remaining: length });
          return this.parseOne();
        }
      default:
        throw new RespProtocolError(`unexpected reply type ${JSON.stringify(line.slice(0, 1))}`);
    }
  }

  private startSkipIfOver(bytes: number, elements: number): typeof NEED_MORE | undefined {
    const over = this.overspent(bytes, elements);
    return over ? this.startSkip(over, 0, 0) : undefined;
  }

  private finishBulk(): RespValue | typeof NEED_MORE {
    const pending = this.pendingBulk as { data: Uint8Array; filled: number };
    if (pending.filled < pending.data.byteLength) return NEED_MORE;
    this.pendingBulk = null;
    return pending.data.subarray(0, pending.data.byteLength - 2);
  }

  /** Consumes skipped bytes; the stand-in once the whole reply has gone by, else undefined. */
  private skipOn(): RespValue | undefined {
    const skip = this.skip as Skip;
    for (;;) {
      if (skip.inBulk) {
        const take = Math.min(skip.bytes, this.end - this.pos);
        this.pos += take;
        this.scan = this.pos;
        skip.bytes -= take;
        if (skip.bytes > 0) return undefined;
        skip.inBulk = false;
        if (this.skipElementDone()) break;
        continue;
      }
      if (skip.inLine) {
        if (!this.dropLine()) return undefined;
        skip.inLine = false;
        if (this.skipElementDone()) break;
        continue;
      }
      if (skip.frames.length === 0) break;
      const line = this.readLine();
      if (line === NEED_MORE) {
        if (!this.simpleLinePending()) return undefined;
        skip.inLine = true;
        continue;
      }
      const length = Number(line.slice(1));
      const type = line.charCodeAt(0);
      if (type === 36 /* $ */ && length >= 0) {
        skip.inBulk = true;
        skip.bytes = length + 2;
      } else if (type === 42 /* * */ && length > 0) skip.frames.push(length);
      else if (this.skipElementDone()) break;
    }
    this.skip = null;
    return skip.reply;
  }

  /** One element of the skipped reply is complete; true when that completes the whole reply. */
  private skipElementDone(): boolean {
    const frames = (this.skip as Skip).frames;
    while (frames.length > 0) {
      const last = frames.length - 1;
      frames[last] = (frames[last] as number) - 1;
      if ((frames[last] as number) > 0) return false;
      frames.pop();
    }
    return true;
  }
}
