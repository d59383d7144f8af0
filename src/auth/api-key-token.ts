// API keys are JWTs signed by the Worker (DESIGN.md §4): `rg_<jwt>`. This module signs and
// verifies them with jose; it knows nothing of D1, KV or HTTP. Verification pins algorithms,
// issuer, audience and kid, and returns a tagged result instead of throwing.
import { errors, importJWK, type JWK, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { SigningJwk } from "../env";

export const API_KEY_PREFIX = "rg_";
export const SCOPES = ["read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];
const ALGORITHMS = ["EdDSA", "ES256"] as const;

export const ApiKeyClaimsSchema = z.object({
  sub: z.string().regex(/^key_[a-z0-9]{20}$/),
  org: z.string().regex(/^org_[a-z0-9]{20}$/),
  uid: z.string().regex(/^usr_[a-z0-9]{20}$/),
  scopes: z.array(z.enum(SCOPES)).min(1),
  instances: z.array(z.string().regex(/^rdb_[a-z0-9]{20}$/)).optional(),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type ApiKeyClaims = z.infer<typeof ApiKeyClaimsSchema>;

type VerifyingKey = { alg: (typeof ALGORITHMS)[number]; key: CryptoKey };

export type KeyRing = {
  signer: { kid: string; alg: (typeof ALGORITHMS)[number]; key: CryptoKey };
  verifiers: Map<string, VerifyingKey>;
  /** Public parts only, for /.well-known/jwks.json. */
  publicJwks: JWK[];
};

function publicPart(jwk: SigningJwk): JWK {
  const { kty, crv, x, y, kid, alg } = jwk;
  return { kty, crv, x, ...(y ? { y } : {}), kid, alg, use: "sig" };
}

const rings = new Map<string, Promise<KeyRing>>();

/**
 * Imports a signing key set once per isolate (cached by the secret's text). The key marked
 * `active` signs; otherwise the last key holding a private part does. Every key verifies.
 */
export function loadKeyRing(keys: SigningJwk[], cacheKey: string): Promise<KeyRing> {
  let ring = rings.get(cacheKey);
  if (!ring) {
    ring = buildKeyRing(keys);
    rings.set(cacheKey, ring);
    if (rings.size > 8) rings.delete(rings.keys().next().value as string);
  }
  return ring;
}

async function buildKeyRing(keys: SigningJwk[]): Promise<KeyRing> {
  const verifiers = new Map<string, VerifyingKey>();
  for (const jwk of keys) {
    verifiers.set(jwk.kid, { alg: jwk.alg, key: (await importJWK(publicPart(jwk), jwk.alg)) as CryptoKey });
  }
  const active = keys.find((k) => k.active) ?? keys.filter((k) => k.d !== undefined).at(-1);
  if (!active?.d) throw new Error("API_KEY_SIGNING_KEYS: the active key has no private part (d)");
  const { active: _flag, ...privateJwk } = active;
  const key = (await importJWK(privateJwk as JWK, active.alg)) as CryptoKey;
  return { signer: { kid: active.kid, alg: active.alg, key }, verifiers, publicJwks: keys.map(publicPart) };
}

export type SignInput = {
  keyId: string;
  organizationId: string;
  userId: string;
  scopes: Scope[];
  instanceIds?: string[] | null;
  issuedAt: Date;
  expiresAt: Date;
  issuer: string;
  audience: string;
};

/** Signs a new API key; returns the full `rg_`-prefixed key string and the kid used. */
export async function signApiKey(ring: KeyRing, input: SignInput): Promise<{ key: string; kid: string }> {
  const jwt = await new SignJWT({
    org: input.organizationId,
    uid: input.userId,
    scopes: input.scopes,
    ...(input.instanceIds?.length ? { instances: input.instanceIds } : {}),
  })
    .setProtectedHeader({ alg: ring.signer.alg, kid: ring.signer.kid, typ: "JWT" })
    .setSubject(input.keyId)
    .setIssuer(input.issuer)
    .setAudience(input.audience)
    .setIssuedAt(Math.floor(input.issuedAt.getTime() / 1000))
    .setExpirationTime(Math.floor(input.expiresAt.getTime() / 1000))
    .sign(ring.signer.key);
  return { key: `${API_KEY_PREFIX}${jwt}`, kid: ring.signer.kid };
}

export type VerifyFailure =
  | "missing_prefix"
  | "malformed"
  | "unknown_kid"
  | "bad_algorithm"
  | "bad_signature"
  | "expired"
  | "not_yet_valid"
  | "bad_claims";

export type VerifyResult = { ok: true; claims: ApiKeyClaims } | { ok: false; reason: VerifyFailure };

/**
 * Verifies an `rg_` key: signature by the key its `kid` names, with that key's algorithm only;
 * issuer, audience, exp/nbf; then the claim shapes. Never throws for a bad token.
 */
export async function verifyApiKey(
  ring: KeyRing,
  token: string,
  expect: { issuer: string; audience: string; now?: Date },
): Promise<VerifyResult> {
  if (!token.startsWith(API_KEY_PREFIX)) return { ok: false, reason: "missing_prefix" };
  let unknownKid = false;
  try {
    const { payload } = await jwtVerify(
      token.slice(API_KEY_PREFIX.length),
      (header) => {
        const entry = header.kid ? ring.verifiers.get(header.kid) : undefined;
        if (!entry) {
          unknownKid = true;
          throw new Error("unknown kid");
        }
        if (header.alg !== entry.alg) throw new errors.JOSEAlgNotAllowed("alg does not match the key");
        return entry.key;
      },
      {
        algorithms: [...ALGORITHMS],
        issuer: expect.issuer,
        audience: expect.audience,
        requiredClaims: ["sub", "exp", "iat"],
        currentDate: expect.now,
      },
    );
    const claims = ApiKeyClaimsSchema.safeParse(payload);
    return claims.success ? { ok: true, claims: claims.data } : { ok: false, reason: "bad_claims" };
  } catch (error) {
    return { ok: false, reason: unknownKid ? "unknown_kid" : classify(error) };
  }
}

function classify(error: unknown): VerifyFailure {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed)
    return error.claim === "nbf" || error.claim === "iat" ? "not_yet_valid" : "bad_claims";
  if (error instanceof errors.JOSEAlgNotAllowed) return "bad_algorithm";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "bad_signature";
  return "malformed";
}
