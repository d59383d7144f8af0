// Public, unauthenticated routes: /health, /version, /api/openapi.json, /.well-known/jwks.json.
import { Hono } from "hono";
import { getConfig } from "../env";
import { type ManagementEnv, signingKeyRing } from "./context";
import { ok } from "./envelope";
import { buildOpenApiDocument } from "./openapi";
import { defineRoute } from "./route";

export const VERSION = "0.1.0";
export const metaRoutes = new Hono<ManagementEnv>();
const tag = "meta";

defineRoute(metaRoutes, { method: "get", path: "/health", summary: "Liveness", tag, auth: false }, async (c) => {
  return c.json(ok({ status: "ok" }));
});

defineRoute(metaRoutes, { method: "get", path: "/version", summary: "Build information", tag, auth: false }, async (c) => {
  return c.json(ok({ name: "redisgate", version: VERSION, environment: getConfig(c.env).ENVIRONMENT }));
});

defineRoute(
  metaRoutes,
  { method: "get", path: "/.well-known/jwks.json", summary: "Public keys that verify RedisGate API keys", tag, auth: false },
  async (c) => {
    const ring = await signingKeyRing(c);
    c.header("Cache-Control", "public, max-age=300");
    return c.json({ keys: ring.publicJwks });
  },
);

defineRoute(metaRoutes, { method: "get", path: "/api/openapi.json", summary: "This document", tag, auth: false }, async (c) => {
  return c.json(buildOpenApiDocument(VERSION));
});
