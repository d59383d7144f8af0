// D1 query for an organization's plan and limit overrides (read by the UsageMeter's configuration).
import { eq } from "drizzle-orm";
import { organizations } from "../../drizzle/schema";
import type { Db } from "./db";
import type { OrganizationRow } from "./organizations";

export type LimitColumns = Pick<OrganizationRow, "plan" | "maxRequestsPerDay" | "rateLimitRequests" | "rateLimitWindowSeconds">;

export function updateOrganizationLimitsStatement(db: Db, orgId: string, limits: LimitColumns) {
  return db
    .update(organizations)
    .set({ ...limits, updatedAt: new Date() })
    .where(eq(organizations.id, orgId));
}
