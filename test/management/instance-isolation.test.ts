// Attaching a redis instance checks its upstream (422 with the reason) and records an isolation
// report: what the credentials reach beyond their database, and how many instances of OTHER
// organizations share the server, counted when the report is read. Real redis-server, real ACLs.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PublicIsolation } from "../../src/services/instance-isolation";
import { type Account, api, createInstance, createOrg, signUp, unique } from "../helpers/api";
import { aclUser, redisCommand } from "../helpers/redis-server";
import { expectFailure, expectOk } from "./envelope";
import { team } from "./team";

const port = new URL(env.TEST_REDIS_URL).port;
const address = `127.0.0.1:${port}`;
const users: string[] = [];

/** An ACL user confined the way Redis allows: key and channel patterns, no SELECT, no admin. */
async function confinedUrl(host = "127.0.0.1", extra: string[] = []): Promise<string> {
  const user = await aclUser([
    "~rdb:*",
    "resetchannels",
    "-@all",
    "+@read",
    "+@write",
    "+@connection",
    "+@scripting",
    "+@pubsub",
    "-select",
    "-@admin",
    "-@dangerous",
    ...extra,
  ]);
  users.push(user.name);
  return user.url.replace("127.0.0.1", host);
}

let owner: Account;
let orgId: string;
beforeAll(async () => {
  owner = await signUp();
  orgId = await createOrg(owner);
});
afterAll(async () => {
  for (const name of users) await redisCommand(["ACL", "DELUSER", name]);
});

const instances = <const S extends string = "">(path = "" as S, id = orgId) => `/api/organizations/${id}/redis-instances${path}` as const;
const create = (body: Record<string, unknown>, as = owner, org = orgId) =>
  api("POST", instances("", org), { token: as.token, body: { name: "Cache", slug: unique("db"), driver: "redis", ...body } });
const read = async (id: string, as = owner, org = orgId) => expectOk(await api("GET", instances(`/${id}`, org), { token: as.token }));

/** The isolation report a `redis`-driver instance carries (null only for drivers without probes). */
function report(instance: { isolation: PublicIsolation | null }): PublicIsolation {
  if (!instance.isolation) throw new Error(`instance has no isolation report: ${JSON.stringify(instance)}`);
  return instance.isolation;
}

/** Asserts the 422 of a failed connection check and that nothing was stored. */
async function expectCheckFailure(res: Awaited<ReturnType<typeof create>>, reason: string) {
  const issues = expectFailure(res, 422, "unprocessable_entity");
  expect(res.body.message).toBe(`The upstream did not accept a PING with these credentials: ${reason}`);
  expect(issues).toEqual([{ path: "endpoint", message: reason }]);
}

describe("the connection check when attaching or re-pointing", () => {
  it("refuses an address where nothing listens (was saved and shown active)", async () => {
    await expectCheckFailure(
      await create({ endpoint: "redis://127.0.0.1:1" }),
      "cannot connect to 127.0.0.1:1 (connection refused, host unreachable)",
    );
  });

  it("refuses a server that accepts but never answers, after the upstream timeout", async () => {
    const silent = new URL(env.TEST_BLACKHOLE_URL).host;
    await expectCheckFailure(await create({ endpoint: env.TEST_BLACKHOLE_URL }), `${silent} did not answer within 2000 ms`);
  });

  it("refuses a wrong password with Redis's own WRONGPASS, never echoing the password", async () => {
    const res = await create({ endpoint: env.TEST_REDIS_ACL_URL.replace("gate-secret-pw", "not-the-password") });
    await expectCheckFailure(res, "AUTH was refused: WRONGPASS invalid username-password pair or user is disabled.");
    expect(JSON.stringify(res.body)).not.toContain("not-the-password");
  });

  it("refuses a database the credentials may not select", async () => {
    const url = await confinedUrl();
    await expectCheckFailure(
      await create({ endpoint: `${url}/3` }),
      "SELECT 3 was refused: NOPERM this user has no permissions to run the 'select' command",
    );
  });

  it("refuses rediss:// to a port that speaks plain RESP (no TLS handshake answers)", async () => {
    await expectCheckFailure(await create({ endpoint: `rediss://127.0.0.1:${port}` }), `127.0.0.1:${port} did not answer within 2000 ms`);
  });

  it("refuses re-pointing to a dead upstream and keeps the instance as it was", async () => {
    const created = await createInstance(owner, orgId);
    const res = await api("PUT", instances(`/${created.id}`), { token: owner.token, body: { endpoint: "redis://127.0.0.1:1" } });
    await expectCheckFailure(res, "cannot connect to 127.0.0.1:1 (connection refused, host unreachable)");
    expect((await read(created.id)).endpoint).toBe(`redis://${address}`);
    expect(await env.DIRECTORY.get<{ endpoint: string }>(`v1:instance:${created.id}`, "json")).toMatchObject({
      endpoint: `redis://${address}`,
    });
  });
});

describe("the isolation report", () => {
  it("flags the permissive default user: every probe allowed, the server identified", async () => {
    const data = expectOk(await create({ endpoint: env.TEST_REDIS_URL }), 201);
    expect(data.isolation).toEqual({
      checked_at: expect.any(String),
      server: {
        address,
        run_id: expect.stringMatching(/^[0-9a-f]{40}$/),
        redis_version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
        tcp_port: Number(port),
      },
      reaches_beyond_database: true,
      summary:
        "These credentials reach beyond their database: the server allowed server_info, admin_command, script_select, select_other_database, all_channels.",
      probes: [
        {
          name: "server_info",
          command: "INFO server",
          outcome: "allowed",
          reply: "(INFO server text; see the server fields)",
          risk: expect.any(String),
        },
        {
          name: "admin_command",
          command: "CONFIG GET maxmemory",
          outcome: "allowed",
          reply: expect.stringMatching(/^maxmemory \d+$/),
          risk: expect.any(String),
        },
        {
          name: "script_select",
          command: "EVAL return redis.call('SELECT', ARGV[1]) 0 1",
          outcome: "allowed",
          reply: "OK",
          risk: expect.any(String),
        },
        { name: "select_other_database", command: "SELECT 1", outcome: "allowed", reply: "OK", risk: expect.any(String) },
        {
          name: "all_channels",
          command: expect.stringMatching(/^PSUBSCRIBE redisgate:isolation-probe:[0-9a-f-]{36}:\*$/),
          outcome: "allowed",
          reply: expect.stringMatching(/^psubscribe redisgate:isolation-probe:[0-9a-f-]{36}:\* 1$/),
          risk: expect.any(String),
        },
      ],
      shared_server: expect.objectContaining({ matched_by: "the same host:port or the same Redis run_id" }),
    });
    // The report is stored: reading it again gives the same findings and time.
    expect((await read(data.id)).isolation).toEqual(data.isolation);
  });

  it("probes another database than the instance's own", async () => {
    const data = expectOk(await create({ endpoint: `${env.TEST_REDIS_URL}/1` }), 201);
    const select = report(data).probes.find((p) => p.name === "select_other_database");
    expect(select).toMatchObject({ command: "SELECT 0", outcome: "allowed" });
  });

  it("shows an ACL-confined user's server refusing every probe, and says so", async () => {
    const data = expectOk(await create({ endpoint: await confinedUrl() }), 201);
    const refused = (name: string, command: string | RegExp, reply: string | RegExp) => ({
      name,
      command,
      outcome: "refused",
      reply,
      risk: expect.any(String),
    });
    expect(data.isolation).toMatchObject({
      server: { address, run_id: null, redis_version: null, tcp_port: null },
      reaches_beyond_database: false,
      summary: "The server refused every probe. The probes cannot see key-pattern overlaps, module commands or a server behind a proxy.",
    });
    expect(report(data).probes).toEqual([
      refused("server_info", "INFO server", "NOPERM this user has no permissions to run the 'info' command"),
      refused("admin_command", "CONFIG GET maxmemory", "NOPERM this user has no permissions to run the 'config|get' command"),
      refused(
        "script_select",
        "EVAL return redis.call('SELECT', ARGV[1]) 0 1",
        expect.stringMatching(
          /^ERR The user executing the script can't run this command or subcommand script: [0-9a-f]{40}, on @user_script:1\.$/,
        ),
      ),
      refused("select_other_database", "SELECT 1", "NOPERM this user has no permissions to run the 'select' command"),
      refused(
        "all_channels",
        expect.stringMatching(/^PSUBSCRIBE redisgate:isolation-probe:/),
        "NOPERM this user has no permissions to access one of the channels used as arguments",
      ),
    ]);
  });

  it("has no report for the upstash driver, whose upstream is a database of its own", async () => {
    const data = expectOk(await create({ driver: "upstash", endpoint: env.TEST_UPSTREAM_URL, token: env.TEST_UPSTREAM_TOKEN }), 201);
    expect(data).toMatchObject({ isolation: null, warnings: [] });
  });
});

describe("other organizations on the same server, counted when the report is read", () => {
  it("counts another organization's instance created after ours, by host:port, without naming it", async () => {
    // INFO is refused to confined users, so only the address matches: "localhost" is this test's alone.
    const a = expectOk(await create({ endpoint: await confinedUrl("localhost") }), 201);
    expect(report(a).shared_server).toEqual({
      other_organizations: 0,
      other_instances: 0,
      matched_by: "the same host:port",
      note: "Counts only: other organizations' names and instance ids are never shown.",
    });
    expect(a.warnings).toEqual([]);
    expect(report(expectOk(await create({ endpoint: await confinedUrl("localhost") }), 201)).shared_server.other_organizations).toBe(0);

    const other = await signUp();
    const otherOrg = await createOrg(other);
    const b = expectOk(await create({ endpoint: await confinedUrl("localhost") }, other, otherOrg), 201);
    const warning =
      `The Redis server at localhost:${port} is also used by 1 other organization(s) (2 instance(s)). One Redis server per organization is the ` +
      "isolation boundary: Redis ACLs cannot confine a user to a database number, and Lua scripts, KEYS/SCAN, FLUSHDB, functions and pub/sub " +
      "reach past key patterns. A production deployment refuses this unless its operator sets ALLOW_SHARED_UPSTREAM_SERVERS=true.";
    expect(b.warnings).toEqual([warning]);

    const later = await read(a.id);
    expect(report(later).shared_server).toMatchObject({ other_organizations: 1, other_instances: 1 });
    expect(report(later).checked_at).toBe(report(a).checked_at);
    expect(later.warnings).toEqual([warning.replace("(2 instance(s))", "(1 instance(s))")]);
    expect(JSON.stringify(later)).not.toContain(b.id);
    expect(JSON.stringify(later)).not.toContain(otherOrg);

    await api("DELETE", instances(`/${b.id}`, otherOrg), { token: other.token });
    expect(report(await read(a.id)).shared_server).toMatchObject({ other_organizations: 0, other_instances: 0 });
  });

  it("matches the same server under another name by its Redis run_id", async () => {
    const c = expectOk(await create({ endpoint: `redis://localhost:${port}` }), 201);
    const before = report(c).shared_server.other_organizations;
    const other = await signUp();
    const otherOrg = await createOrg(other);
    await create({ endpoint: env.TEST_REDIS_URL }, other, otherOrg);
    expect(report(await read(c.id)).shared_server.other_organizations).toBe(before + 1);
  });
});

describe("POST …/redis-instances/:id/isolation-check", () => {
  it("re-runs the probes with the stored credentials after the server's ACL changed", async () => {
    const url = await confinedUrl();
    const created = expectOk(await create({ endpoint: url }), 201);
    expect(report(created).reaches_beyond_database).toBe(false);
    await redisCommand(["ACL", "SETUSER", new URL(url).username, "+select"]);
    const res = await api("POST", instances(`/${created.id}/isolation-check`), { token: owner.token });
    const data = expectOk(res);
    expect(res.body.message).toBe("Isolation check done.");
    expect(report(data).reaches_beyond_database).toBe(true);
    expect(report(data).probes.find((p) => p.name === "select_other_database")).toMatchObject({
      outcome: "allowed",
      reply: "OK",
    });
    expect(Date.parse(report(data).checked_at)).toBeGreaterThanOrEqual(Date.parse(report(created).checked_at));
    expect((await read(created.id)).isolation).toEqual(data.isolation);
    const audit = expectOk(await api("GET", `/api/organizations/${orgId}/audit-logs?limit=100`, { token: owner.token }));
    expect(audit.map((e) => `${e.action}:${e.resource_id}`)).toContain(`instance.isolation_check:${created.id}`);
  });

  it("answers 422 when the upstream no longer accepts the stored credentials", async () => {
    const url = await confinedUrl();
    const created = expectOk(await create({ endpoint: url }), 201);
    await redisCommand(["ACL", "SETUSER", new URL(url).username, "resetpass", ">changed-on-the-server"]);
    const res = await api("POST", instances(`/${created.id}/isolation-check`), { token: owner.token });
    await expectCheckFailure(res, "AUTH was refused: WRONGPASS invalid username-password pair or user is disabled.");
  });

  it("answers 422 for an upstash instance", async () => {
    const created = expectOk(await create({ driver: "upstash", endpoint: env.TEST_UPSTREAM_URL, token: env.TEST_UPSTREAM_TOKEN }), 201);
    const res = await api("POST", instances(`/${created.id}/isolation-check`), { token: owner.token });
    expectFailure(res, 422, "unprocessable_entity");
    expect(res.body.message).toBe("The upstash driver has no isolation probes: its upstream is a database of its own.");
  });

  it("is for admins: a member gets 403, another organization 404", async () => {
    const t = await team();
    const created = await createInstance(t.owner, t.orgId);
    const check = (as: Account, org = t.orgId) => api("POST", instances(`/${created.id}/isolation-check`, org), { token: as.token });
    expectFailure(await check(t.member), 403, "forbidden");
    expectFailure(await check(t.viewer), 403, "forbidden");
    expectOk(await check(t.admin));
    expectFailure(await check(t.outsider), 404, "not_found");
    expectFailure(await check(t.outsider, t.outsiderOrgId), 404, "not_found");
  });
});
