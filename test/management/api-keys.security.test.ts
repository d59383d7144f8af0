// API keys under attack: the key is shown once and D1 holds only its SHA-256; roles decide who
// mints, revokes and rolls; another tenant's keys and instances are 404s; the JWKS has no private part.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, type ApiResult, api, createInstance, createOrg, mintKey, ORIGIN, signUp } from "../helpers/api";
import { addMember } from "../helpers/invitations";
import { expectFailure, expectOk } from "./envelope";
import { type Team, team } from "./team";

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

let t: Team;
beforeAll(async () => {
  t = await team();
});

const keys = <const S extends string = "">(path = "" as S, orgId = t.orgId) => `/api/organizations/${orgId}/api-keys${path}` as const;

async function expectNotRevoked(keyId: string) {
  const row = await env.DB.prepare("SELECT revoked_at FROM api_keys WHERE id = ?").bind(keyId).first<{ revoked_at: number | null }>();
  expect(row).toEqual({ revoked_at: null });
  expect(await env.DIRECTORY.get(`v1:revoked:${keyId}`)).toBeNull();
}

/** Every part of the key that would let someone rebuild it. */
function secretParts(key: string): string[] {
  const [, payload, signature] = key.slice(3).split(".");
  return [key, key.slice(3), payload ?? "", signature ?? ""];
}

function expectNoSecret(res: ApiResult, key: string) {
  const text = JSON.stringify(res.body);
  for (const part of secretParts(key)) expect(text).not.toContain(part);
}

describe("the key is shown exactly once", () => {
  it("no later answer contains the key or any of its parts", async () => {
    const res = await api("POST", keys(), { token: t.owner.token, body: { name: "Once", scopes: ["write"] } });
    const { key, api_key } = expectOk(res, 201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const list = await api("GET", keys(), { token: t.owner.token });
    const later = [
      list,
      await api("GET", keys(`/${api_key.id}`), { token: t.owner.token }),
      await api("PUT", keys(`/${api_key.id}`), { token: t.owner.token, body: { name: "Renamed" } }),
      await api("GET", `/api/organizations/${t.orgId}/audit-logs`, { token: t.owner.token }),
      await api("DELETE", keys(`/${api_key.id}`), { token: t.owner.token }),
      await api("GET", keys(`/${api_key.id}`), { token: t.viewer.token }),
    ];
    for (const r of later) {
      expect(r.status).toBe(200);
      expectNoSecret(r, key);
    }
    expect(expectOk(list).some((k) => k.id === api_key.id)).toBe(true);
  });

  it("the list shows only a short key_prefix, never a key field", async () => {
    const { key, api_key } = await mintKey(t.owner, t.orgId);
    const listed = expectOk(await api("GET", keys(), { token: t.owner.token })).find((k) => k.id === api_key.id);
    expect(listed?.key_prefix).toBe(`rg_…${key.slice(-8)}`);
    expect(listed).not.toHaveProperty("key");
    expect(listed).not.toHaveProperty("key_hash");
  });
});

describe("D1 stores only the SHA-256 of the key", () => {
  it("key_hash is the SHA-256 of the full key string and no column holds the key", async () => {
    const { key, api_key } = await mintKey(t.owner, t.orgId);
    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(api_key.id).first<Record<string, unknown>>();
    expect(row?.key_hash).toBe(await sha256Hex(key));
    expect(row?.key_hash).not.toBe(await sha256Hex(key.slice(3)));
    const stored = JSON.stringify(row);
    for (const part of secretParts(key)) expect(stored).not.toContain(part);
  });

  it("the audit rows of the key do not hold it either", async () => {
    const { key, api_key } = await mintKey(t.owner, t.orgId);
    const rows = await env.DB.prepare("SELECT * FROM audit_logs WHERE resource_id = ?").bind(api_key.id).all();
    expect(rows.results.length).toBe(1);
    for (const part of secretParts(key)) expect(JSON.stringify(rows.results)).not.toContain(part);
  });
});

describe("roles", () => {
  it.each(["owner", "admin", "member", "viewer"] as const)("a %s can list and read keys", async (role) => {
    const { api_key } = await mintKey(t.owner, t.orgId);
    expectOk(await api("GET", keys(), { token: t[role].token }));
    expect(expectOk(await api("GET", keys(`/${api_key.id}`), { token: t[role].token })).id).toBe(api_key.id);
  });

  it("a viewer can neither mint, update nor revoke (403), and nothing changes", async () => {
    const name = `viewer-${crypto.randomUUID()}`;
    expectFailure(await api("POST", keys(), { token: t.viewer.token, body: { name, scopes: ["read"] } }), 403, "forbidden");
    expect(await env.DB.prepare("SELECT id FROM api_keys WHERE name = ?").bind(name).first()).toBeNull();
    const { api_key } = await mintKey(t.owner, t.orgId, { name: "Kept" });
    expectFailure(await api("PUT", keys(`/${api_key.id}`), { token: t.viewer.token, body: { name: "x" } }), 403, "forbidden");
    expectFailure(await api("DELETE", keys(`/${api_key.id}`), { token: t.viewer.token }), 403, "forbidden");
    expect(expectOk(await api("GET", keys(`/${api_key.id}`), { token: t.owner.token })).name).toBe("Kept");
    await expectNotRevoked(api_key.id);
  });

  it.each([[["read"]], [["write"]], [["read", "write"]]])("a member may mint a %j key", async (scopes) => {
    const { api_key } = expectOk(await api("POST", keys(), { token: t.member.token, body: { name: "Member key", scopes } }), 201);
    expect(api_key).toMatchObject({ scopes, created_by: t.member.userId });
  });

  it("a member may not mint an admin-scoped key (403), and nothing is minted", async () => {
    const name = `member-admin-${crypto.randomUUID()}`;
    const res = await api("POST", keys(), { token: t.member.token, body: { name, scopes: ["read", "admin"] } });
    expectFailure(res, 403, "forbidden");
    expect(await env.DB.prepare("SELECT id FROM api_keys WHERE name = ?").bind(name).first()).toBeNull();
  });

  it.each(["admin", "owner"] as const)("an %s may mint an admin-scoped key", async (role) => {
    const { api_key } = expectOk(await api("POST", keys(), { token: t[role].token, body: { name: "Admin key", scopes: ["admin"] } }), 201);
    expect(api_key.scopes).toEqual(["admin"]);
  });

  it("a member may update and revoke their own key", async () => {
    const { api_key } = await mintKey(t.member, t.orgId);
    expectOk(await api("PUT", keys(`/${api_key.id}`), { token: t.member.token, body: { name: "Mine" } }));
    expect(expectOk(await api("DELETE", keys(`/${api_key.id}`), { token: t.member.token })).revoked_at).not.toBeNull();
    expect(await env.DIRECTORY.get(`v1:revoked:${api_key.id}`)).not.toBeNull();
  });

  it.each(["owner", "admin"] as const)("a member may not update or revoke a key the %s created (403)", async (creator) => {
    const { api_key } = await mintKey(t[creator], t.orgId, { name: "Not yours" });
    expectFailure(await api("PUT", keys(`/${api_key.id}`), { token: t.member.token, body: { name: "Stolen" } }), 403, "forbidden");
    expectFailure(await api("DELETE", keys(`/${api_key.id}`), { token: t.member.token }), 403, "forbidden");
    expect(expectOk(await api("GET", keys(`/${api_key.id}`), { token: t.owner.token })).name).toBe("Not yours");
    await expectNotRevoked(api_key.id);
  });

  it.each(["admin", "owner"] as const)("an %s may update and revoke any key", async (role) => {
    const { api_key } = await mintKey(t.member, t.orgId);
    expectOk(await api("PUT", keys(`/${api_key.id}`), { token: t[role].token, body: { name: "Managed" } }));
    expectOk(await api("DELETE", keys(`/${api_key.id}`), { token: t[role].token }));
    expect(await env.DIRECTORY.get(`v1:revoked:${api_key.id}`)).not.toBeNull();
  });
});

describe("rolling a key", () => {
  const roll = (keyId: string, who: Account) => api("POST", keys(`/${keyId}/roll`), { token: who.token });

  it("a viewer may not roll (403), and the key stays live", async () => {
    const { api_key } = await mintKey(t.owner, t.orgId);
    expectFailure(await roll(api_key.id, t.viewer), 403, "forbidden");
    await expectNotRevoked(api_key.id);
  });

  it("a member may roll their own key, not one the admin created (403)", async () => {
    const own = await mintKey(t.member, t.orgId);
    expect(expectOk(await roll(own.api_key.id, t.member), 201).api_key.created_by).toBe(t.member.userId);
    const theirs = await mintKey(t.admin, t.orgId);
    const refused = await roll(theirs.api_key.id, t.member);
    expectFailure(refused, 403, "forbidden");
    expect(refused.body.message).toBe("Members can roll only the keys they created.");
    await expectNotRevoked(theirs.api_key.id);
  });

  // The demotion has revoked the key already (members.ts); the role is checked first all the same.
  it("an admin demoted to member may not roll the admin-scoped key they minted (403)", async () => {
    const crew = await team();
    const { api_key } = await mintKey(crew.admin, crew.orgId, { scopes: ["admin"] });
    const demoted = await api("PUT", `/api/organizations/${crew.orgId}/members/${crew.admin.userId}`, {
      token: crew.owner.token,
      body: { role: "member" },
    });
    expectOk(demoted);
    const refused = await api("POST", keys(`/${api_key.id}/roll`, crew.orgId), { token: crew.admin.token });
    expectFailure(refused, 403, "forbidden");
    expect(refused.body.message).toBe("Only admins and owners can roll keys with the admin scope.");
    const minted = await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE organization_id = ?")
      .bind(crew.orgId)
      .first<{ n: number }>();
    expect(minted?.n).toBe(1);
  });

  it("the replacement is shown once: no later answer holds it", async () => {
    const { api_key } = await mintKey(t.owner, t.orgId);
    const rolled = expectOk(await roll(api_key.id, t.owner), 201);
    expectNoSecret(await api("GET", keys(`/${rolled.api_key.id}`), { token: t.owner.token }), rolled.key);
    expectNoSecret(await api("GET", keys("?limit=100"), { token: t.owner.token }), rolled.key);
    expectNoSecret(await api("GET", `/api/organizations/${t.orgId}/audit-logs?limit=100`, { token: t.owner.token }), rolled.key);
    const row = await env.DB.prepare("SELECT key_hash FROM api_keys WHERE id = ?").bind(rolled.api_key.id).first<{ key_hash: string }>();
    expect(row?.key_hash).toBe(await sha256Hex(rolled.key));
  });
});

describe("minting while losing the role", { timeout: 60_000 }, () => {
  /** The keys `userId` created in `orgId` that still work: neither revoked nor expired. */
  const liveKeysOf = async (orgId: string, userId: string) =>
    (
      await env.DB.prepare(
        "SELECT id FROM api_keys WHERE organization_id = ? AND created_by = ? AND (revoked_at IS NULL OR revoked_at > ?) AND expires_at > ?",
      )
        .bind(orgId, userId, Date.now(), Date.now())
        .all<{ id: string }>()
    ).results;

  const remove = (orgId: string, who: Account, owner: Account) =>
    api("DELETE", `/api/organizations/${orgId}/members/${who.userId}`, { token: owner.token });
  const demote = (orgId: string, who: Account, owner: Account) =>
    api("PUT", `/api/organizations/${orgId}/members/${who.userId}`, { token: owner.token, body: { role: "member" } });

  it.each([
    ["a member's write keys, while they are removed", "member", ["write"], remove, 404],
    ["an admin's admin keys, while they are demoted to member", "admin", ["admin"], demote, 403],
  ] as const)("%s: each is refused or revoked, none works afterwards", async (_label, role, scopes, change, refusal) => {
    for (let round = 0; round < 3; round++) {
      const [owner, minter] = await Promise.all([signUp(), signUp()]);
      const orgId = await createOrg(owner);
      await addMember(owner, orgId, minter, role);
      // The change is sent among the mints, so some pass the role check before it commits and
      // reach their insert after it: those are what the change's revocation cannot see.
      const calls: Promise<ApiResult>[] = [];
      for (let i = 0; i < 20; i++) {
        if (i === 10) calls.push(change(orgId, minter, owner));
        calls.push(api("POST", keys("", orgId), { token: minter.token, body: { name: `race ${i}`, scopes } }));
      }
      const results = await Promise.all(calls);
      expect(results[10]?.status).toBe(200);
      for (const res of results.filter((_, i) => i !== 10)) expect([201, refusal]).toContain(res.status);
      expect(await liveKeysOf(orgId, minter.userId)).toEqual([]);
      // The edge reads revocations from KV: every key that was minted has its marker too.
      for (const res of results.filter((r) => r.status === 201)) {
        const { api_key } = (res as ApiResult<{ data: { api_key: { id: string } } }>).body.data;
        expect(await env.DIRECTORY.get(`v1:revoked:${api_key.id}`)).not.toBeNull();
      }
    }
  });
});

describe("instance allow-lists", () => {
  it("an empty instance_ids list is refused (400), not widened into an organization-wide key", async () => {
    const name = `empty-list-${crypto.randomUUID()}`;
    const res = await api("POST", keys(), { token: t.owner.token, body: { name, scopes: ["write"], instance_ids: [] } });
    expect(expectFailure(res, 400, "invalid_request").map((i) => i.path)).toEqual(["instance_ids"]);
    expect(await env.DB.prepare("SELECT id FROM api_keys WHERE name = ?").bind(name).first()).toBeNull();
  });

  it("a listed instance ends up in the key's instances claim", async () => {
    const instance = await createInstance(t.owner, t.orgId);
    const { key, api_key } = await mintKey(t.owner, t.orgId, { instance_ids: [instance.id] });
    const claims = JSON.parse(atob((key.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/")));
    expect(claims.instances).toEqual([instance.id]);
    expect(api_key.instance_ids).toEqual([instance.id]);
  });
});

describe("cross-tenant access", () => {
  let victim: { key: string; api_key: { id: string } };
  beforeAll(async () => {
    victim = await mintKey(t.owner, t.orgId, { name: "Victim key" });
  });

  it("an outsider gets 404 for every key route of another organization", async () => {
    const token = t.outsider.token;
    const results = [
      await api("GET", keys(), { token }),
      await api("POST", keys(), { token, body: { name: "Intruder", scopes: ["admin"] } }),
      await api("GET", keys(`/${victim.api_key.id}`), { token }),
      await api("PUT", keys(`/${victim.api_key.id}`), { token, body: { name: "Hijacked" } }),
      await api("DELETE", keys(`/${victim.api_key.id}`), { token }),
      await api("POST", keys(`/${victim.api_key.id}/roll`), { token }),
      await api("POST", keys("/identify"), { token, body: { key: victim.key } }),
    ];
    for (const res of results) expectFailure(res, 404, "not_found");
    await expectNotRevoked(victim.api_key.id);
  });

  it("another organization's key id under the outsider's own organization is 404, like a missing id", async () => {
    const token = t.outsider.token;
    const own = <const S extends string>(path: S) => keys(path, t.outsiderOrgId);
    const foreign = await api("GET", own(`/${victim.api_key.id}`), { token });
    const missing = await api("GET", own("/key_00000000000000000000"), { token });
    expectFailure(foreign, 404, "not_found");
    expectFailure(missing, 404, "not_found");
    expect(foreign.body.message).toBe(missing.body.message);
    expectFailure(await api("PUT", own(`/${victim.api_key.id}`), { token, body: { name: "Hijacked" } }), 404, "not_found");
    expectFailure(await api("DELETE", own(`/${victim.api_key.id}`), { token }), 404, "not_found");
    expectFailure(await api("POST", own(`/${victim.api_key.id}/roll`), { token }), 404, "not_found");
    // Holding another organization's key string does not make it findable from one's own.
    expectFailure(await api("POST", own("/identify"), { token, body: { key: victim.key } }), 404, "not_found");
    expect(expectOk(await api("GET", keys(`/${victim.api_key.id}`), { token: t.owner.token })).name).toBe("Victim key");
    await expectNotRevoked(victim.api_key.id);
    const listed = expectOk(await api("GET", keys("", t.outsiderOrgId), { token }));
    expect(listed.map((k) => k.id)).not.toContain(victim.api_key.id);
  });

  it("a key may not name another organization's instance (404), and nothing is minted", async () => {
    const foreignInstance = await createInstance(t.owner, t.orgId);
    const name = `cross-${crypto.randomUUID()}`;
    const res = await api("POST", keys("", t.outsiderOrgId), {
      token: t.outsider.token,
      body: { name, scopes: ["write"], instance_ids: [foreignInstance.id] },
    });
    expectFailure(res, 404, "not_found");
    expect(await env.DB.prepare("SELECT id FROM api_keys WHERE name = ?").bind(name).first()).toBeNull();
  });
});

describe("cookie sessions (CSRF)", () => {
  const cookie = (account: Account) => `rg_session=${account.token}`;

  it("refuses mint and revoke without the same Origin, and changes nothing", async () => {
    const name = `csrf-${crypto.randomUUID()}`;
    const noOrigin = await api("POST", keys(), { headers: { cookie: cookie(t.owner) }, body: { name, scopes: ["admin"] } });
    expectFailure(noOrigin, 403, "forbidden");
    expect(await env.DB.prepare("SELECT id FROM api_keys WHERE name = ?").bind(name).first()).toBeNull();
    const { api_key } = await mintKey(t.owner, t.orgId);
    const evil = { cookie: cookie(t.owner), origin: "https://evil.example" };
    expectFailure(await api("DELETE", keys(`/${api_key.id}`), { headers: evil }), 403, "forbidden");
    await expectNotRevoked(api_key.id);
  });

  it("accepts them with the same Origin and with Bearer", async () => {
    const same = { cookie: cookie(t.owner), origin: ORIGIN };
    const { api_key } = expectOk(await api("POST", keys(), { headers: same, body: { name: "Same origin", scopes: ["read"] } }), 201);
    expectOk(await api("DELETE", keys(`/${api_key.id}`), { headers: same }));
    expectOk(await api("POST", keys(), { token: t.owner.token, body: { name: "Bearer", scopes: ["read"] } }), 201);
  });
});

describe("GET /.well-known/jwks.json", () => {
  it("never contains a private part", async () => {
    const res = await api("GET", "/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.body.keys.length).toBeGreaterThan(0);
    for (const jwk of res.body.keys) {
      for (const field of ["d", "p", "q", "dp", "dq", "qi", "k", "active"]) expect(jwk).not.toHaveProperty(field);
      expect(Object.keys(jwk).every((f) => ["kty", "crv", "x", "y", "kid", "alg", "use"].includes(f))).toBe(true);
    }
    const secret = JSON.parse(env.API_KEY_SIGNING_KEYS)
      .keys.map((k: { d?: string }) => k.d)
      .filter(Boolean) as string[];
    expect(secret.length).toBeGreaterThan(0);
    for (const d of secret) expect(JSON.stringify(res.body)).not.toContain(d);
  });
});
