// In production a redis instance on a server another organization already uses is refused (one
// server per organization is the boundary) unless the operator sets ALLOW_SHARED_UPSTREAM_SERVERS.
// A production Worker cannot reach loopback (src/env.ts refuses such a configuration), so these
// apps keep the test environment and set the refusal explicitly, as an operator of a staging
// deployment would; that production refuses by default is test/env.unit.test.ts.
// This file's D1 is its own, so once freeServer has deleted this file's instances nobody uses the
// test server.
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Account, type ApiResult, api, createOrg, signUp, unique } from "../helpers/api";
import type { ResponseOf } from "../helpers/api-types";
import { clockedApp } from "../helpers/clocked-app";
import { expectFailure, expectOk } from "./envelope";

const port = new URL(env.TEST_REDIS_URL).port;
const production = clockedApp(Date.now(), { ...env, ALLOW_SHARED_UPSTREAM_SERVERS: "false" } as Env);
const permissive = clockedApp(Date.now(), { ...env, ALLOW_SHARED_UPSTREAM_SERVERS: "true" } as Env);

type App = typeof production;

async function call<const M extends string, const P extends string>(
  app: App,
  method: M,
  path: P,
  token: string,
  body?: unknown,
): Promise<ApiResult<ResponseOf<M, P>>> {
  const init =
    body === undefined ? { method, token } : { method, token, body: JSON.stringify(body), headers: { "content-type": "application/json" } };
  const res = await app.fetch(path, init);
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const instances = <const S extends string = "">(orgId: string, path = "" as S) =>
  `/api/organizations/${orgId}/redis-instances${path}` as const;
/** Every organization of this file that may hold an instance: freeServer empties them all. */
const holders = new Map<string, Account>();
const attach = (app: App, who: Account, orgId: string, endpoint = env.TEST_REDIS_URL) => {
  holders.set(orgId, who);
  return call(app, "POST", instances(orgId), who.token, { name: "Cache", slug: unique("db"), driver: "redis", endpoint });
};

/** Deletes every instance this file made, so the test server is used by nobody. */
async function freeServer(): Promise<void> {
  for (const [orgId, who] of holders) {
    for (const instance of expectOk(await api("GET", instances(orgId), { token: who.token }))) {
      expectOk(await api("DELETE", instances(orgId, `/${instance.id}`), { token: who.token }));
    }
  }
}

/** The first organization holds the test server (one instance); nobody else uses it. */
async function firstHoldsServer(): Promise<void> {
  expectOk(await attach(production, first, firstOrg), 201);
}

const REFUSAL =
  `The Redis server at 127.0.0.1:${port} is already used by another organization. One Redis server per organization is the ` +
  "isolation boundary: Redis ACLs cannot confine a user to a database number, and Lua scripts, KEYS/SCAN, FLUSHDB, functions and pub/sub " +
  "reach past key patterns. Use a Redis server of your own, or ask the operator of this deployment to set ALLOW_SHARED_UPSTREAM_SERVERS=true.";

let first: Account;
let firstOrg: string;
let second: Account;
let secondOrg: string;
beforeAll(async () => {
  [first, second] = await Promise.all([signUp(), signUp()]);
  [firstOrg, secondOrg] = await Promise.all([createOrg(first), createOrg(second)]);
  holders.set(firstOrg, first).set(secondOrg, second);
});

// Each test starts from a server nobody uses and sets up the holders it needs, so any one runs alone.
beforeEach(freeServer);

describe("where shared servers are refused (production's default)", () => {
  it("attaches the first organization's instances on a server nobody else uses, without warnings", async () => {
    const one = expectOk(await attach(production, first, firstOrg), 201);
    expect(one).toMatchObject({ warnings: [], isolation: { shared_server: { other_organizations: 0 } } });
    // More instances of the same organization on its own server are fine.
    expect(expectOk(await attach(production, first, firstOrg), 201).warnings).toEqual([]);
  });

  it("refuses another organization's instance on that server with 422, saying why and what to do, storing nothing", async () => {
    await firstHoldsServer();
    const res = await attach(production, second, secondOrg);
    const issues = expectFailure(res, 422, "unprocessable_entity");
    expect(res.body.message).toBe(REFUSAL);
    expect(issues).toEqual([{ path: "endpoint", message: "this Redis server is already used by another organization" }]);
    const listed = expectOk(await api("GET", instances(secondOrg), { token: second.token }));
    expect(listed).toEqual([]);
  });

  it("refuses the same server under another name, matched by its Redis run_id", async () => {
    await firstHoldsServer();
    const res = await attach(production, second, secondOrg, `redis://localhost:${port}`);
    expectFailure(res, 422, "unprocessable_entity");
    expect(res.body.message).toBe(REFUSAL.replace("127.0.0.1:", "localhost:"));
  });

  it("refuses re-pointing an instance onto that server", async () => {
    await firstHoldsServer();
    // Attached where sharing is only a warning (the test environment), then re-pointed in production.
    const created = expectOk(
      await api("POST", instances(secondOrg), {
        token: second.token,
        body: { name: "x", slug: unique("x"), driver: "redis", endpoint: env.TEST_REDIS_URL },
      }),
      201,
    );
    const res = await call(production, "PUT", instances(secondOrg, `/${created.id}`), second.token, { endpoint: env.TEST_REDIS_ACL_URL });
    expectFailure(res, 422, "unprocessable_entity");
    expect(res.body.message).toBe(REFUSAL);
    expect(expectOk(await api("GET", instances(secondOrg, `/${created.id}`), { token: second.token })).credential_hint).toBeNull();
  });

  it("attaches it when the operator sets ALLOW_SHARED_UPSTREAM_SERVERS=true, with a warning that says so", async () => {
    await firstHoldsServer();
    const data = expectOk(await attach(permissive, second, secondOrg), 201);
    expect(data.isolation?.shared_server).toMatchObject({ other_organizations: 1 });
    expect(data.warnings).toEqual([
      `The Redis server at 127.0.0.1:${port} is also used by 1 other organization(s) (1 instance(s)). One Redis server per organization is the ` +
        "isolation boundary: Redis ACLs cannot confine a user to a database number, and Lua scripts, KEYS/SCAN, FLUSHDB, functions and pub/sub " +
        "reach past key patterns. This deployment's operator allows shared servers (ALLOW_SHARED_UPSTREAM_SERVERS=true).",
    ]);
  });

  it("refuses a configuration whose ALLOW_SHARED_UPSTREAM_SERVERS is neither true nor false", async () => {
    const broken = clockedApp(Date.now(), { ...env, ENVIRONMENT: "production", ALLOW_SHARED_UPSTREAM_SERVERS: "yes" } as Env);
    const res = await attach(broken, first, firstOrg);
    expect({ status: res.status, code: (res.body.error as { code?: string } | undefined)?.code }).toEqual({
      status: 500,
      code: "internal_error",
    });
  });
});

describe("organizations attaching one server at the same moment", () => {
  it("lets exactly one of them have it: the check is made inside the batch that stores the instance", async () => {
    // Four at once: with the check made only before the write, they nearly always all get it.
    const accounts = await Promise.all([signUp(), signUp(), signUp(), signUp()]);
    const orgs = await Promise.all(accounts.map((a) => createOrg(a)));
    const results = await Promise.all(accounts.map((a, i) => attach(production, a, orgs[i] as string)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422, 422]);
    for (const [i, res] of results.entries()) {
      if (res.status !== 422) continue;
      expect(res.body.message).toBe(REFUSAL);
      expect(expectOk(await api("GET", instances(orgs[i] as string), { token: (accounts[i] as Account).token }))).toEqual([]);
    }
  });
});
