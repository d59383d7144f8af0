// The edge's in-memory gate: verifies API keys (jose, pinned), checks revocation and resolves
// instances from the KV directory, each behind a bounded isolate cache. Never touches D1.
import { type ApiKeyClaims, loadKeyRing, type VerifyFailure, verifyApiKey } from "../auth/api-key-token";
import { type Config, effectiveLimits, type WorkLimits } from "../env";
import { TtlCache } from "../lib/ttl-cache";
import { getInstanceRecord, type InstanceRecord, revokedFrom } from "../storage/directory";
import { openTarget } from "../upstream/credentials";
import type { DriverRuntime, SealedTarget, UpstreamDriver } from "../upstream/driver";
import { createDriver } from "../upstream/table";

/** Cache windows of DESIGN.md §2. */
export const CLAIMS_WINDOW_MS = 60_000;
export const REVOCATION_WINDOW_MS = 10_000;
export const INSTANCE_WINDOW_MS = 10_000;

/** An instance as the edge uses it: its record, its effective work limits and a driver. */
export type ResolvedInstance = { record: InstanceRecord; limits: WorkLimits; driver: UpstreamDriver };

export type GateOptions = { now: () => number; maxEntries?: number };

export class EdgeGate {
  private readonly claims: TtlCache<string, ApiKeyClaims>;
  /** When each key is refused from (ms), or null: a retiring key's instant is compared on every request. */
  private readonly revoked: TtlCache<string, number | null>;
  private readonly instances: TtlCache<string, ResolvedInstance | null>;

  constructor(private readonly options: GateOptions) {
    const max = options.maxEntries ?? 10_000;
    this.claims = new TtlCache(max, options.now);
    this.revoked = new TtlCache(max, options.now);
    this.instances = new TtlCache(Math.min(max, 2_000), options.now);
  }

  /** Verified claims for a key string; only verified tokens are cached, until min(exp, window). */
  async verify(
    config: Config,
    secretText: string,
    token: string,
  ): Promise<{ ok: true; claims: ApiKeyClaims } | { ok: false; reason: VerifyFailure }> {
    const cached = this.claims.get(token);
    if (cached) return { ok: true, claims: cached };
    const ring = await loadKeyRing(config.API_KEY_SIGNING_KEYS.keys, secretText);
    const now = this.options.now();
    const result = await verifyApiKey(ring, token, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, now: new Date(now) });
    if (result.ok) this.claims.set(token, result.claims, Math.min(result.claims.exp * 1000 - now, CLAIMS_WINDOW_MS));
    return result;
  }

  /** Whether the key is revoked now; its marker (or its absence) is cached for the revocation window. */
  async isRevoked(kv: KVNamespace, keyId: string): Promise<boolean> {
    let from = this.revoked.get(keyId);
    if (from === undefined) {
      from = await revokedFrom(kv, keyId);
      this.revoked.set(keyId, from, REVOCATION_WINDOW_MS);
    }
    return from !== null && from <= this.options.now();
  }

  /** The instance and a driver for it, or null when unknown (negative answers are cached too). */
  async instance(kv: KVNamespace, config: Config, pools: DriverRuntime["pools"], id: string): Promise<ResolvedInstance | null> {
    const cached = this.instances.get(id);
    if (cached !== undefined) return cached;
    const record = await getInstanceRecord(kv, id, (detail) => console.error(JSON.stringify({ level: "error", message: detail })));
    const resolved = record ? await resolve(record, config, pools) : null;
    this.instances.set(id, resolved, INSTANCE_WINDOW_MS);
    return resolved;
  }
}

async function resolve(record: InstanceRecord, config: Config, pools: DriverRuntime["pools"]): Promise<ResolvedInstance> {
  const limits = effectiveLimits(config, record);
  const target = sealedTarget(record, config, limits);
  const runtime: DriverRuntime = { pools, openTarget: (t) => openTarget(config.ENCRYPTION_KEY, t) };
  return { record, limits, driver: await createDriver(record.driver, target, runtime) };
}

/** What a driver (and a pool object, over RPC) is given for an instance: credentials still sealed. */
export function sealedTarget(record: InstanceRecord, config: Config, limits: WorkLimits = effectiveLimits(config, record)): SealedTarget {
  return {
    instanceId: record.id,
    endpoint: record.endpoint,
    sealedCredentials: record.credentials,
    transport: record.transport,
    region: record.region,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    heartbeatMs: config.SSE_HEARTBEAT_MS,
    maxReplyBytes: limits.max_reply_bytes,
    maxReplyElements: limits.max_reply_elements,
  };
}
