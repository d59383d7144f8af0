// Test factories that go through the real Worker (exports.default.fetch): every account,
// organization, instance and key a test uses is made by the same HTTP API users call.
import { env, exports } from "cloudflare:workers";
import type { ResponseOf, Routes } from "./api-types";

export const ORIGIN = "https://redisgate.test";

/**
 * A response as the tests read it: the body parsed as JSON (kept as text when it is not JSON).
 * `ApiResult` alone (body `unknown`) suits code that reads only the status, headers or raw body.
 */
export type ApiResult<Body = unknown> = { status: number; body: Body; headers: Headers };

let ipCounter = 0;
/** A distinct client IP per call site, so login rate limits of one test never hit another. */
export function freshIp(): string {
  ipCounter += 1;
  return `10.${Math.floor(Math.random() * 250)}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

/**
 * Calls the Worker. The body's type follows from the method and the path (./api-types.ts): pass a
 * literal or a template literal (a path helper should return one: `as const`), not a `string`.
 */
export async function api<const M extends string, const P extends string>(
  method: M,
  path: P,
  options: { body?: unknown; rawBody?: BodyInit; token?: string; headers?: Record<string, string> } = {},
): Promise<ApiResult<ResponseOf<M, P>>> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  let body: BodyInit | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const response = await exports.default.fetch(new Request(`${ORIGIN}${path}`, { method, headers, body }));
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed as ResponseOf<M, P>, headers: response.headers };
}

export const unique = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

export type Account = { token: string; userId: string; email: string; password: string; username: string };

export async function signUp(): Promise<Account> {
  const username = unique("user").replace("-", "_");
  const email = `${username}@example.test`;
  const password = "correct horse battery";
  // Registration signs the account in: its answer carries the session token.
  const reg = await api("POST", "/auth/register", { body: { email, username, password }, headers: { "cf-connecting-ip": freshIp() } });
  if (reg.status !== 201) throw new Error(`register failed: ${JSON.stringify(reg.body)}`);
  return { token: reg.body.data.token, userId: reg.body.data.user.id, email, password, username };
}

export async function createOrg(account: Account): Promise<string> {
  const res = await api("POST", "/api/organizations", { token: account.token, body: { name: "Test Org", slug: unique("org") } });
  if (res.status !== 201) throw new Error(`create org failed: ${JSON.stringify(res.body)}`);
  return res.body.data.id;
}

/** The fields of an `upstash` instance over the test run's second RedisGate (test/setup/global.ts). */
export const upstashUpstream = () => ({ driver: "upstash", endpoint: env.TEST_UPSTREAM_URL, token: env.TEST_UPSTREAM_TOKEN });

export async function createInstance(
  account: Account,
  orgId: string,
  overrides: Record<string, unknown> = {},
): Promise<Routes["POST /api/organizations/:orgId/redis-instances"]["data"]> {
  const res = await api("POST", `/api/organizations/${orgId}/redis-instances`, {
    token: account.token,
    body: { name: "Cache", slug: unique("db"), driver: "redis", endpoint: env.TEST_REDIS_URL, ...overrides },
  });
  if (res.status !== 201) throw new Error(`create instance failed: ${JSON.stringify(res.body)}`);
  return res.body.data;
}

export async function mintKey(
  account: Account,
  orgId: string,
  body: Record<string, unknown> = {},
): Promise<Routes["POST /api/organizations/:orgId/api-keys"]["data"]> {
  const res = await api("POST", `/api/organizations/${orgId}/api-keys`, {
    token: account.token,
    body: { name: "test key", scopes: ["write"], ...body },
  });
  if (res.status !== 201) throw new Error(`mint key failed: ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** One tenant with a `redis`-driver instance on the test redis-server and a write key for it. */
export async function tenant(
  keyBody: Record<string, unknown> = {},
  instanceOverrides: Record<string, unknown> = {},
  /** Runs on the new organization before anything is made in it (e.g. lifting its limits). */
  prepare: (orgId: string) => Promise<void> = async () => {},
) {
  const account = await signUp();
  const orgId = await createOrg(account);
  await prepare(orgId);
  const instance = await createInstance(account, orgId, instanceOverrides);
  const minted = await mintKey(account, orgId, keyBody);
  return { account, orgId, instance, key: minted.key, keyId: minted.api_key.id, url: `${ORIGIN}/redis/${instance.id}` };
}
