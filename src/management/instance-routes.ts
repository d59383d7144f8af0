// /api/organizations/:orgId/redis-instances: attach, list, read, update, delete, re-run the isolation
// check, and PING the upstream now (health).
import { Hono } from "hono";
import { checkInstanceHealth } from "../services/instance-health";
import {
  createInstance,
  deleteInstance,
  describeInstance,
  getInstance,
  listOrganizationInstances,
  type PublicInstance,
  recheckIsolation,
  updateInstance,
} from "../services/instances";
import type { ManagementEnv } from "./context";
import { ok } from "./envelope";
import { defineRoute, PageQuerySchema } from "./route";
import { CreateInstanceSchema, UpdateInstanceSchema } from "./schemas";

export const instanceRoutes = new Hono<ManagementEnv>();
const BASE = "/api/organizations/:orgId/redis-instances";
const tag = "redis-instances";

/** Adds the URL to paste into `new Redis({ url, token })`. */
function withRestUrl<T extends PublicInstance>(requestUrl: string, instance: T) {
  return { ...instance, rest_url: `${new URL(requestUrl).origin}/redis/${instance.id}` };
}
/** An instance as the routes answer it. */
export type InstanceResponse = ReturnType<typeof withRestUrl>;

defineRoute(
  instanceRoutes,
  { method: "get", path: BASE, summary: "List Redis instances", tag, auth: true, role: "viewer", query: PageQuerySchema },
  async (c, { ctx, access, query }) => {
    const page = await listOrganizationInstances(ctx, access, query.limit, query.cursor);
    return c.json(
      ok(
        page.items.map((i) => withRestUrl(c.req.url, i)),
        { pagination: { limit: query.limit, next_cursor: page.nextCursor } },
      ),
    );
  },
);

defineRoute(
  instanceRoutes,
  {
    method: "post",
    path: BASE,
    summary: "Attach a Redis instance (admin)",
    tag,
    auth: true,
    role: "admin",
    body: CreateInstanceSchema,
    status: 201,
  },
  async (c, { ctx, access, body }) => {
    const instance = await createInstance(ctx, access, body);
    return c.json(ok(withRestUrl(c.req.url, instance), { message: "Redis instance created." }), 201);
  },
);

defineRoute(
  instanceRoutes,
  {
    method: "get",
    path: `${BASE}/:instanceId`,
    summary: "Read a Redis instance with its isolation report (credentials are never returned)",
    tag,
    auth: true,
    role: "viewer",
  },
  async (c, { ctx, access, params }) => {
    return c.json(ok(withRestUrl(c.req.url, await describeInstance(ctx, await getInstance(ctx, access, params.instanceId)))));
  },
);

defineRoute(
  instanceRoutes,
  {
    method: "post",
    path: `${BASE}/:instanceId/isolation-check`,
    summary: "Re-run the connection check and isolation probes with the stored credentials (admin)",
    tag,
    auth: true,
    role: "admin",
  },
  async (c, { ctx, access, params }) => {
    const instance = await recheckIsolation(ctx, access, params.instanceId);
    return c.json(ok(withRestUrl(c.req.url, instance), { message: "Isolation check done." }));
  },
);

defineRoute(
  instanceRoutes,
  {
    method: "get",
    path: `${BASE}/:instanceId/health`,
    summary: "PING the upstream now: { ok, latency_ms, checked_at, error? }; an upstream that does not answer is ok:false, still a 200",
    tag,
    auth: true,
    role: "viewer",
  },
  async (c, { ctx, access, params }) => {
    return c.json(ok(await checkInstanceHealth(ctx, access, params.instanceId)));
  },
);

defineRoute(
  instanceRoutes,
  {
    method: "put",
    path: `${BASE}/:instanceId`,
    summary: "Update, re-point, rotate credentials or disable (admin)",
    tag,
    auth: true,
    role: "admin",
    body: UpdateInstanceSchema,
  },
  async (c, { ctx, access, body, params }) => {
    const instance = await updateInstance(ctx, access, params.instanceId, body);
    return c.json(ok(withRestUrl(c.req.url, instance), { message: "Redis instance updated." }));
  },
);

defineRoute(
  instanceRoutes,
  { method: "delete", path: `${BASE}/:instanceId`, summary: "Delete a Redis instance (admin)", tag, auth: true, role: "admin" },
  async (c, { ctx, access, params }) => {
    await deleteInstance(ctx, access, params.instanceId);
    return c.json(ok(null, { message: "Redis instance deleted." }));
  },
);
