// API keys: mint (JWT signed by the active signing key; shown once), list, read, revoke. D1 keeps
// metadata and a SHA-256 of the key; revocation also writes the KV marker the edge checks.

import { type KeyRing, type Scope, signApiKey } from "../auth/api-key-token";
import { minterRoleFor } from "../auth/roles";
import { AppError } from "../errors";
import { sha256Hex } from "../lib/encoding";
import { newId } from "../lib/ids";
import { DAY_MS } from "../lib/time";
import { meterFor } from "../meter/client";
import { effectiveLimits, perSecond, type Rate, rateFrom } from "../meter/plans";
import {
  type ApiKeyFilter,
  type ApiKeyRow,
  assertApiKeyLiveStatement,
  assertLiveUserApiKeysAtMostStatement,
  findApiKey,
  findApiKeyByHash,
  findRevocation,
  insertApiKeyStatement,
  isLiveAt,
  isRevokedAt,
  listApiKeys,
  revokeApiKeyStatement,
  updateApiKeyStatement,
} from "../storage/api-keys";
import { isBatchGuardFailure } from "../storage/db";
import { syncRevocation } from "../storage/directory";
import { findInstanceIds } from "../storage/instances";
import type { OrganizationRow } from "../storage/organizations";
import { auditStatement } from "./audit";
import { type Page, parseCursor, type ServiceContext, toPage } from "./context";
import { revocations, writeMarkers } from "./directory-writes";
import { assertMinterStatement, recheckMinter, requireAdminForAdminScope, requireOwnKeyUnlessAdmin } from "./key-authority";
import type { OrgAccess } from "./organizations";
import { capReached, planCap } from "./plan-caps";

export const DEFAULT_KEY_LIFETIME_MS = 365 * DAY_MS;
export const MAX_KEY_LIFETIME_MS = 10 * 365 * DAY_MS + 3 * DAY_MS;

/** A key as the API shows it at `now`: a key retiring later has `retires_at`, and `revoked_at` once it passed. */
export function presentApiKey(row: ApiKeyRow, now: Date = new Date()) {
  const revoked = isRevokedAt(row, now);
  return {
    id: row.id,
    organization_id: row.organizationId,
    name: row.name,
    key_prefix: row.keyPrefix,
    scopes: row.scopes,
    instance_ids: row.instanceIds ?? null,
    kid: row.kid,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    expires_at: row.expiresAt.toISOString(),
    revoked_at: revoked ? (row.revokedAt?.toISOString() ?? null) : null,
    /** When a key kept for a while after a roll stops working by itself; null otherwise. */
    retires_at: revoked ? null : (row.revokedAt?.toISOString() ?? null),
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    rate_limit: row.rateLimitRequests !== null ? { requests: row.rateLimitRequests, window_seconds: row.rateLimitWindowSeconds } : null,
    /** "console" for the dashboard console's short-lived keys (never listed), else "user". */
    kind: row.kind,
    max_requests_per_day: row.maxRequestsPerDay,
    /** The id of the key this one was rolled from; null for a minted key. */
    replaces: row.replaces,
  };
}
export type PublicApiKey = ReturnType<typeof presentApiKey>;

export type IssueApiKeyInput = {
  name: string;
  scopes: Scope[];
  instance_ids?: string[] | undefined;
  expires_at?: string | undefined;
  rate_limit?: RateInput | null | undefined;
  max_requests_per_day?: number | null | undefined;
};

export type RateInput = { requests: number; window_seconds: 1 | 60 };

/** The JWT's `exp` has whole seconds; D1 and the API must name the same instant, not a later one. */
const wholeSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);

function resolveExpiry(expiresAt: string | undefined, now: Date): Date {
  if (expiresAt === undefined) return wholeSeconds(now.getTime() + DEFAULT_KEY_LIFETIME_MS);
  const at = wholeSeconds(Date.parse(expiresAt));
  const issues = (message: string) => new AppError("invalid_request", `expires_at ${message}.`, [{ path: "expires_at", message }]);
  if (at.getTime() < now.getTime() + 60_000) throw issues("must be at least a minute in the future");
  if (at.getTime() > now.getTime() + MAX_KEY_LIFETIME_MS) throw issues("must be at most ten years away");
  return at;
}

/**
 * Refuses a key limit above its organization's (422): a key's rate never exceeds the organization's,
 * and its own daily quota is a share of the organization's, not more.
 */
function checkKeyLimits(org: OrganizationRow, rate: Rate | null, quota: number | null | undefined) {
  const limits = effectiveLimits(org);
  if (rate && perSecond(rate) > perSecond(limits.rate)) {
    const top = limits.rate as { requests: number; windowSeconds: number };
    const message = `may not exceed the organization's ${top.requests} per ${top.windowSeconds} s`;
    throw new AppError("unprocessable_entity", `rate_limit ${message}.`, [{ path: "rate_limit", message }]);
  }
  if (quota != null && limits.maxRequestsPerDay !== null && quota > limits.maxRequestsPerDay) {
    const message = `may not exceed the organization's ${limits.maxRequestsPerDay}`;
    throw new AppError("unprocessable_entity", `max_requests_per_day ${message}.`, [{ path: "max_requests_per_day", message }]);
  }
}

/** A rate as the API takes it (absent or null: none). */
const rateOf = (input: RateInput | null | undefined): Rate | null => (input ? rateFrom(input.requests, input.window_seconds) : null);

/** Pushes a key's own limits to the organization's UsageMeter. */
async function pushKeyLimits(ctx: ServiceContext, row: ApiKeyRow): Promise<void> {
  await meterFor(ctx.meter, row.organizationId).setKeyLimits(row.id, {
    rate: rateFrom(row.rateLimitRequests, row.rateLimitWindowSeconds),
    maxRequestsPerDay: row.maxRequestsPerDay,
  });
}

export type MintedKeySpec = Pick<
  ApiKeyRow,
  "name" | "scopes" | "instanceIds" | "expiresAt" | "rateLimitRequests" | "rateLimitWindowSeconds" | "maxRequestsPerDay" | "kind"
> &
  Partial<Pick<ApiKeyRow, "replaces">>;

/**
 * Signs a key for the acting user in `orgId` and builds its row (only the key's SHA-256 is kept).
 * The one place keys are minted: the keys page and the console's short-lived keys both use it.
 */
export async function mintKey(
  ctx: ServiceContext,
  ring: KeyRing,
  orgId: string,
  spec: MintedKeySpec,
  now = new Date(),
): Promise<{ key: string; row: ApiKeyRow }> {
  const id = newId("key");
  const { key, kid } = await signApiKey(ring, {
    keyId: id,
    organizationId: orgId,
    userId: ctx.actor.userId,
    scopes: spec.scopes as Scope[],
    instanceIds: spec.instanceIds,
    issuedAt: now,
    expiresAt: spec.expiresAt,
    issuer: ctx.config.JWT_ISSUER,
    audience: ctx.config.JWT_AUDIENCE,
  });
  const row: ApiKeyRow = {
    replaces: null,
    ...spec,
    id,
    organizationId: orgId,
    keyPrefix: `rg_…${key.slice(-8)}`,
    keyHash: await sha256Hex(key),
    kid,
    createdBy: ctx.actor.userId,
    createdAt: now,
    revokedAt: null,
    lastUsedAt: null,
  };
  return { key, row };
}

/**
 * Mints a key. Members may mint read/write keys; the admin scope needs the admin role. Every
 * listed instance must belong to the organization (else 404, as for any foreign id).
 * @returns the metadata and the key string, which is never retrievable again.
 */
export async function issueApiKey(
  ctx: ServiceContext,
  access: OrgAccess,
  ring: KeyRing,
  input: IssueApiKeyInput,
): Promise<{ apiKey: PublicApiKey; key: string }> {
  const orgId = access.organization.id;
  requireAdminForAdminScope(access, input.scopes, "mint");
  checkKeyLimits(access.organization, rateOf(input.rate_limit), input.max_requests_per_day);
  // The plan's cap is checked by the batch that stores the key: nothing before it is costly.
  const cap = planCap(access.organization, "api_keys");
  const instanceIds = input.instance_ids?.length ? [...new Set(input.instance_ids)] : null;
  if (instanceIds) {
    const found = await findInstanceIds(ctx.db, orgId, instanceIds);
    const missing = instanceIds.find((id) => !found.has(id));
    if (missing) throw new AppError("not_found", `Redis instance ${missing} not found.`);
  }
  const now = new Date();
  const expiresAt = resolveExpiry(input.expires_at, now);
  const scopes = [...new Set(input.scopes)];
  const { key, row } = await mintKey(
    ctx,
    ring,
    orgId,
    {
      name: input.name,
      scopes,
      instanceIds,
      expiresAt,
      rateLimitRequests: input.rate_limit?.requests ?? null,
      rateLimitWindowSeconds: input.rate_limit?.window_seconds ?? null,
      maxRequestsPerDay: input.max_requests_per_day ?? null,
      kind: "user",
    },
    now,
  );
  const { id, kid } = row;
  await ctx.db
    .batch([
      insertApiKeyStatement(ctx.db, row),
      ...(cap !== null ? [assertLiveUserApiKeysAtMostStatement(ctx.db, orgId, cap, now)] : []),
      assertMinterStatement(ctx, orgId, minterRoleFor(scopes)),
      auditStatement(ctx, orgId, {
        action: "api_key.create",
        resourceType: "api_key",
        resourceId: id,
        metadata: {
          name: row.name,
          scopes,
          instance_ids: instanceIds,
          expires_at: expiresAt.toISOString(),
          kid,
          rate_limit: input.rate_limit ?? null,
          max_requests_per_day: row.maxRequestsPerDay,
        },
      }),
    ])
    .catch(async (error: unknown) => {
      if (!isBatchGuardFailure(error)) throw error;
      // Either guard: the minter's role (removed or demoted meanwhile) or the plan's cap.
      await recheckMinter(ctx, orgId, scopes, "mint");
      throw cap !== null ? capReached(access.organization, "api_keys", cap) : error;
    });
  if (input.rate_limit || input.max_requests_per_day) await pushKeyLimits(ctx, row);
  return { apiKey: presentApiKey(row), key };
}

/**
 * Rolls a key: one batch mints its replacement (same name, scopes, instances and limits, and a
 * lifetime as long as the old key's, from now) and revokes the old key, so the organization holds as
 * many live keys as before and a roll works at the plan's cap. With `keepOld` the old key stays live
 * until someone revokes it, with `retireOldInSeconds` until then (never past its expiry), for a
 * switch-over without a gap; either needs a free place under the cap.
 * Members may roll only keys they created; a key with the admin scope needs the admin role, as
 * minting one does.
 * @throws not_found for an unknown, foreign or console key; conflict for a revoked or expired one
 *   (also when a concurrent roll or revoke won), or at the cap when the old key is kept.
 */
export async function rollApiKey(
  ctx: ServiceContext,
  access: OrgAccess,
  ring: KeyRing,
  id: string,
  options: RollOptions = {},
): Promise<{ apiKey: PublicApiKey; key: string; replaced: PublicApiKey }> {
  const orgId = access.organization.id;
  const old = await getApiKey(ctx, access, id);
  if (old.kind !== "user") throw new AppError("not_found", "API key not found.");
  requireOwnKeyUnlessAdmin(ctx, access, old, "roll");
  requireAdminForAdminScope(access, old.scopes, "roll");
  const now = new Date();
  if (!isLiveAt(old, now)) throw spentKey(old, now);
  // The organization's limits may have been lowered since: a replacement is held to today's.
  checkKeyLimits(access.organization, rateFrom(old.rateLimitRequests, old.rateLimitWindowSeconds), old.maxRequestsPerDay);
  // When the old key stops: never by itself (keepOld), at a later instant (retiring; no later than
  // its own expiry, so it never claims a life it does not have), or now.
  const retireAt = Math.min(now.getTime() + (options.retireOldInSeconds ?? 0) * 1000, old.expiresAt.getTime());
  const oldRevokedAt = options.keepOld ? null : new Date(retireAt);
  // While both keys work the organization holds one more: that needs room under the cap.
  const cap = oldRevokedAt === null || oldRevokedAt > now ? planCap(access.organization, "api_keys") : null;
  const lifetime = Math.min(old.expiresAt.getTime() - old.createdAt.getTime(), MAX_KEY_LIFETIME_MS);
  const expiresAt = wholeSeconds(now.getTime() + Math.max(lifetime, 60_000));
  const { key, row } = await mintKey(
    ctx,
    ring,
    orgId,
    {
      name: old.name,
      scopes: old.scopes,
      instanceIds: old.instanceIds,
      expiresAt,
      rateLimitRequests: old.rateLimitRequests,
      rateLimitWindowSeconds: old.rateLimitWindowSeconds,
      maxRequestsPerDay: old.maxRequestsPerDay,
      kind: "user",
      replaces: id,
    },
    now,
  );
  await ctx.db
    .batch([
      // First: a concurrent roll or revoke that got there before fails this whole batch.
      assertApiKeyLiveStatement(ctx.db, orgId, id, now),
      // A retiring key that would stop sooner keeps its instant (a roll never extends a key's life).
      ...(oldRevokedAt ? [revokeApiKeyStatement(ctx.db, orgId, id, oldRevokedAt)] : []),
      insertApiKeyStatement(ctx.db, row),
      ...(cap !== null ? [assertLiveUserApiKeysAtMostStatement(ctx.db, orgId, cap, now)] : []),
      assertMinterStatement(ctx, orgId, minterRoleFor(old.scopes)),
      auditStatement(ctx, orgId, {
        action: "api_key.roll",
        resourceType: "api_key",
        resourceId: row.id,
        metadata: {
          name: row.name,
          replaced: id,
          old_revoked_at: oldRevokedAt?.toISOString() ?? null,
          expires_at: expiresAt.toISOString(),
          kid: row.kid,
        },
      }),
    ])
    .catch(async (error: unknown) => {
      if (!isBatchGuardFailure(error)) throw error;
      await recheckMinter(ctx, orgId, old.scopes, "roll");
      const current = await getApiKey(ctx, access, id);
      if (!isLiveAt(current, now) || cap === null) throw spentKey(current, now);
      throw capReached(access.organization, "api_keys", cap);
    });
  const replaced = (await findApiKey(ctx.db, orgId, id)) ?? old;
  // Its marker may retire it later: a revoke landing meanwhile must not be overwritten by it.
  if (replaced.revokedAt) {
    const first = { revokedAt: replaced.revokedAt, expiresAt: old.expiresAt };
    await syncRevocation(ctx.kv, id, first, () => findRevocation(ctx.db, orgId, id));
  }
  if (row.rateLimitRequests !== null || row.maxRequestsPerDay !== null) await pushKeyLimits(ctx, row);
  return { apiKey: presentApiKey(row, now), key, replaced: presentApiKey(replaced, now) };
}

export type RollOptions = {
  /** Leave the old key live until someone revokes it. */
  keepOld?: boolean;
  /** Leave the old key live for this long, then it stops by itself (absent or 0: revoke it now). */
  retireOldInSeconds?: number;
};

/** 409 for rolling a key that is revoked or expired (nothing to replace: mint a new one). */
function spentKey(row: ApiKeyRow, now: Date): AppError {
  return new AppError("conflict", `API key ${row.id} is ${isRevokedAt(row, now) ? "revoked" : "expired"}; mint a new key instead.`);
}

export async function getApiKey(ctx: ServiceContext, access: OrgAccess, id: string): Promise<ApiKeyRow> {
  const row = await findApiKey(ctx.db, access.organization.id, id);
  if (!row) throw new AppError("not_found", "API key not found.");
  return row;
}

export async function listOrganizationApiKeys(
  ctx: ServiceContext,
  access: OrgAccess,
  limit: number,
  cursor?: string,
  filter: Pick<ApiKeyFilter, "revoked" | "search"> = {},
): Promise<Page<PublicApiKey>> {
  // Console keys are the dashboard's own five-minute keys: they are audited, not listed.
  const rows = await listApiKeys(ctx.db, access.organization.id, limit + 1, parseCursor(cursor), { ...filter, kind: "user" });
  const now = new Date();
  return toPage(rows, limit, (row) => presentApiKey(row, now));
}

/**
 * Which of the organization's keys a key string is (one found in a log, say): matched by its
 * SHA-256, as D1 keeps it. Any role may ask; the caller holds the key already.
 * @throws not_found when it is no key of this organization (nor a console key).
 */
export async function identifyApiKey(ctx: ServiceContext, access: OrgAccess, key: string): Promise<PublicApiKey> {
  const row = await findApiKeyByHash(ctx.db, access.organization.id, await sha256Hex(key));
  if (row?.kind !== "user") throw new AppError("not_found", "No API key of this organization matches that key.");
  return presentApiKey(row);
}

/**
 * Revokes a key: `revoked_at` in D1, then the KV marker the edge reads. Members may revoke only
 * keys they created. Revoking an already revoked key is a no-op that returns it unchanged; a key
 * retiring later is revoked now.
 */
export async function revokeApiKey(ctx: ServiceContext, access: OrgAccess, id: string): Promise<PublicApiKey> {
  const orgId = access.organization.id;
  const row = await getApiKey(ctx, access, id);
  requireOwnKeyUnlessAdmin(ctx, access, row, "revoke");
  const now = new Date();
  if (isRevokedAt(row, now)) return presentApiKey(row, now);
  await ctx.db.batch([
    revokeApiKeyStatement(ctx.db, orgId, id, now),
    auditStatement(ctx, orgId, { action: "api_key.revoke", resourceType: "api_key", resourceId: id, metadata: { name: row.name } }),
  ]);
  // Through the outbox when KV fails now: D1 already says revoked, and a retry would be a no-op.
  await writeMarkers(ctx, revocations([{ id, organizationId: orgId, expiresAt: row.expiresAt }], now));
  return presentApiKey({ ...row, revokedAt: now }, now);
}

/**
 * Renames a key or changes its own rate limit (null: back to the organization's default). Scopes,
 * instances and expiry live in the signed key and cannot change: mint a new key instead.
 */
export async function updateApiKey(
  ctx: ServiceContext,
  access: OrgAccess,
  id: string,
  input: { name?: string | undefined; rate_limit?: RateInput | null | undefined; max_requests_per_day?: number | null | undefined },
): Promise<PublicApiKey> {
  const orgId = access.organization.id;
  const row = await getApiKey(ctx, access, id);
  requireOwnKeyUnlessAdmin(ctx, access, row, "change");
  checkKeyLimits(access.organization, rateOf(input.rate_limit), input.max_requests_per_day);
  const limitsChange = input.rate_limit !== undefined || input.max_requests_per_day !== undefined;
  const next: ApiKeyRow = {
    ...row,
    name: input.name ?? row.name,
    rateLimitRequests: input.rate_limit === undefined ? row.rateLimitRequests : (input.rate_limit?.requests ?? null),
    rateLimitWindowSeconds: input.rate_limit === undefined ? row.rateLimitWindowSeconds : (input.rate_limit?.window_seconds ?? null),
    maxRequestsPerDay: input.max_requests_per_day === undefined ? row.maxRequestsPerDay : input.max_requests_per_day,
  };
  await ctx.db.batch([
    updateApiKeyStatement(ctx.db, orgId, id, {
      name: next.name,
      rateLimitRequests: next.rateLimitRequests,
      rateLimitWindowSeconds: next.rateLimitWindowSeconds,
      maxRequestsPerDay: next.maxRequestsPerDay,
    }),
    auditStatement(ctx, orgId, {
      action: limitsChange ? "api_key.limits_update" : "api_key.update",
      resourceType: "api_key",
      resourceId: id,
      metadata: { ...input },
    }),
  ]);
  if (limitsChange) await pushKeyLimits(ctx, next);
  return presentApiKey(next);
}
