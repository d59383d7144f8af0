// Organizations: create (creator becomes owner), list, read, update, delete (owner only; with
// ?force, cascades to instances and keys and clears their KV records).

import { hasRole, type Role } from "../auth/roles";
import { AppError } from "../errors";
import { describeErrorForLog } from "../lib/error-for-log";
import { newId } from "../lib/ids";
import { meterFor } from "../meter/client";
import { ceilingLimits, effectiveLimits, type Limits, perSecond, rateFrom } from "../meter/plans";
import { listLiveApiKeys, revokeAllApiKeysStatement } from "../storage/api-keys";
import { isUniqueViolation } from "../storage/db";
import { instanceDeletionWrite } from "../storage/directory-outbox";
import { listAllInstances } from "../storage/instances";
import { updateOwnerLimitsStatement } from "../storage/organization-limits";
import {
  deleteOrganizationStatement,
  findOrganizationForMember,
  insertOrganizationStatements,
  listOrganizationsForUser,
  type OrganizationRow,
  updateOrganizationStatement,
} from "../storage/organizations";
import { auditStatement } from "./audit";
import type { Page, ServiceContext } from "./context";
import { revocations, writeMarkers } from "./directory-writes";
import { countHoldings, presentCaps } from "./plan-caps";

const presentLimits = (limits: Limits) => ({
  max_requests_per_day: limits.maxRequestsPerDay,
  rate_limit: limits.rate ? { requests: limits.rate.requests, window_seconds: limits.rate.windowSeconds } : null,
});

export function presentOrganization(org: OrganizationRow, role: Role) {
  return {
    id: org.id,
    name: org.name,
    slug: org.slug,
    description: org.description,
    plan: org.plan,
    /** What applies: the plan's limits (as the operator set them), lowered by the owners' own. */
    limits: presentLimits(effectiveLimits(org)),
    /** The most owners may set: only an operator raises it. */
    plan_limits: presentLimits(ceilingLimits(org)),
    /** How many instances and live API keys the plan lets the organization hold (null: no cap). */
    caps: presentCaps(org),
    suspended: org.suspendedAt !== null,
    /** Viewers may read data in the dashboard's console (off by default). */
    viewer_data_access: org.viewerDataAccess,
    role,
    created_at: org.createdAt.toISOString(),
    updated_at: org.updatedAt.toISOString(),
  };
}
/** An organization as its members read it alone: with what it holds against its caps. */
export async function readOrganization(ctx: ServiceContext, access: OrgAccess) {
  const held = await countHoldings(ctx.db, access.organization.id, new Date());
  return { ...presentOrganization(access.organization, access.role), held };
}

export type PublicOrganization = ReturnType<typeof presentOrganization>;
export type OrganizationDetail = Awaited<ReturnType<typeof readOrganization>>;

export type OrgAccess = { organization: OrganizationRow; role: Role };

function slugConflict(error: unknown): never {
  if (isUniqueViolation(error)) {
    throw new AppError("conflict", "An organization with this slug already exists.", [{ path: "slug", message: "already in use" }]);
  }
  throw error;
}

/**
 * Loads the organization as seen by the acting user, enforcing a minimum role.
 * @throws AppError not_found when it does not exist or the user is not a member (no id oracle);
 *   forbidden when the user's role is below `minimum`.
 */
export async function requireOrgAccess(ctx: ServiceContext, orgId: string, minimum: Role): Promise<OrgAccess> {
  const found = await findOrganizationForMember(ctx.db, orgId, ctx.actor.userId);
  if (!found) throw new AppError("not_found", "Organization not found.");
  if (!hasRole(found.role, minimum)) {
    throw new AppError("forbidden", `This action needs the ${minimum} role or higher; you are ${found.role}.`);
  }
  return found;
}

export async function createOrganization(
  ctx: ServiceContext,
  input: { name: string; slug: string; description?: string | undefined },
): Promise<PublicOrganization> {
  const now = new Date();
  const org: OrganizationRow = {
    id: newId("org"),
    name: input.name,
    slug: input.slug,
    description: input.description ?? null,
    plan: "free",
    maxRequestsPerDay: null,
    maxInstances: null,
    maxApiKeys: null,
    rateLimitRequests: null,
    rateLimitWindowSeconds: null,
    viewerDataAccess: false,
    ownerMaxRequestsPerDay: null,
    ownerRateLimitRequests: null,
    ownerRateLimitWindowSeconds: null,
    suspendedAt: null,
    createdBy: ctx.actor.userId,
    createdAt: now,
    updatedAt: now,
  };
  const [insertOrg, insertOwner] = insertOrganizationStatements(ctx.db, org, ctx.actor.userId);
  const audit = auditStatement(ctx, org.id, {
    action: "organization.create",
    resourceType: "organization",
    resourceId: org.id,
    metadata: { slug: org.slug },
  });
  await ctx.db.batch([insertOrg, insertOwner, audit]).catch(slugConflict);
  await meterFor(ctx.meter, org.id).configure(org.id, effectiveLimits(org));
  return presentOrganization(org, "owner");
}

export async function listOrganizations(ctx: ServiceContext, limit: number, offset: number): Promise<Page<PublicOrganization>> {
  const rows = await listOrganizationsForUser(ctx.db, ctx.actor.userId, limit + 1, offset);
  return {
    items: rows.slice(0, limit).map((r) => presentOrganization(r.organization, r.role)),
    nextCursor: rows.length > limit ? String(offset + limit) : null,
  };
}

export async function updateOrganization(
  ctx: ServiceContext,
  access: OrgAccess,
  patch: {
    name?: string | undefined;
    slug?: string | undefined;
    description?: string | null | undefined;
    viewer_data_access?: boolean | undefined;
  },
): Promise<PublicOrganization> {
  const { viewer_data_access, ...rest } = patch;
  const changes = Object.fromEntries(Object.entries({ ...rest, viewerDataAccess: viewer_data_access }).filter(([, v]) => v !== undefined));
  const orgId = access.organization.id;
  await ctx.db
    .batch([
      updateOrganizationStatement(ctx.db, orgId, changes),
      auditStatement(ctx, orgId, { action: "organization.update", resourceType: "organization", resourceId: orgId, metadata: changes }),
    ])
    .catch(slugConflict);
  const updated = await findOrganizationForMember(ctx.db, orgId, ctx.actor.userId);
  if (!updated) throw new AppError("not_found", "Organization not found.");
  return presentOrganization(updated.organization, updated.role);
}

/**
 * Deletes an organization. Refuses (409) while it has instances unless `force`; with force, every
 * live key is revoked in KV and every instance record is removed from KV before D1 cascades.
 */
export async function deleteOrganization(ctx: ServiceContext, access: OrgAccess, force: boolean): Promise<void> {
  const orgId = access.organization.id;
  const instances = await listAllInstances(ctx.db, orgId);
  if (instances.length > 0 && !force) {
    throw new AppError(
      "conflict",
      `The organization still has ${instances.length} Redis instance(s). Delete them first or pass ?force=true.`,
    );
  }
  const now = new Date();
  const keys = await listLiveApiKeys(ctx.db, orgId, now);
  // KV first (or queued in the outbox, past one request's KV budget): once D1 cascades, nothing is
  // left to rebuild these markers from. If D1 then fails, the keys are refused although D1 still
  // lists them: the safe side of the inconsistency.
  // The instance records first: the request's own budget goes to them before the keys' markers.
  const markers = new Map([[orgId, [...instances.map((i) => instanceDeletionWrite(i.id)), ...(revocations(keys, now).get(orgId) ?? [])]]]);
  await writeMarkers(ctx, markers);
  await ctx.db.batch([
    revokeAllApiKeysStatement(ctx.db, orgId, now),
    auditStatement(ctx, orgId, {
      action: "organization.delete",
      resourceType: "organization",
      resourceId: orgId,
      metadata: { slug: access.organization.slug, instances: instances.length, revoked_keys: keys.length },
    }),
    deleteOrganizationStatement(ctx.db, orgId),
  ]);
  // Its usage, limits and leases in the meter go too. The organization is gone from D1 already, so
  // a meter that cannot be reached now leaves its data behind (logged) rather than fail the deletion.
  try {
    await meterFor(ctx.meter, orgId).erase();
  } catch (error) {
    const message = `organization ${orgId} deleted, its usage meter not erased: ${describeErrorForLog(error)}`;
    console.error(JSON.stringify({ level: "error", requestId: ctx.actor.requestId, message }));
  }
}

export type LimitsInput = {
  plan?: string | undefined;
  max_requests_per_day?: number | null | undefined;
  rate_limit?: { requests: number; window_seconds: 1 | 60 } | null | undefined;
};

/** Refuses an owner's limit above the operator's ceiling: owners may only lower their limits. */
function checkWithinCeiling(org: OrganizationRow, input: LimitsInput): void {
  if (input.plan !== undefined) throw new AppError("forbidden", "Only an operator can change the plan.");
  const ceiling = ceilingLimits(org);
  const quota = input.max_requests_per_day;
  if (quota != null && ceiling.maxRequestsPerDay !== null && quota > ceiling.maxRequestsPerDay) {
    throw new AppError(
      "forbidden",
      `max_requests_per_day may not exceed the plan's ${ceiling.maxRequestsPerDay}; only an operator can raise it.`,
    );
  }
  const rate = input.rate_limit ? rateFrom(input.rate_limit.requests, input.rate_limit.window_seconds) : null;
  if (rate && perSecond(rate) > perSecond(ceiling.rate)) {
    const top = ceiling.rate as { requests: number; windowSeconds: number };
    throw new AppError(
      "forbidden",
      `rate_limit may not exceed the plan's ${top.requests} per ${top.windowSeconds} s; only an operator can raise it.`,
    );
  }
}

/**
 * An owner lowers the organization's daily quota and/or default per-key rate under the plan's
 * ceiling (null clears their own limit: the ceiling applies), then the effective limits go to the
 * organization's UsageMeter, which the edge consults.
 * @throws forbidden for a plan change or a limit above the ceiling.
 */
export async function updateLimits(ctx: ServiceContext, access: OrgAccess, input: LimitsInput): Promise<PublicOrganization> {
  const org = access.organization;
  checkWithinCeiling(org, input);
  const next: OrganizationRow = {
    ...org,
    ownerMaxRequestsPerDay: input.max_requests_per_day === undefined ? org.ownerMaxRequestsPerDay : input.max_requests_per_day,
    ownerRateLimitRequests: input.rate_limit === undefined ? org.ownerRateLimitRequests : (input.rate_limit?.requests ?? null),
    ownerRateLimitWindowSeconds:
      input.rate_limit === undefined ? org.ownerRateLimitWindowSeconds : (input.rate_limit?.window_seconds ?? null),
  };
  const limits = effectiveLimits(next);
  await ctx.db.batch([
    updateOwnerLimitsStatement(ctx.db, org.id, {
      ownerMaxRequestsPerDay: next.ownerMaxRequestsPerDay,
      ownerRateLimitRequests: next.ownerRateLimitRequests,
      ownerRateLimitWindowSeconds: next.ownerRateLimitWindowSeconds,
    }),
    auditStatement(ctx, org.id, {
      action: "organization.limits_update",
      resourceType: "organization",
      resourceId: org.id,
      metadata: { ...input, effective: { max_requests_per_day: limits.maxRequestsPerDay, rate_limit: limits.rate } },
    }),
  ]);
  await meterFor(ctx.meter, org.id).configure(org.id, limits);
  return presentOrganization({ ...next, updatedAt: new Date() }, access.role);
}
