// The management face's Hono environment and the bridge from a request to a ServiceContext.
import type { Context } from "hono";
import type { SessionEnv } from "../auth/middleware";
import { getConfig } from "../env";
import { AppError } from "../errors";
import type { Role, ServiceContext } from "../services/context";
import { requireOrgAccess } from "../services/organizations";
import { createDb } from "../storage/db";

export type ManagementEnv = SessionEnv;

export function clientIp(c: Context): string | null {
  return c.req.header("cf-connecting-ip") ?? null;
}

export function serviceContext(c: Context<ManagementEnv>): ServiceContext {
  return {
    db: createDb(c.env.DB),
    kv: c.env.DIRECTORY,
    meter: c.env.USAGE_METER,
    config: getConfig(c.env),
    actor: {
      userId: c.get("user").id,
      ip: clientIp(c),
      userAgent: c.req.header("user-agent") ?? null,
      requestId: c.get("requestId"),
    },
  };
}

/**
 * The service context and the acting user's access to the `:orgId` of the route, at `minimum`
 * role or above (404 for a stranger, 403 for a lower role).
 */
export async function orgContext(c: Context<ManagementEnv>, minimum: Role) {
  const ctx = serviceContext(c);
  const orgId = c.req.param("orgId") as string | undefined;
  if (!orgId) throw new AppError("not_found", "Organization not found.");
  return { ctx, access: await requireOrgAccess(ctx, orgId, minimum) };
}
