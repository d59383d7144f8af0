// Edge security: every way a key can be wrong is a 401, every way it can be out of bounds is a
// 403/404, and none of them reaches the upstream.
import { env } from "cloudflare:workers";
import { importJWK, type JWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createInstance, mintKey, tenant } from "../helpers/api";
import { aclUser, moveDirectoryRecord, redisCommand } from "../helpers/redis-server";

type Tenant = Awaited<ReturnType<typeof tenant>>;
let t: Tenant;
let other: Tenant;
const WRONGPASS = { error: "WRONGPASS invalid or missing auth token" };

const signingJwk = () => (JSON.parse(env.API_KEY_SIGNING_KEYS) as { keys: (JWK & { kid: string })[] }).keys[0] as JWK & { kid: string };

function b64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

function claimsFor(x: Tenant, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: x.keyId,
    org: x.orgId,
    uid: x.account.userId,
    scopes: ["write"],
    iss: env.JWT_ISSUER,
    aud: env.JWT_AUDIENCE,
    iat: now,
    exp: now + 3600,
    ...overrides,
  };
}

/** Signs claims with the Worker's real signing key (or another key), as an attacker with it could. */
async function sign(claims: Record<string, unknown>, header: Record<string, unknown> = {}, jwk: JWK & { kid?: string } = signingJwk()) {
  const key = await importJWK(jwk, "EdDSA");
  return `rg_${await new SignJWT(claims).setProtectedHeader({ alg: "EdDSA", kid: jwk.kid, ...header }).sign(key)}`;
}

const ping = (x: Tenant, token: string | undefined) => api("POST", `/redis/${x.instance.id}`, { token, body: ["PING"] });

beforeAll(async () => {
  [t, other] = await Promise.all([tenant(), tenant()]);
});

describe("bad keys are 401 WRONGPASS", () => {
  it("accepts the genuine key (control)", async () => {
    expect((await ping(t, t.key)).body).toEqual({ result: "PONG" });
    expect((await ping(t, await sign(claimsFor(t)))).body).toEqual({ result: "PONG" });
  });

  it("refuses a missing key", async () => {
    expect(await ping(t, undefined)).toMatchObject({ status: 401, body: WRONGPASS });
  });

  it("refuses garbage and a key without the rg_ prefix", async () => {
    expect(await ping(t, "rg_not.a.jwt")).toMatchObject({ status: 401, body: WRONGPASS });
    expect(await ping(t, t.key.slice(3))).toMatchObject({ status: 401, body: WRONGPASS });
  });

  it("refuses alg: none", async () => {
    const token = `rg_${b64url({ alg: "none", typ: "JWT", kid: signingJwk().kid })}.${b64url(claimsFor(t))}.`;
    expect(await ping(t, token)).toMatchObject({ status: 401, body: WRONGPASS });
  });

  it("refuses HS256 signed with a guessed secret (or the public key as a secret)", async () => {
    for (const secret of ["secret", signingJwk().x as string]) {
      const jwt = await new SignJWT(claimsFor(t))
        .setProtectedHeader({ alg: "HS256", kid: signingJwk().kid })
        .sign(new TextEncoder().encode(secret));
      expect(await ping(t, `rg_${jwt}`)).toMatchObject({ status: 401, body: WRONGPASS });
    }
  });

  it("refuses an unknown kid and a right kid signed by another key", async () => {
    const { generateKeyPair, exportJWK } = await import("jose");
    const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    const foreign = { ...(await exportJWK(privateKey)), alg: "EdDSA" };
    expect(await ping(t, await sign(claimsFor(t), {}, { ...foreign, kid: "unknown-kid" }))).toMatchObject({ status: 401, body: WRONGPASS });
    expect(await ping(t, await sign(claimsFor(t), {}, { ...foreign, kid: signingJwk().kid }))).toMatchObject({
      status: 401,
      body: WRONGPASS,
    });
  });

  it("refuses expired and not-yet-valid keys", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await ping(t, await sign(claimsFor(t, { iat: now - 7200, exp: now - 3600 })))).toMatchObject({ status: 401, body: WRONGPASS });
    expect(await ping(t, await sign(claimsFor(t, { nbf: now + 3600 })))).toMatchObject({ status: 401, body: WRONGPASS });
  });

  it("refuses a wrong issuer or audience", async () => {
    expect(await ping(t, await sign(claimsFor(t, { iss: "https://evil.example" })))).toMatchObject({ status: 401, body: WRONGPASS });
    expect(await ping(t, await sign(claimsFor(t, { aud: "someone-else" })))).toMatchObject({ status: 401, body: WRONGPASS });
  });

  it("refuses tampered claims (payload swapped, signature kept)", async () => {
    const [header, , signature] = t.key.slice(3).split(".");
    const tampered = `rg_${header}.${b64url(claimsFor(t, { scopes: ["admin"] }))}.${signature}`;
    expect(await ping(t, tampered)).toMatchObject({ status: 401, body: WRONGPASS });
  });

  it("refuses claims of the wrong shape even when signed", async () => {
    expect(await ping(t, await sign(claimsFor(t, { scopes: ["root"] })))).toMatchObject({ status: 401, body: WRONGPASS });
    expect(await ping(t, await sign(claimsFor(t, { org: "org_x" })))).toMatchObject({ status: 401, body: WRONGPASS });
  });

  it("refuses a revoked key", async () => {
    const fresh = await mintKey(t.account, t.orgId);
    const revoke = await api("DELETE", `/api/organizations/${t.orgId}/api-keys/${fresh.api_key.id}`, { token: t.account.token });
    expect(revoke.status).toBe(200);
    expect(await ping(t, fresh.key)).toMatchObject({ status: 401, body: { error: "WRONGPASS this API key has been revoked" } });
  });
});

describe("keys out of bounds", () => {
  it("gives another organization's key a 404 for my instance, and runs nothing", async () => {
    const key = `sec:${crypto.randomUUID()}`;
    const res = await api("POST", `/redis/${t.instance.id}`, { token: other.key, body: ["SET", key, "x"] });
    expect(res).toMatchObject({ status: 404, body: { error: `ERR instance ${t.instance.id} not found` } });
    expect((await api("POST", `/redis/${t.instance.id}`, { token: t.key, body: ["EXISTS", key] })).body).toEqual({ result: 0 });
  });

  it("gives an unknown or malformed instance id a 404", async () => {
    expect((await api("POST", "/redis/rdb_00000000000000000000", { token: t.key, body: ["PING"] })).status).toBe(404);
    expect((await api("POST", "/redis/not-an-id", { token: t.key, body: ["PING"] })).status).toBe(404);
  });

  it("lets a read key read but refuses writes and powerful reads with 403 NOPERM", async () => {
    const read = await mintKey(t.account, t.orgId, { scopes: ["read"] });
    const call = (body: unknown) => api("POST", `/redis/${t.instance.id}`, { token: read.key, body });
    expect((await call(["GET", "nothing"])).body).toEqual({ result: null });
    expect(await call(["SET", "k", "v"])).toMatchObject({
      status: 403,
      body: { error: "NOPERM this key has no permissions to run the 'set' command" },
    });
    expect((await call(["KEYS", "*"])).status).toBe(403);
    expect((await call(["SCAN", "0"])).status).toBe(403);
    expect((await call(["FLUSHALL"])).status).toBe(403);
    expect((await call(["EVAL", "return 1", "0"])).status).toBe(403);
  });

  it("refuses a read key's writes per item inside a pipeline, running the rest", async () => {
    const read = await mintKey(t.account, t.orgId, { scopes: ["read"] });
    const key = `sec:${crypto.randomUUID()}`;
    const res = await api("POST", `/redis/${t.instance.id}/pipeline`, {
      token: read.key,
      body: [
        ["GET", key],
        ["SET", key, "v"],
        ["EXISTS", key],
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ result: null }, { error: "NOPERM this key has no permissions to run the 'set' command" }, { result: 0 }]);
  });

  it("refuses a whole transaction holding a refused command, running none of it", async () => {
    const read = await mintKey(t.account, t.orgId, { scopes: ["read"] });
    const res = await api("POST", `/redis/${t.instance.id}/multi-exec`, {
      token: read.key,
      body: [
        ["GET", "a"],
        ["DEL", "a"],
      ],
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/^NOPERM .*'del'.*the transaction was not run/);
  });

  it("refuses a key limited to another instance with 403", async () => {
    const second = await createInstance(t.account, t.orgId);
    const limited = await mintKey(t.account, t.orgId, { instance_ids: [second.id] });
    expect((await api("POST", `/redis/${second.id}`, { token: limited.key, body: ["PING"] })).body).toEqual({ result: "PONG" });
    const res = await api("POST", `/redis/${t.instance.id}`, { token: limited.key, body: ["PING"] });
    expect(res).toMatchObject({ status: 403, body: { error: `NOPERM this key is not allowed to use instance ${t.instance.id}` } });
  });

  it("needs both the admin scope and the instance's permission for admin commands", async () => {
    const admin = await mintKey(t.account, t.orgId, { scopes: ["admin"] });
    const denied = await api("POST", `/redis/${t.instance.id}`, { token: admin.key, body: ["CONFIG", "GET", "maxmemory"] });
    expect(denied).toMatchObject({ status: 403, body: { error: expect.stringMatching(/admin commands are disabled for this instance/) } });
    const open = await createInstance(t.account, t.orgId, { allow_admin: true });
    const ok = await api("POST", `/redis/${open.id}`, { token: admin.key, body: ["CONFIG", "GET", "maxmemory"] });
    expect(ok.body.result).toEqual(["maxmemory", expect.any(String)]);
  });

  it("refuses a disabled instance with 403", async () => {
    const inst = await createInstance(t.account, t.orgId);
    await api("PUT", `/api/organizations/${t.orgId}/redis-instances/${inst.id}`, { token: t.account.token, body: { disabled: true } });
    const res = await api("POST", `/redis/${inst.id}`, { token: t.key, body: ["PING"] });
    expect(res).toMatchObject({ status: 403, body: { error: `ERR instance ${inst.id} is disabled` } });
  });
});

describe("upstream failures name the instance, never its credentials", () => {
  // Attaching checks the upstream, so these instances are attached to a live server first and then
  // lose it, as when a server dies, moves or has its password changed after the instance was made.
  it("answers 502 when the upstream refuses the connection", async () => {
    const dead = await createInstance(t.account, t.orgId);
    await moveDirectoryRecord(dead.id, "redis://127.0.0.1:1");
    const res = await api("POST", `/redis/${dead.id}`, { token: t.key, body: ["PING"] });
    expect(res).toMatchObject({ status: 502, body: { error: `ERR cannot reach the upstream of instance ${dead.id}` } });
  });

  it("answers 504 when the upstream accepts but never answers", async () => {
    const silent = await createInstance(t.account, t.orgId);
    await moveDirectoryRecord(silent.id, env.TEST_BLACKHOLE_URL);
    const res = await api("POST", `/redis/${silent.id}`, { token: t.key, body: ["PING"] });
    expect(res).toMatchObject({ status: 504, body: { error: `ERR the upstream of instance ${silent.id} did not answer within 2000 ms` } });
  });

  it("authenticates with stored credentials, and a wrong password is a 502 that runs nothing", async () => {
    const good = await createInstance(t.account, t.orgId, { endpoint: env.TEST_REDIS_ACL_URL, allow_admin: true });
    const admin = await mintKey(t.account, t.orgId, { scopes: ["admin"] });
    const who = await api("POST", `/redis/${good.id}/pipeline`, { token: admin.key, body: [["ACL", "WHOAMI"]] });
    expect(who.body).toEqual([{ result: "gate" }]);

    const user = await aclUser(["~*", "&*", "+@all"]);
    const bad = await createInstance(t.account, t.orgId, { endpoint: user.url });
    await redisCommand(["ACL", "SETUSER", user.name, "resetpass", ">wrong-password"]);
    const key = `sec:${crypto.randomUUID()}`;
    const res = await api("POST", `/redis/${bad.id}`, { token: t.key, body: ["SET", key, "x"] });
    expect(res).toMatchObject({ status: 502, body: { error: `ERR the upstream of instance ${bad.id} rejected its stored credentials` } });
    expect(JSON.stringify(res.body)).not.toContain(user.password);
    expect((await api("POST", `/redis/${t.instance.id}`, { token: t.key, body: ["EXISTS", key] })).body).toEqual({ result: 0 });
    await redisCommand(["ACL", "DELUSER", user.name]);
  });
});
