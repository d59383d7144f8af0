// /api/organizations/:orgId/api-keys: mint (a jose-verifiable JWT shown once), list, read, rename,
// revoke (D1 and the KV marker), roll (revoke and replace in one step), and the public JWKS that
// verifies the keys.
import { env } from "cloudflare:workers";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, api, createInstance, createOrg, mintKey, signUp } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { expectFailure, expectInvalid, expectOk } from "./envelope";

const DAY = 86_400_000;

let owner: Account;
let orgId: string;
beforeAll(async () => {
  owner = await signUp();
  orgId = await createOrg(owner);
});

const keys = <const S extends string = "">(path = "" as S, id = orgId) => `/api/organizations/${id}/api-keys${path}` as const;
const mint = (body: unknown) => api("POST", keys(), { token: owner.token, body });

async function verify(key: string) {
  const jwks = (await api("GET", "/.well-known/jwks.json")).body;
  return jwtVerify(key.slice(3), createLocalJWKSet(jwks), {
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    algorithms: ["EdDSA", "ES256"],
  });
}

describe("POST …/api-keys", () => {
  it("mints a key shown once, with metadata and Cache-Control: no-store", async () => {
    const res = await mint({ name: "CI deploys", scopes: ["read", "write"] });
    const data = expectOk(res, 201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body.message).toMatch(/shown only once/);
    expect(data.key).toMatch(/^rg_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(data.api_key).toMatchObject({
      id: expect.stringMatching(/^key_[a-z0-9]{20}$/),
      organization_id: orgId,
      name: "CI deploys",
      key_prefix: `rg_…${data.key.slice(-8)}`,
      scopes: ["read", "write"],
      instance_ids: null,
      kid: expect.any(String),
      created_by: owner.userId,
      revoked_at: null,
      last_used_at: null,
    });
    const lifetime = Date.parse(data.api_key.expires_at) - Date.parse(data.api_key.created_at);
    expect(lifetime).toBeGreaterThan(365 * DAY - 1000);
    expect(lifetime).toBeLessThanOrEqual(365 * DAY);
  });

  it("carries a JWT that jose verifies against the JWKS, with the DESIGN §4 claims and a kid", async () => {
    const instance = await createInstance(owner, orgId);
    const expiresAt = new Date(Date.now() + 30 * DAY);
    const { key, api_key } = expectOk(
      await mint({ name: "Scoped", scopes: ["read"], instance_ids: [instance.id], expires_at: expiresAt.toISOString() }),
      201,
    );
    const { payload, protectedHeader } = await verify(key);
    expect(protectedHeader).toEqual({ alg: expect.stringMatching(/^(EdDSA|ES256)$/), kid: api_key.kid, typ: "JWT" });
    expect(payload).toEqual({
      sub: api_key.id,
      org: orgId,
      uid: owner.userId,
      scopes: ["read"],
      instances: [instance.id],
      iss: env.JWT_ISSUER,
      aud: env.JWT_AUDIENCE,
      iat: expect.any(Number),
      exp: Math.floor(expiresAt.getTime() / 1000),
    });
    expect(Math.abs((payload.iat ?? 0) * 1000 - Date.parse(api_key.created_at))).toBeLessThan(1000);
    expect(api_key.instance_ids).toEqual([instance.id]);
    expect(api_key.expires_at).toBe(new Date(Math.floor(expiresAt.getTime() / 1000) * 1000).toISOString());
  });

  it("omits the instances claim for an organization-wide key and defaults exp to a year", async () => {
    const { key, api_key } = await mintKey(owner, orgId);
    const { payload } = await verify(key);
    expect(payload).not.toHaveProperty("instances");
    expect((payload.exp ?? 0) * 1000).toBe(Date.parse(api_key.expires_at));
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(365 * 86_400);
  });

  it("fails jose verification once the key is tampered with", async () => {
    const { key } = await mintKey(owner, orgId);
    const [header, payload, signature] = key.slice(3).split(".");
    const claims = JSON.parse(atob((payload ?? "").replace(/-/g, "+").replace(/_/g, "/")));
    const forged = btoa(JSON.stringify({ ...claims, scopes: ["admin"] }))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    await expect(verify(`rg_${header}.${forged}.${signature}`)).rejects.toThrow(/signature verification failed/);
  });

  it("deduplicates scopes and instance ids", async () => {
    const instance = await createInstance(owner, orgId);
    const { key, api_key } = expectOk(
      await mint({ name: "Dupes", scopes: ["read", "read"], instance_ids: [instance.id, instance.id] }),
      201,
    );
    expect(api_key.scopes).toEqual(["read"]);
    expect((await verify(key)).payload.instances).toEqual([instance.id]);
  });

  it.each([
    ["an empty name", { name: "", scopes: ["read"] }, "name"],
    ["a numeric name", { name: 3, scopes: ["read"] }, "name"],
    ["no scopes", { name: "k", scopes: [] }, "scopes"],
    ["a missing scopes field", { name: "k" }, "scopes"],
    ["an unknown scope", { name: "k", scopes: ["superuser"] }, "scopes.0"],
    ["scopes as a string", { name: "k", scopes: "read" }, "scopes"],
    ["a non-ISO expiry", { name: "k", scopes: ["read"], expires_at: "next week" }, "expires_at"],
    ["an expiry in the past", { name: "k", scopes: ["read"], expires_at: new Date(Date.now() - DAY).toISOString() }, "expires_at"],
    [
      "an expiry under a minute away",
      { name: "k", scopes: ["read"], expires_at: new Date(Date.now() + 10_000).toISOString() },
      "expires_at",
    ],
    [
      "an expiry over ten years away",
      { name: "k", scopes: ["read"], expires_at: new Date(Date.now() + 3700 * DAY).toISOString() },
      "expires_at",
    ],
    ["instance ids that are not strings", { name: "k", scopes: ["read"], instance_ids: [1] }, "instance_ids.0"],
    ["an unknown field", { name: "k", scopes: ["read"], org: "org_x" }, "(root)"],
  ])("rejects %s with 400", async (_label, body, path) => {
    expectInvalid(await mint(body), path);
  });

  it("answers 404 for an instance id that does not exist, and mints nothing", async () => {
    const name = `ghost-${crypto.randomUUID()}`;
    expectFailure(await mint({ name, scopes: ["read"], instance_ids: ["rdb_00000000000000000000"] }), 404, "not_found");
    const row = await env.DB.prepare("SELECT id FROM api_keys WHERE name = ?").bind(name).first();
    expect(row).toBeNull();
  });

  it("rejects malformed JSON, non-JSON and oversize bodies", async () => {
    const token = owner.token;
    expectFailure(
      await api("POST", keys(), { token, rawBody: '{"name":"k",', headers: { "content-type": "application/json" } }),
      400,
      "invalid_request",
    );
    expectFailure(await api("POST", keys(), { token, rawBody: '{"name":"k","scopes":["read"]}' }), 415, "unsupported_media_type");
    expectFailure(await mint({ name: "k", scopes: ["read"], instance_ids: Array(100).fill("x".repeat(700)) }), 413, "payload_too_large");
  });
});

describe("GET …/api-keys and …/api-keys/:keyId", () => {
  it("lists metadata newest first and pages with next_cursor", async () => {
    const id = await createOrg(owner);
    const minted = [];
    for (let i = 0; i < 3; i++) minted.push((await mintKey(owner, id, { name: `k${i}` })).api_key.id);
    const first = await api("GET", `${keys("", id)}?limit=2`, { token: owner.token });
    const page1 = expectOk(first);
    expect(page1.map((k) => k.id)).toEqual([minted[2], minted[1]]);
    expect(first.body.pagination).toEqual({ limit: 2, next_cursor: expect.any(String) });
    const second = await api("GET", `${keys("", id)}?limit=2&cursor=${encodeURIComponent(first.body.pagination.next_cursor ?? "")}`, {
      token: owner.token,
    });
    expect(expectOk(second).map((k) => k.id)).toEqual([minted[0]]);
    expect(second.body.pagination.next_cursor).toBeNull();
  });

  it("?revoked=false lists only keys never revoked and ?revoked=true only revoked ones, each paged on its own", async () => {
    const id = await createOrg(owner);
    const minted = [];
    for (let i = 0; i < 5; i++) minted.push((await mintKey(owner, id, { name: `k${i}` })).api_key.id);
    for (const i of [1, 3]) await api("DELETE", `${keys("", id)}/${minted[i]}`, { token: owner.token });
    const ids = async (query: string) => {
      const res = await api("GET", `${keys("", id)}?${query}`, { token: owner.token });
      return { ids: expectOk(res).map((k) => k.id), next: res.body.pagination.next_cursor };
    };
    const live = await ids("revoked=false&limit=2");
    expect(live.ids).toEqual([minted[4], minted[2]]);
    expect((await ids(`revoked=false&limit=2&cursor=${encodeURIComponent(live.next ?? "")}`)).ids).toEqual([minted[0]]);
    expect(await ids("revoked=true")).toEqual({ ids: [minted[3], minted[1]], next: null });
    expect((await ids("")).ids).toEqual([...minted].reverse());
    expectInvalid(await api("GET", `${keys("", id)}?revoked=no`, { token: owner.token }), "revoked");
  });

  it("?q= finds keys by part of the name or of the shown prefix (any case, % literal) or by id, with the other filters", async () => {
    const id = await createOrg(owner);
    const prod = await mintKey(owner, id, { name: "Checkout prod" });
    const staging = await mintKey(owner, id, { name: "checkout STAGING" });
    const share = await mintKey(owner, id, { name: "Billing 50% share" });
    const other = await mintKey(owner, id, { name: "Billing 500" });
    await api("DELETE", `${keys("", id)}/${staging.api_key.id}`, { token: owner.token });
    const find = async (query: string) => expectOk(await api("GET", `${keys("", id)}?${query}`, { token: owner.token })).map((k) => k.id);
    expect(await find("q=CHECKOUT")).toEqual([staging.api_key.id, prod.api_key.id]);
    expect(await find("q=checkout&revoked=false")).toEqual([prod.api_key.id]);
    expect(await find(`q=${encodeURIComponent("50%")}`)).toEqual([share.api_key.id]);
    expect(await find(`q=${other.key.slice(-8)}`)).toEqual([other.api_key.id]);
    expect(await find(`q=${encodeURIComponent(share.api_key.key_prefix)}`)).toEqual([share.api_key.id]);
    expect(await find(`q=${prod.api_key.id}`)).toEqual([prod.api_key.id]);
    expect(await find("q=nothing-like-this")).toEqual([]);
    // Past the 50 bytes D1 allows a LIKE pattern.
    const long = await mintKey(owner, id, { name: "Checkout worker for the night batch, region one, shard seven of eight" });
    expect(await find(`q=${encodeURIComponent("checkout worker for the night batch, region one, shard seven")}`)).toEqual([
      long.api_key.id,
    ]);
    expectInvalid(await api("GET", `${keys("", id)}?q=${"x".repeat(101)}`, { token: owner.token }), "q");
  });

  it.each([["%%%"], ["not-a-cursor"], ["MTIzOg"]])("rejects the malformed cursor %s with 400", async (cursor) => {
    expectFailure(await api("GET", `${keys()}?cursor=${cursor}`, { token: owner.token }), 400, "invalid_request");
  });

  it.each([["9007199254740991"], ["-9007199254740991"], ["8640000000000001"]])(
    "rejects a cursor whose time %s no date can hold (a tampered one) with the same 400",
    async (ms) => {
      const cursor = btoa(`${ms}:key_x`).replaceAll("=", "");
      const res = await api("GET", `${keys()}?cursor=${encodeURIComponent(cursor)}`, { token: owner.token });
      expectFailure(res, 400, "invalid_request");
      expect(res.body.message).toBe("The cursor is malformed; pass back next_cursor unchanged.");
    },
  );

  it.each([["limit=0"], ["limit=101"], ["page=2"]])("rejects the query %s with 400", async (query) => {
    expectFailure(await api("GET", `${keys()}?${query}`, { token: owner.token }), 400, "invalid_request");
  });

  it("reads one key's metadata", async () => {
    const { api_key } = await mintKey(owner, orgId, { name: "Readable" });
    expect(expectOk(await api("GET", keys(`/${api_key.id}`), { token: owner.token }))).toEqual(api_key);
  });

  it("answers 404 for an unknown key id", async () => {
    expectFailure(await api("GET", keys("/key_00000000000000000000"), { token: owner.token }), 404, "not_found");
  });
});

describe("PUT …/api-keys/:keyId", () => {
  it("renames a key without touching what the JWT carries", async () => {
    const { api_key } = await mintKey(owner, orgId, { name: "Old name", scopes: ["read"] });
    const res = await api("PUT", keys(`/${api_key.id}`), { token: owner.token, body: { name: "New name" } });
    expect(expectOk(res)).toEqual({ ...api_key, name: "New name" });
    expect(expectOk(await api("GET", keys(`/${api_key.id}`), { token: owner.token })).name).toBe("New name");
  });

  it.each([
    ["an empty body", {}, "(root)"],
    ["scopes (they live in the signed key)", { scopes: ["admin"] }, "(root)"],
    ["an empty name", { name: "" }, "name"],
  ])("rejects %s and changes nothing", async (_label, body, path) => {
    const { api_key } = await mintKey(owner, orgId, { name: "Stable" });
    expectInvalid(await api("PUT", keys(`/${api_key.id}`), { token: owner.token, body }), path);
    expect(expectOk(await api("GET", keys(`/${api_key.id}`), { token: owner.token }))).toEqual(api_key);
  });

  it("sets and clears a key's own rate limit", async () => {
    const { api_key } = await mintKey(owner, orgId, { rate_limit: { requests: 5, window_seconds: 1 } });
    expect(api_key.rate_limit).toEqual({ requests: 5, window_seconds: 1 });
    const path = keys(`/${api_key.id}`);
    expect(
      expectOk(await api("PUT", path, { token: owner.token, body: { rate_limit: { requests: 100, window_seconds: 60 } } })).rate_limit,
    ).toEqual({
      requests: 100,
      window_seconds: 60,
    });
    expect(expectOk(await api("PUT", path, { token: owner.token, body: { rate_limit: null } })).rate_limit).toBeNull();
    expect(expectOk(await api("GET", path, { token: owner.token })).rate_limit).toBeNull();
  });

  it.each([
    ["a 10-second window", { rate_limit: { requests: 5, window_seconds: 10 } }, "rate_limit.window_seconds"],
    ["zero requests", { rate_limit: { requests: 0, window_seconds: 1 } }, "rate_limit.requests"],
    ["an unknown rate field", { rate_limit: { requests: 5, window_seconds: 1, burst: 2 } }, "rate_limit"],
  ])("rejects %s when minting and when updating", async (_label, body, path) => {
    expectInvalid(await mint({ name: "k", scopes: ["read"], ...body }), path);
    const { api_key } = await mintKey(owner, orgId);
    expectInvalid(await api("PUT", keys(`/${api_key.id}`), { token: owner.token, body }), path);
    expect(expectOk(await api("GET", keys(`/${api_key.id}`), { token: owner.token })).rate_limit).toBeNull();
  });

  it("rejects non-JSON and malformed JSON updates", async () => {
    const { api_key } = await mintKey(owner, orgId);
    const path = keys(`/${api_key.id}`);
    expectFailure(await api("PUT", path, { token: owner.token, rawBody: '{"name":"x"}' }), 415, "unsupported_media_type");
    expectFailure(
      await api("PUT", path, { token: owner.token, rawBody: "{", headers: { "content-type": "application/json" } }),
      400,
      "invalid_request",
    );
  });

  it("answers 404 for an unknown key id", async () => {
    expectFailure(await api("PUT", keys("/key_00000000000000000000"), { token: owner.token, body: { name: "x" } }), 404, "not_found");
  });
});

describe("DELETE …/api-keys/:keyId", () => {
  it("revokes: revoked_at in the answer and D1, and v1:revoked:<keyId> in KV until the key's exp", async () => {
    const { api_key } = await mintKey(owner, orgId, { expires_at: new Date(Date.now() + 2 * DAY).toISOString() });
    const res = await api("DELETE", keys(`/${api_key.id}`), { token: owner.token });
    const data = expectOk(res);
    expect(res.body.message).toBe("API key revoked.");
    expect(data).toEqual({ ...api_key, revoked_at: expect.any(String) });
    const revokedAt = Date.parse(data.revoked_at ?? "");
    expect(Date.now() - revokedAt).toBeLessThan(60_000);
    const row = await env.DB.prepare("SELECT revoked_at FROM api_keys WHERE id = ?").bind(api_key.id).first<{ revoked_at: number }>();
    expect(row?.revoked_at).toBe(revokedAt);
    expect(await env.DIRECTORY.get(`v1:revoked:${api_key.id}`, "json")).toEqual({ revoked_at: data.revoked_at });
    const listed = await env.DIRECTORY.list({ prefix: `v1:revoked:${api_key.id}` });
    expect(listed.keys).toEqual([{ name: `v1:revoked:${api_key.id}`, expiration: Math.ceil(Date.parse(api_key.expires_at) / 1000) }]);
    expect(expectOk(await api("GET", keys(`/${api_key.id}`), { token: owner.token })).revoked_at).toBe(data.revoked_at);
  });

  it("revoking twice is idempotent and keeps the first revoked_at", async () => {
    const { api_key } = await mintKey(owner, orgId);
    const first = expectOk(await api("DELETE", keys(`/${api_key.id}`), { token: owner.token }));
    const second = expectOk(await api("DELETE", keys(`/${api_key.id}`), { token: owner.token }));
    expect(second.revoked_at).toBe(first.revoked_at);
  });

  it("answers 404 for an unknown key id and writes no marker", async () => {
    const id = "key_00000000000000000000";
    expectFailure(await api("DELETE", keys(`/${id}`), { token: owner.token }), 404, "not_found");
    expect(await env.DIRECTORY.get(`v1:revoked:${id}`)).toBeNull();
  });
});

describe("POST …/api-keys/:keyId/roll", () => {
  const roll = (id: string) => api("POST", keys(`/${id}/roll`), { token: owner.token });

  it("revokes the key and mints its replacement with the same settings and lifetime, shown once", async () => {
    const instance = await createInstance(owner, orgId);
    const old = await mintKey(owner, orgId, {
      name: "Rolled",
      scopes: ["read", "write"],
      instance_ids: [instance.id],
      expires_at: new Date(Date.now() + 30 * DAY).toISOString(),
      rate_limit: { requests: 50, window_seconds: 60 },
      max_requests_per_day: 1_000,
    });
    const redisKey = `rolled:${crypto.randomUUID()}`;
    expect((await api("POST", `/redis/${instance.id}`, { token: old.key, body: ["SET", redisKey, "1"] })).status).toBe(200);

    const res = await roll(old.api_key.id);
    const data = expectOk(res, 201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body.message).toBe("Key rolled: the old key is revoked. Copy the new key now: it is shown only once.");
    expect(data.api_key).toMatchObject({
      name: "Rolled",
      scopes: ["read", "write"],
      instance_ids: [instance.id],
      rate_limit: { requests: 50, window_seconds: 60 },
      max_requests_per_day: 1_000,
      revoked_at: null,
      created_by: owner.userId,
      replaces: old.api_key.id,
    });
    expect(old.api_key.replaces).toBeNull();
    expect(data.api_key.id).not.toBe(old.api_key.id);
    expect(data.key).not.toBe(old.key);
    const lifetime = (k: { created_at: string; expires_at: string }) => Date.parse(k.expires_at) - Date.parse(k.created_at);
    expect(Math.abs(lifetime(data.api_key) - lifetime(old.api_key))).toBeLessThanOrEqual(1_000);
    expect((await verify(data.key)).payload).toMatchObject({ instances: [instance.id], scopes: ["read", "write"] });

    expect(data.replaced).toEqual({ ...old.api_key, revoked_at: expect.any(String) });
    expect(expectOk(await api("GET", keys(`/${old.api_key.id}`), { token: owner.token })).revoked_at).toBe(data.replaced.revoked_at);
    expect(await env.DIRECTORY.get(`v1:revoked:${old.api_key.id}`, "json")).toEqual({ revoked_at: data.replaced.revoked_at });
    const fresh = await api("POST", `/redis/${instance.id}`, { token: data.key, body: ["GET", redisKey] });
    expect(fresh.body).toEqual({ result: "1" });
    const listed = expectOk(await api("GET", keys("?limit=100"), { token: owner.token }));
    expect(listed.find((k) => k.id === data.api_key.id)?.key_prefix).toBe(data.api_key.key_prefix);
  });

  it("with ?keep_old=true leaves the old key live beside its replacement; other values are a 400", async () => {
    const instance = await createInstance(owner, orgId);
    const old = await mintKey(owner, orgId, { name: "Overlap", max_requests_per_day: 500 });
    const res = await api("POST", keys(`/${old.api_key.id}/roll?keep_old=true`), { token: owner.token });
    const data = expectOk(res, 201);
    expect(res.body.message).toBe("Key rolled: the old key works until you revoke it. Copy the new key now: it is shown only once.");
    expect(data.replaced).toEqual(old.api_key);
    expect(data.api_key).toMatchObject({ name: "Overlap", max_requests_per_day: 500, revoked_at: null });
    expect(await env.DIRECTORY.get(`v1:revoked:${old.api_key.id}`)).toBeNull();
    for (const key of [old.key, data.key]) {
      expect((await api("POST", `/redis/${instance.id}`, { token: key, body: ["PING"] })).body).toEqual({ result: "PONG" });
    }
    expectInvalid(await api("POST", keys(`/${old.api_key.id}/roll?keep_old=yes`), { token: owner.token }), "keep_old");
  });

  it("with ?retire_old_in keeps the old key that many seconds, then the edge refuses it by itself", async () => {
    const instance = await createInstance(owner, orgId);
    const old = await mintKey(owner, orgId, { name: "Retiring" });
    const res = await api("POST", keys(`/${old.api_key.id}/roll?retire_old_in=3600`), { token: owner.token });
    const data = expectOk(res, 201);
    const retiresAt = Date.parse(data.replaced.retires_at ?? "");
    expect(retiresAt - Date.now()).toBeGreaterThan(3_500_000);
    expect(retiresAt - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect(data.replaced).toEqual({ ...old.api_key, retires_at: expect.any(String) });
    expect(res.body.message).toBe(
      `Key rolled: the old key works until ${data.replaced.retires_at}, then stops by itself. Copy the new key now: it is shown only once.`,
    );
    // The edge's marker carries the instant; until then the key is live, listed and working.
    expect(await env.DIRECTORY.get(`v1:revoked:${old.api_key.id}`, "json")).toEqual({
      revoked_at: data.replaced.retires_at,
      retires: true,
    });
    const live = expectOk(await api("GET", keys("?revoked=false&limit=100"), { token: owner.token }));
    expect(live.find((k) => k.id === old.api_key.id)).toMatchObject({ revoked_at: null, retires_at: data.replaced.retires_at });
    expect((await api("POST", `/redis/${instance.id}`, { token: old.key, body: ["PING"] })).body).toEqual({ result: "PONG" });

    // One edge, its marker cached a second before the instant: the instant itself refuses the key.
    const edge = clockedApp(retiresAt - 1_000);
    expect((await edge.redis(instance.id, old.key, ["PING"])).status).toBe(200);
    edge.advance(1_000);
    expect(await edge.redis(instance.id, old.key, ["PING"])).toMatchObject({
      status: 401,
      body: { error: "WRONGPASS this API key has been revoked" },
    });
    expect((await edge.redis(instance.id, data.key, ["PING"])).body).toEqual({ result: "PONG" });
  });

  it("shows a retired key as revoked once its instant passed; a later roll never extends it, revoking ends it now", async () => {
    const old = await mintKey(owner, orgId, { name: "Retired" });
    const first = expectOk(await api("POST", keys(`/${old.api_key.id}/roll?retire_old_in=600`), { token: owner.token }), 201);
    // Rolling it again with a longer overlap keeps its instant; with none, it stops now.
    const again = expectOk(await api("POST", keys(`/${old.api_key.id}/roll?retire_old_in=7200`), { token: owner.token }), 201);
    expect(again.replaced.retires_at).toBe(first.replaced.retires_at);
    const revoked = expectOk(await api("DELETE", keys(`/${old.api_key.id}`), { token: owner.token }));
    expect(revoked).toMatchObject({ retires_at: null, revoked_at: expect.any(String) });
    expect(Date.parse(revoked.revoked_at ?? "")).toBeLessThan(Date.parse(first.replaced.retires_at ?? ""));
    expect(await env.DIRECTORY.get(`v1:revoked:${old.api_key.id}`, "json")).toEqual({ revoked_at: revoked.revoked_at });
    expect((await clockedApp().redis("any", old.key, ["PING"])).status).toBe(401);

    // D1 time cannot be moved: put another retiring key's instant in the past instead.
    const other = await mintKey(owner, orgId, { name: "Retired later" });
    expectOk(await api("POST", keys(`/${other.api_key.id}/roll?retire_old_in=60`), { token: owner.token }), 201);
    const past = Date.now() - 1_000;
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ?").bind(past, other.api_key.id).run();
    const shown = expectOk(await api("GET", keys(`/${other.api_key.id}`), { token: owner.token }));
    expect(shown).toMatchObject({ revoked_at: new Date(past).toISOString(), retires_at: null });
    const listedRevoked = expectOk(await api("GET", keys("?revoked=true&limit=100"), { token: owner.token }));
    expect(listedRevoked.map((k) => k.id)).toContain(other.api_key.id);
    const listedLive = expectOk(await api("GET", keys("?revoked=false&limit=100"), { token: owner.token }));
    expect(listedLive.map((k) => k.id)).not.toContain(other.api_key.id);
    expectFailure(await roll(other.api_key.id), 409, "conflict");
  });

  it("keeps a retiring key no longer than its own expiry", async () => {
    const soon = await mintKey(owner, orgId, { expires_at: new Date(Date.now() + 2 * 3_600_000).toISOString() });
    const rolled = expectOk(await api("POST", keys(`/${soon.api_key.id}/roll?retire_old_in=86400`), { token: owner.token }), 201);
    expect(rolled.replaced.retires_at).toBe(soon.api_key.expires_at);
  });

  it("refuses retire_old_in outside 60 s to 30 days, or with keep_old=true (400)", async () => {
    const { api_key } = await mintKey(owner, orgId);
    for (const value of ["59", "2592001", "1.5", "soon"]) {
      expectInvalid(await api("POST", keys(`/${api_key.id}/roll?retire_old_in=${value}`), { token: owner.token }), "retire_old_in");
    }
    const both = await api("POST", keys(`/${api_key.id}/roll?keep_old=true&retire_old_in=600`), { token: owner.token });
    expectInvalid(both, "retire_old_in");
    expect(JSON.stringify(both.body)).toMatch(
      /keep_old=true keeps the old key until it is revoked and retire_old_in for a while: choose one/,
    );
    expect(expectOk(await api("GET", keys(`/${api_key.id}`), { token: owner.token }))).toMatchObject({
      revoked_at: null,
      retires_at: null,
    });
  });

  it("answers 409 for a revoked or expired key and mints nothing", async () => {
    const revoked = await mintKey(owner, orgId);
    await api("DELETE", keys(`/${revoked.api_key.id}`), { token: owner.token });
    const expired = await mintKey(owner, orgId);
    await env.DB.prepare("UPDATE api_keys SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1_000, expired.api_key.id)
      .run();
    const before = await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE organization_id = ?").bind(orgId).first<{ n: number }>();

    const again = await roll(revoked.api_key.id);
    expectFailure(again, 409, "conflict");
    expect(again.body.message).toBe(`API key ${revoked.api_key.id} is revoked; mint a new key instead.`);
    const late = await roll(expired.api_key.id);
    expectFailure(late, 409, "conflict");
    expect(late.body.message).toBe(`API key ${expired.api_key.id} is expired; mint a new key instead.`);
    const after = await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE organization_id = ?").bind(orgId).first<{ n: number }>();
    expect(after).toEqual(before);
  });

  it("lets exactly one of two concurrent rolls replace the key", async () => {
    const { api_key } = await mintKey(owner, orgId, { name: "Raced" });
    const results = await Promise.all([roll(api_key.id), roll(api_key.id)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const replacements = await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE organization_id = ? AND name = 'Raced'")
      .bind(orgId)
      .first<{ n: number }>();
    expect(replacements?.n).toBe(2);
  });

  it("holds the replacement to the organization's limits as they are now (422), and keeps the old key", async () => {
    const { api_key } = await mintKey(owner, orgId, { rate_limit: { requests: 100, window_seconds: 1 } });
    const lowered = await api("PUT", `/api/organizations/${orgId}/limits`, {
      token: owner.token,
      body: { rate_limit: { requests: 10, window_seconds: 1 } },
    });
    expectOk(lowered);
    try {
      const res = await roll(api_key.id);
      expectFailure(res, 422, "unprocessable_entity");
      expect(res.body.message).toBe("rate_limit may not exceed the organization's 10 per 1 s.");
      expect(expectOk(await api("GET", keys(`/${api_key.id}`), { token: owner.token })).revoked_at).toBeNull();
    } finally {
      await api("PUT", `/api/organizations/${orgId}/limits`, { token: owner.token, body: { rate_limit: null } });
    }
  });

  it("answers 404 for an unknown key and for a console key", async () => {
    expectFailure(await roll("key_00000000000000000000"), 404, "not_found");
    const instance = await createInstance(owner, orgId);
    const consoleKey = expectOk(
      await api("POST", `/api/organizations/${orgId}/redis-instances/${instance.id}/console-key`, { token: owner.token }),
      201,
    );
    expectFailure(await roll(consoleKey.key_id), 404, "not_found");
  });
});

describe("POST …/api-keys/identify", () => {
  const identify = (key: unknown, org = orgId) => api("POST", keys("/identify", org), { token: owner.token, body: { key } });

  it("names the key a key string is, by its SHA-256, revoked or not, and never echoes the key", async () => {
    const minted = await mintKey(owner, orgId, { name: "Found in a log" });
    const res = await identify(` ${minted.key}\n`);
    expect(expectOk(res)).toEqual(minted.api_key);
    expect(JSON.stringify(res.body)).not.toContain(minted.key);
    await api("DELETE", keys(`/${minted.api_key.id}`), { token: owner.token });
    expect(expectOk(await identify(minted.key)).revoked_at).toEqual(expect.any(String));
  });

  it("answers 404 for a key of another organization, a console key and a string that is no key", async () => {
    const elsewhere = await createOrg(owner);
    const foreign = await mintKey(owner, elsewhere);
    const missing = await identify(foreign.key);
    expectFailure(missing, 404, "not_found");
    expect(missing.body.message).toBe("No API key of this organization matches that key.");
    expect(expectOk(await identify(foreign.key, elsewhere)).id).toBe(foreign.api_key.id);
    const instance = await createInstance(owner, orgId);
    const consoleKey = expectOk(
      await api("POST", `/api/organizations/${orgId}/redis-instances/${instance.id}/console-key`, { token: owner.token }),
      201,
    );
    expectFailure(await identify(consoleKey.key), 404, "not_found");
    expectFailure(await identify("rg_not.a.key"), 404, "not_found");
    expectInvalid(await identify(""), "key");
    expectInvalid(await identify(42), "key");
  });
});

describe("GET /.well-known/jwks.json", () => {
  it("publishes public keys with kid and alg, cacheable, outside the envelope", async () => {
    const res = await api("GET", "/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect(res.body.keys.length).toBeGreaterThan(0);
    for (const jwk of res.body.keys) {
      expect(jwk).toMatchObject({
        kid: expect.any(String),
        alg: expect.stringMatching(/^(EdDSA|ES256)$/),
        use: "sig",
        x: expect.any(String),
      });
    }
    const { key } = await mintKey(owner, orgId);
    expect(res.body.keys.map((k) => k.kid)).toContain(decodeProtectedHeader(key.slice(3)).kid);
  });
});
