// The Worker's typed environment and its configuration, parsed once per isolate from vars and
// secrets. A missing or malformed secret fails loudly here, never as a half-working Worker.
import { z } from "zod";
import { loopbackPatterns } from "./lib/loopback";

export type AppBindings = Env;

export type AppVariables = {
  requestId: string;
};

export type AppEnv = { Bindings: AppBindings; Variables: AppVariables };

const SigningJwkSchema = z
  .object({
    kty: z.enum(["OKP", "EC"]),
    kid: z.string().min(1).max(128),
    alg: z.enum(["EdDSA", "ES256"]),
    crv: z.enum(["Ed25519", "P-256"]),
    x: z.string().min(1),
    y: z.string().optional(),
    d: z.string().optional(),
    active: z.boolean().optional(),
  })
  .passthrough()
  .refine((k) => (k.alg === "EdDSA" ? k.kty === "OKP" && k.crv === "Ed25519" : k.kty === "EC" && k.crv === "P-256"), {
    message: "alg must match the key type: EdDSA with OKP/Ed25519, ES256 with EC/P-256",
  });

export type SigningJwk = z.infer<typeof SigningJwkSchema>;

const SigningKeySetSchema = z
  .object({ keys: z.array(SigningJwkSchema).min(1, "at least one key is required") })
  .refine((s) => new Set(s.keys.map((k) => k.kid)).size === s.keys.length, { message: "every kid must be unique" })
  .refine((s) => s.keys.some((k) => k.d !== undefined), { message: "at least one key must hold its private part (d)" })
  .refine((s) => s.keys.filter((k) => k.active).length <= 1, { message: "at most one key may be marked active" });

const jsonString = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "is not valid JSON" });
        return z.NEVER;
      }
    })
    .pipe(schema);

const base64Secret = z
  .string()
  .min(1, "is required")
  .transform((text, ctx) => {
    try {
      const bytes = Uint8Array.from(atob(text.trim()), (c) => c.charCodeAt(0));
      if (bytes.length < 32) ctx.addIssue({ code: "custom", message: "must decode to at least 32 bytes" });
      return bytes;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be base64" });
      return z.NEVER;
    }
  });

const intVar = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const MiB = 1024 * 1024;

/**
 * Work limits (DESIGN.md §5a). Each has a default (var `env`), an operator ceiling (var
 * `<env>_CEILING`) and an instance field of the same name that overrides the default within
 * [min, ceiling]. `hard` bounds what the vars themselves may say.
 */
export const WORK_LIMITS = {
  /** Request body bytes, checked against Content-Length before the body is read and while it streams. */
  max_request_bytes: { env: "MAX_REQUEST_BYTES", fallback: 10 * MiB, ceiling: 16 * MiB, min: 1024, hard: 100 * MiB },
  /** Commands per /pipeline or /multi-exec; never below 1,000, the SDK's auto-pipeline batch. */
  max_pipeline_commands: { env: "MAX_PIPELINE_COMMANDS", fallback: 1_000, ceiling: 10_000, min: 1_000, hard: 1_000_000 },
  /** Reply bytes per request, RESP on the wire (the upstash driver: the upstream's body). */
  max_reply_bytes: { env: "MAX_REPLY_BYTES", fallback: 10 * MiB, ceiling: 16 * MiB, min: 1024, hard: 100 * MiB },
  /** Reply elements per request, summed over every RESP array header. */
  max_reply_elements: { env: "MAX_REPLY_ELEMENTS", fallback: 100_000, ceiling: 200_000, min: 1, hard: 10_000_000 },
  /** Concurrent /subscribe, /psubscribe and /monitor streams per API key on one instance. */
  max_streams_per_key: { env: "MAX_STREAMS_PER_KEY", fallback: 10, ceiling: 100, min: 1, hard: 100_000 },
  /** Concurrent streams per instance, over all keys. */
  max_streams_per_instance: { env: "MAX_STREAMS_PER_INSTANCE", fallback: 100, ceiling: 1_000, min: 1, hard: 1_000_000 },
  /** Seconds a stream may stay open; then it ends with an error event and the client reconnects. */
  max_stream_seconds: { env: "MAX_STREAM_SECONDS", fallback: 3_600, ceiling: 86_400, min: 1, hard: 7 * 86_400 },
} as const;

export type WorkLimitName = keyof typeof WORK_LIMITS;
export type WorkLimits = Record<WorkLimitName, number>;
export const WORK_LIMIT_NAMES = Object.keys(WORK_LIMITS) as WorkLimitName[];

/** The limit vars: each default and its `_CEILING`, a default never above its ceiling. */
const WorkLimitsSchema = z
  .object(
    Object.fromEntries(
      Object.values(WORK_LIMITS).flatMap(({ env, fallback, ceiling, min, hard }) => [
        [env, intVar(fallback, min, hard)],
        [`${env}_CEILING`, intVar(ceiling, min, hard)],
      ]),
    ),
  )
  .transform((vars, ctx) => {
    const defaults = {} as WorkLimits;
    const ceilings = {} as WorkLimits;
    for (const name of WORK_LIMIT_NAMES) {
      const env = WORK_LIMITS[name].env;
      defaults[name] = vars[env] as number;
      ceilings[name] = vars[`${env}_CEILING`] as number;
      if (defaults[name] > ceilings[name]) ctx.addIssue({ code: "custom", path: [env], message: `must not exceed ${env}_CEILING` });
    }
    return { defaults, ceilings };
  });

const ConfigSchema = z.object({
  ENVIRONMENT: z.enum(["development", "test", "production"]).default("production"),
  JWT_ISSUER: z.string().min(1),
  JWT_AUDIENCE: z.string().min(1),
  API_KEY_SIGNING_KEYS: jsonString(SigningKeySetSchema),
  ENCRYPTION_KEY: base64Secret,
  ALLOWED_UPSTREAM_HOSTS: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    ),
  // Above Redis's default busy-reply-threshold (5 s), so a runaway script can be killed right after the deadline.
  UPSTREAM_TIMEOUT_MS: intVar(10_000, 100, 120_000),
  /** Interval of a stream's SSE heartbeat comment; a vanished client is noticed at the next one. */
  SSE_HEARTBEAT_MS: intVar(2_000, 100, 60_000),
  /**
   * KV markers a management request writes itself (an invocation may make 1,000 KV operations); an
   * organization's deletion, a member's removal or an account's closure that owes more hands the rest
   * to the directory's outbox (src/storage/directory-outbox.ts). Tests lower it.
   */
  DIRECTORY_INLINE_WRITES: intVar(500, 1, 900),
  /**
   * Whether a `redis` instance may use a server another organization already uses (DESIGN.md §5a:
   * one server per organization is the boundary). "false" refuses it, "true" allows it with a
   * warning; unset, production refuses and other environments warn. Only "true"/"false".
   */
  ALLOW_SHARED_UPSTREAM_SERVERS: z
    .enum(["true", "false"], { message: 'must be "true" or "false"' })
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true")),
  /** Optional: presented once by a signed-in account to become the first operator (README "Operators"). */
  OPERATOR_BOOTSTRAP_SECRET: z
    .string()
    .optional()
    .transform((s) => (s?.trim() ? s.trim() : undefined))
    .pipe(z.string().min(24, "must be at least 24 characters").optional()),
});

/** A production deployment must not let instances point at the Worker's own machine. */
const ProductionSafeConfigSchema = ConfigSchema.superRefine((config, ctx) => {
  const loopback = config.ENVIRONMENT === "production" ? loopbackPatterns(config.ALLOWED_UPSTREAM_HOSTS) : [];
  if (loopback.length > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["ALLOWED_UPSTREAM_HOSTS"],
      message: `allows loopback hosts (${loopback.join(", ")}) with ENVIRONMENT "production"; remove them (only local development may reach loopback)`,
    });
  }
});

/** The configuration is unusable; its message names every problem (never a value of a secret). */
export class ConfigError extends Error {}

export type Config = z.infer<typeof ConfigSchema> & { limits: z.infer<typeof WorkLimitsSchema> };

/** What a limit is for one instance: its override, else the default; never above the operator's ceiling. */
export function effectiveLimits(config: Config, overrides: Partial<Record<WorkLimitName, number | null>>): WorkLimits {
  const out = {} as WorkLimits;
  for (const name of WORK_LIMIT_NAMES) {
    out[name] = Math.min(overrides[name] ?? config.limits.defaults[name], config.limits.ceilings[name]);
  }
  return out;
}

/** Shared upstream servers are refused where the operator says so, and by default in production. */
export function refusesSharedServers(config: Pick<Config, "ALLOW_SHARED_UPSTREAM_SERVERS" | "ENVIRONMENT">): boolean {
  return !(config.ALLOW_SHARED_UPSTREAM_SERVERS ?? config.ENVIRONMENT !== "production");
}

const parsed = new WeakMap<object, Config>();

/**
 * Returns the parsed configuration for this env object, parsing it on first use.
 * @throws ConfigError naming every malformed var or secret (never its value), and loopback upstream
 *   hosts in production.
 */
export function getConfig(env: AppBindings): Config {
  const cached = parsed.get(env);
  if (cached) return cached;
  const result = ProductionSafeConfigSchema.safeParse(env);
  const limits = WorkLimitsSchema.safeParse(env);
  if (!result.success || !limits.success) {
    const issues = [...(result.error?.issues ?? []), ...(limits.error?.issues ?? [])];
    const problems = issues.map((i) => `${i.path.join(".") || "env"}: ${i.message}`).join("; ");
    throw new ConfigError(`RedisGate configuration is invalid: ${problems}`);
  }
  const config = { ...result.data, limits: limits.data };
  parsed.set(env, config);
  return config;
}
