// One way to declare a management route, and the spec is what runs: `auth` installs the session
// check (and `Cache-Control: no-store`), `role` resolves the `:orgId`, enforces the minimum role
// and keeps a suspended organization read-only (save the protective routes), `operator` admits operators only and audits the
// call, path parameters are checked against their id format, body and query are validated. The
// OpenAPI document (./openapi.ts) reads the same specs.
import type { Context, Hono } from "hono";
import { z } from "zod";
import { requireUser } from "../auth/middleware";
import type { Role } from "../auth/roles";
import { AppError } from "../errors";
import type { ServiceContext } from "../services/context";
import { recordOperatorAction } from "../services/operator-audit";
import { type OrgAccess, requireOrgAccess } from "../services/organizations";
import { type ManagementEnv, serviceContext } from "./context";
import { readJsonBody, validate } from "./request-body";

type Method = "get" | "post" | "put" | "delete";

/** The names of a path's `:params`, as a union of string literals. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/**
 * Every path parameter a route may declare, its id format and the 404 it answers when the value
 * cannot be an id (no oracle: the same answer as an id that does not exist).
 */
const PARAMS = {
  orgId: { format: /^org_[a-z0-9]{1,64}$/, missing: "Organization not found." },
  instanceId: { format: /^rdb_[a-z0-9]{1,64}$/, missing: "Redis instance not found." },
  keyId: { format: /^key_[a-z0-9]{1,64}$/, missing: "API key not found." },
  userId: { format: /^usr_[a-z0-9]{1,64}$/, missing: "Member not found." },
  invitationId: { format: /^inv_[a-z0-9]{1,64}$/, missing: "Invitation not found." },
  sessionId: { format: /^ses_[a-z0-9]{1,64}$/, missing: "Session not found." },
} as const;
type ParamName = keyof typeof PARAMS;
type Params<P extends string> = Record<PathParams<P>, string>;

/**
 * A route's minimum role: one for everybody, or, on a `:userId` route, one when the user acts on
 * themselves and another when on somebody else (leaving an organization needs no role).
 */
export type RoleRule = Role | { self: Role; others: Role };

export type RouteSpec<P extends string, B, Q, A extends boolean, R> = {
  method: Method;
  /** Path parameters must be names from PARAMS; `role` needs `:orgId`. */
  path: P;
  summary: string;
  tag: string;
  /** true installs the session check; false for the few public routes (register, login, health, ...). */
  auth: A;
  /** The minimum role in the route's `:orgId`; the handler then receives the resolved organization. */
  role?: R;
  /**
   * A suspended organization refuses every method but GET (403 organization_suspended), except on
   * routes marked here: those that only read, or only take access away (revoking a key, removing a
   * member, leaving). A suspension is often the answer to a leak: the owner must be able to cut the
   * leak off, or it works again on resume.
   */
  allowWhileSuspended?: true;
  /** An /api/admin route: operators only (403 for anyone else); each successful call is audited as `audit`. */
  operator?: { audit: string };
  body?: B;
  query?: Q;
  status?: number;
};

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

/** What a handler receives: validated input, plus the service context and access its spec asked for. */
export type RouteInput<P extends string, B, Q, A extends boolean, R> = {
  body: Infer<B>;
  query: Infer<Q>;
  params: Params<P>;
} & (A extends true ? { ctx: ServiceContext } : unknown) &
  (R extends undefined ? unknown : { access: OrgAccess });

type AnySpec = RouteSpec<string, z.ZodType | undefined, z.ZodType | undefined, boolean, unknown>;
export const registeredRoutes: AnySpec[] = [];

/** Checks each path parameter's format; the first that cannot be an id is its 404. */
function readParams(c: Context, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const rule = PARAMS[name as ParamName];
    const value = c.req.param(name) as string | undefined;
    if (!value || !rule.format.test(value)) throw new AppError("not_found", rule.missing);
    out[name] = value;
  }
  return out;
}

function paramNames(path: string): string[] {
  const names = [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] as string);
  for (const name of names) if (!(name in PARAMS)) throw new Error(`route ${path}: no id format for :${name}; add it to PARAMS`);
  return names;
}

/** Registers a route on `app` that enforces its spec, and records it for the OpenAPI document. */
export function defineRoute<
  P extends string,
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  A extends boolean = boolean,
  R extends RoleRule | undefined = undefined,
>(
  app: Hono<ManagementEnv>,
  spec: RouteSpec<P, B, Q, A, R> & (R extends undefined ? unknown : { auth: true }),
  handler: (c: Context<ManagementEnv>, input: RouteInput<P, B, Q, A, R>) => Promise<Response>,
): void {
  const names = paramNames(spec.path);
  if (spec.role !== undefined && !names.includes("orgId")) throw new Error(`route ${spec.path}: a role needs an :orgId`);
  if (spec.operator && !spec.auth) throw new Error(`route ${spec.path}: an operator route needs auth`);
  registeredRoutes.push(spec as AnySpec);
  const method = spec.method.toUpperCase();
  if (spec.auth) app.on(method, spec.path, requireUser);
  app.on(method, spec.path, async (c) => {
    if (spec.auth) c.header("Cache-Control", "no-store"); // whatever is signed in is nobody else's to cache
    if (spec.operator && !c.get("user").isOperator) throw new AppError("forbidden", "This route is for the deployment's operators.");
    const params = readParams(c, names) as Params<P>;
    const input: Record<string, unknown> = { params };
    if (spec.auth) input.ctx = serviceContext(c);
    const rule = spec.role as RoleRule | undefined;
    if (rule !== undefined) {
      const self = (params as Record<string, string>).userId === c.get("user").id;
      const minimum = typeof rule === "string" ? rule : self ? rule.self : rule.others;
      const access = await requireOrgAccess(input.ctx as ServiceContext, (params as Record<string, string>).orgId as string, minimum);
      if (spec.method !== "get" && !spec.allowWhileSuspended && access.organization.suspendedAt) {
        throw new AppError("organization_suspended", "This organization is suspended by the operator: it is read-only until resumed.");
      }
      input.access = access;
    }
    input.body = spec.body ? validate(spec.body, await readJsonBody(c), "request body") : undefined;
    input.query = spec.query ? validate(spec.query, c.req.query(), "query parameters") : undefined;
    const response = await handler(c, input as RouteInput<P, B, Q, A, R>);
    if (spec.operator && response.ok) {
      await recordOperatorAction(input.ctx as ServiceContext, spec.operator.audit, { params, body: input.body, query: input.query });
    }
    return response;
  });
}

/** `limit` (1-100, default 50) and an opaque `cursor`, shared by every list route. */
export const PageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
