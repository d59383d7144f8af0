// Unit tests for src/upstream/redis/upstash-json.ts: RESP replies in Upstash's JSON shapes, plain
// and base64, compared as exact JSON text (so 64-bit integers are checked digit for digit).
import { describe, expect, it } from "vitest";
import { RespError, RespInteger, RespSimple, type RespValue } from "../../../src/upstream/redis/resp";
import { jsonStringBytes, replyItemJson, replyToJson } from "../../../src/upstream/redis/upstash-json";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("replyToJson", () => {
  it("writes null as null in both modes", () => {
    expect(replyToJson(null, false)).toBe("null");
    expect(replyToJson(null, true)).toBe("null");
  });

  it("writes bulk strings as text, or base64 when asked", () => {
    expect(replyToJson(bytes("hello"), false)).toBe('"hello"');
    expect(replyToJson(bytes("hello"), true)).toBe('"aGVsbG8="');
    expect(replyToJson(new Uint8Array(0), false)).toBe('""');
    expect(replyToJson(new Uint8Array(0), true)).toBe('""');
  });

  it("escapes text so the result is always valid JSON", () => {
    const out = replyToJson(bytes('a"b\\c\n\u0000</script>'), false);
    expect(out).toBe('"a\\"b\\\\c\\n\\u0000</script>"');
    expect(JSON.parse(out)).toBe('a"b\\c\n\u0000</script>');
  });

  it("replaces invalid UTF-8 with U+FFFD in plain mode and keeps the bytes exactly in base64", () => {
    const raw = new Uint8Array([0x61, 0xff, 0xfe, 0x62]);
    expect(JSON.parse(replyToJson(raw, false))).toBe("a\uFFFD\uFFFDb");
    expect(replyToJson(raw, true)).toBe('"Yf/+Yg=="');
  });

  it("keeps a leading byte order mark in plain mode", () => {
    expect(JSON.parse(replyToJson(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]), false))).toBe("\uFEFFa");
  });

  it("writes integers as their exact decimal text, never encoded", () => {
    for (const base64 of [false, true]) {
      expect(replyToJson(new RespInteger("0"), base64)).toBe("0");
      expect(replyToJson(new RespInteger("-42"), base64)).toBe("-42");
      expect(replyToJson(new RespInteger("9223372036854775807"), base64)).toBe("9223372036854775807");
      expect(replyToJson(new RespInteger("-9223372036854775808"), base64)).toBe("-9223372036854775808");
    }
  });

  it("quotes integer text that is not a plain decimal, so the JSON stays valid", () => {
    expect(replyToJson(new RespInteger("1.5"), false)).toBe('"1.5"');
    expect(replyToJson(new RespInteger(""), false)).toBe('""');
    expect(replyToJson(new RespInteger("1,2"), false)).toBe('"1,2"');
    expect(replyToJson(new RespInteger("+1"), false)).toBe('"+1"');
    expect(replyToJson(new RespInteger('1"]'), false)).toBe('"1\\"]"');
  });

  it("does not base64 a top-level OK, but does other status replies and a nested OK", () => {
    expect(replyToJson(new RespSimple("OK"), true)).toBe('"OK"');
    expect(replyToJson(new RespSimple("QUEUED"), true)).toBe('"UVVFVUVE"');
    expect(replyToJson(new RespSimple("PONG"), true)).toBe('"UE9ORw=="');
    expect(replyToJson([new RespSimple("OK")], true)).toBe('["T0s="]');
    expect(replyToJson(new RespSimple("OK"), true, false)).toBe('"T0s="');
    expect(replyToJson(new RespSimple("PONG"), false)).toBe('"PONG"');
  });

  it("writes nested errors as strings, base64 when asked", () => {
    expect(replyToJson([new RespError("ERR boom"), bytes("x")], false)).toBe('["ERR boom","x"]');
    expect(replyToJson([new RespError("ERR boom")], true)).toBe('["RVJSIGJvb20="]');
  });

  it("writes nested arrays, empty arrays and nulls", () => {
    const value: RespValue = [[bytes("a"), new RespInteger("18446744073709551615")], [], null, [[null]]];
    expect(replyToJson(value, false)).toBe('[["a",18446744073709551615],[],null,[[null]]]');
    expect(replyToJson(value, true)).toBe('[["YQ==",18446744073709551615],[],null,[[null]]]');
    expect(replyToJson([], true)).toBe("[]");
  });
});

describe("replyItemJson", () => {
  it("wraps a reply in result", () => {
    expect(replyItemJson(null, false)).toBe('{"result":null}');
    expect(replyItemJson(new RespSimple("OK"), true)).toBe('{"result":"OK"}');
    expect(replyItemJson(bytes("v"), true)).toBe('{"result":"dg=="}');
    expect(replyItemJson(new RespInteger("9007199254740993"), false)).toBe('{"result":9007199254740993}');
    expect(replyItemJson([bytes("a"), new RespSimple("OK")], true)).toBe('{"result":["YQ==","T0s="]}');
  });

  it("writes a top-level error as error, never encoded, never with result", () => {
    expect(replyItemJson(new RespError("WRONGTYPE Operation against a key holding the wrong kind of value"), true)).toBe(
      '{"error":"WRONGTYPE Operation against a key holding the wrong kind of value"}',
    );
    expect(replyItemJson(new RespError('ERR "quoted"'), false)).toBe('{"error":"ERR \\"quoted\\""}');
  });

  it("gives an empty error the text ERR", () => {
    expect(replyItemJson(new RespError(""), false)).toBe('{"error":"ERR"}');
  });
});

describe("jsonStringBytes", () => {
  it("is exactly the UTF-8 length of JSON.stringify for escapes, ASCII, two- and three-byte characters", () => {
    const samples = [
      "",
      "plain",
      'quote " and \\ slash',
      "\n\r\t\b\f",
      "\u0000\u0001\u001f\u007f",
      "héllo wörld",
      "日本語",
      "\ufffd\ufffd",
    ];
    for (const text of samples) expect(jsonStringBytes(text)).toBe(new TextEncoder().encode(JSON.stringify(text)).byteLength);
  });

  it("counts a surrogate pair at no less than its four bytes", () => {
    expect(jsonStringBytes("😀")).toBeGreaterThanOrEqual(new TextEncoder().encode(JSON.stringify("😀")).byteLength);
  });
});
