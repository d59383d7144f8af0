// The response body of every route the tests call, derived from the API's own types, so that a
// change to a response's shape breaks the tests at compile time instead of reading `undefined`.
// `api(method, path)` (./api.ts) looks its body type up here from the method and the path literal.
//
// Adding a route: add one line to `Routes` below, keyed "<METHOD> <path>" with the path exactly as
// the route file declares it (`:orgId`, `:instanceId`, ... match one path segment), and its body:
//   - `Reply<X>` for the management envelope whose `data` is X (`Paged<X>` for a list with pagination),
//   - a raw type for a route that answers without the envelope.
// Take X from the service that produces it (`PublicMember`, `Data<typeof changeMemberRole>`, ...); restate
// a shape by hand only where the handler builds it inline, and then from the source types it holds.
// A route missing here still compiles: its body is `Unmapped` (an envelope whose data is `unknown`),
// so a test may assert the whole body (`toMatchObject`) but must add the route to read its fields.
import type { KeyRing } from "../../src/auth/api-key-token";
import type { Config } from "../../src/env";
import type { Failure, ok, Pagination } from "../../src/management/envelope";
import type { InstanceResponse } from "../../src/management/instance-routes";
import type { VERSION } from "../../src/management/meta-routes";
import type { buildOpenApiDocument } from "../../src/management/openapi";
import type { PublicAccountActivity } from "../../src/services/account-audit";
import type { listSessions } from "../../src/services/account-lifecycle";
import type { PublicUser } from "../../src/services/accounts";
import type { PublicApiKey } from "../../src/services/api-keys";
import type { PublicAuditEntry } from "../../src/services/audit";
import type { ConsoleKey } from "../../src/services/console-keys";
import type { InstanceHealth } from "../../src/services/instance-health";
import type { InstanceDetail } from "../../src/services/instances";
import type {
  acceptInvitation,
  CreatedInvitation,
  InvitationPreview,
  PublicInvitation,
  revokeInvitation,
} from "../../src/services/invitations";
import type { changeMemberRole, PublicMember } from "../../src/services/members";
import type { listOperatorAuditLog } from "../../src/services/operator-audit";
import type {
  issuePasswordReset,
  listAccountsForOperator,
  listEveryOrganizationForOperator,
  setOperator,
  setOrganizationCeiling,
  setSuspension,
} from "../../src/services/operators";
import type { OrganizationDetail, PublicOrganization } from "../../src/services/organizations";
import type { getUsage } from "../../src/services/usage";

/** What an async service function resolves to. */
type Data<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
/** One item of a paged service function's page. */
type Item<F extends (...args: never[]) => Promise<{ items: unknown[] }>> = Data<F>["items"][number];

/** The success envelope exactly as `ok()` builds it. */
export type Envelope<T> = ReturnType<typeof ok<T>>;

/**
 * A management response body whatever its status: the success envelope with `data: T` (null on a
 * failure, which `expectFailure` asserts), and the failure's `error` present only on failures.
 * One type for both so tests read `body.data.x` after checking the status, without narrowing.
 */
export type Reply<T> = Omit<Envelope<T>, "success" | "data"> & {
  success: boolean;
  data: T;
  error?: Failure["error"];
};
/** A list route's body: `Reply<T[]>` with its pagination. */
export type Paged<T> = Reply<T[]> & { pagination: Pagination };

/** The body of a route not (yet) in `Routes`: an envelope whose data is not known. */
export type Unmapped = Reply<unknown>;

/**
 * The edge's Upstash REST body for one command: `{ result }`, or `{ error }` when refused or failed.
 * Hand-written: the edge serialises it inline (src/upstream/upstash-response.ts) and has no type for it.
 */
export type RestReply = { result?: unknown; error?: string };
/**
 * A /pipeline or /multi-exec body: one reply per command, or one `{ error }` when the whole request
 * is refused. As with `Reply`, one type for both: the array, with `error` read only on a failure.
 */
export type RestBatch = RestReply[] & { error?: string };

/** Every route the tests call, keyed "<METHOD> <path as declared>", to the body it answers. */
/** What registering and signing in answer: the session token, the account, and when the session ends. */
type SignedInReply = { token: string; user: PublicUser; expires_at: string };

export type Routes = {
  // meta
  "GET /health": Reply<{ status: string }>;
  "GET /version": Reply<{ name: string; version: typeof VERSION; environment: Config["ENVIRONMENT"] }>;
  "GET /.well-known/jwks.json": { keys: KeyRing["publicJwks"] };
  "GET /api/openapi.json": ReturnType<typeof buildOpenApiDocument>;

  // auth and account (the handlers wrap service results in small inline objects)
  "POST /auth/register": Reply<SignedInReply>;
  "POST /auth/login": Reply<SignedInReply>;
  "POST /auth/logout": Reply<null>;
  "GET /auth/me": Reply<{ user: PublicUser; is_operator: boolean }>;
  "DELETE /auth/me": Reply<{ revoked_keys: number }>;
  "PUT /auth/password": Reply<null>;
  "GET /auth/sessions": Reply<Data<typeof listSessions>>;
  "GET /auth/activity": Paged<PublicAccountActivity>;
  "DELETE /auth/sessions": Reply<null>;
  "DELETE /auth/sessions/:sessionId": Reply<null>;
  "POST /auth/password-reset": Reply<null>;

  // organizations and members
  "GET /api/organizations": Paged<PublicOrganization>;
  "POST /api/organizations": Reply<PublicOrganization>;
  "GET /api/organizations/:orgId": Reply<OrganizationDetail>;
  "PUT /api/organizations/:orgId": Reply<PublicOrganization>;
  "DELETE /api/organizations/:orgId": Reply<null>;
  "GET /api/organizations/:orgId/members": Paged<PublicMember>;
  "PUT /api/organizations/:orgId/members/:userId": Reply<Data<typeof changeMemberRole>>;
  "DELETE /api/organizations/:orgId/members/:userId": Reply<null>;

  // invitations
  "POST /api/organizations/:orgId/invitations": Reply<CreatedInvitation>;
  "GET /api/organizations/:orgId/invitations": Paged<PublicInvitation>;
  "DELETE /api/organizations/:orgId/invitations/:invitationId": Reply<Data<typeof revokeInvitation>>;
  "POST /api/invitations/preview": Reply<InvitationPreview>;
  "POST /api/invitations/accept": Reply<Data<typeof acceptInvitation>>;

  // usage and limits
  "GET /api/organizations/:orgId/usage": Reply<Data<typeof getUsage>>;
  "PUT /api/organizations/:orgId/limits": Reply<PublicOrganization>;

  // redis instances (the routes add `rest_url`; one instance also carries its isolation report)
  "GET /api/organizations/:orgId/redis-instances": Paged<InstanceResponse>;
  "POST /api/organizations/:orgId/redis-instances": Reply<InstanceDetailResponse>;
  "GET /api/organizations/:orgId/redis-instances/:instanceId": Reply<InstanceDetailResponse>;
  "PUT /api/organizations/:orgId/redis-instances/:instanceId": Reply<InstanceDetailResponse>;
  "DELETE /api/organizations/:orgId/redis-instances/:instanceId": Reply<null>;
  "POST /api/organizations/:orgId/redis-instances/:instanceId/isolation-check": Reply<InstanceDetailResponse>;
  "POST /api/organizations/:orgId/redis-instances/:instanceId/console-key": Reply<ConsoleKey>;
  "GET /api/organizations/:orgId/redis-instances/:instanceId/health": Reply<InstanceHealth>;

  // api keys
  "GET /api/organizations/:orgId/api-keys": Paged<PublicApiKey>;
  "POST /api/organizations/:orgId/api-keys": Reply<{ api_key: PublicApiKey; key: string }>;
  "POST /api/organizations/:orgId/api-keys/identify": Reply<PublicApiKey>;
  "GET /api/organizations/:orgId/api-keys/:keyId": Reply<PublicApiKey>;
  "PUT /api/organizations/:orgId/api-keys/:keyId": Reply<PublicApiKey>;
  "DELETE /api/organizations/:orgId/api-keys/:keyId": Reply<PublicApiKey>;
  "POST /api/organizations/:orgId/api-keys/:keyId/roll": Reply<{ api_key: PublicApiKey; key: string; replaced: PublicApiKey }>;

  // audit
  "GET /api/organizations/:orgId/audit-logs": Paged<PublicAuditEntry>;

  // operators
  "POST /api/admin/bootstrap": Reply<{ is_operator: true }>;
  "GET /api/admin/organizations": Paged<Item<typeof listEveryOrganizationForOperator>>;
  "PUT /api/admin/organizations/:orgId/limits": Reply<Data<typeof setOrganizationCeiling>>;
  "POST /api/admin/organizations/:orgId/suspend": Reply<Data<typeof setSuspension>>;
  "POST /api/admin/organizations/:orgId/resume": Reply<Data<typeof setSuspension>>;
  "PUT /api/admin/operators/:userId": Reply<Data<typeof setOperator>>;
  "DELETE /api/admin/operators/:userId": Reply<Data<typeof setOperator>>;
  "GET /api/admin/users": Paged<Item<typeof listAccountsForOperator>>;
  "POST /api/admin/users/:userId/password-reset": Reply<Data<typeof issuePasswordReset>>;
  "GET /api/admin/audit-logs": Paged<Item<typeof listOperatorAuditLog>>;
};

/** One instance as its own page, create, update and re-check answer it. */
export type InstanceDetailResponse = InstanceDetail & Pick<InstanceResponse, "rest_url">;

// ---- matching a path to its route -------------------------------------------------------------

/** The path without its query string. */
type PathOf<P extends string> = P extends `${infer Path}?${string}` ? Path : P;
/** "/a/b" → ["a", "b"]. */
type Segments<P extends string> = P extends `/${infer Rest}` ? Split<Rest> : [P];
type Split<S extends string> = S extends `${infer Head}/${infer Rest}` ? [Head, ...Split<Rest>] : [S];
/** A declared segment `:name` matches any non-empty segment; any other matches only itself. */
type SegmentMatches<Actual extends string, Declared extends string> = Declared extends `:${string}`
  ? Actual extends ""
    ? false
    : true
  : [Actual] extends [Declared]
    ? true
    : false;
type Matches<Actual extends string[], Declared extends string[]> = Actual extends [infer A extends string, ...infer AR extends string[]]
  ? Declared extends [infer D extends string, ...infer DR extends string[]]
    ? SegmentMatches<A, D> extends true
      ? Matches<AR, DR>
      : false
    : false
  : Declared extends []
    ? true
    : false;

/** The bodies of the routes `method path` matches (never when none does). */
type Lookup<M extends string, P extends string> = {
  [K in keyof Routes]: K extends `${M} ${infer Declared}`
    ? Matches<Segments<PathOf<P>>, Segments<Declared>> extends true
      ? Routes[K]
      : never
    : never;
}[keyof Routes];

/** The edge's body for a path under /redis/<instanceId> (any method). */
type EdgeBody<P extends string> = Segments<PathOf<P>> extends ["redis", string, "pipeline" | "multi-exec"] ? RestBatch : RestReply;

/**
 * The body `api(method, path)` answers: the edge's Upstash shape under /redis/, the mapped route's
 * body, else `Unmapped`. A method or path known only as `string` cannot be looked up: `Unmapped`.
 */
export type ResponseOf<M extends string, P extends string> = P extends `/redis/${string}`
  ? EdgeBody<P>
  : string extends M
    ? Unmapped
    : [Lookup<M, P>] extends [never]
      ? Unmapped
      : Lookup<M, P>;
