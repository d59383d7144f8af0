// The only table definitions of RedisGate's D1 database. `drizzle-kit generate` turns changes here
// into SQL under migrations/; never edit an applied migration. Times are integer milliseconds.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ROLES } from "../src/auth/roles";
import { PLAN_NAMES } from "../src/meter/plans";
import { DRIVER_NAMES } from "../src/upstream/catalog";
import type { IsolationFindings } from "../src/upstream/isolation";
import { LOCATION_HINTS, TRANSPORT_NAMES } from "../src/upstream/placement";

const createdAt = () => integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    username: text("username").notNull(),
    passwordHash: text("password_hash").notNull(),
    firstName: text("first_name"),
    lastName: text("last_name"),
    disabledAt: integer("disabled_at", { mode: "timestamp_ms" }),
    /** Operators run the deployment (plans, limits, suspension); never granted by email. */
    isOperator: integer("is_operator", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email), uniqueIndex("users_username_unique").on(t.username)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    /** Refreshed (coarsely) on use; a session idle past the inactivity limit is dead. */
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("sessions_token_hash_unique").on(t.tokenHash), index("sessions_user_idx").on(t.userId)],
);

export const organizations = sqliteTable(
  "organizations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    description: text("description"),
    plan: text("plan", { enum: PLAN_NAMES }).notNull().default("free"),
    /** Overrides of the plan's limits; null means "the plan's value". See src/meter/plans.ts. */
    maxRequestsPerDay: integer("max_requests_per_day"),
    rateLimitRequests: integer("rate_limit_requests"),
    rateLimitWindowSeconds: integer("rate_limit_window_seconds"),
    /** Overrides of the plan's caps on instances and live API keys (src/services/plan-caps.ts); null: the plan's. */
    maxInstances: integer("max_instances"),
    maxApiKeys: integer("max_api_keys"),
    /** Whether viewers may read data through the dashboard's console (a read-only console key). Off by default. */
    viewerDataAccess: integer("viewer_data_access", { mode: "boolean" }).notNull().default(false),
    /** Owners' own lower limits, applied under the operator's (never above them). */
    ownerMaxRequestsPerDay: integer("owner_max_requests_per_day"),
    ownerRateLimitRequests: integer("owner_rate_limit_requests"),
    ownerRateLimitWindowSeconds: integer("owner_rate_limit_window_seconds"),
    /** Set by an operator: keys refused at the edge, management API read-only. */
    suspendedAt: integer("suspended_at", { mode: "timestamp_ms" }),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("organizations_slug_unique").on(t.slug)],
);

export const memberships = sqliteTable(
  "memberships",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

export const redisInstances = sqliteTable(
  "redis_instances",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    driver: text("driver", { enum: DRIVER_NAMES }).notNull(),
    /** Endpoint without credentials: redis[s]://host:port[/db] or the Upstash REST URL. */
    endpoint: text("endpoint").notNull(),
    /** AES-GCM ciphertext (base64) of the credentials JSON; see src/services/credentials.ts. */
    credentialsCiphertext: text("credentials_ciphertext"),
    credentialHint: text("credential_hint"),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    allowAdmin: integer("allow_admin", { mode: "boolean" }).notNull().default(false),
    /** EVAL*, EVALSHA*, FCALL*, FUNCTION and SCRIPT for write keys; false refuses them all (403). */
    allowScripts: integer("allow_scripts", { mode: "boolean" }).notNull().default(true),
    maxRequestBytes: integer("max_request_bytes"),
    /** Work-limit overrides; null means the deployment's default (src/env.ts WORK_LIMITS). */
    maxPipelineCommands: integer("max_pipeline_commands"),
    maxReplyBytes: integer("max_reply_bytes"),
    maxReplyElements: integer("max_reply_elements"),
    maxStreamsPerKey: integer("max_streams_per_key"),
    maxStreamsPerInstance: integer("max_streams_per_instance"),
    maxStreamSeconds: integer("max_stream_seconds"),
    /** The upstream server as host:port (lowercased), from the isolation probe; null when not probed. */
    serverAddress: text("server_address"),
    /** Redis's run_id (INFO server) when the credentials could read it: matches a server under any name. */
    serverRunId: text("server_run_id"),
    /** What the isolation probes found (src/upstream/isolation.ts) and when; null for drivers without probes. */
    isolationReport: text("isolation_report", { mode: "json" }).$type<IsolationFindings>(),
    isolationCheckedAt: integer("isolation_checked_at", { mode: "timestamp_ms" }),
    /** The `redis` driver's transport: warm pooled connections (default) or one per request. */
    transport: text("transport", { enum: TRANSPORT_NAMES }).notNull().default("pooled"),
    /** Location hint for the instance's pool objects (near the Redis); null: wherever first used. */
    region: text("region", { enum: LOCATION_HINTS }),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("redis_instances_org_slug_unique").on(t.organizationId, t.slug),
    index("redis_instances_server_address_idx").on(t.serverAddress),
    index("redis_instances_server_run_id_idx").on(t.serverRunId),
  ],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    keyPrefix: text("key_prefix").notNull(),
    /** SHA-256 (hex) of the full key string. The key itself is never stored. */
    keyHash: text("key_hash").notNull(),
    kid: text("kid").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    instanceIds: text("instance_ids", { mode: "json" }).$type<string[] | null>(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    /** This key's own rate limit; null means the organization's default. */
    rateLimitRequests: integer("rate_limit_requests"),
    rateLimitWindowSeconds: integer("rate_limit_window_seconds"),
    /** "user": minted on the keys page; "console": a short-lived key the dashboard's console mints, not listed. */
    kind: text("kind", { enum: ["user", "console"] })
      .notNull()
      .default("user"),
    /** This key's own daily command quota (within the organization's); null: only the organization's. */
    maxRequestsPerDay: integer("max_requests_per_day"),
    /** The key this one was rolled from (still live until revoked when rolled with keep_old); null: minted. */
    replaces: text("replaces"),
  },
  (t) => [uniqueIndex("api_keys_key_hash_unique").on(t.keyHash), index("api_keys_org_idx").on(t.organizationId, t.createdAt)],
);

export const auditLogs = sqliteTable(
  "audit_logs",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    actorUserId: text("actor_user_id"),
    action: text("action").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    requestId: text("request_id"),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index("audit_logs_org_created_idx").on(t.organizationId, t.createdAt)],
);

/** What operators did (their /api/admin routes); organization audit logs stay per organization. */
export const operatorAuditLogs = sqliteTable(
  "operator_audit_logs",
  {
    id: text("id").primaryKey(),
    actorUserId: text("actor_user_id"),
    action: text("action").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    requestId: text("request_id"),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index("operator_audit_logs_created_idx").on(t.createdAt)],
);

/**
 * What happened to an account's own security: sign-ins, password changes and resets, sessions
 * ended, closure. Seen only by the account itself (organization audit logs name an organization).
 */
export const accountAuditLogs = sqliteTable(
  "account_audit_logs",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    action: text("action").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    requestId: text("request_id"),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index("account_audit_logs_user_created_idx").on(t.userId, t.createdAt)],
);

/** One-time password-reset links an operator issued; only the token's SHA-256 is stored. */
export const passwordResets = sqliteTable(
  "password_resets",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("password_resets_token_hash_unique").on(t.tokenHash)],
);

/** Invitations to join an organization: a one-time token (stored hashed) for one email. */
export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: text("invited_by").notNull(),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    acceptedAt: integer("accepted_at", { mode: "timestamp_ms" }),
    acceptedBy: text("accepted_by"),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("invitations_token_hash_unique").on(t.tokenHash), index("invitations_org_idx").on(t.organizationId, t.createdAt)],
);

/**
 * An organization's usage on its latest day, as its UsageMeter last flushed it (at most 30 s after a
 * change): what the operators' list shows and ranks by, without calling every organization's meter.
 * The meter itself stays the exact record (GET …/usage).
 */
export const organizationUsage = sqliteTable(
  "organization_usage",
  {
    organizationId: text("organization_id")
      .primaryKey()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** The UTC day the figures are for (YYYY-MM-DD). */
    day: text("day").notNull(),
    requests: integer("requests").notNull(),
    commands: integer("commands").notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("organization_usage_day_commands_idx").on(t.day, t.commands)],
);
