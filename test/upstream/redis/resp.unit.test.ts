// The RESP2 parser's reply budget: a reply past its bytes or elements is consumed without being
// held and comes out as RespTooLarge, at any chunk boundary, and the next reply parses as usual.
import { describe, expect, it } from "vitest";
import {
  RespError,
  RespInteger,
  RespParser,
  RespProtocolError,
  RespSimple,
  RespTooLarge,
  type RespValue,
} from "../../../src/upstream/redis/resp";

const bytes = (text: string) => new TextEncoder().encode(text);
const str = (value: RespValue | undefined) => new TextDecoder().decode(value as Uint8Array);

/** Feeds `wire` in chunks of `size` bytes and collects every complete reply. */
function parseInChunks(parser: RespParser, wire: Uint8Array, size: number): RespValue[] {
  const out: RespValue[] = [];
  for (let i = 0; i < wire.byteLength; i += size) {
    parser.push(wire.subarray(i, i + size));
    for (let r = parser.next(); r !== undefined; r = parser.next()) out.push(r);
  }
  return out;
}

const NESTED = "*3\r\n$3\r\nabc\r\n*2\r\n:1\r\n$-1\r\n+OK\r\n";
const BIG = `$20\r\n${"x".repeat(20)}\r\n`;
const AFTER = "+PONG\r\n";

describe("RespParser without a budget", () => {
  it("parses nested arrays at every chunk size", () => {
    for (let size = 1; size <= NESTED.length; size++) {
      const [reply] = parseInChunks(new RespParser(), bytes(NESTED), size);
      const [a, inner, ok] = reply as RespValue[];
      expect(str(a)).toBe("abc");
      expect(inner).toEqual([new RespInteger("1"), null]);
      expect(ok).toEqual(new RespSimple("OK"));
    }
  });
});

describe("RespParser and a server that does not speak RESP", () => {
  it("refuses an unknown reply type at its first byte, without waiting for a line end", () => {
    const parser = new RespParser();
    parser.push(bytes("HTTP/1.1 400 Bad Request"));
    expect(() => parser.next()).toThrow(RespProtocolError);
  });

  it("refuses a length or integer line longer than any can be, without waiting for its end", () => {
    for (const type of ["$", "*", ":"]) {
      const parser = new RespParser();
      parser.push(bytes(`${type}${"9".repeat(100)}`));
      expect(() => parser.next()).toThrow(RespProtocolError);
    }
  });
});

describe("RespParser with a budget", () => {
  it("skips a bulk string past the byte budget, at every chunk boundary, and parses the next reply", () => {
    const wire = bytes(`${BIG}${AFTER}`);
    for (let size = 1; size <= wire.byteLength; size++) {
      const parser = new RespParser();
      parser.setBudget({ bytes: 10, elements: 100 });
      parser.push(wire.subarray(0, 0));
      const replies = parseInChunks(parser, wire, size);
      expect(replies).toHaveLength(2);
      expect(replies[0]).toBeInstanceOf(RespTooLarge);
      expect((replies[0] as RespTooLarge).limit).toBe("bytes");
      // The budget is spent for this request: the next reply is dropped too, still in step.
      expect(replies[1]).toBeInstanceOf(RespTooLarge);
      parser.setBudget(null);
      parser.push(bytes(AFTER));
      expect(parser.next()).toEqual(new RespSimple("PONG"));
    }
  });

  it("refuses a bulk string by its header, before its bytes arrive, and never allocates it", () => {
    const parser = new RespParser();
    parser.setBudget({ bytes: 1024, elements: 10 });
    // Only the header of a 100 MB value: the reply is already known to be too large...
    parser.push(bytes("$104857600\r\n"));
    expect(parser.next()).toBeUndefined();
    // ...and the rest streams through in chunks that are dropped, not buffered.
    const chunk = new Uint8Array(1024 * 1024);
    for (let i = 0; i < 100; i++) {
      parser.push(chunk);
      expect(parser.next()).toBeUndefined();
    }
    parser.push(bytes(`\r\n${AFTER}`));
    expect(parser.next()).toBeInstanceOf(RespTooLarge);
    parser.setBudget({ bytes: 1024, elements: 10 });
    expect(parser.next()).toEqual(new RespSimple("PONG"));
  });

  it("counts elements at each array header, summed over nested arrays, and skips the rest of the reply", () => {
    // 2 + 3 + 2 = 7 elements in one reply; the budget is 6.
    const reply = "*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*2\r\n$1\r\na\r\n$5\r\nhello\r\n";
    const wire = bytes(`${reply}${AFTER}`);
    for (let size = 1; size <= wire.byteLength; size++) {
      const parser = new RespParser();
      parser.setBudget({ bytes: 10_000, elements: 6 });
      const [skipped, next] = parseInChunks(parser, wire.subarray(0, reply.length), size);
      expect(skipped).toBeInstanceOf(RespTooLarge);
      expect((skipped as RespTooLarge).limit).toBe("elements");
      expect((skipped as RespTooLarge).message).toBe(
        "ERR the reply is larger than this instance's limit of 6 elements per request; ask for less at a time (a range, a SCAN cursor, a COUNT)",
      );
      expect(next).toBeUndefined();
      parser.setBudget({ bytes: 10_000, elements: 6 });
      expect(parseInChunks(parser, wire.subarray(reply.length), size)).toEqual([new RespSimple("PONG")]);
    }
  });

  it("sums the budget over the replies of one request", () => {
    const parser = new RespParser();
    parser.setBudget({ bytes: 1000, elements: 5 });
    const replies = parseInChunks(parser, bytes("*3\r\n:1\r\n:2\r\n:3\r\n*3\r\n:1\r\n:2\r\n:3\r\n+OK\r\n"), 4);
    expect(replies[0]).toEqual([new RespInteger("1"), new RespInteger("2"), new RespInteger("3")]);
    expect(replies[1]).toBeInstanceOf(RespTooLarge);
    expect(replies[2]).toBeInstanceOf(RespTooLarge);
  });

  it("skips a reply that passes the budget deep inside nested arrays, with bulk strings split anywhere", () => {
    const big = "y".repeat(50);
    const reply = `*2\r\n*2\r\n$2\r\nok\r\n*1\r\n$50\r\n${big}\r\n-ERR inner\r\n`;
    const wire = bytes(`${reply}${NESTED}`);
    for (let size = 1; size <= 17; size++) {
      const parser = new RespParser();
      parser.setBudget({ bytes: 40, elements: 100 });
      const [skipped] = parseInChunks(parser, wire.subarray(0, reply.length), size);
      expect(skipped).toBeInstanceOf(RespTooLarge);
      parser.setBudget(null);
      const [next] = parseInChunks(parser, wire.subarray(reply.length), size);
      expect(str((next as RespValue[])[0])).toBe("abc");
    }
  });

  it("drops a simple or error line past the budget as it arrives, never holding it, at every chunk boundary", () => {
    // EVAL "return redis.status_reply(string.rep('x', N))": Redis puts no bound on a status line.
    for (const type of ["+", "-"]) {
      const parser = new RespParser();
      parser.setBudget({ bytes: 1024, elements: 10 });
      parser.push(bytes(type));
      const chunk = new Uint8Array(64 * 1024).fill(120);
      for (let i = 0; i < 64; i++) {
        parser.push(chunk);
        expect(parser.next()).toBeUndefined();
        expect(parser.buffered).toBeLessThan(2048);
      }
      // The CR and LF of its end may come apart.
      parser.push(bytes("xx\r"));
      expect(parser.next()).toBeUndefined();
      parser.push(bytes(`\n${AFTER}`));
      expect(parser.next()).toBeInstanceOf(RespTooLarge);
      parser.setBudget({ bytes: 1024, elements: 10 });
      expect(parser.next()).toEqual(new RespSimple("PONG"));
    }
  });

  it("drops a long line inside a reply already being skipped, and one inside an array", () => {
    const long = "e".repeat(5000);
    const wire = bytes(`*3\r\n$3\r\nabc\r\n-${long}\r\n+${long}\r\n${AFTER}`);
    for (const size of [1, 7, 100, 4096]) {
      const parser = new RespParser();
      parser.setBudget({ bytes: 1000, elements: 10 });
      let most = 0;
      const replies: RespValue[] = [];
      for (let i = 0; i < wire.byteLength; i += size) {
        parser.push(wire.subarray(i, i + size));
        most = Math.max(most, parser.buffered);
        for (let r = parser.next(); r !== undefined; r = parser.next()) replies.push(r);
      }
      expect(replies).toHaveLength(2);
      expect(replies[0]).toBeInstanceOf(RespTooLarge);
      expect(most).toBeLessThan(1000 + 2 * size);
    }
  });

  it("keeps a long line within the budget whole, however it is split", () => {
    const line = `+${"ab".repeat(3000)}\r\n`;
    for (const size of [1, 3, 1000]) {
      const parser = new RespParser();
      parser.setBudget({ bytes: 10_000, elements: 10 });
      const [reply] = parseInChunks(parser, bytes(line), size);
      expect(reply).toEqual(new RespSimple("ab".repeat(3000)));
    }
  });

  it("keeps the bulk strings it returned intact while later chunks arrive", () => {
    const parser = new RespParser();
    parser.push(bytes("$3\r\nabc\r\n$3\r\nd"));
    const first = parser.next() as Uint8Array;
    parser.push(bytes(`ef\r\n${"+".repeat(1)}${"z".repeat(40_000)}\r\n`));
    expect(str(parser.next())).toBe("def");
    expect(parser.next()).toEqual(new RespSimple("z".repeat(40_000)));
    expect(str(first)).toBe("abc");
  });

  it("is an error reply, so it can never pass for data", () => {
    expect(new RespTooLarge("bytes", 10)).toBeInstanceOf(RespError);
  });
});
