// Redis instances under attack: upstream credentials never leave (answers, audit log, error
// messages) and are AES-GCM ciphertext in D1 and KV; roles gate writes; another tenant's
// instance is a 404; cookie sessions need the same Origin.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, type ApiResult, api, createInstance, ORIGIN, unique } from "../helpers/api";
import { aclUser, redisCommand } from "../helpers/redis-server";
import { expectFailure, expectOk } from "./envelope";
import { type Team, team } from "./team";

let t: Team;
beforeAll(async () => {
  t = await team();
});

const PASSWORD = decodeURIComponent(new URL(env.TEST_REDIS_ACL_URL).password);
const TOKEN = env.TEST_UPSTREAM_TOKEN;
const instances = <const S extends string = "">(path = "" as S, orgId = t.orgId) =>
  `/api/organizations/${orgId}/redis-instances${path}` as const;
const kvRecord = (id: string) => env.DIRECTORY.get(`v1:instance:${id}`);
const d1Row = (id: string) => env.DB.prepare("SELECT * FROM redis_instances WHERE id = ?").bind(id).first<Record<string, unknown>>();

function expectNoSecret(value: unknown, ...secrets: string[]) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(secret));
  }
}

/** The base64 ciphertext must not contain the secret, nor decode to bytes that do. */
function expectSealed(sealed: unknown, secret: string) {
  expect(sealed).toEqual(expect.stringMatching(/^[A-Za-z0-9+/]+=*$/));
  expectNoSecret(sealed, secret);
  expect(atob(sealed as string)).not.toContain(secret);
}

/** Opens a sealed value as the edge does (HKDF-SHA-256 → AES-256-GCM, context = instance id). */
async function unseal(sealed: string, context: string): Promise<string> {
  const master = Uint8Array.from(atob(env.ENCRYPTION_KEY), (c) => c.charCodeAt(0));
  const ikm = await crypto.subtle.importKey("raw", master, "HKDF", false, ["deriveKey"]);
  const info = new TextEncoder().encode("redisgate:upstream-credentials:v1");
  const key = await crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["decrypt"],
  );
  const bytes = Uint8Array.from(atob(sealed), (c) => c.charCodeAt(0));
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: bytes.subarray(1, 13), additionalData: new TextEncoder().encode(context) },
    key,
    bytes.subarray(13),
  );
  return new TextDecoder().decode(plain);
}

describe("upstream credentials are never returned", () => {
  it("a redis password appears in no answer and no audit row", async () => {
    const created = await api("POST", instances(), {
      token: t.owner.token,
      body: { name: "Secret", slug: unique("sec"), driver: "redis", endpoint: env.TEST_REDIS_ACL_URL },
    });
    const { id } = expectOk(created, 201);
    const answers: ApiResult[] = [
      created,
      await api("GET", instances(`/${id}`), { token: t.viewer.token }),
      await api("GET", instances(), { token: t.owner.token }),
      await api("PUT", instances(`/${id}`), { token: t.owner.token, body: { name: "Renamed" } }),
      await api("PUT", instances(`/${id}`), { token: t.owner.token, body: { endpoint: env.TEST_REDIS_ACL_URL } }),
      await api("GET", `/api/organizations/${t.orgId}/audit-logs?limit=100`, { token: t.owner.token }),
    ];
    for (const res of answers) {
      expect(res.status).toBeLessThan(300);
      expectNoSecret(res.body, PASSWORD, env.TEST_REDIS_ACL_URL);
      expect(JSON.stringify(res.body)).not.toMatch(/"(password|token|credentials)"/);
    }
    const audit = await env.DB.prepare("SELECT * FROM audit_logs WHERE resource_id = ?").bind(id).all();
    expect(audit.results.length).toBe(3);
    expectNoSecret(audit.results, PASSWORD);
  });

  it("an upstash token appears in no answer", async () => {
    const created = await api("POST", instances(), {
      token: t.owner.token,
      body: { name: "Ups", slug: unique("ups"), driver: "upstash", endpoint: env.TEST_UPSTREAM_URL, token: TOKEN },
    });
    const { id } = expectOk(created, 201);
    const answers = [
      created,
      await api("GET", instances(`/${id}`), { token: t.owner.token }),
      await api("GET", instances(), { token: t.owner.token }),
      await api("PUT", instances(`/${id}`), { token: t.owner.token, body: { token: TOKEN } }),
      await api("GET", `/api/organizations/${t.orgId}/audit-logs?limit=100`, { token: t.owner.token }),
    ];
    for (const res of answers) {
      expect(res.status).toBeLessThan(300);
      expectNoSecret(res.body, TOKEN);
    }
  });

  it("an error about an endpoint does not echo the password it carried", async () => {
    const secret = `pw-${crypto.randomUUID()}`;
    for (const endpoint of [
      `redis://user:${secret}@evil.example:6379`,
      `redis://user:${secret}@127.0.0.1:6379/99`,
      `http://user:${secret}@127.0.0.1`,
    ]) {
      const res = await api("POST", instances(), {
        token: t.owner.token,
        body: { name: "x", slug: unique("x"), driver: "redis", endpoint },
      });
      expectFailure(res, 400, "invalid_request");
      expectNoSecret(res.body, secret);
    }
  });
});

describe("credentials at rest", () => {
  it("D1 and the KV record v1:instance:<id> hold AES-GCM ciphertext, never the password", async () => {
    const { id } = await createInstance(t.owner, t.orgId, { endpoint: env.TEST_REDIS_ACL_URL });
    const row = await d1Row(id);
    expect(row?.endpoint).not.toContain("@");
    expectSealed(row?.credentials_ciphertext, PASSWORD);
    expectNoSecret(row, PASSWORD);
    const raw = await kvRecord(id);
    expectNoSecret(raw, PASSWORD);
    const sealed = JSON.parse(raw ?? "{}").credentials;
    expect(sealed).toBe(row?.credentials_ciphertext);
    expectSealed(sealed, PASSWORD);
    expect(JSON.parse(await unseal(sealed, id))).toEqual({ username: "gate", password: PASSWORD });
    await expect(unseal(sealed, "rdb_someoneelse00000000")).rejects.toThrow();
  });

  it("the same password seals differently for every instance", async () => {
    const [a, b] = [
      await createInstance(t.owner, t.orgId, { endpoint: env.TEST_REDIS_ACL_URL }),
      await createInstance(t.owner, t.orgId, { endpoint: env.TEST_REDIS_ACL_URL }),
    ];
    expect((await d1Row(a.id))?.credentials_ciphertext).not.toBe((await d1Row(b.id))?.credentials_ciphertext);
  });

  it("an upstash token is sealed in D1 and KV", async () => {
    const { id } = await createInstance(t.owner, t.orgId, { driver: "upstash", endpoint: env.TEST_UPSTREAM_URL, token: TOKEN });
    const row = await d1Row(id);
    expectSealed(row?.credentials_ciphertext, TOKEN);
    expectNoSecret(row, TOKEN);
    expectNoSecret(await kvRecord(id), TOKEN);
    expect(JSON.parse(await unseal(row?.credentials_ciphertext as string, id))).toEqual({ token: TOKEN });
  });

  it("rotating re-seals: the new password is sealed and the old ciphertext is gone", async () => {
    const { id } = await createInstance(t.owner, t.orgId, { endpoint: env.TEST_REDIS_ACL_URL });
    const before = (await d1Row(id))?.credentials_ciphertext;
    // The check on re-pointing needs the server to accept the new password: give it a user with it.
    const user = await aclUser(["~*", "&*", "+@all"]);
    const fresh = user.password;
    const url = new URL(user.url);
    expectNoSecret(expectOk(await api("PUT", instances(`/${id}`), { token: t.owner.token, body: { endpoint: url.toString() } })), fresh);
    const row = await d1Row(id);
    expect(row?.credentials_ciphertext).not.toBe(before);
    expectSealed(row?.credentials_ciphertext, fresh);
    expectNoSecret(await kvRecord(id), fresh, before as string);
    await redisCommand(["ACL", "DELUSER", user.name]);
  });
});

describe("roles", () => {
  it.each(["owner", "admin", "member", "viewer"] as const)("a %s can list and read instances", async (role) => {
    const created = await createInstance(t.owner, t.orgId);
    expect(expectOk(await api("GET", instances(`/${created.id}`), { token: t[role].token }))).toEqual(created);
    expect(expectOk(await api("GET", `${instances()}?limit=100`, { token: t[role].token })).map((i) => i.id)).toContain(created.id);
  });

  it.each(["member", "viewer"] as const)("a %s cannot create, update or delete (403), and nothing changes", async (role) => {
    const token = t[role].token;
    const slug = unique("nope");
    const body = { name: "x", slug, driver: "redis", endpoint: env.TEST_REDIS_URL };
    const res = await api("POST", instances(), { token, body });
    expectFailure(res, 403, "forbidden");
    expect(res.body.message).toContain("admin");
    expect(await env.DB.prepare("SELECT id FROM redis_instances WHERE slug = ?").bind(slug).first()).toBeNull();
    const created = await createInstance(t.owner, t.orgId);
    const kvBefore = await kvRecord(created.id);
    expectFailure(await api("PUT", instances(`/${created.id}`), { token, body: { disabled: true } }), 403, "forbidden");
    expectFailure(await api("PUT", instances(`/${created.id}`), { token, body: { endpoint: env.TEST_REDIS_ACL_URL } }), 403, "forbidden");
    expectFailure(await api("DELETE", instances(`/${created.id}`), { token }), 403, "forbidden");
    expect(expectOk(await api("GET", instances(`/${created.id}`), { token }))).toEqual(created);
    expect(await kvRecord(created.id)).toBe(kvBefore);
  });

  it.each(["admin", "owner"] as const)("an %s can create, update and delete", async (role) => {
    const created = await createInstance(t[role], t.orgId);
    expect(expectOk(await api("PUT", instances(`/${created.id}`), { token: t[role].token, body: { disabled: true } })).disabled).toBe(true);
    expectOk(await api("DELETE", instances(`/${created.id}`), { token: t[role].token }));
    expect(await kvRecord(created.id)).toBeNull();
  });
});

describe("cross-tenant access", () => {
  it("an outsider gets 404 for every instance route of another organization", async () => {
    const victim = await createInstance(t.owner, t.orgId, { endpoint: env.TEST_REDIS_ACL_URL });
    const kvBefore = await kvRecord(victim.id);
    const token = t.outsider.token;
    const results = [
      await api("GET", instances(), { token }),
      await api("POST", instances(), { token, body: { name: "x", slug: unique("x"), driver: "redis", endpoint: env.TEST_REDIS_URL } }),
      await api("GET", instances(`/${victim.id}`), { token }),
      await api("PUT", instances(`/${victim.id}`), { token, body: { endpoint: "redis://127.0.0.1:1" } }),
      await api("DELETE", instances(`/${victim.id}`), { token }),
    ];
    for (const res of results) expectFailure(res, 404, "not_found");
    expect(await kvRecord(victim.id)).toBe(kvBefore);
  });

  it("another organization's instance id under the outsider's own organization is 404, like a missing one", async () => {
    const victim = await createInstance(t.owner, t.orgId);
    const kvBefore = await kvRecord(victim.id);
    const token = t.outsider.token;
    const own = <const S extends string>(path: S) => instances(path, t.outsiderOrgId);
    const foreign = await api("GET", own(`/${victim.id}`), { token });
    const missing = await api("GET", own("/rdb_00000000000000000000"), { token });
    expectFailure(foreign, 404, "not_found");
    expectFailure(missing, 404, "not_found");
    expect(foreign.body.message).toBe(missing.body.message);
    expectFailure(await api("PUT", own(`/${victim.id}`), { token, body: { disabled: true } }), 404, "not_found");
    expectFailure(await api("DELETE", own(`/${victim.id}`), { token }), 404, "not_found");
    expect(expectOk(await api("GET", instances(`/${victim.id}`), { token: t.owner.token }))).toEqual(victim);
    expect(await kvRecord(victim.id)).toBe(kvBefore);
    const listed = expectOk(await api("GET", own(""), { token }));
    expect(listed.map((i) => i.id)).not.toContain(victim.id);
  });
});

describe("cookie sessions (CSRF)", () => {
  const cookie = (account: Account) => `rg_session=${account.token}`;

  it("refuses create, update and delete without the same Origin, and changes nothing", async () => {
    const slug = unique("csrf");
    const headers = { cookie: cookie(t.owner) };
    expectFailure(
      await api("POST", instances(), { headers, body: { name: "x", slug, driver: "redis", endpoint: env.TEST_REDIS_URL } }),
      403,
      "forbidden",
    );
    expect(await env.DB.prepare("SELECT id FROM redis_instances WHERE slug = ?").bind(slug).first()).toBeNull();
    const created = await createInstance(t.owner, t.orgId);
    const evil = { ...headers, origin: "https://evil.example" };
    expectFailure(
      await api("PUT", instances(`/${created.id}`), { headers: evil, body: { endpoint: "redis://localhost:1" } }),
      403,
      "forbidden",
    );
    expectFailure(await api("DELETE", instances(`/${created.id}`), { headers: evil }), 403, "forbidden");
    expect(expectOk(await api("GET", instances(`/${created.id}`), { headers }))).toEqual(created);
  });

  it("accepts them with the same Origin", async () => {
    const headers = { cookie: cookie(t.owner), origin: ORIGIN };
    const { id } = expectOk(
      await api("POST", instances(), { headers, body: { name: "x", slug: unique("ok"), driver: "redis", endpoint: env.TEST_REDIS_URL } }),
      201,
    );
    expectOk(await api("DELETE", instances(`/${id}`), { headers }));
  });
});
