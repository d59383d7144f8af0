// Operators run the deployment: the first one through the one-time bootstrap secret, then by
// promotion; they see every organization, set plans and limit ceilings, suspend and resume
// organizations and issue password-reset links. Callers have checked `isOperator` (route spec).
import { AppError } from "../errors";
import { sha256Hex, timingSafeEqualStrings } from "../lib/encoding";
import { newId, randomToken } from "../lib/ids";
import { meterFor } from "../meter/client";
import { effectiveLimits, type PlanName } from "../meter/plans";
import { listInstanceIds } from "../storage/instances";
import {
  findOrganization,
  findOrganizationWithCounts,
  listEveryOrganization,
  type OrganizationFilter,
  type OrganizationWithCounts,
  setSuspensionStatement,
  updateOrganizationLimitsStatement,
} from "../storage/organization-limits";
import type { OrganizationRow } from "../storage/organizations";
import { insertPasswordReset } from "../storage/password-resets";
import {
  assertAccountOpenStatement,
  assertOperatorRemainsStatement,
  countOperators,
  findUserById,
  isAccountClosed,
  isNoOperatorLeft,
  listUsers,
  promoteFirstOperator,
  setOperatorStatement,
  type UserRow,
} from "../storage/users";
import { type Direction, type Page, parseCursor, type ServiceContext, toPage } from "./context";
import { publishInstances } from "./directory-writes";
import { recordOperatorAction } from "./operator-audit";
import { presentOrganization } from "./organizations";

export const RESET_PREFIX = "rgr_";
export const RESET_TTL_MS = 60 * 60 * 1000;
/**
 * The dashboard page a reset link opens. The token rides in the fragment, which browsers never send
 * to the server, so it stays out of request logs and Referer headers.
 */
export const RESET_PAGE_PATH = "/reset-password";

/**
 * Makes the signed-in account the first operator when `secret` matches OPERATOR_BOOTSTRAP_SECRET.
 * @throws forbidden when no secret is configured, the secret is wrong, or an operator already exists
 *   (one answer for all three: the secret cannot be probed once it is spent).
 */
export async function bootstrapOperator(ctx: ServiceContext, secret: string): Promise<void> {
  const expected = ctx.config.OPERATOR_BOOTSTRAP_SECRET;
  // Compare digests: equal lengths, so the comparison leaks nothing about the secret's length either.
  const matches = expected !== undefined && timingSafeEqualStrings(await sha256Hex(secret), await sha256Hex(expected));
  const refused = new AppError("forbidden", "The bootstrap secret was not accepted, or an operator already exists.");
  if (!matches) throw refused;
  if ((await promoteFirstOperator(ctx.db, ctx.actor.userId)) === 0) throw refused;
  await recordOperatorAction(ctx, "operator.bootstrap", { params: { userId: ctx.actor.userId } });
}

/**
 * Promotes or demotes an operator. The last operator (closed accounts are none) cannot step down
 * (409): nobody could promote again. The check is in the demotion's batch, so two operators
 * demoting each other at once cannot both win.
 * @throws not_found for an unknown account; conflict when promoting a closed account.
 */
export async function setOperator(ctx: ServiceContext, userId: string, isOperator: boolean) {
  const user = await findUserById(ctx.db, userId);
  if (!user) throw new AppError("not_found", "Account not found.");
  const lastOperator = () => new AppError("conflict", "The last operator cannot be demoted. Promote another operator first.");
  if (isOperator) {
    // A closed account is no operator (it cannot sign in, and would count for nobody); the guard in
    // the batch refuses an account closed between this read and the write.
    if (user.disabledAt) throw closedAccount("made an operator");
    await ctx.db.batch([setOperatorStatement(ctx.db, userId, true), assertAccountOpenStatement(ctx.db, userId)]).catch((error: unknown) => {
      throw isAccountClosed(error) ? closedAccount("made an operator") : error;
    });
  } else {
    // Fails fast on the common case; the guard in the batch closes the race.
    if (user.isOperator && (await countOperators(ctx.db)) <= 1) throw lastOperator();
    await ctx.db.batch([setOperatorStatement(ctx.db, userId, false), assertOperatorRemainsStatement(ctx.db)]).catch((error: unknown) => {
      throw isNoOperatorLeft(error) ? lastOperator() : error;
    });
  }
  return { user_id: user.id, email: user.email, username: user.username, is_operator: isOperator };
}

function presentForOperator(row: OrganizationWithCounts) {
  const org = row.organization;
  const { role: _role, ...rest } = presentOrganization(org, "owner");
  return {
    ...rest,
    suspended_at: org.suspendedAt?.toISOString() ?? null,
    /** Members per role, the roles it has none of left out. */
    members: Object.fromEntries(Object.entries(row.members).filter(([, n]) => n > 0)),
    /** Today's requests and commands as the organization's meter last flushed them (at most 30 s behind). */
    usage_today: row.usageToday,
    held: { instances: row.held.instances, api_keys: row.held.apiKeys },
  };
}

export type OperatorOrganization = ReturnType<typeof presentForOperator>;

/**
 * Every organization (or those `filter` keeps: found by id, slug or part of the name, on a plan,
 * suspended or not) with plan, limits, caps and what it holds, members per role and today's usage,
 * oldest first unless the filter's `order` says `desc` or `busiest`. One D1 query for the page,
 * whatever its size (today's usage is D1's copy, which each meter flushes).
 */
export async function listEveryOrganizationForOperator(
  ctx: ServiceContext,
  limit: number,
  cursor?: string,
  filter: OrganizationFilter = {},
  now = Date.now(),
) {
  const rows = await listEveryOrganization(ctx.db, limit + 1, new Date(now), parseCursor(cursor), filter);
  return toPage(
    rows.map((row) => ({ ...row.position, row })),
    limit,
    ({ row }) => presentForOperator(row),
  ) satisfies Page<unknown>;
}

function presentAccount(user: UserRow) {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    is_operator: user.isOperator,
    disabled: user.disabledAt !== null,
    created_at: user.createdAt.toISOString(),
  };
}

export type OperatorAccount = ReturnType<typeof presentAccount>;

/** Every account (or the one with `email`), oldest first unless `order` is `desc`, so an operator can issue a reset link or promote it. */
export async function listAccountsForOperator(
  ctx: ServiceContext,
  limit: number,
  cursor?: string,
  email?: string,
  order: Direction = "asc",
) {
  const rows = await listUsers(ctx.db, limit + 1, parseCursor(cursor), email?.toLowerCase(), order);
  return toPage(rows, limit, presentAccount);
}

async function requireOrganization(ctx: ServiceContext, orgId: string): Promise<OrganizationRow> {
  const org = await findOrganization(ctx.db, orgId);
  if (!org) throw new AppError("not_found", "Organization not found.");
  return org;
}

export type OperatorLimitsInput = {
  plan?: PlanName | undefined;
  max_requests_per_day?: number | null | undefined;
  rate_limit?: { requests: number; window_seconds: 1 | 60 } | null | undefined;
  max_instances?: number | null | undefined;
  max_api_keys?: number | null | undefined;
};

/**
 * Sets an organization's plan and the operator's overrides: the ceiling owners stay under, and the
 * caps on instances and live API keys (lowering a cap below what the organization holds removes
 * nothing; it refuses new ones until the count is under it).
 */
export async function setOrganizationCeiling(ctx: ServiceContext, orgId: string, input: OperatorLimitsInput) {
  const org = await requireOrganization(ctx, orgId);
  const next: OrganizationRow = {
    ...org,
    plan: input.plan ?? org.plan,
    maxRequestsPerDay: input.max_requests_per_day === undefined ? org.maxRequestsPerDay : input.max_requests_per_day,
    rateLimitRequests: input.rate_limit === undefined ? org.rateLimitRequests : (input.rate_limit?.requests ?? null),
    rateLimitWindowSeconds: input.rate_limit === undefined ? org.rateLimitWindowSeconds : (input.rate_limit?.window_seconds ?? null),
    maxInstances: input.max_instances === undefined ? org.maxInstances : input.max_instances,
    maxApiKeys: input.max_api_keys === undefined ? org.maxApiKeys : input.max_api_keys,
    updatedAt: new Date(),
  };
  await updateOrganizationLimitsStatement(ctx.db, orgId, {
    plan: next.plan,
    maxRequestsPerDay: next.maxRequestsPerDay,
    rateLimitRequests: next.rateLimitRequests,
    rateLimitWindowSeconds: next.rateLimitWindowSeconds,
    maxInstances: next.maxInstances,
    maxApiKeys: next.maxApiKeys,
  });
  await meterFor(ctx.meter, orgId).configure(orgId, effectiveLimits(next));
  return presentOneForOperator(ctx, orgId);
}

/**
 * Suspends or resumes an organization: D1 first, then every instance record in KV carries the
 * flag, so the edge refuses its keys (403) within its instance cache window, with no new lookup.
 * Records past the request's KV budget are synced from D1 by the organization's outbox.
 */
export async function setSuspension(ctx: ServiceContext, orgId: string, suspended: boolean) {
  const org = await requireOrganization(ctx, orgId);
  const at = suspended ? (org.suspendedAt ?? new Date()) : null;
  await setSuspensionStatement(ctx.db, orgId, at);
  await publishInstances(ctx, orgId, await listInstanceIds(ctx.db, orgId));
  return presentOneForOperator(ctx, orgId);
}

/** One organization as the operators' list shows it, read again after a change. */
async function presentOneForOperator(ctx: ServiceContext, orgId: string) {
  const row = await findOrganizationWithCounts(ctx.db, orgId, new Date());
  if (!row) throw new AppError("not_found", "Organization not found.");
  return presentForOperator(row);
}

/** The 409 for an operator action on a closed account, which cannot sign in again. */
const closedAccount = (what: string) => new AppError("conflict", `This account is closed: it cannot be ${what}.`);

export type IssuedReset = { user_id: string; token: string; reset_path: string; expires_at: string };

/**
 * Issues a one-time password-reset link for an account: valid for an hour, used once, stored as a
 * SHA-256. The token is returned once; the operator passes it on.
 * @throws not_found for an unknown account; conflict for a closed one (also when closed meanwhile).
 */
export async function issuePasswordReset(ctx: ServiceContext, userId: string): Promise<IssuedReset> {
  const user = await findUserById(ctx.db, userId);
  if (!user) throw new AppError("not_found", "Account not found.");
  if (user.disabledAt) throw closedAccount("sent a reset link (it could never be used)");
  const token = `${RESET_PREFIX}${randomToken(32)}`;
  const now = new Date();
  const expiresAt = new Date(now.getTime() + RESET_TTL_MS);
  await insertPasswordReset(ctx.db, {
    id: newId("pwr"),
    userId,
    tokenHash: await sha256Hex(token),
    createdBy: ctx.actor.userId,
    createdAt: now,
    expiresAt,
  }).catch((error: unknown) => {
    throw isAccountClosed(error) ? closedAccount("sent a reset link (it could never be used)") : error;
  });
  return { user_id: userId, token, reset_path: `${RESET_PAGE_PATH}#token=${token}`, expires_at: expiresAt.toISOString() };
}
