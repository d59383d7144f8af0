// Usage reports, read from the organization's UsageMeter (never from the edge's hot path).
import { meterFor } from "../meter/client";
import type { UsageReport } from "../meter/usage-meter";
import type { ServiceContext } from "./context";
import type { OrgAccess } from "./organizations";

/** Requests and commands per day, per instance and per key, for the last `days` UTC days. */
export async function getUsage(ctx: ServiceContext, access: OrgAccess, days: number, now = Date.now()): Promise<UsageReport> {
  return meterFor(ctx.meter, access.organization.id).usage(days, now);
}
