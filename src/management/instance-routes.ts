// /api/organizations/:orgId/redis-instances: attach, list, read, update, delete.
import { Hono } from "hono";
import { ok } from "../errors";
import {
  createInstance,
  deleteInstance,
  getInstance,
  listOrganizationInstances,
  type PublicInstance,
  presentInstance,
  updateInstance,
} from "../services/instances";
import { type ManagementEnv, orgContext } from "./context";
import { defineRoute, PageQuerySchema, pathParam } from "./route";
import { CreateInstanceSchema, UpdateInstanceSchema } from "./schemas";

export const instanceRoutes = new Hono<ManagementEnv>();
const BASE = "/api/organizations/:orgId/redis-instances";
const tag = "redis-instances";

/** Adds the URL to paste into `new Redis({ url, token })`. */
function withRestUrl(requestUrl: string, instance: PublicInstance) {
  return { ...instance, rest_url: `${new URL(requestUrl).origin}/redis/${instance.id}` };
}
/** An instance as the routes answer it. */
export type InstanceResponse = ReturnType<typeof withRestUrl>;

defineRoute(
  instanceRoutes,
  { method: "get", path: BASE, summary: "List Redis instances", tag, auth: true, query: PageQuerySchema },
  async (c, { query }) => {
    const { ctx, access } = await orgContext(c, "viewer");
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
  { method: "post", path: BASE, summary: "Attach a Redis instance (admin)", tag, auth: true, body: CreateInstanceSchema, status: 201 },
  async (c, { body }) => {
    const { ctx, access } = await orgContext(c, "admin");
    const instance = await createInstance(ctx, access, body);
    return c.json(ok(withRestUrl(c.req.url, instance), { message: "Redis instance created." }), 201);
  },
);

defineRoute(
  instanceRoutes,
  { method: "get", path: `${BASE}/:instanceId`, summary: "Read a Redis instance (credentials are never returned)", tag, auth: true },
  async (c) => {
    const { ctx, access } = await orgContext(c, "viewer");
    return c.json(ok(withRestUrl(c.req.url, presentInstance(await getInstance(ctx, access, pathParam(c, "instanceId"))))));
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
    body: UpdateInstanceSchema,
  },
  async (c, { body }) => {
    const { ctx, access } = await orgContext(c, "admin");
    const instance = await updateInstance(ctx, access, pathParam(c, "instanceId"), body);
    return c.json(ok(withRestUrl(c.req.url, instance), { message: "Redis instance updated." }));
  },
);

defineRoute(
  instanceRoutes,
  { method: "delete", path: `${BASE}/:instanceId`, summary: "Delete a Redis instance (admin)", tag, auth: true },
  async (c) => {
    const { ctx, access } = await orgContext(c, "admin");
    await deleteInstance(ctx, access, pathParam(c, "instanceId"));
    return c.json(ok(null, { message: "Redis instance deleted." }));
  },
);
