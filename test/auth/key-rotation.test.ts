// Signing-key rotation: add a key (new API keys use it, old ones keep working), retire the old one
// (its keys are refused), and an explicitly active key wins. Each stage is a real env of the Worker.
import { env } from "cloudflare:workers";
import { decodeProtectedHeader, exportJWK, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { tenant } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";

type Tenant = Awaited<ReturnType<typeof tenant>>;
let t: Tenant;

async function newJwk(kid: string, alg: "EdDSA" | "ES256" = "EdDSA") {
  const { privateKey } = await generateKeyPair(alg, { crv: alg === "EdDSA" ? "Ed25519" : "P-256", extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg };
}

function stage(keys: object[]) {
  return clockedApp(Date.now(), { ...env, API_KEY_SIGNING_KEYS: JSON.stringify({ keys }) });
}

async function mint(app: ReturnType<typeof stage>) {
  const res = await app.fetch(`/api/organizations/${t.orgId}/api-keys`, {
    method: "POST",
    token: t.account.token,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "rotation", scopes: ["read"] }),
  });
  expect(res.status).toBe(201);
  const key = ((await res.json()) as { data: { key: string } }).data.key;
  return { key, kid: decodeProtectedHeader(key.slice(3)).kid };
}

beforeAll(async () => {
  t = await tenant();
});

describe("rotating the signing key", () => {
  it("adds, switches and retires keys without breaking the keys that should live", async () => {
    const [k1, k2] = await Promise.all([newJwk("rot-1"), newJwk("rot-2")]);

    const before = stage([k1]);
    const old = await mint(before);
    expect(old.kid).toBe("rot-1");

    const both = stage([k1, k2]);
    const fresh = await mint(both);
    expect(fresh.kid).toBe("rot-2"); // the newest key signs
    expect((await both.redis(t.instance.id, old.key, ["PING"])).status).toBe(200); // old keys still verify
    expect((await both.redis(t.instance.id, fresh.key, ["PING"])).status).toBe(200);
    const jwks = (await (await both.fetch("/.well-known/jwks.json")).json()) as { keys: { kid: string; d?: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual(["rot-1", "rot-2"]);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);

    const retired = stage([k2]);
    expect(await retired.redis(t.instance.id, old.key, ["PING"])).toMatchObject({
      status: 401,
      body: { error: "WRONGPASS invalid or missing auth token" },
    });
    expect((await retired.redis(t.instance.id, fresh.key, ["PING"])).status).toBe(200);

    const pinned = stage([{ ...k1, active: true }, k2]);
    expect((await mint(pinned)).kid).toBe("rot-1"); // "active": true beats "newest"
  });

  it("signs and verifies with an ES256 (P-256) key beside an Ed25519 one, and publishes both", async () => {
    const [ed, ec] = await Promise.all([newJwk("rot-ed"), newJwk("rot-ec", "ES256")]);
    const old = await mint(stage([ed]));
    const both = stage([ed, ec]);
    const fresh = await mint(both);
    expect(fresh.kid).toBe("rot-ec");
    expect(decodeProtectedHeader(fresh.key.slice(3)).alg).toBe("ES256");
    expect((await both.redis(t.instance.id, fresh.key, ["PING"])).status).toBe(200);
    expect((await both.redis(t.instance.id, old.key, ["PING"])).status).toBe(200);
    const jwks = (await (await both.fetch("/.well-known/jwks.json")).json()) as { keys: { kid: string; alg: string; d?: string }[] };
    expect(jwks.keys.map((k) => [k.kid, k.alg])).toEqual([
      ["rot-ed", "EdDSA"],
      ["rot-ec", "ES256"],
    ]);
    // Retiring the Ed25519 key leaves the ES256 keys working alone.
    const retired = stage([ec]);
    expect((await retired.redis(t.instance.id, fresh.key, ["PING"])).status).toBe(200);
    expect((await retired.redis(t.instance.id, old.key, ["PING"])).status).toBe(401);
  });

  it("refuses a signing-key set it cannot use, loudly", async () => {
    const broken = stage([{ kty: "OKP", crv: "Ed25519", x: "abc", kid: "public-only", alg: "EdDSA" }]);
    const res = await broken.fetch("/health");
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe("internal_error");
  });
});
