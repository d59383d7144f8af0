// /api/organizations/:orgId/redis-instances/:instanceId/console-key: a five-minute key for the
// dashboard's console, limited to that instance and to the caller's role (see services/console-keys).
import { Hono } from "hono";
import { loadKeyRing } from "../auth/api-key-token";
import { ok } from "../errors";
import { issueConsoleKey } from "../services/console-keys";
import { type ManagementEnv, orgContext } from "./context";
import { defineRoute, pathParam } from "./route";

export const consoleRoutes = new Hono<ManagementEnv>();

defineRoute(
  consoleRoutes,
  {
    method: "post",
    path: "/api/organizations/:orgId/redis-instances/:instanceId/console-key",
    summary: "Mint a five-minute console key for one instance, scoped by your role",
    tag: "console",
    auth: true,
    status: 201,
  },
  async (c) => {
    const { ctx, access } = await orgContext(c, "viewer");
    const ring = await loadKeyRing(ctx.config.API_KEY_SIGNING_KEYS.keys, c.env.API_KEY_SIGNING_KEYS);
    const consoleKey = await issueConsoleKey(ctx, access, ring, pathParam(c, "instanceId"));
    c.header("Cache-Control", "no-store");
    return c.json(ok(consoleKey), 201);
  },
);
