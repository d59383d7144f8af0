// The caps on what an organization holds: instances and live API keys. Its plan sets them
// (meter/plans.ts); an operator may override either for one organization. Each is checked inside the
// batch that stores the new row, so concurrent requests cannot pass a cap together; an instance's
// also before its upstream is contacted.
import { AppError } from "../errors";
import { PLAN_CAPS, type PlanName } from "../meter/plans";
import { countLiveUserApiKeys } from "../storage/api-keys";
import type { Db } from "../storage/db";
import { countInstances } from "../storage/instances";

const WHAT = {
  instances: { field: "maxInstances", noun: ["Redis instance", "Redis instances"], remedy: "Delete one" },
  api_keys: {
    field: "maxApiKeys",
    noun: ["live API key", "live API keys"],
    remedy: "Revoke one (revoked and expired keys do not count)",
  },
} as const;

export type CappedResource = keyof typeof WHAT;

type CapColumns = { plan: PlanName; maxInstances: number | null; maxApiKeys: number | null };

/** The organization's cap on `what`: the operator's override, else its plan's (null: none). */
export function planCap(org: CapColumns, what: CappedResource): number | null {
  const field = WHAT[what].field;
  return org[field] ?? PLAN_CAPS[org.plan][field];
}

/** 409 for a request that would take the organization past its cap. */
export function capReached(org: CapColumns, what: CappedResource, cap: number): AppError {
  const { noun, remedy } = WHAT[what];
  return new AppError(
    "conflict",
    `This organization holds ${cap} ${noun[cap === 1 ? 0 : 1]}, the most it may hold on its plan (${org.plan}). ` +
      `${remedy}, or ask an operator of this deployment to raise the cap.`,
  );
}

/** The caps that apply, as the API presents them (null: none). */
export function presentCaps(org: CapColumns) {
  return { max_instances: planCap(org, "instances"), max_api_keys: planCap(org, "api_keys") };
}

/** What the organization holds against its caps: its instances and its live keys at `now`. */
export async function countHoldings(db: Db, orgId: string, now: Date) {
  const [instances, apiKeys] = await Promise.all([countInstances(db, orgId), countLiveUserApiKeys(db, orgId, now)]);
  return { instances, api_keys: apiKeys };
}
