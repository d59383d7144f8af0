// Public routes of the management face: /health, /version, /api/openapi.json and the 404 envelope.
import { describe, expect, it } from "vitest";
import { api, signUp } from "../helpers/api";
import { expectFailure, expectOk } from "./envelope";

const ORG = "/api/organizations/{orgId}";

type Parameter = { name: string; in: string; schema?: unknown };
type Schema = { required?: string[]; properties?: Record<string, { minLength?: number }>; additionalProperties?: boolean };
/** The parts of an OpenAPI operation these tests read (the document types its operations as `unknown`). */
type Operation = { parameters: Parameter[]; security: unknown[]; requestBody?: { content: Record<string, { schema: Schema }> } };

/** Every route of the management face (DESIGN.md §6 and issue 2), as the OpenAPI document names it. */
const EXPECTED_ROUTES = [
  "get /health",
  "get /version",
  "get /.well-known/jwks.json",
  "get /api/openapi.json",
  "post /auth/register",
  "post /auth/login",
  "post /auth/logout",
  "get /auth/me",
  "delete /auth/me",
  "put /auth/password",
  "get /auth/activity",
  "get /auth/sessions",
  "delete /auth/sessions",
  "delete /auth/sessions/{sessionId}",
  "post /auth/password-reset",
  "get /api/organizations",
  "post /api/organizations",
  `get ${ORG}`,
  `put ${ORG}`,
  `delete ${ORG}`,
  `get ${ORG}/members`,
  `put ${ORG}/members/{userId}`,
  `delete ${ORG}/members/{userId}`,
  `get ${ORG}/invitations`,
  `post ${ORG}/invitations`,
  `delete ${ORG}/invitations/{invitationId}`,
  "post /api/invitations/preview",
  "post /api/invitations/accept",
  `get ${ORG}/api-keys`,
  `post ${ORG}/api-keys`,
  `get ${ORG}/api-keys/{keyId}`,
  `put ${ORG}/api-keys/{keyId}`,
  `delete ${ORG}/api-keys/{keyId}`,
  `post ${ORG}/api-keys/{keyId}/roll`,
  `post ${ORG}/api-keys/identify`,
  `get ${ORG}/redis-instances`,
  `post ${ORG}/redis-instances`,
  `get ${ORG}/redis-instances/{instanceId}`,
  `put ${ORG}/redis-instances/{instanceId}`,
  `delete ${ORG}/redis-instances/{instanceId}`,
  `post ${ORG}/redis-instances/{instanceId}/isolation-check`,
  `get ${ORG}/redis-instances/{instanceId}/health`,
  `post ${ORG}/redis-instances/{instanceId}/console-key`,
  `get ${ORG}/audit-logs`,
  `get ${ORG}/usage`,
  `put ${ORG}/limits`,
  "post /api/admin/bootstrap",
  "get /api/admin/organizations",
  "put /api/admin/organizations/{orgId}/limits",
  "post /api/admin/organizations/{orgId}/suspend",
  "post /api/admin/organizations/{orgId}/resume",
  "put /api/admin/operators/{userId}",
  "delete /api/admin/operators/{userId}",
  "get /api/admin/users",
  "post /api/admin/users/{userId}/password-reset",
  "get /api/admin/audit-logs",
];

describe("GET /health and /version", () => {
  it("/health answers ok without a session", async () => {
    expect(expectOk(await api("GET", "/health"))).toEqual({ status: "ok" });
  });

  it("/version names the build and the environment", async () => {
    expect(expectOk(await api("GET", "/version"))).toEqual({
      name: "redisgate",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      environment: "test",
    });
  });

  it("every response carries a request id", async () => {
    const res = await api("GET", "/health");
    expect(res.headers.get("x-request-id")).toMatch(/^req_[a-z0-9]{20}$/);
  });
});

describe("GET /api/openapi.json", () => {
  it("is an OpenAPI 3.1 document listing exactly the management routes", async () => {
    const res = await api("GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const listed = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    );
    expect(listed.sort()).toEqual([...EXPECTED_ROUTES].sort());
  });

  it("declares every path parameter and the session security of private routes", async () => {
    const { body } = await api("GET", "/api/openapi.json");
    for (const [path, ops] of Object.entries(body.paths as Record<string, Record<string, Operation>>)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        const declared = op.parameters.filter((p) => p.in === "path").map((p) => p.name);
        expect(declared, `${method} ${path}`).toEqual(names);
        const isPublic = path.startsWith("/auth/")
          ? ["/auth/register", "/auth/login", "/auth/logout", "/auth/password-reset"].includes(path)
          : !/^\/api\/(organizations|admin|invitations)/.test(path);
        expect(op.security, `${method} ${path}`).toEqual(isPublic ? [] : [{ session: [] }, { cookie: [] }]);
      }
    }
  });

  it("generates request schemas from the validators (strict objects, the password rule)", async () => {
    const { body } = await api("GET", "/api/openapi.json");
    const paths = body.paths as Record<string, Record<string, Operation>>;
    const register = paths["/auth/register"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(register?.required).toEqual(expect.arrayContaining(["email", "username", "password"]));
    expect(register?.properties?.password?.minLength).toBe(8);
    expect(register?.additionalProperties).toBe(false);
    const listKeys = paths[`${ORG}/api-keys`]?.get?.parameters.map((p) => p.name);
    expect(listKeys).toEqual(["orgId", "limit", "cursor", "revoked", "q"]);
    const roll = paths[`${ORG}/api-keys/{keyId}/roll`]?.post?.parameters;
    expect(roll?.map((p) => p.name)).toEqual(["orgId", "keyId", "keep_old", "retire_old_in"]);
    expect(roll?.find((p) => p.name === "retire_old_in")).toMatchObject({ schema: { minimum: 60, maximum: 2_592_000 } });
  });
});

describe("unknown routes", () => {
  it.each([
    ["GET", "/nope"],
    ["GET", "/api/nothing-here"],
    ["DELETE", "/nothing/here"],
  ])("%s %s is a 404 envelope", async (method, path) => {
    const res = await api(method, path);
    expectFailure(res, 404, "not_found");
    expect(res.body.message).toContain(path);
  });

  it("a known path with the wrong method is a 405 naming the allowed ones", async () => {
    const res = await api("POST", "/health");
    expectFailure(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe("GET");
    expect(res.body.message).toBe("POST is not allowed on /health; use GET.");
  });

  it("an unknown method on a private path is a 405 once signed in (and a 401 before)", async () => {
    expectFailure(await api("PATCH", "/api/organizations"), 401, "unauthorized");
    const account = await signUp();
    const res = await api("PATCH", "/api/organizations", { token: account.token, body: {} });
    expectFailure(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe("GET, POST");
  });
});
