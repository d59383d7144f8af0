// Unit tests for src/edge/parse.ts: how an HTTP request under /redis/<id> becomes commands
// (body form, path form, /pipeline, /multi-exec, the streaming endpoints) and how bad input is refused.
import { describe, expect, it } from "vitest";
import { methodRefusal, parseEdgeCall } from "../../src/edge/parse";

const enc = new TextEncoder();
const json = (text: string): Uint8Array => enc.encode(text);
const post = (rest: string, body: string | Uint8Array | null, query: [string, string][] = []) =>
  parseEdgeCall("POST", rest, query, typeof body === "string" ? json(body) : body);
const bad = (error: string, status = 400) => ({ ok: false, status, error });
const command = (...args: unknown[]) => ({ ok: true, call: { kind: "command", command: args } });

describe("methodRefusal", () => {
  it.each(["GET", "HEAD", "POST", "PUT"])("allows %s", (m) => {
    expect(methodRefusal(m)).toBeNull();
  });

  it.each(["DELETE", "PATCH", "OPTIONS", "get", "", "TRACE"])("refuses %j with its name in the text", (m) => {
    expect(methodRefusal(m)).toBe(`ERR method ${m} is not allowed; use GET, HEAD, POST or PUT`);
  });

  it("parseEdgeCall answers a refused method with 405 before looking at the path", () => {
    expect(parseEdgeCall("DELETE", "/get/%zz", [], null)).toEqual(bad("ERR method DELETE is not allowed; use GET, HEAD, POST or PUT", 405));
  });
});

describe("body form", () => {
  it("takes a JSON array at the root", () => {
    expect(post("", '["SET","k","v"]')).toEqual(command("SET", "k", "v"));
    expect(post("/", '["GET","k"]')).toEqual(command("GET", "k"));
    expect(parseEdgeCall("PUT", "", [], json('["PING"]'))).toEqual(command("PING"));
  });

  it("keeps the command name and arguments exactly as sent (no case folding, unicode intact)", () => {
    expect(post("", '["set","K€y","\\u0000v\\n"]')).toEqual(command("set", "K€y", "\u0000v\n"));
  });

  it("refuses GET or HEAD at the root", () => {
    for (const m of ["GET", "HEAD"]) {
      expect(parseEdgeCall(m, "", [], json('["PING"]'))).toEqual(bad("ERR no command given; POST a JSON array or use /<command>/<args>"));
    }
  });

  it("refuses an empty or missing body", () => {
    expect(post("", null)).toEqual(bad("ERR the request body is empty; send a JSON array"));
    expect(post("", new Uint8Array(0))).toEqual(bad("ERR the request body is empty; send a JSON array"));
  });

  it.each(["[", "not json", '["GET" "k"]', "[1,]", " "])("refuses invalid JSON %j", (text) => {
    const r = post("", text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(400);
    expect(r.error).toMatch(/^ERR the request body is not valid JSON: \S/);
  });

  it("refuses a body that is not valid UTF-8", () => {
    const r = post("", new Uint8Array([0x5b, 0x22, 0xff, 0x22, 0x5d]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^ERR the request body is not valid JSON: /);
  });

  it("skips a leading UTF-8 byte order mark", () => {
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...json('["PING"]')]);
    expect(post("", body)).toEqual(command("PING"));
  });

  it("does not skip a second byte order mark (it is part of the JSON text, which is then invalid)", () => {
    const r = post("", new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, ...json('["PING"]')]));
    expect(r.ok).toBe(false);
  });

  it.each(['"GET"', '{"0":"GET"}', "true", "null"])("refuses the non-array %s", (text) => {
    expect(post("", text)).toEqual(bad("ERR the request body must be a JSON array of command arguments"));
  });

  it("refuses an empty array", () => {
    expect(post("", "[]")).toEqual(bad("ERR the request body is an empty command"));
  });

  it("writes booleans as true/false", () => {
    expect(post("", '["SET","k",true]')).toEqual(command("SET", "k", "true"));
    expect(post("", '["SET","k",false]')).toEqual(command("SET", "k", "false"));
  });

  it.each([
    ['["SET","k",null]', "argument 2 must be a string, number or boolean, not null"],
    ["[null]", "argument 0 must be a string, number or boolean, not null"],
  ])("refuses %s naming the argument and its type", (text, why) => {
    expect(post("", text)).toEqual(bad(`ERR the request body: ${why}`));
  });

  // Nesting is refused by the shape scan before JSON.parse runs (bounded work).
  it.each([
    ['["SET",["k"],"v"]', 1],
    ['["SET","k",{"v":"x"}]', 2],
  ])("refuses %s before parsing: a command is a flat JSON array", (text, index) => {
    expect(post("", text)).toEqual(
      bad(`ERR argument ${index} must be a string, number or boolean, not an array or object (a command is a flat JSON array)`),
    );
  });

  it.each(['[true,"k"]', '["","k"]', "[false]"])("refuses a command name that is not a non-empty string: %s", (text) => {
    expect(post("", text)).toEqual(bad("ERR the request body: the command name must be a non-empty string"));
  });

  it("does not let a __proto__ key or argument do anything special", () => {
    expect(post("", '["__proto__","constructor"]')).toEqual(command("__proto__", "constructor"));
    expect(post("", '{"__proto__":["GET"]}')).toEqual(
      bad("ERR argument 0 must be a string, number or boolean, not an array or object (a command is a flat JSON array)"),
    );
  });
});

describe("path form", () => {
  it("splits the path into arguments, keeping their case", () => {
    expect(parseEdgeCall("GET", "/set/Foo/bar", [], null)).toEqual(command("set", "Foo", "bar"));
    expect(parseEdgeCall("HEAD", "/get/k", [], null)).toEqual(command("get", "k"));
  });

  it("percent-decodes each segment after splitting", () => {
    expect(parseEdgeCall("GET", "/set/a%2Fb/%E2%82%AC%20x", [], null)).toEqual(command("set", "a/b", "€ x"));
  });

  it.each([
    ["/get/%E0%A4%A", 2],
    ["/%zz", 1],
    ["/set/k/%", 3],
    ["/set/k/%C0%AF", 3],
  ])("refuses bad percent-encoding in %s, naming the segment", (rest, n) => {
    expect(parseEdgeCall("GET", rest, [], null)).toEqual(bad(`ERR path segment ${n} has invalid percent-encoding`));
  });

  it("drops leading slashes and one trailing slash", () => {
    expect(parseEdgeCall("GET", "///get/k/", [], null)).toEqual(command("get", "k"));
    expect(parseEdgeCall("GET", "/get/k//", [], null)).toEqual(command("get", "k", ""));
    expect(parseEdgeCall("GET", "/set/k//v", [], null)).toEqual(command("set", "k", "", "v"));
  });

  it("appends a POST or PUT body as raw bytes after the path arguments", () => {
    const body = new Uint8Array([0, 255, 10]);
    expect(parseEdgeCall("POST", "/set/k", [], body)).toEqual(command("set", "k", body));
    expect(parseEdgeCall("PUT", "/set/k", [], body)).toEqual(command("set", "k", body));
  });

  it("does not parse a path-form body as JSON", () => {
    const body = json('["x"]');
    const r = parseEdgeCall("POST", "/set/k", [], body);
    expect(r).toEqual(command("set", "k", body));
  });

  it("ignores a GET body and an empty POST body", () => {
    expect(parseEdgeCall("GET", "/set/k", [], json("v"))).toEqual(command("set", "k"));
    expect(parseEdgeCall("POST", "/set/k", [], new Uint8Array(0))).toEqual(command("set", "k"));
  });

  it("appends query parameters in order, a bare name without its empty value, after the body", () => {
    const body = json("v");
    expect(
      parseEdgeCall(
        "POST",
        "/set/k",
        [
          ["EX", "10"],
          ["NX", ""],
        ],
        body,
      ),
    ).toEqual(command("set", "k", body, "EX", "10", "NX"));
  });
});

describe("/pipeline and /multi-exec", () => {
  it("parses a pipeline, whatever the case of the path", () => {
    const expected = {
      ok: true,
      call: {
        kind: "pipeline",
        commands: [
          ["SET", "k", "v"],
          ["GET", "k"],
        ],
      },
    };
    expect(post("/pipeline", '[["SET","k","v"],["GET","k"]]')).toEqual(expected);
    expect(post("//PIPELINE/", '[["SET","k","v"],["GET","k"]]')).toEqual(expected);
  });

  it("parses a transaction", () => {
    expect(post("/multi-exec", '[["INCR","n"],["GET","n",true]]')).toEqual({
      ok: true,
      call: {
        kind: "transaction",
        commands: [
          ["INCR", "n"],
          ["GET", "n", "true"],
        ],
      },
    });
  });

  it("treats /pipeline/<more> as an ordinary command", () => {
    expect(parseEdgeCall("GET", "/pipeline/x", [], null)).toEqual(command("pipeline", "x"));
  });

  it.each([
    ["pipeline", "pipeline"],
    ["multi-exec", "transaction"],
  ])("/%s refuses bad batches with %s in the text", (path, kind) => {
    const at = `/${path}`;
    expect(post(at, null)).toEqual(bad("ERR the request body is empty; send a JSON array"));
    expect(post(at, "[]")).toEqual(bad(`ERR the ${kind} is empty`));
    expect(post(at, '{"a":"b"}')).toEqual(bad(`ERR the ${kind} body must be a JSON array of commands`));
    expect(post(at, '["GET","k"]')).toEqual(bad("ERR command 1 must be a JSON array of command arguments"));
    expect(post(at, '[["GET","k"],[]]')).toEqual(bad("ERR command 2 is an empty command"));
    expect(post(at, '[["GET","k"],["GET",null]]')).toEqual(bad("ERR command 2: argument 1 must be a string, number or boolean, not null"));
    expect(post(at, '[[""]]')).toEqual(bad("ERR command 1: the command name must be a non-empty string"));
    expect(post(at, "[[").ok).toBe(false);
  });
});

describe("streaming endpoints", () => {
  it("subscribe and psubscribe take their targets from the path, decoded", () => {
    expect(parseEdgeCall("GET", "/subscribe/a/b%2Fc", [], null)).toEqual({ ok: true, call: { kind: "subscribe", targets: ["a", "b/c"] } });
    expect(parseEdgeCall("GET", "/PSUBSCRIBE/news.*", [], null)).toEqual({ ok: true, call: { kind: "psubscribe", targets: ["news.*"] } });
  });

  it("refuses a subscribe without a target or with an empty one", () => {
    expect(parseEdgeCall("GET", "/subscribe", [], null)).toEqual(bad("ERR subscribe needs a channel in the path"));
    expect(parseEdgeCall("GET", "/subscribe/", [], null)).toEqual(bad("ERR subscribe needs a channel in the path"));
    expect(parseEdgeCall("GET", "/subscribe/a//b", [], null)).toEqual(bad("ERR subscribe needs a channel in the path"));
    expect(parseEdgeCall("GET", "/psubscribe", [], null)).toEqual(bad("ERR psubscribe needs a pattern in the path"));
  });

  it("monitor takes no arguments; /monitor/<x> is an ordinary command", () => {
    expect(parseEdgeCall("GET", "/monitor", [], null)).toEqual({ ok: true, call: { kind: "monitor" } });
    expect(parseEdgeCall("GET", "/Monitor/", [], null)).toEqual({ ok: true, call: { kind: "monitor" } });
    expect(parseEdgeCall("GET", "/monitor/x", [], null)).toEqual(command("monitor", "x"));
  });
});
