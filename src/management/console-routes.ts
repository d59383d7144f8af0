// /api/organizations/:orgId/redis-instances/:instanceId/console-key: a five-minute key for the
// dashboard's console, limited to that instance and to the caller's role (see services/console-keys).
import { Hono } from "hono";
import { issueConsoleKey } from "../services/console-keys";
import { type ManagementEnv, signingKeyRing } from "./context";
import { ok } from "./envelope";
import { defineRoute } from "./route";

export const consoleRoutes = new Hono<ManagementEnv>();

defineRoute(
  consoleRoutes,
  {
    method: "post",
    path: "/api/organizations/:orgId/redis-instances/:instanceId/console-key",
    summary: "Mint a five-minute console key for one instance, scoped by your role",
    tag: "console",
    auth: true,
    role: "viewer",
    status: 201,
  },
  async (c, { ctx, access, params }) => {
    const ring = await signingKeyRing(c);
    const consoleKey = await issueConsoleKey(ctx, access, ring, params.instanceId);
    c.header("Cache-Control", "no-store");
    return c.json(ok(consoleKey), 201);
  },
);
