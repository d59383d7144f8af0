// Bounded work per request (DESIGN.md §5a): commands per pipeline or transaction and JSON depth,
// refused before the body is parsed; reply bytes and elements, skipped without being held and
// answered 400; each default overridable per instance within the operator's ceiling.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createInstance, tenant, upstashUpstream } from "../helpers/api";
import { liftedTenant } from "../helpers/operator";
import { saidRan, tooLarge } from "../helpers/reply-limits";

// Tenants on the enterprise plan (liftedTenant): these tests are about work caps, not rate limits.

type Tenant = Awaited<ReturnType<typeof tenant>>;
let t: Tenant;
const k = (name: string) => `bound:${crypto.randomUUID()}:${name}`;
const call = <const P extends string>(who: Tenant, path: P, body: unknown) =>
  api("POST", `/redis/${who.instance.id}${path}`, { token: who.key, body });
const raw = <const P extends string>(who: Tenant, path: P, rawBody: string) =>
  api("POST", `/redis/${who.instance.id}${path}`, { token: who.key, rawBody });
const pings = (n: number) => Array.from({ length: n }, () => ["PING"]);
const tooLargeAsJson = (max: number) =>
  `ERR the reply is larger than this instance's limit of ${max} bytes per request once written as JSON, which may take twice that (JSON escapes control and invalid bytes, up to six characters each); ask for it with Upstash-Encoding: base64, or for less at a time`;

// The free plan's per-key rate (1000 commands/s) would cut these batches short; rate limits have
// tests of their own, so these keys carry a generous one.

beforeAll(async () => {
  t = await liftedTenant();
});

/** The tenant with, in its place, a new `upstash` instance (over the test's RedisGate upstream) with these limits. */
async function viaUpstash(limits: Record<string, number>): Promise<Tenant> {
  return { ...t, instance: await createInstance(t.account, t.orgId, { ...upstashUpstream(), ...limits }) };
}

describe("commands per pipeline or transaction", () => {
  it("takes 1,000 commands (the SDK's auto-pipeline batch) and refuses 1,001 with 400, running none", async () => {
    expect((await call(t, "/pipeline", pings(1000))).body).toHaveLength(1000);
    const key = k("counter");
    const batch = [["INCR", key], ...pings(1000)];
    expect(await call(t, "/pipeline", batch)).toMatchObject({
      status: 400,
      body: { error: "ERR the pipeline has more than 1000 commands, this instance's limit per request; send it in parts" },
    });
    expect(await call(t, "/multi-exec", batch)).toMatchObject({
      status: 400,
      body: { error: "ERR the transaction has more than 1000 commands, this instance's limit per request; send it in parts" },
    });
    expect((await call(t, "", ["GET", key])).body).toEqual({ result: null });
  });

  it("counts before parsing: a million-command pipeline is refused without JSON.parse", async () => {
    const body = `[${'["PING"],'.repeat(1_000_000)}["PING"]]`;
    const res = await raw(t, "/pipeline", body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^ERR the pipeline has more than 1000 commands/);
  });

  it("counts top-level items only, not brackets or commas inside strings", async () => {
    const tricky = Array.from({ length: 1000 }, (_, i) => ["ECHO", i === 0 ? '"],["PING"],["\\' : "[,]"]);
    const res = await call(t, "/pipeline", tricky);
    expect(res.status).toBe(200);
    expect(res.body[0]).toEqual({ result: '"],["PING"],["\\' });
  });

  it("lets an instance raise the limit within the ceiling", async () => {
    const big = await liftedTenant({}, { max_pipeline_commands: 1500 });
    expect(big.instance.max_pipeline_commands).toBe(1500);
    expect((await call(big, "/pipeline", pings(1500))).body).toHaveLength(1500);
    expect((await call(big, "/pipeline", pings(1501))).status).toBe(400);
  });
});

describe("arguments per request", () => {
  const members = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`);

  it("takes 250,000 arguments in one command and refuses 250,001 with 400 before parsing, running nothing", async () => {
    const key = k("set");
    expect(await call(t, "", ["SADD", key, ...members(249_998)])).toMatchObject({ status: 200, body: { result: 249_998 } });
    const other = k("set");
    expect(await call(t, "", ["SADD", other, ...members(249_999)])).toMatchObject({
      status: 400,
      body: { error: "ERR the command has more than 250000 arguments in all, the limit per request; send it in parts" },
    });
    // Five million one-byte arguments within the 10 MiB body limit: refused by the scan, never parsed.
    expect(await raw(t, "", `["DEL"${",1".repeat(5_000_000)}]`)).toMatchObject({ status: 400 });
    expect((await call(t, "", ["EXISTS", other])).body).toEqual({ result: 0 });
  });

  it("counts them over every command of a pipeline or transaction", async () => {
    const key = k("counter");
    const batch = [
      ["INCR", key],
      ["SADD", k("set"), ...members(125_000)],
      ["SADD", k("set"), ...members(125_000)],
    ];
    expect(await call(t, "/pipeline", batch)).toMatchObject({
      status: 400,
      body: { error: "ERR the pipeline has more than 250000 arguments in all, the limit per request; send it in parts" },
    });
    expect(await call(t, "/multi-exec", batch)).toMatchObject({
      status: 400,
      body: { error: "ERR the transaction has more than 250000 arguments in all, the limit per request; send it in parts" },
    });
    expect((await call(t, "", ["GET", key])).body).toEqual({ result: null });
  });
});

describe("JSON depth", () => {
  it("refuses a body deeper than its form needs, before parsing, with 400", async () => {
    expect(await raw(t, "", '["SET","k",["v"]]')).toMatchObject({
      status: 400,
      body: { error: "ERR argument 2 must be a string, number or boolean, not an array or object (a command is a flat JSON array)" },
    });
    expect(await raw(t, "/pipeline", '[["PING"],["SET","k",{"a":1}]]')).toMatchObject({
      status: 400,
      body: {
        error:
          "ERR command 2: argument 2 must be a string, number or boolean, not an array or object (a pipeline is a JSON array of flat arrays)",
      },
    });
    const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    for (const path of ["", "/pipeline", "/multi-exec"]) {
      const res = await raw(t, path, deep);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/not an array or object/);
    }
  });

  it("ignores brackets inside strings and escaped quotes", async () => {
    const key = k("brackets");
    expect((await raw(t, "", `["SET","${key}","[[[{\\"]]]"]`)).body).toEqual({ result: "OK" });
    expect((await call(t, "", ["GET", key])).body).toEqual({ result: '[[[{"]]]' });
  });
});

describe("reply size", () => {
  it("answers a reply past the default 10 MiB with 400, holding none of it, and the next request works", async () => {
    const key = k("huge");
    // An 11 MiB value from a 60-byte request.
    expect((await call(t, "", ["SETRANGE", key, String(11 * 1024 * 1024), "x"])).status).toBe(200);
    expect(await call(t, "", ["GET", key])).toMatchObject({ status: 400, body: { error: saidRan(tooLarge(10 * 1024 * 1024, "bytes")) } });
    expect((await call(t, "", ["STRLEN", key])).body).toEqual({ result: 11 * 1024 * 1024 + 1 });
    // The 400 says the command ran: one that deletes has deleted, though its reply could not be sent.
    expect(await call(t, "", ["GETDEL", key])).toMatchObject({
      status: 400,
      body: { error: saidRan(tooLarge(10 * 1024 * 1024, "bytes")) },
    });
    expect((await call(t, "", ["EXISTS", key])).body).toEqual({ result: 0 });
  });

  it("answers a reply past the default 100,000 elements with 400 (SRANDMEMBER k -1000000)", async () => {
    const key = k("set");
    await call(t, "", ["SADD", key, "a", "b", "c"]);
    expect(await call(t, "", ["SRANDMEMBER", key, "-1000000"])).toMatchObject({
      status: 400,
      body: { error: saidRan(tooLarge(100_000, "elements")) },
    });
    expect((await call(t, "", ["SCARD", key])).body).toEqual({ result: 3 });
  });

  it("applies an instance's own limits, summed over a pipeline's or a transaction's replies", async () => {
    const small = await tenant({}, { max_reply_bytes: 4096, max_reply_elements: 10 });
    const key = k("v");
    const list = k("l");
    await call(small, "", ["SET", key, "x".repeat(3000)]);
    await call(small, "", ["RPUSH", list, ...Array.from({ length: 11 }, (_, i) => String(i))]);
    expect((await call(small, "", ["GET", key])).status).toBe(200);
    // Two 3000-byte replies: each fits, together they do not.
    const twice = [
      ["GET", key],
      ["GET", key],
    ];
    // Each command of a pipeline stands alone: the one that passed the limit gets an error item.
    expect(await call(small, "/pipeline", twice)).toMatchObject({
      status: 200,
      body: [{ result: "x".repeat(3000) }, { error: saidRan(tooLarge(4096, "bytes")) }],
    });
    // A transaction that ran is not answered as discarded (a non-2xx): every item says it ran.
    const counter = k("n");
    const ran = { error: `${tooLarge(4096, "bytes")}; the transaction ran, and its replies were dropped` };
    expect(await call(small, "/multi-exec", [["INCR", counter], ...twice])).toMatchObject({ status: 200, body: [ran, ran, ran] });
    expect((await call(small, "", ["GET", counter])).body).toEqual({ result: "1" });
    expect(await call(small, "", ["LRANGE", list, "0", "-1"])).toMatchObject({
      status: 400,
      body: { error: saidRan(tooLarge(10, "elements")) },
    });
    expect((await call(small, "", ["LRANGE", list, "0", "9"])).body.result).toHaveLength(10);
    const resp2 = await api("POST", `/redis/${small.instance.id}`, {
      token: small.key,
      body: ["LRANGE", list, "0", "-1"],
      headers: { "upstash-response-format": "resp2" },
    });
    // In RESP, like any other error reply in that format.
    expect(resp2).toMatchObject({ status: 400, body: `-${saidRan(tooLarge(10, "elements"))}\r\n` });
  });

  it("holds the JSON it writes to twice the limit: control bytes asked for without base64 are refused before they are written", async () => {
    const small = await tenant({}, { max_reply_bytes: 4096 });
    const [plain, control, counter] = [k("plain"), k("control"), k("n")];
    await call(small, "", ["SET", plain, "x".repeat(600)]);
    // 2,000 bytes on the wire, 12,002 as a JSON string (each \u0001 is six characters): past 2 × 4,096.
    await call(small, "", ["SET", control, "\u0001".repeat(2000)]);
    expect(await call(small, "", ["GET", control])).toMatchObject({ status: 400, body: { error: saidRan(tooLargeAsJson(4096)) } });
    const base64 = await api("POST", `/redis/${small.instance.id}`, {
      token: small.key,
      body: ["GET", control],
      headers: { "upstash-encoding": "base64" },
    });
    expect(base64).toMatchObject({ status: 200, body: { result: btoa("\u0001".repeat(2000)) } });
    // The reply that passes, and those after it, are error items; a transaction that ran says so.
    expect(
      await call(small, "/pipeline", [
        ["GET", plain],
        ["GET", control],
        ["GET", plain],
      ]),
    ).toMatchObject({
      status: 200,
      body: [{ result: "x".repeat(600) }, { error: saidRan(tooLargeAsJson(4096)) }, { error: saidRan(tooLargeAsJson(4096)) }],
    });
    const ran = { error: `${tooLargeAsJson(4096)}; the transaction ran, and its replies were dropped` };
    expect(
      await call(small, "/multi-exec", [
        ["INCR", counter],
        ["GET", control],
      ]),
    ).toMatchObject({ status: 200, body: [ran, ran] });
    expect((await call(small, "", ["GET", counter])).body).toEqual({ result: "1" });
  });

  it("caps what the upstash driver reads of its upstream's body the same way", async () => {
    const via = await viaUpstash({ max_reply_bytes: 2048 });
    const key = k("ups");
    await call(via, "", ["SET", key, "y".repeat(4000)]);
    expect(await call(via, "", ["GET", key])).toMatchObject({ status: 400, body: { error: saidRan(tooLarge(2048, "bytes")) } });
    expect(await call(via, "", ["STRLEN", key])).toMatchObject({ status: 200, body: { result: 4000 } });
    // The upstream ran the batch (it answered 2xx): each item says so, and a transaction is not answered as discarded.
    const counter = k("n");
    for (const kind of ["pipeline", "transaction"] as const) {
      const ran = { error: `${tooLarge(2048, "bytes")}; the ${kind} ran, and its replies were dropped` };
      const path = kind === "pipeline" ? "/pipeline" : "/multi-exec";
      expect(
        await call(via, path, [
          ["INCR", counter],
          ["GET", key],
        ]),
      ).toMatchObject({ status: 200, body: [ran, ran] });
    }
    expect((await call(via, "", ["GET", counter])).body).toEqual({ result: "2" });
  });

  it("holds the upstash driver's replies to the instance's element limit, counted before they are parsed", async () => {
    const via = await viaUpstash({ max_reply_elements: 10 });
    const [list, counter] = [k("ups-list"), k("ups-n")];
    await call(via, "", ["RPUSH", list, ...Array.from({ length: 11 }, (_, i) => String(i))]);
    // The upstream (its own limit is 100,000) sends all 11; this instance allows 10.
    expect(await call(via, "", ["LRANGE", list, "0", "-1"])).toMatchObject({
      status: 400,
      body: { error: saidRan(tooLarge(10, "elements")) },
    });
    expect((await call(via, "", ["LRANGE", list, "0", "9"])).body.result).toHaveLength(10);
    const ran = { error: `${tooLarge(10, "elements")}; the pipeline ran, and its replies were dropped` };
    expect(
      await call(via, "/pipeline", [
        ["INCR", counter],
        ["LRANGE", list, "0", "-1"],
      ]),
    ).toMatchObject({ status: 200, body: [ran, ran] });
    expect((await call(via, "", ["GET", counter])).body).toEqual({ result: "1" });
    const resp2 = await api("POST", `/redis/${via.instance.id}`, {
      token: via.key,
      body: ["LRANGE", list, "0", "-1"],
      headers: { "upstash-response-format": "resp2" },
    });
    expect(resp2).toMatchObject({ status: 400, body: `-${saidRan(tooLarge(10, "elements"))}\r\n` });
  });
});

describe("instance overrides", () => {
  const base = () => `/api/organizations/${t.orgId}/redis-instances/${t.instance.id}` as const;

  it("are returned, set and cleared through the instance API", async () => {
    expect(t.instance).toMatchObject({
      max_pipeline_commands: null,
      max_reply_bytes: null,
      max_reply_elements: null,
      max_streams_per_key: null,
      max_streams_per_instance: null,
      max_stream_seconds: null,
    });
    const set = await api("PUT", base(), { token: t.account.token, body: { max_streams_per_key: 3, max_stream_seconds: 60 } });
    expect(set.body.data).toMatchObject({ max_streams_per_key: 3, max_stream_seconds: 60 });
    const cleared = await api("PUT", base(), { token: t.account.token, body: { max_streams_per_key: null, max_stream_seconds: null } });
    expect(cleared.body.data).toMatchObject({ max_streams_per_key: null, max_stream_seconds: null });
  });

  it("refuses values below the floor or above the operator's ceiling with 400 naming the field", async () => {
    const below = await api("PUT", base(), { token: t.account.token, body: { max_pipeline_commands: 999 } });
    expect(below.status).toBe(400);
    expect(below.body.error?.issues).toEqual([expect.objectContaining({ path: "max_pipeline_commands" })]);
    const above = await api("PUT", base(), {
      token: t.account.token,
      body: { max_pipeline_commands: 20_000, max_reply_bytes: 32 * 1024 * 1024 },
    });
    expect(above.status).toBe(400);
    expect(above.body.error?.issues).toEqual([
      { path: "max_pipeline_commands", message: "must be at most 10000 (this deployment's MAX_PIPELINE_COMMANDS_CEILING)" },
      { path: "max_reply_bytes", message: "must be at most 16777216 (this deployment's MAX_REPLY_BYTES_CEILING)" },
    ]);
  });

  it("reports each limit as the edge applies it, with the deployment's default and the range an override may take", async () => {
    const before = await api("GET", base(), { token: t.account.token });
    expect(before.body.data?.limits_in_force).toEqual({
      max_request_bytes: { value: 10_485_760, default: 10_485_760, floor: 1024, ceiling: 16_777_216 },
      max_pipeline_commands: { value: 1000, default: 1000, floor: 1000, ceiling: 10_000 },
      max_reply_bytes: { value: 10_485_760, default: 10_485_760, floor: 1024, ceiling: 16_777_216 },
      max_reply_elements: { value: 100_000, default: 100_000, floor: 1, ceiling: 200_000 },
      max_streams_per_key: { value: 10, default: 10, floor: 1, ceiling: 100 },
      max_streams_per_instance: { value: 100, default: 100, floor: 1, ceiling: 1000 },
      max_stream_seconds: { value: 3600, default: 3600, floor: 1, ceiling: 86_400 },
    });
    const set = await api("PUT", base(), { token: t.account.token, body: { max_reply_elements: 500, max_request_bytes: 2048 } });
    expect(set.body.data?.limits_in_force).toMatchObject({
      max_request_bytes: { value: 2048, default: 10_485_760 },
      max_reply_elements: { value: 500, default: 100_000 },
      max_pipeline_commands: { value: 1000 },
    });
    await api("PUT", base(), { token: t.account.token, body: { max_reply_elements: null, max_request_bytes: null } });
  });

  it("caps request bytes at the operator's ceiling too: one instance cannot let a request take an isolate's memory", async () => {
    const above = await api("PUT", base(), { token: t.account.token, body: { max_request_bytes: 100 * 1024 * 1024 } });
    expect(above.status).toBe(400);
    expect(above.body.error?.issues).toEqual([
      { path: "max_request_bytes", message: "must be at most 16777216 (this deployment's MAX_REQUEST_BYTES_CEILING)" },
    ]);
    const within = await api("PUT", base(), { token: t.account.token, body: { max_request_bytes: 16 * 1024 * 1024 } });
    expect(within.body.data).toMatchObject({ max_request_bytes: 16 * 1024 * 1024 });
    await api("PUT", base(), { token: t.account.token, body: { max_request_bytes: null } });
  });

  it("holds an override stored above the ceiling (an older record) to the ceiling at the edge", async () => {
    const old = await liftedTenant();
    const record = JSON.parse((await env.DIRECTORY.get(`v1:instance:${old.instance.id}`)) as string);
    await env.DIRECTORY.put(`v1:instance:${old.instance.id}`, JSON.stringify({ ...record, max_request_bytes: 64 * 1024 * 1024 }));
    const key = k("huge");
    const res = await call(old, "", ["SET", key, "x".repeat(17 * 1024 * 1024)]);
    expect(res).toMatchObject({ status: 413, body: { error: "ERR max request size exceeded (16777216 bytes)" } });
    expect((await call(old, "", ["EXISTS", key])).body).toEqual({ result: 0 });
  });

  it("default when a directory record written before they existed lacks them", async () => {
    const old = await liftedTenant();
    const record = JSON.parse((await env.DIRECTORY.get(`v1:instance:${old.instance.id}`)) as string);
    for (const name of Object.keys(record).filter((n) => /^max_(pipeline|reply|stream)/.test(n))) delete record[name];
    await env.DIRECTORY.put(`v1:instance:${old.instance.id}`, JSON.stringify(record));
    expect((await call(old, "", ["PING"])).body).toEqual({ result: "PONG" });
    expect((await call(old, "/pipeline", pings(1001))).status).toBe(400);
  });
});
