// The Upstash REST surface over raw HTTP: body and path forms, encodings, formats, CORS, sync tokens.
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, tenant } from "../helpers/api";

type Tenant = Awaited<ReturnType<typeof tenant>>;
let t: Tenant;
let base: `/redis/${string}`;
const k = (name: string) => `rest:${crypto.randomUUID()}:${name}`;
const post = <const P extends string>(path: P, body: unknown, headers: Record<string, string> = {}) =>
  api("POST", `${base}${path}`, { token: t.key, body, headers });

beforeAll(async () => {
  t = await tenant();
  base = `/redis/${t.instance.id}`;
});

describe("body form", () => {
  it("runs a command and wraps the reply in { result }", async () => {
    const key = k("a");
    expect(await post("", ["SET", key, "v"])).toMatchObject({ status: 200, body: { result: "OK" } });
    expect((await post("", ["GET", key])).body).toEqual({ result: "v" });
    expect((await post("", ["GET", k("missing")])).body).toEqual({ result: null });
  });

  it("passes numbers exactly as written and booleans as true/false", async () => {
    const key = k("n");
    // Raw text: a JavaScript literal would already round 12345678901234567890 before it is sent.
    await api("POST", base, {
      token: t.key,
      rawBody: `["HSET","${key}","float",1.5,"big",12345678901234567890,"exp",1e21,"neg",-7,"bool",false]`,
    });
    const res = await api("POST", base, { token: t.key, rawBody: `["HMGET","${key}","float","big","exp","neg","bool"]` });
    expect(res.body).toEqual({ result: ["1.5", "12345678901234567890", "1e21", "-7", "false"] });
  });

  it("keeps 64-bit integer replies exact in the JSON text", async () => {
    const key = k("i");
    await post("", ["SET", key, "9223372036854775806"]);
    const res = await exports.default.fetch(
      new Request(`https://redisgate.test${base}`, {
        method: "POST",
        headers: { authorization: `Bearer ${t.key}` },
        body: `["INCR","${key}"]`,
      }),
    );
    expect(await res.text()).toBe('{"result":9223372036854775807}');
  });

  it("passes Redis errors through verbatim with 400", async () => {
    const res = await post("", ["NOSUCHCOMMAND", "x"]);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^ERR unknown command 'NOSUCHCOMMAND'/);
    expect(res.body).not.toHaveProperty("result");
    const key = k("w");
    await post("", ["SET", key, "text"]);
    expect((await post("", ["INCR", key])).body).toEqual({ error: "ERR value is not an integer or out of range" });
  });
});

describe("path form", () => {
  it("runs /cmd/arg/... with GET, URL-decoding each segment", async () => {
    const key = k("p q/ü");
    const set = await api("GET", `${base}/set/${encodeURIComponent(key)}/hello%20world`, { token: t.key });
    expect(set.body).toEqual({ result: "OK" });
    expect((await post("", ["GET", key])).body).toEqual({ result: "hello world" });
  });

  it("appends a POST body as the last argument, then query parameters", async () => {
    const key = k("body");
    const bytes = new Uint8Array([0, 255, 10, 13, 200]);
    const res = await api("POST", `${base}/set/${encodeURIComponent(key)}?EX=100`, { token: t.key, rawBody: bytes });
    expect(res.body).toEqual({ result: "OK" });
    const ttl = await post("", ["TTL", key]);
    expect(ttl.body.result).toBeGreaterThan(90);
    const b64 = await post("", ["GET", key], { "upstash-encoding": "base64" });
    expect(b64.body).toEqual({ result: btoa(String.fromCharCode(...bytes)) });
  });

  it("accepts the key as ?_token= and does not pass it on as an argument", async () => {
    const key = k("tok");
    const res = await api("GET", `${base}/set/${encodeURIComponent(key)}/v?_token=${t.key}`);
    expect(res.body).toEqual({ result: "OK" });
    expect((await post("", ["GET", key])).body).toEqual({ result: "v" });
  });

  it("answers HEAD without a body", async () => {
    const res = await api("HEAD", `${base}/ping`, { token: t.key });
    expect(res.status).toBe(200);
    expect(res.body).toBe("");
  });

  it.each(["DELETE", "PATCH"])("refuses %s with 405", async (method) => {
    const res = await api(method, `${base}/get/x`, { token: t.key });
    expect(res.status).toBe(405);
    expect(res.body.error).toMatch(/method .* is not allowed/);
  });

  it("rejects bad percent-encoding with 400", async () => {
    const res = await api("GET", `${base}/get/%E0%A4%A`, { token: t.key });
    expect(res).toMatchObject({ status: 400, body: { error: "ERR path segment 2 has invalid percent-encoding" } });
  });

  it("rejects an oversize URL with 414", async () => {
    const res = await api("GET", `${base}/get/${"x".repeat(17_000)}`, { token: t.key });
    expect(res.status).toBe(414);
    expect(res.body.error).toMatch(/URL exceeds/);
  });

  it("tolerates the double slash Python's client sends (//pipeline)", async () => {
    const res = await api("POST", `${base}//pipeline`, { token: t.key, body: [["PING"]] });
    expect(res.body).toEqual([{ result: "PONG" }]);
  });
});

describe("bad bodies", () => {
  it.each([
    ["malformed JSON", '["SET",', /^ERR the request body is not valid JSON/],
    ["a non-array body", '{"cmd":"GET"}', /must be a JSON array/],
    ["an empty command", "[]", /empty command/],
    ["an empty body", "", /request body is empty/],
    // Nesting is refused by a scan before JSON.parse (test/edge/bounded-work.test.ts), so one text covers both.
    ["a nested array argument", '["SET","k",["v"]]', /argument 2 must be a string, number or boolean, not an array or object/],
    ["an object argument", '["SET","k",{"a":1}]', /argument 2 must be a string, number or boolean, not an array or object/],
    ["a null argument", '["SET","k",null]', /argument 2 must be a string, number or boolean, not null/],
    ["a non-string command name", "[42]", /command name must be a non-empty string/],
  ])("rejects %s with 400", async (_label, rawBody, message) => {
    const res = await api("POST", base, { token: t.key, rawBody });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(message);
  });

  it("rejects a body over the instance's max_request_bytes with 413 and runs nothing", async () => {
    const small = await tenant({}, { max_request_bytes: 1024 });
    const key = k("big");
    const res = await api("POST", `/redis/${small.instance.id}`, { token: small.key, body: ["SET", key, "x".repeat(2048)] });
    expect(res).toMatchObject({ status: 413, body: { error: "ERR max request size exceeded (1024 bytes)" } });
    expect((await api("POST", `/redis/${small.instance.id}`, { token: small.key, body: ["EXISTS", key] })).body).toEqual({ result: 0 });
  });
});

describe("encodings and formats", () => {
  it("base64-encodes every string except a top-level OK", async () => {
    const key = k("b64");
    const h = { "upstash-encoding": "base64" };
    expect((await post("", ["SET", key, "héllo"], h)).body).toEqual({ result: "OK" });
    const get = await post("", ["GET", key], h);
    expect(get.body).toEqual({ result: btoa(String.fromCharCode(...new TextEncoder().encode("héllo"))) });
    await post("", ["RPUSH", `${key}:l`, "a", "b"], h);
    expect((await post("", ["LRANGE", `${key}:l`, 0, -1], h)).body).toEqual({ result: ["YQ==", "Yg=="] });
    expect((await post("", ["STRLEN", key], h)).body).toEqual({ result: 6 });
  });

  it("encodes each pipeline and transaction item as a top-level value", async () => {
    const key = k("items");
    const h = { "upstash-encoding": "base64" };
    const pipe = await post(
      "/pipeline",
      [
        ["SET", key, "v"],
        ["GET", key],
        ["INCR", key],
      ],
      h,
    );
    expect(pipe.body).toEqual([{ result: "OK" }, { result: "dg==" }, { error: "ERR value is not an integer or out of range" }]);
    const multi = await post(
      "/multi-exec",
      [
        ["SET", key, "w"],
        ["GET", key],
      ],
      h,
    );
    expect(multi.body).toEqual([{ result: "OK" }, { result: "dw==" }]);
  });

  it("returns raw RESP2 bytes for Upstash-Response-Format: resp2", async () => {
    const key = k("resp2");
    await post("", ["SET", key, "v"]);
    const res = await post("", ["GET", key], { "upstash-response-format": "resp2" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.body).toBe("$1\r\nv\r\n");
  });

  it("rejects an unknown response format and resp2 with base64", async () => {
    expect((await post("", ["PING"], { "upstash-response-format": "xml" })).status).toBe(400);
    const both = await post("", ["PING"], { "upstash-response-format": "resp2", "upstash-encoding": "base64" });
    expect(both).toMatchObject({ status: 400, body: { error: expect.stringMatching(/cannot be combined/) } });
  });
});

describe("pipelines and transactions", () => {
  it("keeps going after a failing item; errors carry no result key", async () => {
    const key = k("pipe");
    const res = await post("/pipeline", [
      ["SET", key, "a"],
      ["INCR", key],
      ["GET", key],
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ result: "OK" }, { error: "ERR value is not an integer or out of range" }, { result: "a" }]);
    expect(res.body[1]).not.toHaveProperty("result");
  });

  it("rejects malformed pipelines as a whole", async () => {
    expect((await post("/pipeline", [])).body).toEqual({ error: "ERR the pipeline is empty" });
    expect((await post("/pipeline", ["GET", "x"])).body.error).toMatch(/command 1 must be a JSON array/);
  });

  it("returns EXEC results with per-item runtime errors", async () => {
    const key = k("tx");
    const res = await post("/multi-exec", [
      ["SET", key, "x"],
      ["INCR", key],
      ["GET", key],
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ result: "OK" }, { error: "ERR value is not an integer or out of range" }, { result: "x" }]);
  });

  it("answers a discarded transaction (EXECABORT) with a non-2xx error and writes nothing", async () => {
    const key = k("abort");
    const res = await post("/multi-exec", [["SET", key, "x"], ["NOSUCHCOMMAND"]]);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^EXECABORT Transaction discarded because of previous errors\. \(command 2: ERR unknown command/);
    expect((await post("", ["EXISTS", key])).body).toEqual({ result: 0 });
  });

  it("runs concurrent transactions without interference", async () => {
    const key = k("concurrent");
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post("/multi-exec", [
          ["RPUSH", key, `a${i}`],
          ["RPUSH", key, `b${i}`],
        ]),
      ),
    );
    for (const r of runs) expect(r.status).toBe(200);
    const list = (await post("", ["LRANGE", key, 0, -1])).body.result as string[];
    for (let i = 0; i < 8; i++) expect(list.indexOf(`b${i}`)).toBe(list.indexOf(`a${i}`) + 1);
  });
});

describe("refused commands", () => {
  it.each([
    ["BLPOP", ["BLPOP", "q", 1], /blocking commands would hold the connection open; use LPOP instead \(poll\)$/],
    ["XREAD BLOCK", ["XREAD", "BLOCK", 10, "STREAMS", "s", "$"], /; drop BLOCK and poll with XREAD instead$/],
    ["SELECT", ["SELECT", 1], /database is fixed/],
    ["MULTI", ["MULTI"], /\/multi-exec/],
    ["SUBSCRIBE", ["SUBSCRIBE", "c"], /\/subscribe/],
    ["CLIENT", ["CLIENT", "KILL", "ID", 1], /connection state/],
  ])("refuses %s with 400 and a hint", async (_label, command, hint) => {
    const res = await post("", command);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^ERR command '.+' is not supported by RedisGate/);
    expect(res.body.error).toMatch(hint);
  });

  it.each([
    [["BLPOP", "q", 1], "use LPOP instead (poll)"],
    [["BRPOP", "q", 1], "use RPOP instead (poll)"],
    [["BLMOVE", "a", "b", "LEFT", "RIGHT", 1], "use LMOVE instead (poll)"],
    [["BRPOPLPUSH", "a", "b", 1], "use LMOVE instead (poll)"],
    [["BLMPOP", 1, 1, "a", "LEFT"], "use LMPOP instead (poll)"],
    [["BZPOPMIN", "z", 1], "use ZPOPMIN instead (poll)"],
    [["BZPOPMAX", "z", 1], "use ZPOPMAX instead (poll)"],
    [["BZMPOP", 1, 1, "z", "MIN"], "use ZMPOP instead (poll)"],
    [["XREAD", "BLOCK", 10, "STREAMS", "s", "$"], "drop BLOCK and poll with XREAD instead"],
    [["XREADGROUP", "GROUP", "g", "c", "BLOCK", 10, "STREAMS", "s", ">"], "drop BLOCK and poll with XREADGROUP instead"],
    [["WAIT", 1, 0], "waiting for replicas is not offered over REST"],
    [["WAITAOF", 1, 0, 0], "waiting for the AOF is not offered over REST"],
  ])("refuses %j and says what to use instead", async (command, instead) => {
    const name = String(command[0]).toLowerCase();
    expect(await post("", command)).toMatchObject({
      status: 400,
      body: { error: `ERR command '${name}' is not supported by RedisGate: blocking commands would hold the connection open; ${instead}` },
    });
  });

  it("refuses admin commands for a key without the admin scope", async () => {
    const res = await post("", ["CONFIG", "GET", "maxmemory"]);
    expect(res).toMatchObject({ status: 403, body: { error: expect.stringMatching(/^NOPERM .*'config'.*admin scope/) } });
  });
});

describe("CORS and sync tokens", () => {
  it("answers preflight and exposes upstash-sync-token", async () => {
    const res = await api("OPTIONS", `${base}/pipeline`, {
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,upstash-encoding",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")).toContain("upstash-encoding");
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    const normal = await post("", ["PING"]);
    expect(normal.headers.get("access-control-expose-headers")).toBe("upstash-sync-token");
  });

  it("returns a fresh sync token on every response, errors included", async () => {
    const a = await post("", ["PING"]);
    const b = await post("", ["PING"]);
    const c = await post("", ["NOSUCH"]);
    const tokens = [a, b, c].map((r) => r.headers.get("upstash-sync-token"));
    for (const token of tokens) expect(token).toMatch(/^rg1-/);
    expect(new Set(tokens).size).toBe(3);
  });
});

describe("the hot path", () => {
  it("serves data-plane requests with no D1 binding at all", async () => {
    const { createApp } = await import("../../src/app");
    const withoutD1 = { ...env, DB: undefined } as unknown as Env;
    const request = new Request(`https://redisgate.test${base}`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.key}` },
      body: JSON.stringify(["PING"]),
    });
    const res = await createApp().fetch(request, withoutD1, {
      waitUntil() {},
      passThroughOnException() {},
      props: {},
    } as unknown as ExecutionContext);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: "PONG" });
  });
});

describe("the edge's paths", () => {
  const send = (path: string, init: RequestInit = {}) => exports.default.fetch(new Request(`https://redisgate.test${path}`, init));

  it("answers /redis and every path under it in Upstash's format, with a request id", async () => {
    for (const path of ["/redis", "/redis/", "/redis?x=1", `${base}`, `${base}/pipeline`]) {
      const res = await send(path, { method: "POST", body: '["PING"]' });
      expect(res.status, path).toBe(401);
      expect(await res.json(), path).toEqual({ error: expect.stringMatching(/^WRONGPASS/) });
      expect(res.headers.get("x-request-id"), path).toMatch(/^req_/);
    }
  });

  it("leaves a path that only begins with the letters 'redis' to the management API", async () => {
    for (const path of ["/redisgate", "/redis-instances", "/REDIS/x"]) {
      const res = await send(path);
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toMatchObject({ error: { code: "not_found" } });
      expect(res.headers.get("x-request-id"), path).toMatch(/^req_/);
    }
  });
});
