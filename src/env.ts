// The Worker's typed environment and its configuration, parsed once per isolate from vars and
// secrets. A missing or malformed secret fails loudly here, never as a half-working Worker.
import { z } from "zod";

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
  MAX_REQUEST_BYTES: intVar(10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  UPSTREAM_TIMEOUT_MS: intVar(10_000, 100, 120_000),
  /** Optional: presented once by a signed-in account to become the first operator (README "Operators"). */
  OPERATOR_BOOTSTRAP_SECRET: z
    .string()
    .optional()
    .transform((s) => (s?.trim() ? s.trim() : undefined))
    .pipe(z.string().min(24, "must be at least 24 characters").optional()),
});

export type Config = z.infer<typeof ConfigSchema>;

const parsed = new WeakMap<object, Config>();

/**
 * Returns the parsed configuration for this env object, parsing it on first use.
 * @throws Error naming every malformed var or secret (never its value).
 */
export function getConfig(env: AppBindings): Config {
  const cached = parsed.get(env);
  if (cached) return cached;
  const result = ConfigSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || "env"}: ${i.message}`).join("; ");
    throw new Error(`RedisGate configuration is invalid: ${problems}`);
  }
  parsed.set(env, result.data);
  return result.data;
}
