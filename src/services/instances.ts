import { AppError } from "../errors";
import { newId } from "../lib/ids";
import { findRevocation, listRevokedUnexpiredApiKeys } from "../storage/api-keys";
import { isBatchGuardFailure, isUniqueViolation } from "../storage/db";
import { listInstanceRecordIds, syncRevocation } from "../storage/directory";
import { syncInstanceRecords } from "../storage/directory-outbox";
import {
  assertInstancesAtMostStatement,
  countInstances,
  deleteInstanceStatement,
  findInstance,
  type InstanceRow,
  insertInstanceStatement,
  limitFields,
  listAllInstances,
  listInstances,
  noLimitOverrides,
  updateInstanceStatement,
  updateIsolationStatement,
} from "../storage/instances";
import type { DriverName } from "../upstream/catalog";
import type { LocationHint, TransportName } from "../upstream/placement";
import { DRIVERS } from "../upstream/table";
import { auditStatement } from "./audit";
import { type Page, parseCursor, type ServiceContext, toPage } from "./context";
import { publishInstances, unpublishInstances } from "./directory-writes";
import { describeIsolation, serverGuard } from "./instance-isolation";
import { type LimitOverrides, limitPatch, limitsInForce } from "./instance-limits";
import { recheckStoredUpstream, refusePlacement, resolveEndpoint } from "./instance-upstream";
import type { OrgAccess } from "./organizations";
import { capReached, planCap } from "./plan-caps";

export function presentInstance(row: InstanceRow) {
  return {
    id: row.id,
    organization_id: row.organizationId,
    name: row.name,
    slug: row.slug,
    driver: row.driver,
    endpoint: row.endpoint,
    credential_hint: row.credentialHint,
    disabled: row.disabled,
    allow_admin: row.allowAdmin,
    allow_scripts: row.allowScripts,
    ...limitFields(row),
    transport: row.transport,
    region: row.region,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
export type PublicInstance = ReturnType<typeof presentInstance>;

/**
 * One instance as its own page shows it: with the limits the edge applies to it (overrides above
 * resolved against this deployment's defaults and ceilings), its isolation report, read now, and any warnings.
 */
export async function describeInstance(ctx: ServiceContext, row: InstanceRow) {
  return { ...presentInstance(row), limits_in_force: limitsInForce(ctx.config, row), ...(await describeIsolation(ctx, row)) };
}
export type InstanceDetail = Awaited<ReturnType<typeof describeInstance>>;

function slugConflict(error: unknown): never {
  if (isUniqueViolation(error)) {
    throw new AppError("conflict", "This organization already has an instance with this slug.", [
      { path: "slug", message: "already in use" },
    ]);
  }
  throw error;
}

export type CreateInstanceInput = {
  name: string;
  slug: string;
  driver: DriverName;
  endpoint: string;
  token?: string | undefined;
  allow_admin?: boolean | undefined;
  allow_scripts?: boolean | undefined;
  transport?: TransportName | undefined;
  region?: LocationHint | null | undefined;
} & LimitOverrides;

/** Attaches an upstream to the organization and publishes its directory record. */
export async function createInstance(ctx: ServiceContext, access: OrgAccess, input: CreateInstanceInput): Promise<InstanceDetail> {
  const orgId = access.organization.id;
  const limits = limitPatch(ctx.config, input);
  refusePlacement(input.driver, input);
  // Before the upstream is contacted: a capped organization's request costs no connection.
  const cap = planCap(access.organization, "instances");
  if (cap !== null && (await countInstances(ctx.db, orgId)) >= cap) throw capReached(access.organization, "instances", cap);
  const id = newId("rdb");
  const now = new Date();
  const row: InstanceRow = {
    id,
    organizationId: orgId,
    name: input.name,
    slug: input.slug,
    driver: input.driver,
    ...(await resolveEndpoint(ctx, id, input.driver, input.endpoint, input.token)),
    disabled: false,
    allowAdmin: input.allow_admin ?? false,
    allowScripts: input.allow_scripts ?? true,
    ...noLimitOverrides(),
    ...limits,
    transport: input.transport ?? "pooled",
    region: input.region ?? null,
    createdBy: ctx.actor.userId,
    createdAt: now,
    updatedAt: now,
  };
  const guard = serverGuard(ctx, orgId, row);
  await ctx.db
    .batch([
      insertInstanceStatement(ctx.db, row),
      ...(cap !== null ? [assertInstancesAtMostStatement(ctx.db, orgId, cap)] : []),
      ...guard.statements,
      auditStatement(ctx, orgId, {
        action: "instance.create",
        resourceType: "instance",
        resourceId: id,
        metadata: { driver: row.driver, slug: row.slug },
      }),
    ])
    .catch(async (error: unknown) => {
      // Both guards fail the batch alike; the count tells which one did.
      if (cap !== null && isBatchGuardFailure(error) && (await countInstances(ctx.db, orgId)) >= cap) {
        throw capReached(access.organization, "instances", cap);
      }
      throw error;
    })
    .catch(guard.refusedIfTaken)
    .catch(slugConflict);
  await publishInstances(ctx, orgId, [id]);
  return describeInstance(ctx, row);
}

/** @throws AppError not_found for an id that is not this organization's. */
export async function getInstance(ctx: ServiceContext, access: OrgAccess, id: string): Promise<InstanceRow> {
  const row = await findInstance(ctx.db, access.organization.id, id);
  if (!row) throw new AppError("not_found", "Redis instance not found.");
  return row;
}

export async function listOrganizationInstances(
  ctx: ServiceContext,
  access: OrgAccess,
  limit: number,
  cursor?: string,
): Promise<Page<PublicInstance>> {
  const rows = await listInstances(ctx.db, access.organization.id, limit + 1, parseCursor(cursor));
  return toPage(rows, limit, presentInstance);
}

export type UpdateInstanceInput = Partial<Omit<CreateInstanceInput, "driver">> & { disabled?: boolean | undefined };

/**
 * The settings the input really changes, each with its value before and after (credentials and the
 * endpoint are never among them: a rotation is recorded by its action). A form that sends every field
 * thus logs only what its person edited.
 */
function settingChanges(current: InstanceRow, input: UpdateInstanceInput): Record<string, { from: unknown; to: unknown }> {
  const before: Record<string, unknown> = presentInstance(current);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [field, to] of Object.entries(input)) {
    if (field === "token" || field === "endpoint" || to === undefined || before[field] === to) continue;
    changes[field] = { from: before[field], to };
  }
  return changes;
}

/**
 * Renames, re-points or rotates credentials, toggles flags, sets limits and placement; then rewrites
 * the directory record. An update that changes nothing writes nothing (no audit entry either).
 */
export async function updateInstance(
  ctx: ServiceContext,
  access: OrgAccess,
  id: string,
  input: UpdateInstanceInput,
): Promise<InstanceDetail> {
  const current = await getInstance(ctx, access, id);
  const limits = limitPatch(ctx.config, input);
  refusePlacement(current.driver, input);
  const rotating = input.endpoint !== undefined || input.token !== undefined;
  const changes = settingChanges(current, input);
  if (!rotating && Object.keys(changes).length === 0) return describeInstance(ctx, current);
  const connection = rotating ? await resolveEndpoint(ctx, id, current.driver, input.endpoint ?? current.endpoint, input.token) : {};
  const patch: Partial<InstanceRow> = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.slug !== undefined ? { slug: input.slug } : {}),
    ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
    ...(input.allow_admin !== undefined ? { allowAdmin: input.allow_admin } : {}),
    ...(input.allow_scripts !== undefined ? { allowScripts: input.allow_scripts } : {}),
    ...limits,
    ...(input.transport !== undefined ? { transport: input.transport } : {}),
    ...(input.region !== undefined ? { region: input.region } : {}),
    ...connection,
  };
  const changed = Object.keys(changes);
  const guard = serverGuard(ctx, access.organization.id, connection);
  await ctx.db
    .batch([
      updateInstanceStatement(ctx.db, access.organization.id, id, patch),
      ...guard.statements,
      auditStatement(ctx, access.organization.id, {
        action: rotating ? "instance.credentials_rotate" : "instance.update",
        resourceType: "instance",
        resourceId: id,
        metadata: { fields: rotating ? [...changed, "endpoint"] : changed, changes },
      }),
    ])
    .catch(guard.refusedIfTaken)
    .catch(slugConflict);
  const updated = await getInstance(ctx, access, id);
  await publishInstances(ctx, access.organization.id, [id]);
  return describeInstance(ctx, updated);
}

/**
 * Re-runs the connection check and the isolation probes with the stored credentials (an ACL may
 * have changed since) and stores the new findings. Does not re-apply the shared-server policy.
 * @throws AppError unprocessable_entity when the driver has no probes or the check fails.
 */
export async function recheckIsolation(ctx: ServiceContext, access: OrgAccess, id: string): Promise<InstanceDetail> {
  const current = await getInstance(ctx, access, id);
  if (!DRIVERS[current.driver].probe)
    throw new AppError(
      "unprocessable_entity",
      `The ${current.driver} driver has no isolation probes: its upstream is a database of its own.`,
    );
  const isolation = await recheckStoredUpstream(ctx, current);
  await ctx.db.batch([
    updateIsolationStatement(ctx.db, access.organization.id, id, isolation),
    auditStatement(ctx, access.organization.id, {
      action: "instance.isolation_check",
      resourceType: "instance",
      resourceId: id,
      metadata: { reaches_beyond_database: isolation.isolationReport?.probes.some((p) => p.outcome === "allowed") ?? false },
    }),
  ]);
  return describeInstance(ctx, { ...current, ...isolation });
}

export async function deleteInstance(ctx: ServiceContext, access: OrgAccess, id: string): Promise<void> {
  const current = await getInstance(ctx, access, id);
  await ctx.db.batch([
    deleteInstanceStatement(ctx.db, access.organization.id, id),
    auditStatement(ctx, access.organization.id, {
      action: "instance.delete",
      resourceType: "instance",
      resourceId: id,
      metadata: { slug: current.slug },
    }),
  ]);
  await unpublishInstances(ctx, access.organization.id, [id]);
}

/** Instances the repair command syncs per D1 query. */
const REBUILD_CHUNK = 500;

/**
 * Rewrites the KV directory from D1 (the repair command): every instance record, no record of an
 * instance D1 no longer has (listed from KV: a lost race or a failed deletion may have left one),
 * and a revocation marker for every revoked key that has not expired yet.
 */
export async function rebuildDirectory(
  ctx: Pick<ServiceContext, "db" | "kv">,
): Promise<{ instances: number; removed: number; revocations: number }> {
  const ids = (await listAllInstances(ctx.db)).map((row) => row.id);
  const known = new Set(ids);
  const orphans = (await listInstanceRecordIds(ctx.kv)).filter((id) => !known.has(id));
  // The same sync a request makes: rows read per chunk as they are then, and gone ones deleted.
  const all = [...ids, ...orphans];
  for (let i = 0; i < all.length; i += REBUILD_CHUNK) await syncInstanceRecords(ctx.db, ctx.kv, all.slice(i, i + REBUILD_CHUNK));
  const revoked = await listRevokedUnexpiredApiKeys(ctx.db, new Date());
  for (const key of revoked) {
    // A retiring marker read here is checked again once written: a revoke meanwhile must stand.
    const first = { revokedAt: key.revokedAt ?? new Date(), expiresAt: key.expiresAt };
    await syncRevocation(ctx.kv, key.id, first, () => findRevocation(ctx.db, key.organizationId, key.id));
  }
  return { instances: ids.length, removed: orphans.length, revocations: revoked.length };
}
