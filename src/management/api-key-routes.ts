// /api/organizations/:orgId/api-keys: mint (shown once), list and find, identify a key string, read,
// change, revoke, roll (the new key shown once).
import { Hono } from "hono";
import {
  getApiKey,
  identifyApiKey,
  issueApiKey,
  listOrganizationApiKeys,
  presentApiKey,
  revokeApiKey,
  rollApiKey,
  updateApiKey,
} from "../services/api-keys";
import { type ManagementEnv, signingKeyRing } from "./context";
import { ok } from "./envelope";
import { defineRoute } from "./route";
import { ApiKeyListQuerySchema, CreateApiKeySchema, IdentifyApiKeySchema, RollApiKeyQuerySchema, UpdateApiKeySchema } from "./schemas";

export const apiKeyRoutes = new Hono<ManagementEnv>();
const BASE = "/api/organizations/:orgId/api-keys";
const tag = "api-keys";

defineRoute(
  apiKeyRoutes,
  {
    method: "get",
    path: BASE,
    summary:
      "List API keys (metadata only), newest first; ?revoked=false for keys never revoked, ?revoked=true for revoked ones; ?q= for part of a name or prefix",
    tag,
    auth: true,
    role: "viewer",
    query: ApiKeyListQuerySchema,
  },
  async (c, { ctx, access, query }) => {
    const page = await listOrganizationApiKeys(ctx, access, query.limit, query.cursor, { revoked: query.revoked, search: query.q });
    return c.json(ok(page.items, { pagination: { limit: query.limit, next_cursor: page.nextCursor } }));
  },
);

defineRoute(
  apiKeyRoutes,
  {
    method: "post",
    path: BASE,
    summary: "Mint an API key; the key is in the response once",
    tag,
    auth: true,
    role: "member",
    body: CreateApiKeySchema,
    status: 201,
  },
  async (c, { ctx, access, body }) => {
    const ring = await signingKeyRing(c);
    const { apiKey, key } = await issueApiKey(ctx, access, ring, body);
    c.header("Cache-Control", "no-store");
    return c.json(ok({ api_key: apiKey, key }, { message: "Copy the key now: it is shown only once." }), 201);
  },
);

defineRoute(
  apiKeyRoutes,
  {
    method: "post",
    path: `${BASE}/identify`,
    summary: "Which key of the organization a key string is (matched by its SHA-256); 404 when none",
    tag,
    auth: true,
    role: "viewer",
    allowWhileSuspended: true, // a read
    body: IdentifyApiKeySchema,
  },
  async (c, { ctx, access, body }) => {
    return c.json(ok(await identifyApiKey(ctx, access, body.key)));
  },
);

defineRoute(
  apiKeyRoutes,
  { method: "get", path: `${BASE}/:keyId`, summary: "Read an API key's metadata", tag, auth: true, role: "viewer" },
  async (c, { ctx, access, params }) => {
    return c.json(ok(presentApiKey(await getApiKey(ctx, access, params.keyId))));
  },
);

defineRoute(
  apiKeyRoutes,
  { method: "delete", path: `${BASE}/:keyId`, summary: "Revoke an API key", tag, auth: true, role: "member", allowWhileSuspended: true },
  async (c, { ctx, access, params }) => {
    return c.json(ok(await revokeApiKey(ctx, access, params.keyId), { message: "API key revoked." }));
  },
);

defineRoute(
  apiKeyRoutes,
  {
    method: "put",
    path: `${BASE}/:keyId`,
    summary: "Rename a key or change its rate limit",
    tag,
    auth: true,
    role: "member",
    body: UpdateApiKeySchema,
  },
  async (c, { ctx, access, body, params }) => {
    return c.json(ok(await updateApiKey(ctx, access, params.keyId, body), { message: "API key updated." }));
  },
);

defineRoute(
  apiKeyRoutes,
  {
    method: "post",
    path: `${BASE}/:keyId/roll`,
    summary:
      "Roll an API key: mint its replacement (same settings) and revoke it, or keep it live until revoked (?keep_old=true) or for a number of seconds (?retire_old_in=); the new key is in the response once",
    tag,
    auth: true,
    role: "member",
    query: RollApiKeyQuerySchema,
    status: 201,
  },
  async (c, { ctx, access, params, query }) => {
    const keepOld = query.keep_old === true;
    const options = { keepOld, retireOldInSeconds: query.retire_old_in };
    const { apiKey, key, replaced } = await rollApiKey(ctx, access, await signingKeyRing(c), params.keyId, options);
    c.header("Cache-Control", "no-store");
    const old = replaced.retires_at
      ? `the old key works until ${replaced.retires_at}, then stops by itself`
      : keepOld
        ? "the old key works until you revoke it"
        : "the old key is revoked";
    const message = `Key rolled: ${old}. Copy the new key now: it is shown only once.`;
    return c.json(ok({ api_key: apiKey, key, replaced }, { message }), 201);
  },
);
