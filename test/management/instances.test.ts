// /api/organizations/:orgId/redis-instances: attach (redis and upstash drivers), list, read,
// update (rename, disable, re-point, rotate credentials), delete — and the KV record each writes.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { getInstanceRecord } from "../../src/storage/directory";
import { type Account, api, createInstance, createOrg, ORIGIN, signUp, unique } from "../helpers/api";
import { expectFailure, expectInvalid, expectOk } from "./envelope";

let owner: Account;
let orgId: string;
beforeAll(async () => {
  owner = await signUp();
  orgId = await createOrg(owner);
});

const redisUrl = new URL(env.TEST_REDIS_URL);
const plainEndpoint = `redis://${redisUrl.hostname}:${redisUrl.port}`;
const instances = <const S extends string = "">(path = "" as S, id = orgId) => `/api/organizations/${id}/redis-instances${path}` as const;
const create = (body: Record<string, unknown>) =>
  api("POST", instances(), {
    token: owner.token,
    body: { name: "Cache", slug: unique("db"), driver: "redis", endpoint: env.TEST_REDIS_URL, ...body },
  });
const update = (id: string, body: unknown) => api("PUT", instances(`/${id}`), { token: owner.token, body });
const record = (id: string) => env.DIRECTORY.get<Record<string, unknown>>(`v1:instance:${id}`, "json");

describe("POST …/redis-instances", () => {
  it("attaches a redis-driver instance and publishes its KV record", async () => {
    const slug = unique("cache");
    const res = await create({ name: "Sessions", slug });
    const data = expectOk(res, 201);
    expect(res.body.message).toBe("Redis instance created.");
    expect(data).toEqual({
      id: expect.stringMatching(/^rdb_[a-z0-9]{20}$/),
      organization_id: orgId,
      name: "Sessions",
      slug,
      driver: "redis",
      endpoint: plainEndpoint,
      credential_hint: null,
      disabled: false,
      allow_admin: false,
      allow_scripts: true,
      max_request_bytes: null,
      max_pipeline_commands: null,
      max_reply_bytes: null,
      max_reply_elements: null,
      max_streams_per_key: null,
      max_streams_per_instance: null,
      max_stream_seconds: null,
      transport: "pooled",
      region: null,
      created_by: owner.userId,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      rest_url: `${ORIGIN}/redis/${data.id}`,
      // Each limit's value, default and range: test/edge/bounded-work.test.ts.
      limits_in_force: expect.objectContaining({ max_request_bytes: expect.objectContaining({ value: 10 * 1024 * 1024 }) }),
      // The isolation report and its warnings: test/management/instance-isolation.test.ts.
      isolation: expect.objectContaining({ reaches_beyond_database: true }),
      warnings: expect.any(Array),
    });
    expect(await record(data.id)).toEqual({
      v: 1,
      id: data.id,
      organization_id: orgId,
      driver: "redis",
      endpoint: plainEndpoint,
      credentials: null,
      disabled: false,
      suspended: false,
      allow_admin: false,
      allow_scripts: true,
      max_request_bytes: null,
      max_pipeline_commands: null,
      max_reply_bytes: null,
      max_reply_elements: null,
      max_streams_per_key: null,
      max_streams_per_instance: null,
      max_stream_seconds: null,
      transport: "pooled",
      region: null,
      updated_at: data.updated_at,
    });
  });

  it("reads directory records written before transports existed as pooled, without a region", async () => {
    const data = expectOk(await create({ name: "Old", slug: unique("old") }), 201);
    const { transport: _t, region: _r, ...old } = (await record(data.id)) as Record<string, unknown>;
    await env.DIRECTORY.put(`v1:instance:${data.id}`, JSON.stringify(old));
    expect(await getInstanceRecord(env.DIRECTORY, data.id)).toMatchObject({ transport: "pooled", region: null });
  });

  it("splits credentials out of a redis URL: masked hint in the answer, sealed in KV", async () => {
    const data = expectOk(await create({ endpoint: env.TEST_REDIS_ACL_URL }), 201);
    expect(data).toMatchObject({ endpoint: plainEndpoint, credential_hint: "gate:••••" });
    expect((await record(data.id))?.credentials).toEqual(expect.any(String));
  });

  it("keeps the database number in the endpoint", async () => {
    // The rediss:// scheme and default port are kept too (test/upstream/redis/endpoint.unit.test.ts);
    // attaching one needs a TLS server, which the test setup does not run.
    expect(expectOk(await create({ endpoint: `${plainEndpoint}/3` }), 201).endpoint).toBe(`${plainEndpoint}/3`);
  });

  it("stores allow_admin and max_request_bytes", async () => {
    const data = expectOk(await create({ allow_admin: true, max_request_bytes: 2048 }), 201);
    expect(data).toMatchObject({ allow_admin: true, max_request_bytes: 2048 });
    expect(await record(data.id)).toMatchObject({ allow_admin: true, max_request_bytes: 2048 });
  });

  it("attaches an upstash-driver instance after a PING, showing only a masked token hint", async () => {
    const data = expectOk(await create({ driver: "upstash", endpoint: env.TEST_UPSTREAM_URL, token: env.TEST_UPSTREAM_TOKEN }), 201);
    expect(data).toMatchObject({
      driver: "upstash",
      endpoint: env.TEST_UPSTREAM_URL,
      credential_hint: `••••${env.TEST_UPSTREAM_TOKEN.slice(-4)}`,
    });
    expect(await record(data.id)).toMatchObject({ driver: "upstash", credentials: expect.any(String) });
  });

  it.each([
    ["a relative endpoint", { endpoint: "localhost:6379" }, "endpoint"],
    ["an http endpoint for the redis driver", { endpoint: "http://127.0.0.1:6379" }, "endpoint"],
    ["a host outside ALLOWED_UPSTREAM_HOSTS", { endpoint: "redis://redis.evil.example:6379" }, "endpoint"],
    ["a look-alike of an allowed wildcard", { endpoint: "redis://upstash.io.evil.example:6379" }, "endpoint"],
    ["a query string", { endpoint: `${plainEndpoint}?db=1` }, "endpoint"],
    ["a fragment", { endpoint: `${plainEndpoint}#x` }, "endpoint"],
    ["database 16", { endpoint: `${plainEndpoint}/16` }, "endpoint"],
    ["a 2049-character endpoint", { endpoint: `redis://localhost/${"x".repeat(2031)}` }, "endpoint"],
    ["a token with the redis driver", { token: "secret-token" }, "token"],
    ["an upstash instance without token", { driver: "upstash", endpoint: "https://eu1-x.upstash.io" }, "token"],
    ["an upstash URL with credentials", { driver: "upstash", endpoint: "https://u:p@eu1-x.upstash.io", token: "t" }, "endpoint"],
    ["an upstash redis:// URL", { driver: "upstash", endpoint: "redis://eu1-x.upstash.io", token: "t" }, "endpoint"],
    ["an unknown driver", { driver: "memcached" }, "driver"],
    ["a bad slug", { slug: "Not_A_Slug" }, "slug"],
    ["an empty name", { name: "" }, "name"],
    ["allow_admin as a string", { allow_admin: "yes" }, "allow_admin"],
    ["allow_scripts as a number", { allow_scripts: 0 }, "allow_scripts"],
    ["max_request_bytes under 1024", { max_request_bytes: 100 }, "max_request_bytes"],
    ["a fractional max_request_bytes", { max_request_bytes: 2048.5 }, "max_request_bytes"],
    ["an empty token", { driver: "upstash", endpoint: "https://eu1-x.upstash.io", token: "" }, "token"],
  ])("rejects %s with 400", async (_label, overrides, path) => {
    const slug = unique("bad");
    expectInvalid(await create({ slug, ...overrides }), path);
    const list = expectOk(await api("GET", `${instances()}?limit=100`, { token: owner.token }));
    expect(list.map((i) => i.slug)).not.toContain(slug);
  });

  it("rejects unknown fields, malformed JSON, non-JSON and oversize bodies", async () => {
    const token = owner.token;
    const body = { name: "x", slug: unique("x"), driver: "redis", endpoint: env.TEST_REDIS_URL };
    expect(JSON.stringify(expectFailure(await create({ organization_id: "org_x" }), 400, "invalid_request"))).toContain("organization_id");
    expectFailure(
      await api("POST", instances(), { token, rawBody: "{", headers: { "content-type": "application/json" } }),
      400,
      "invalid_request",
    );
    expectFailure(await api("POST", instances(), { token, rawBody: JSON.stringify(body) }), 415, "unsupported_media_type");
    expectFailure(await create({ name: "n".repeat(70_000) }), 413, "payload_too_large");
  });

  it("refuses a slug already used in the organization (409), but allows it in another", async () => {
    const slug = unique("dup");
    expectOk(await create({ slug }), 201);
    expect(expectFailure(await create({ slug }), 409, "conflict")).toEqual([{ path: "slug", message: "already in use" }]);
    const other = await createOrg(owner);
    expectOk(
      await api("POST", instances("", other), {
        token: owner.token,
        body: { name: "Same slug", slug, driver: "redis", endpoint: env.TEST_REDIS_URL },
      }),
      201,
    );
  });
});

describe("GET …/redis-instances and …/:instanceId", () => {
  it("lists newest first with rest_url and pages with next_cursor", async () => {
    const id = await createOrg(owner);
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await createInstance(owner, id)).id);
    const first = await api("GET", `${instances("", id)}?limit=2`, { token: owner.token });
    const page1 = expectOk(first);
    expect(page1.map((i) => i.id)).toEqual([made[2], made[1]]);
    expect(page1[0]?.rest_url).toBe(`${ORIGIN}/redis/${made[2]}`);
    const cursor = encodeURIComponent(first.body.pagination.next_cursor ?? "");
    const second = await api("GET", `${instances("", id)}?limit=2&cursor=${cursor}`, { token: owner.token });
    expect(expectOk(second).map((i) => i.id)).toEqual([made[0]]);
    expect(second.body.pagination).toEqual({ limit: 2, next_cursor: null });
  });

  it.each([["cursor=garbage"], ["limit=0"], ["limit=500"], ["sort=name"]])("rejects the query %s with 400", async (query) => {
    expectFailure(await api("GET", `${instances()}?${query}`, { token: owner.token }), 400, "invalid_request");
  });

  it("reads one instance", async () => {
    const created = await createInstance(owner, orgId);
    expect(expectOk(await api("GET", instances(`/${created.id}`), { token: owner.token }))).toEqual(created);
  });

  it("answers 404 for an unknown id", async () => {
    expectFailure(await api("GET", instances("/rdb_00000000000000000000"), { token: owner.token }), 404, "not_found");
  });
});

describe("PUT …/redis-instances/:instanceId", () => {
  it("renames and re-slugs, and rewrites the KV record", async () => {
    const created = await createInstance(owner, orgId);
    const slug = unique("renamed");
    const res = await update(created.id, { name: "Renamed", slug });
    const data = expectOk(res);
    expect(res.body.message).toBe("Redis instance updated.");
    expect(data).toMatchObject({ id: created.id, name: "Renamed", slug, endpoint: plainEndpoint });
    expect(expectOk(await api("GET", instances(`/${created.id}`), { token: owner.token }))).toEqual(data);
    expect((await record(created.id))?.updated_at).toBe(data.updated_at);
  });

  it("disables and re-enables, with KV following", async () => {
    const created = await createInstance(owner, orgId);
    expect(expectOk(await update(created.id, { disabled: true })).disabled).toBe(true);
    expect((await record(created.id))?.disabled).toBe(true);
    expect(expectOk(await update(created.id, { disabled: false })).disabled).toBe(false);
    expect((await record(created.id))?.disabled).toBe(false);
  });

  it("toggles allow_admin and clears max_request_bytes with null", async () => {
    const created = await createInstance(owner, orgId, { max_request_bytes: 4096 });
    const data = expectOk(await update(created.id, { allow_admin: true, max_request_bytes: null }));
    expect(data).toMatchObject({ allow_admin: true, max_request_bytes: null });
    expect(await record(created.id)).toMatchObject({ allow_admin: true, max_request_bytes: null });
  });

  it("stores allow_scripts and toggles it, with KV following", async () => {
    const created = expectOk(await create({ allow_scripts: false }), 201);
    expect(created.allow_scripts).toBe(false);
    expect((await record(created.id))?.allow_scripts).toBe(false);
    expect(expectOk(await update(created.id, { allow_scripts: true })).allow_scripts).toBe(true);
    expect((await record(created.id))?.allow_scripts).toBe(true);
  });

  it("rotates credentials by re-pointing the endpoint", async () => {
    const created = await createInstance(owner, orgId);
    const data = expectOk(await update(created.id, { endpoint: env.TEST_REDIS_ACL_URL }));
    expect(data).toMatchObject({ endpoint: plainEndpoint, credential_hint: "gate:••••" });
    const sealed = (await record(created.id))?.credentials;
    expect(sealed).toEqual(expect.any(String));
    const back = expectOk(await update(created.id, { endpoint: env.TEST_REDIS_URL }));
    expect(back.credential_hint).toBeNull();
    expect((await record(created.id))?.credentials).toBeNull();
  });

  it("rotates an upstash token (checked with a PING)", async () => {
    const created = await createInstance(owner, orgId, {
      driver: "upstash",
      endpoint: env.TEST_UPSTREAM_URL,
      token: env.TEST_UPSTREAM_TOKEN,
    });
    const before = (await record(created.id))?.credentials;
    // A token the upstream refuses fails its PING: 422, and the stored token stays.
    const refused = await update(created.id, { token: `${env.TEST_UPSTREAM_TOKEN}x` });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/did not accept a PING/);
    expect((await record(created.id))?.credentials).toBe(before);
    expectOk(await update(created.id, { token: env.TEST_UPSTREAM_TOKEN }));
    const after = (await record(created.id))?.credentials;
    expect(after).toEqual(expect.any(String));
    expect(after).not.toBe(before);
  });

  it("refuses another instance's slug (409) and changes nothing", async () => {
    const [a, b] = [await createInstance(owner, orgId), await createInstance(owner, orgId)];
    expect(expectFailure(await update(a.id, { name: "Clash", slug: b.slug }), 409, "conflict")).toEqual([
      { path: "slug", message: "already in use" },
    ]);
    expect(expectOk(await api("GET", instances(`/${a.id}`), { token: owner.token }))).toEqual(a);
  });

  it.each([
    ["an empty body", {}, "(root)"],
    ["a token for the redis driver", { token: "nope" }, "token"],
    ["a disallowed host", { endpoint: "redis://evil.example:6379" }, "endpoint"],
    ["a driver change", { driver: "upstash" }, "(root)"],
    ["disabled as a string", { disabled: "true" }, "disabled"],
    ["a bad slug", { slug: "UPPER" }, "slug"],
  ])("rejects %s and changes nothing in D1 or KV", async (_label, body, path) => {
    const created = await createInstance(owner, orgId, { endpoint: env.TEST_REDIS_ACL_URL });
    const kvBefore = await record(created.id);
    expectInvalid(await update(created.id, body), path);
    expect(expectOk(await api("GET", instances(`/${created.id}`), { token: owner.token }))).toEqual(created);
    expect(await record(created.id)).toEqual(kvBefore);
  });

  it("answers 404 for an unknown id", async () => {
    expectFailure(await update("rdb_00000000000000000000", { name: "x" }), 404, "not_found");
  });
});

describe("DELETE …/redis-instances/:instanceId", () => {
  it("deletes from D1 and removes the KV record", async () => {
    const created = await createInstance(owner, orgId);
    const res = await api("DELETE", instances(`/${created.id}`), { token: owner.token });
    expect(expectOk(res)).toBeNull();
    expect(res.body.message).toBe("Redis instance deleted.");
    expectFailure(await api("GET", instances(`/${created.id}`), { token: owner.token }), 404, "not_found");
    expect(await record(created.id)).toBeNull();
    expect(await env.DB.prepare("SELECT id FROM redis_instances WHERE id = ?").bind(created.id).first()).toBeNull();
    expectFailure(await api("DELETE", instances(`/${created.id}`), { token: owner.token }), 404, "not_found");
  });

  it("frees the slug", async () => {
    const created = await createInstance(owner, orgId);
    expectOk(await api("DELETE", instances(`/${created.id}`), { token: owner.token }));
    expectOk(await create({ slug: created.slug }), 201);
  });
});
