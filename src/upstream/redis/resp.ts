// RESP2, the Redis wire protocol: its values, and an incremental reply parser that keeps its place
// across socket chunks (large bulk strings are filled in place, never re-scanned). Encoding is in
// ./resp-encode.ts.
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
const latin1 = new TextDecoder("latin1");
const text = new TextDecoder();

type Frame = { items: RespValue[]; remaining: number };
/** Skip mode: counts left in each open array; inside a bulk string, the bytes still to drop. */
type Skip = { reply: RespTooLarge; frames: number[]; inBulk: boolean; bytes: number };

/**
 * Incremental RESP2 parser: `push` socket chunks, then `next()` until it returns `undefined`.
 * With a budget set, a reply that would pass it is consumed without being held and comes out of
 * `next()` as a RespTooLarge; so does every later reply until the budget is set again.
 */
export class RespParser {
  private buf = new Uint8Array(0);
  private pos = 0;
  private stack: Frame[] = [];
  private pendingBulk: { data: Uint8Array; filled: number } | null = null;
  private budget: ReplyBudget | null = null;
  private spent = { bytes: 0, elements: 0 };
  private skip: Skip | null = null;

  /** Starts a new request's budget (null: unlimited). Counts run across replies until the next call. */
  setBudget(budget: ReplyBudget | null): void {
    this.budget = budget;
    this.spent = { bytes: 0, elements: 0 };
  }

  push(chunk: Uint8Array): void {
    if (this.skip && this.skip.bytes > 0 && this.pos === this.buf.byteLength) {
      // Dropped straight from the chunk: a 100 MB value never reaches the buffer.
      const take = Math.min(this.skip.bytes, chunk.byteLength);
      this.skip.bytes -= take;
      chunk = chunk.subarray(take);
    }
    if (this.pendingBulk) chunk = this.fillBulk(chunk);
    if (chunk.byteLength === 0) return;
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

  private readLine(): string | typeof NEED_MORE {
    const end = this.buf.indexOf(13, this.pos);
    if (end < 0 || end + 1 >= this.buf.byteLength) return NEED_MORE;
    if (this.buf[end + 1] !== 10) throw new RespProtocolError("expected CRLF");
    const line = latin1.decode(this.buf.subarray(this.pos, end));
    this.pos = end + 2;
    return line;
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

  /** Drops what was assembled of this reply and skips the rest: `open` more elements, `bytes` more bytes. */
  private startSkip(reply: RespTooLarge, open: number, bytes: number): typeof NEED_MORE {
    const frames = this.stack.map((f) => f.remaining);
    if (open > 0) frames.push(open);
    this.stack = [];
    this.skip = { reply, frames, inBulk: bytes > 0, bytes };
    if (open === 0 && bytes === 0) this.skipElementDone();
    return NEED_MORE;
  }

  /** Parses one scalar, or opens an array frame (returning NEED_MORE to continue the loop). */
  private parseOne(): RespValue | typeof NEED_MORE {
    if (this.pendingBulk) return this.finishBulk();
    const start = this.pos;
    const line = this.readLine();
    if (line === NEED_MORE) return NEED_MORE;
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
        const take = Math.min(skip.bytes, this.buf.byteLength - this.pos);
        this.pos += take;
        skip.bytes -= take;
        if (skip.bytes > 0) return undefined;
        skip.inBulk = false;
        if (this.skipElementDone()) break;
        continue;
      }
      if (skip.frames.length === 0) break;
      const line = this.readLine();
      if (line === NEED_MORE) return undefined;
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
