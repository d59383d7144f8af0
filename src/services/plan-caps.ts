// The plan's caps on what an organization holds: instances and live API keys (meter/plans.ts
// declares them). Each is checked inside the batch that stores the new row, so concurrent requests
// cannot pass a cap together; an instance's also before its upstream is contacted.
import { AppError } from "../errors";
import { PLAN_CAPS, type PlanName } from "../meter/plans";

const WHAT = {
  instances: { field: "maxInstances", noun: "Redis instances", remedy: "Delete one" },
  api_keys: { field: "maxApiKeys", noun: "live API keys", remedy: "Revoke one (revoked and expired keys do not count)" },
} as const;

export type CappedResource = keyof typeof WHAT;

/** The cap of the organization's plan on `what` (null: none). */
export function planCap(org: { plan: PlanName }, what: CappedResource): number | null {
  return PLAN_CAPS[org.plan][WHAT[what].field];
}

/** 409 for a request that would take the organization past its plan's cap. */
export function capReached(org: { plan: PlanName }, what: CappedResource, cap: number): AppError {
  const { noun, remedy } = WHAT[what];
  return new AppError(
    "conflict",
    `This organization holds ${cap} ${noun}, the most its plan (${org.plan}) allows. ` +
      `${remedy}, or ask an operator of this deployment to move the organization to a larger plan.`,
  );
}

/** The caps as the API presents them (null: none). */
export function presentCaps(org: { plan: PlanName }) {
  return { max_instances: planCap(org, "instances"), max_api_keys: planCap(org, "api_keys") };
}
