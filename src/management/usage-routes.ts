// /api/organizations/:orgId/usage and …/limits: what the organization used, and its plan and limits.
import { Hono } from "hono";
import { updateLimits } from "../services/organizations";
import { getUsage } from "../services/usage";
import type { ManagementEnv } from "./context";
import { ok } from "./envelope";
import { defineRoute } from "./route";
import { UpdateLimitsSchema, UsageQuerySchema } from "./schemas";

export const usageRoutes = new Hono<ManagementEnv>();
const ORG = "/api/organizations/:orgId";
const tag = "usage";

defineRoute(
  usageRoutes,
  {
    method: "get",
    path: `${ORG}/usage`,
    summary: "Requests and commands per day, per instance and per key",
    tag,
    auth: true,
    role: "viewer",
    query: UsageQuerySchema,
  },
  async (c, { ctx, access, query }) => {
    return c.json(ok(await getUsage(ctx, access, query.days)));
  },
);

defineRoute(
  usageRoutes,
  {
    method: "put",
    path: `${ORG}/limits`,
    summary: "Lower the daily quota or default per-key rate limit within the plan (owner)",
    tag,
    auth: true,
    role: "owner",
    body: UpdateLimitsSchema,
  },
  async (c, { ctx, access, body }) => {
    return c.json(ok(await updateLimits(ctx, access, body), { message: "Limits updated." }));
  },
);
