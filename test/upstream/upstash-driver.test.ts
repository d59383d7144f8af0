// The upstash driver against a real Upstash-compatible server: a second RedisGate in its own
// workerd (started by test/setup/global.ts) whose redis-driver instance fronts the test redis-server.
// Chain: client → edge (upstash driver) → edge (redis driver) → Redis.
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, api, createInstance, createOrg, mintKey, ORIGIN, signUp, unique, upstashUpstream } from "../helpers/api";
import { openStream } from "../helpers/streams";

let account: Account;
let orgId: string;
let instanceId: string;
let key: string;
const k = (name: string) => `ups:${crypto.randomUUID()}:${name}`;
const call = (body: unknown, path = "", headers: Record<string, string> = {}) =>
  api("POST", `/redis/${instanceId}${path}`, { token: key, body, headers });
const upstashInstance = (overrides: Record<string, unknown> = {}) =>
  api("POST", `/api/organizations/${orgId}/redis-instances`, {
    token: account.token,
    body: { name: "Upstash", slug: unique("ups"), ...upstashUpstream(), ...overrides },
  });

beforeAll(async () => {
  account = await signUp();
  orgId = await createOrg(account);
  const created = await upstashInstance();
  expect(created.status).toBe(201);
  instanceId = created.body.data.id;
  key = (await mintKey(account, orgId)).key;
});

describe("creating an upstash instance", () => {
  it("stores the token sealed and shows only a masked hint", async () => {
    const res = await api("GET", `/api/organizations/${orgId}/redis-instances/${instanceId}`, { token: account.token });
    expect(res.body.data).toMatchObject({
      driver: "upstash",
      endpoint: env.TEST_UPSTREAM_URL,
      credential_hint: `••••${env.TEST_UPSTREAM_TOKEN.slice(-4)}`,
    });
    expect(JSON.stringify(res.body)).not.toContain(env.TEST_UPSTREAM_TOKEN);
    const record = await env.DIRECTORY.get(`v1:instance:${instanceId}`);
    expect(record).not.toContain(env.TEST_UPSTREAM_TOKEN);
  });

  it("checks the credentials with a PING and stores nothing when they fail (422)", async () => {
    const slug = unique("bad");
    const res = await upstashInstance({ slug, token: `${env.TEST_UPSTREAM_TOKEN}x` });
    expect(res.status).toBe(422);
    expect(res.body.error?.code).toBe("unprocessable_entity");
    expect(res.body.message).toMatch(/did not accept a PING.*rejected its stored credentials|WRONGPASS/);
    const list = await api("GET", `/api/organizations/${orgId}/redis-instances?limit=100`, { token: account.token });
    expect(list.body.data.map((i) => i.slug)).not.toContain(slug);
  });

  it("needs a token and refuses credentials in the URL", async () => {
    expect((await upstashInstance({ token: undefined })).body.error?.issues).toEqual([
      { path: "token", message: "is required for the upstash driver" },
    ]);
    const inUrl = await upstashInstance({ endpoint: env.TEST_UPSTREAM_URL.replace("http://", "http://u:p@") });
    expect(inUrl.status).toBe(400);
  });
});

describe("forwarding", () => {
  it("runs single commands, pipelines and transactions as one upstream request each", async () => {
    // Through a counting relay in front of the same upstream: every upstream request is tallied.
    const tally = unique("tally");
    const counted = await upstashInstance({
      endpoint: `${env.TEST_COUNTING_PROXY_URL}/${tally}${new URL(env.TEST_UPSTREAM_URL).pathname}`,
    });
    expect(counted.status).toBe(201);
    const upstreamRequests = async () =>
      ((await (await fetch(`${env.TEST_COUNTING_PROXY_URL}/_count/${tally}`)).json()) as { count: number }).count;
    expect(await upstreamRequests()).toBe(1); // the creation check's PING
    const call = (body: unknown, path = "") => api("POST", `/redis/${counted.body.data.id}${path}`, { token: key, body });
    const key1 = k("a");
    expect((await call(["SET", key1, "v"])).body).toEqual({ result: "OK" });
    expect((await call(["GET", key1])).body).toEqual({ result: "v" });
    expect(
      (
        await call(
          [
            ["INCR", `${key1}:n`],
            ["INCR", key1],
            ["GET", key1],
          ],
          "/pipeline",
        )
      ).body,
    ).toEqual([{ result: 1 }, { error: "ERR value is not an integer or out of range" }, { result: "v" }]);
    expect(
      (
        await call(
          [
            ["SET", key1, "w"],
            ["GET", key1],
          ],
          "/multi-exec",
        )
      ).body,
    ).toEqual([{ result: "OK" }, { result: "w" }]);
    expect(await upstreamRequests()).toBe(5);
  });

  it("returns Redis errors and a discarded transaction unchanged", async () => {
    expect(await call(["NOSUCH"])).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^ERR unknown command 'NOSUCH'/) } });
    const abort = await call([["SET", k("x"), "1"], ["NOSUCH"]], "/multi-exec");
    expect(abort.status).toBe(400);
    expect(abort.body.error).toMatch(/^EXECABORT/);
  });

  it("passes Upstash-Encoding and Upstash-Response-Format through", async () => {
    const key1 = k("enc");
    await call(["SET", key1, "héllo"]);
    const b64 = await call(["GET", key1], "", { "upstash-encoding": "base64" });
    expect(b64.body).toEqual({ result: btoa(String.fromCharCode(...new TextEncoder().encode("héllo"))) });
    const resp2 = await call(["GET", key1], "", { "upstash-response-format": "resp2" });
    expect(resp2.body).toBe("$6\r\nhéllo\r\n");
  });

  it("puts the edge's refusals in their places among a RESP pipeline's replies", async () => {
    const read = await mintKey(account, orgId, { scopes: ["read"] });
    const [a, b] = [k("a"), k("b")];
    await call(["SET", a, "one"]);
    const headers = { "upstash-response-format": "resp2" };
    const pipeline = (body: unknown) => api("POST", `/redis/${instanceId}/pipeline`, { token: read.key, body, headers });
    const mixed = await pipeline([
      ["GET", a],
      ["SET", b, "1"],
      ["GET", b],
    ]);
    expect(mixed.status).toBe(200);
    expect(mixed.body).toMatch(/^\$3\r\none\r\n-NOPERM [^\r\n]+\r\n\$-1\r\n$/);
    // Every command refused: still RESP, one error each.
    const refused = await pipeline([
      ["SET", b, "1"],
      ["DEL", a],
    ]);
    expect(refused.status).toBe(200);
    expect(refused.body).toMatch(/^-NOPERM [^\r\n]+\r\n-NOPERM [^\r\n]+\r\n$/);
  });

  it("keeps 64-bit integers exact through the hop", async () => {
    const key1 = k("big");
    await call(["SET", key1, "9223372036854775806"]);
    const res = await exports.default.fetch(
      new Request(`${ORIGIN}/redis/${instanceId}/pipeline`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}` },
        body: `[["INCR","${key1}"]]`,
      }),
    );
    expect(await res.text()).toBe('[{"result":9223372036854775807}]');
  });

  it("splices the edge's own refusals into the upstream's pipeline reply", async () => {
    const read = await mintKey(account, orgId, { scopes: ["read"] });
    const key1 = k("ro");
    const res = await api("POST", `/redis/${instanceId}/pipeline`, {
      token: read.key,
      body: [
        ["GET", key1],
        ["SET", key1, "v"],
        ["EXISTS", key1],
      ],
    });
    expect(res.body).toEqual([{ result: null }, { error: "NOPERM this key has no permissions to run the 'set' command" }, { result: 0 }]);
  });

  it("keeps a leading byte-order mark and arguments after a binary body", async () => {
    const key1 = k("bom");
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x61]);
    expect((await api("POST", `/redis/${instanceId}/set/${encodeURIComponent(key1)}`, { token: key, rawBody: bom })).body).toEqual({
      result: "OK",
    });
    expect((await call(["GET", key1], "", { "upstash-encoding": "base64" })).body).toEqual({ result: btoa(String.fromCharCode(...bom)) });
    const binary = new Uint8Array([0xff, 0x00, 0xfe]);
    const res = await api("POST", `/redis/${instanceId}/set/${encodeURIComponent(key1)}?EX=100&NX`, { token: key, rawBody: binary });
    expect(res.body).toEqual({ result: null }); // NX: the key exists, so SET did nothing
    const ttl = await api("POST", `/redis/${instanceId}/set/${encodeURIComponent(key1)}?EX=100`, { token: key, rawBody: binary });
    expect(ttl.body).toEqual({ result: "OK" });
    expect((await call(["TTL", key1])).body.result).toBeGreaterThan(90);
  });

  it("forwards a binary path-form body byte for byte", async () => {
    const key1 = k("bin");
    const bytes = new Uint8Array([0, 255, 254, 10]);
    expect((await api("POST", `/redis/${instanceId}/set/${encodeURIComponent(key1)}`, { token: key, rawBody: bytes })).body).toEqual({
      result: "OK",
    });
    expect((await call(["GET", key1], "", { "upstash-encoding": "base64" })).body).toEqual({ result: btoa(String.fromCharCode(...bytes)) });
  });
});

describe("transport failures", () => {
  const faulty = async (mode: string) => {
    const res = await upstashInstance({
      endpoint: `${env.TEST_FAULT_URL}/${mode}/${crypto.randomUUID()}`,
      token: "fault-token-1234567890",
    });
    expect(res.status).toBe(201);
    return res.body.data.id;
  };

  it("forwards only the upstream's own sync tokens, returns the upstream's, and hands the client's back on every answer the edge makes itself", async () => {
    const id = await faulty("sync");
    const ask = (token: string) =>
      api("POST", `/redis/${id}`, { token: key, body: ["GET", "k"], headers: { "upstash-sync-token": token } });
    // The fault server answers with the token it was sent, under its own token up-9.
    const forwarded = await ask("up-7");
    expect(forwarded).toMatchObject({ status: 200, body: { result: "up-7" } });
    expect(forwarded.headers.get("upstash-sync-token")).toBe("up-9");
    // A token the edge made (for one of its own answers) means nothing upstream, and is not sent there.
    expect(await ask("rg1-abc-x-1")).toMatchObject({ status: 200, body: { result: null } });
    const read = await mintKey(account, orgId, { scopes: ["read"] });
    const refused = await api("POST", `/redis/${id}/pipeline`, {
      token: read.key,
      body: [["SET", "k", "v"]],
      headers: { "upstash-sync-token": "up-8" },
    });
    expect(refused.status).toBe(200);
    expect(refused.headers.get("upstash-sync-token")).toBe("up-8");
    // So does every answer of the edge's own: a refusal, a parse error.
    const forbidden = await api("POST", `/redis/${id}`, {
      token: read.key,
      body: ["SET", "k", "v"],
      headers: { "upstash-sync-token": "up-8" },
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get("upstash-sync-token")).toBe("up-8");
    const bad = await api("POST", `/redis/${id}`, { token: key, rawBody: "[", headers: { "upstash-sync-token": "up-8" } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("upstash-sync-token")).toBe("up-8");
  });

  it("answers 502 when the upstream is down", async () => {
    const id = await faulty("down");
    expect(await api("POST", `/redis/${id}`, { token: key, body: ["PING"] })).toMatchObject({
      status: 502,
      body: { error: `ERR cannot reach the upstream of instance ${id}` },
    });
  });

  it("answers 504 when the upstream is too slow, and says a batch may have run", async () => {
    const id = await faulty("slow");
    expect(await api("POST", `/redis/${id}`, { token: key, body: ["PING"] })).toMatchObject({
      status: 504,
      body: { error: `ERR the upstream of instance ${id} did not answer within 2000 ms` },
    });
    expect(await api("POST", `/redis/${id}/pipeline`, { token: key, body: [["INCR", "k"]] })).toMatchObject({
      status: 504,
      body: { error: `ERR the upstream of instance ${id} did not answer within 2000 ms; the pipeline may have run and was not retried` },
    });
  });

  it("answers 502, not 401, when the upstream rejects the stored token", async () => {
    const id = await faulty("unauthorized");
    expect(await api("POST", `/redis/${id}`, { token: key, body: ["PING"] })).toMatchObject({
      status: 502,
      body: { error: `ERR the upstream of instance ${id} rejected its stored credentials (HTTP 401)` },
    });
  });

  it("answers 504 when the upstream's reply stalls past the deadline, and says a batch may have run", async () => {
    const id = await faulty("trickle");
    expect(await api("POST", `/redis/${id}`, { token: key, body: ["GET", "k"] })).toMatchObject({
      status: 504,
      body: { error: `ERR the upstream of instance ${id} did not answer within 2000 ms` },
    });
    expect(await api("POST", `/redis/${id}/multi-exec`, { token: key, body: [["INCR", "k"]] })).toMatchObject({
      status: 504,
      body: { error: `ERR the upstream of instance ${id} did not answer within 2000 ms; the transaction may have run and was not retried` },
    });
  });

  it("answers 502 when the upstream breaks off its reply, and says the commands may have run", async () => {
    const id = await faulty("cut");
    expect(await api("POST", `/redis/${id}/pipeline`, { token: key, body: [["INCR", "k"]] })).toMatchObject({
      status: 502,
      body: { error: `ERR the upstream of instance ${id} broke off its reply; the pipeline may have run and was not retried` },
    });
  });

  it("answers 502 to a command answered with an event stream, and passes none of its headers", async () => {
    const id = await faulty("sse");
    const res = await api("POST", `/redis/${id}`, { token: key, body: ["GET", "k"] });
    expect(res).toMatchObject({
      status: 502,
      body: { error: `ERR the upstream of instance ${id} answered a command with an event stream (HTTP 200)` },
    });
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(res.headers.get("x-upstream-secret")).toBeNull();
  });

  it("passes an upstream 429's Retry-After back", async () => {
    const id = await faulty("limited");
    const res = await api("POST", `/redis/${id}`, { token: key, body: ["GET", "k"] });
    expect(res).toMatchObject({ status: 429, body: { error: "ERR max requests limit exceeded" } });
    expect(res.headers.get("retry-after")).toBe("7");
  });

  it("answers 502 when the upstream returns something that is not JSON", async () => {
    const id = await faulty("garbage");
    expect(await api("POST", `/redis/${id}`, { token: key, body: ["PING"] })).toMatchObject({
      status: 502,
      body: { error: `ERR the upstream of instance ${id} returned a response that is not JSON (HTTP 200)` },
    });
  });
});

describe("redirects are never followed", () => {
  const redirected = (id: string) =>
    `ERR the upstream of instance ${id} answered with a redirect (HTTP 307); RedisGate does not follow upstream redirects`;

  it("answers 502 to a 307 towards a loopback address that is not allowed, and never relays its body", async () => {
    const res = await upstashInstance({
      endpoint: `${env.TEST_FAULT_URL}/redirect/${crypto.randomUUID()}`,
      token: "fault-token-1234567890",
    });
    expect(res.status).toBe(201);
    const id = res.body.data.id;
    for (const path of ["", "/pipeline", "/multi-exec"]) {
      const body = path ? [["GET", "secret"]] : ["GET", "secret"];
      expect(await api("POST", `/redis/${id}${path}`, { token: key, body })).toMatchObject({
        status: 502,
        body: { error: redirected(id) },
      });
    }
  });

  it("refuses to save an instance whose upstream answers the creation check with a redirect", async () => {
    const endpoint = `${env.TEST_FAULT_URL}/redirect/${crypto.randomUUID()}`;
    expect((await upstashInstance({ endpoint, token: "fault-token-1234567890" })).status).toBe(201);
    const again = await upstashInstance({ endpoint, token: "fault-token-1234567890" });
    expect(again.status).toBe(422);
    expect(again.body.message).toMatch(/answered with a redirect \(HTTP 307\); RedisGate does not follow upstream redirects$/);
  });
});

describe("streams through the hop", () => {
  it("outlives the upstream deadline, which covers only the stream's opening", async () => {
    const channel = `ups:${crypto.randomUUID()}`;
    const stream = await openStream(`/redis/${instanceId}/subscribe/${encodeURIComponent(channel)}`, key);
    await stream.until((events) => events.includes(`subscribe,${channel},1`));
    await new Promise((r) => setTimeout(r, 3000)); // past UPSTREAM_TIMEOUT_MS (2000 in the tests)
    expect((await call(["PUBLISH", channel, "after the deadline"])).body).toEqual({ result: 1 });
    await stream.until((events) => events.includes(`message,${channel},after the deadline`));
    await stream.cancel();
  }, 15_000);

  it("passes none of the upstream's own headers, from an event stream or a failure", async () => {
    const stream = async (mode: string) => {
      const created = await upstashInstance({
        endpoint: `${env.TEST_FAULT_URL}/${mode}/${crypto.randomUUID()}`,
        token: "fault-token-1234567890",
      });
      expect(created.status).toBe(201);
      return openStream(`/redis/${created.body.data.id}/subscribe/chan`, key);
    };
    const ok = await stream("sse");
    expect(ok.res.status).toBe(200);
    expect(ok.res.headers.get("content-type")).toBe("text/event-stream");
    expect(ok.res.headers.get("set-cookie")).toBeNull();
    expect(ok.res.headers.get("x-upstream-secret")).toBeNull();
    await ok.until((events) => events.includes("message,chan,from the upstream"));
    await ok.cancel();
    const failing = await stream("sse-failing");
    expect(failing.res.status).toBe(502);
    expect(failing.res.headers.get("set-cookie")).toBeNull();
    expect(failing.res.headers.get("x-upstream-secret")).toBeNull();
    expect(await failing.untilEnd()).toMatch(/answered a command with an event stream \(HTTP 503\)/);
  });

  it("ends a stream whose upstream breaks off with an error event, so the client's error handler runs", async () => {
    const created = await upstashInstance({
      endpoint: `${env.TEST_FAULT_URL}/sse-cut/${crypto.randomUUID()}`,
      token: "fault-token-1234567890",
    });
    expect(created.status).toBe(201);
    const stream = await openStream(`/redis/${created.body.data.id}/subscribe/chan`, key);
    expect(stream.res.status).toBe(200);
    expect(await stream.untilEnd()).toMatch(
      new RegExp(
        `data: message,chan,from the upstream\\n\\n(: ping\\n\\n)*event: error\\ndata: error,chan,ERR the upstream of instance ${created.body.data.id} broke off this stream; subscribe again to continue\\n\\n$`,
      ),
    );
  });

  it("relays subscribe events and releases the upstream subscription when the client leaves", async () => {
    const channel = `ups:${crypto.randomUUID()}`;
    const res = await exports.default.fetch(
      new Request(`${ORIGIN}/redis/${instanceId}/subscribe/${encodeURIComponent(channel)}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, accept: "text/event-stream" },
        body: "[]",
      }),
    );
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    const until = async (needle: string) => {
      const deadline = Date.now() + 8000;
      while (!text.includes(needle)) {
        if (Date.now() > deadline) throw new Error(`no ${needle} in ${text}`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`ended before ${needle}: ${text}`);
        text += new TextDecoder().decode(value);
      }
    };
    await until(`data: subscribe,${channel},1`);
    const direct = await createInstance(account, orgId);
    const publish = await api("POST", `/redis/${direct.id}`, { token: key, body: ["PUBLISH", channel, "over the hop"] });
    expect(publish.body).toEqual({ result: 1 });
    await until(`data: message,${channel},over the hop`);
    await reader.cancel();
    const deadline = Date.now() + 12_000;
    let subscribers = 1;
    while (subscribers !== 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      const numsub = await api("POST", `/redis/${direct.id}`, { token: key, body: ["PUBSUB", "NUMSUB", channel] });
      const [, count] = numsub.body.result as [string, unknown]; // PUBSUB NUMSUB: [channel, subscribers]
      subscribers = Number(count);
    }
    expect(subscribers).toBe(0);
  }, 30_000);
});
