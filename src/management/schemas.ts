// Request schemas of the management API. They validate input and generate the OpenAPI document.
import { z } from "zod";
import { SCOPES } from "../auth/api-key-token";
import { ROLES } from "../auth/roles";
import { WORK_LIMITS, type WorkLimitName } from "../env";
import { PLAN_NAMES, RATE_WINDOWS } from "../meter/plans";
import { REPORT_MAX_DAYS } from "../meter/usage-report";
import type { Direction } from "../services/context";
import { INVITATION_STATUSES, INVITATION_TOKEN } from "../services/invitations";
import { DRIVER_NAMES } from "../upstream/catalog";
import { LOCATION_HINTS, TRANSPORT_NAMES } from "../upstream/placement";
import { PageQuerySchema } from "./route";

const slug = z
  .string()
  .min(2)
  .max(63)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "use lower-case letters, digits and inner hyphens");
const name = z.string().trim().min(1).max(100);
const role = z.enum(ROLES);

export const RegisterSchema = z.strictObject({
  email: z.email().max(254),
  username: z
    .string()
    .min(3)
    .max(32)
    .regex(/^[A-Za-z0-9_.-]+$/, "use letters, digits, '_', '.' and '-'"),
  password: z.string().min(8, "must be at least 8 characters").max(256),
  first_name: z.string().trim().max(100).optional(),
  last_name: z.string().trim().max(100).optional(),
});

const newPassword = z.string().min(8, "must be at least 8 characters").max(256);

export const ChangePasswordSchema = z.strictObject({ current_password: z.string().min(1).max(256), new_password: newPassword });
export const CloseAccountSchema = z.strictObject({ current_password: z.string().min(1).max(256) });
export const ResetPasswordSchema = z.strictObject({ token: z.string().min(1).max(200), new_password: newPassword });

export const LoginSchema = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(256),
});

export const CreateOrganizationSchema = z.strictObject({
  name,
  slug,
  description: z.string().max(500).optional(),
});

export const UpdateOrganizationSchema = z
  .strictObject({
    name: name.optional(),
    slug: slug.optional(),
    description: z.string().max(500).nullable().optional(),
    viewer_data_access: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");

/** A yes/no query parameter, spelled `true` or `false`; routes get a boolean (undefined when absent). */
const queryFlag = z
  .enum(["true", "false"])
  .transform((v) => v === "true")
  .optional();

export const DeleteOrganizationQuerySchema = z.strictObject({
  force: queryFlag,
});

/**
 * The key list: a page, optionally only revoked keys (`true`) or only keys never revoked (`false`),
 * and only those whose name or shown prefix holds `q` (or whose id it is).
 */
export const ApiKeyListQuerySchema = PageQuerySchema.extend({
  revoked: queryFlag,
  q: z.string().trim().min(1).max(100).optional(),
});

/** A whole key string, to learn which key it is. */
export const IdentifyApiKeySchema = z.strictObject({ key: z.string().trim().min(1).max(4096) });

/** The longest a rolled key may be kept before it retires by itself (`?retire_old_in=`). */
export const MAX_RETIRE_SECONDS = 30 * 24 * 3600;

/**
 * A roll revokes the old key at once, or `keep_old=true` keeps it until someone revokes it, or
 * `retire_old_in` keeps it that many seconds (60 s to 30 days) and then it stops by itself.
 */
export const RollApiKeyQuerySchema = z
  .strictObject({
    keep_old: queryFlag,
    retire_old_in: z.coerce.number().int().min(60).max(MAX_RETIRE_SECONDS).optional(),
  })
  .refine((q) => !(q.keep_old && q.retire_old_in !== undefined), {
    message: "keep_old=true keeps the old key until it is revoked and retire_old_in for a while: choose one",
    path: ["retire_old_in"],
  });

export const InviteSchema = z.strictObject({ email: z.email().max(254), role });

/** `?status=` of the invitation list: pending (the default), accepted, revoked or expired. */
export const InvitationListQuerySchema = PageQuerySchema.extend({ status: z.enum(INVITATION_STATUSES).default("pending") });

/** An invitation token as issued: `rgi_` and 32 random bytes in base64url. */
export const InvitationTokenSchema = z.strictObject({
  token: z.string().max(200).regex(INVITATION_TOKEN, "is not an invitation token (rgi_ and 43 characters)"),
});
export const UpdateMemberSchema = z.strictObject({ role });

const rateLimit = z.strictObject({
  requests: z.number().int().min(1).max(1_000_000),
  window_seconds: z.union(RATE_WINDOWS.map((w) => z.literal(w))),
});

const keyQuota = z.number().int().min(1).max(1_000_000_000_000);

export const CreateApiKeySchema = z.strictObject({
  name,
  scopes: z.array(z.enum(SCOPES)).min(1).max(3),
  instance_ids: z.array(z.string().max(64)).min(1, "omit it for a key that may use every instance").max(100).optional(),
  expires_at: z.iso.datetime({ offset: true }).optional(),
  rate_limit: rateLimit.nullable().optional(),
  max_requests_per_day: keyQuota.nullable().optional(),
});

export const UpdateApiKeySchema = z
  .strictObject({
    name: name.optional(),
    rate_limit: rateLimit.nullable().optional(),
    max_requests_per_day: keyQuota.nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");

export const UpdateLimitsSchema = z
  .strictObject({
    plan: z.enum(PLAN_NAMES).optional(),
    max_requests_per_day: z.number().int().min(1).max(1_000_000_000_000).nullable().optional(),
    rate_limit: rateLimit.nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");

/** An operator's plan and limit overrides for an organization (null: back to the plan's). */
export const OperatorLimitsSchema = z
  .strictObject({
    plan: z.enum(PLAN_NAMES).optional(),
    max_requests_per_day: z.number().int().min(1).max(1_000_000_000_000).nullable().optional(),
    rate_limit: rateLimit.nullable().optional(),
    max_instances: z.number().int().min(0).max(1_000_000).nullable().optional(),
    max_api_keys: z.number().int().min(0).max(1_000_000).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");

export const BootstrapOperatorSchema = z.strictObject({ secret: z.string().min(1).max(512) });

/**
 * An operator list's order by creation: `oldest` (the default) or `newest` first, parsed into the
 * storage direction; a cursor pages on in it.
 */
const CREATION_ORDERS = { oldest: "asc", newest: "desc" } as const satisfies Record<string, Direction>;
const creationOrder = z
  .enum(["oldest", "newest"])
  .default("oldest")
  .transform((order) => CREATION_ORDERS[order]);

/** The operator's account list: `email` finds one account; `order` as for organizations. */
export const AccountListQuerySchema = PageQuerySchema.extend({ email: z.email().max(254).optional(), order: creationOrder });

/**
 * The operator's organization list: `q` finds by id, slug or part of the name; `plan` and
 * `suspended` narrow it; `order` is by creation, `oldest` (the default) or `newest` first.
 */
export const OrganizationListQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().min(1).max(100).optional(),
  plan: z.enum(PLAN_NAMES).optional(),
  suspended: queryFlag,
  /** As for accounts, or `busiest`: most commands today first. */
  order: z
    .enum(["oldest", "newest", "busiest"])
    .default("oldest")
    .transform((order) => (order === "busiest" ? order : CREATION_ORDERS[order])),
});

export const UsageQuerySchema = z.strictObject({
  days: z.coerce.number().int().min(1).max(REPORT_MAX_DAYS).default(30),
});

const endpoint = z.string().min(1).max(2048);
/** Work-limit overrides: null clears one; the ceiling (operator configuration) is checked by the service. */
const workLimitFields = Object.fromEntries(
  Object.entries(WORK_LIMITS).map(([name, l]) => [name, z.number().int().min(l.min).max(l.hard).nullable().optional()]),
) as Record<WorkLimitName, z.ZodOptional<z.ZodNullable<z.ZodNumber>>>;

export const CreateInstanceSchema = z.strictObject({
  name,
  slug,
  driver: z.enum(DRIVER_NAMES),
  endpoint,
  token: z.string().min(1).max(4096).optional(),
  allow_admin: z.boolean().optional(),
  allow_scripts: z.boolean().optional(),
  ...workLimitFields,
  transport: z.enum(TRANSPORT_NAMES).optional(),
  region: z.enum(LOCATION_HINTS).nullable().optional(),
});

export const UpdateInstanceSchema = z
  .strictObject({
    name: name.optional(),
    slug: slug.optional(),
    endpoint: endpoint.optional(),
    token: z.string().min(1).max(4096).optional(),
    disabled: z.boolean().optional(),
    allow_admin: z.boolean().optional(),
    allow_scripts: z.boolean().optional(),
    ...workLimitFields,
    transport: z.enum(TRANSPORT_NAMES).optional(),
    region: z.enum(LOCATION_HINTS).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");

/** The audit log's page plus exact-match filters: actor (a user id), action, resource (an id). */
export const AuditQuerySchema = PageQuerySchema.extend({
  actor: z.string().min(1).max(64).optional(),
  action: z.string().min(1).max(64).optional(),
  resource: z.string().min(1).max(64).optional(),
});
