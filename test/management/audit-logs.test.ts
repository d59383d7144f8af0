// GET /api/organizations/:orgId/audit-logs: every mutation writes one row (who, what, which
// resource, when, from where, which request); refused mutations write none; keyset pagination.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { PublicAuditEntry } from "../../src/services/audit";
import type { CreatedInvitation } from "../../src/services/invitations";
import { type Account, type ApiResult, api, createOrg, mintKey, signUp, unique } from "../helpers/api";
import type { Reply, ResponseOf, Unmapped } from "../helpers/api-types";
import { addMember } from "../helpers/invitations";
import { expectFailure, expectOk } from "./envelope";
import { type Team, team } from "./team";

const CLIENT = { "cf-connecting-ip": "203.0.113.77", "user-agent": "audit-test/1.0" };

/** A row as the API answers it. */
type AuditRow = PublicAuditEntry;

let t: Team;
beforeAll(async () => {
  t = await team();
});

const logPath = <const Q extends string = "">(orgId: string, query = "" as Q) => `/api/organizations/${orgId}/audit-logs${query}` as const;

async function readAll(orgId: string, as: Account): Promise<AuditRow[]> {
  return expectOk(await api("GET", logPath(orgId, "?limit=100"), { token: as.token }));
}

async function rowsForRequest(requestId: string | null) {
  const { results } = await env.DB.prepare("SELECT * FROM audit_logs WHERE request_id = ?").bind(requestId).all();
  return results;
}

describe("every mutation writes an audit row", () => {
  it("records actor, action, resource, client IP, user agent and request id for each route", async () => {
    const owner = t.owner;
    const orgId = await createOrg(owner);
    const expected: { res: ApiResult<Unmapped>; action: string; type: string; id: () => string }[] = [];
    const send = async <const M extends string, const P extends string>(
      method: M,
      path: P,
      action: string,
      type: string,
      body?: unknown,
      id?: (res: ApiResult<ResponseOf<M, P>>) => string,
    ) => {
      const res = await api(method, path, { token: owner.token, body, headers: CLIENT });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      // Every path sent here is a management route: its body is the envelope, whatever its data.
      expected.push({ res: res as ApiResult<Unmapped>, action, type, id: () => (id ? id(res) : (path.split("/").at(-1) as string)) });
      return res;
    };
    const base = `/api/organizations/${orgId}` as const;
    const dataId = (res: ApiResult<Reply<{ id: string }>>) => res.body.data.id;

    await send("PUT", base, "organization.update", "organization", { name: "Audited" });
    await send("PUT", `${base}/limits`, "organization.limits_update", "organization", { max_requests_per_day: 5000 }, () => orgId);
    const friend = await signUp();
    const invitationId = (res: ApiResult<Reply<CreatedInvitation>>) => res.body.data.invitation.id;
    const other = await send(
      "POST",
      `${base}/invitations`,
      "invitation.create",
      "invitation",
      { email: "x@example.test", role: "viewer" },
      invitationId,
    );
    await send("DELETE", `${base}/invitations/${invitationId(other)}`, "invitation.revoke", "invitation");
    const invited = await send(
      "POST",
      `${base}/invitations`,
      "invitation.create",
      "invitation",
      { email: friend.email, role: "viewer" },
      invitationId,
    );
    expectOk(await api("POST", "/api/invitations/accept", { token: friend.token, body: { token: invited.body.data.token } })); // member.join, by the friend
    await send("PUT", `${base}/members/${friend.userId}`, "member.role_change", "member", { role: "admin" });
    await send("DELETE", `${base}/members/${friend.userId}`, "member.remove", "member");
    const instance = await send(
      "POST",
      `${base}/redis-instances`,
      "instance.create",
      "instance",
      {
        name: "Db",
        slug: unique("db"),
        driver: "redis",
        endpoint: env.TEST_REDIS_URL,
      },
      dataId,
    );
    const instanceId = dataId(instance);
    await send("PUT", `${base}/redis-instances/${instanceId}`, "instance.update", "instance", { disabled: true });
    await send("PUT", `${base}/redis-instances/${instanceId}`, "instance.credentials_rotate", "instance", {
      endpoint: env.TEST_REDIS_ACL_URL,
    });
    const key = await send(
      "POST",
      `${base}/api-keys`,
      "api_key.create",
      "api_key",
      { name: "k", scopes: ["read"] },
      (r) => r.body.data.api_key.id,
    );
    const keyId = key.body.data.api_key.id;
    await send("PUT", `${base}/api-keys/${keyId}`, "api_key.update", "api_key", { name: "renamed" });
    await send("PUT", `${base}/api-keys/${keyId}`, "api_key.limits_update", "api_key", {
      rate_limit: { requests: 10, window_seconds: 60 },
    });
    const rolled = await send(
      "POST",
      `${base}/api-keys/${keyId}/roll`,
      "api_key.roll",
      "api_key",
      undefined,
      (r) => r.body.data.api_key.id,
    );
    await send("DELETE", `${base}/api-keys/${rolled.body.data.api_key.id}`, "api_key.revoke", "api_key");
    await send("DELETE", `${base}/redis-instances/${instanceId}`, "instance.delete", "instance");

    const log = await readAll(orgId, owner);
    expect(log.find((r) => r.action === "api_key.roll")?.metadata).toMatchObject({ name: "renamed", replaced: keyId });
    const created = log.find((r) => r.action === "organization.create");
    expect(created).toMatchObject({
      organization_id: orgId,
      actor_user_id: owner.userId,
      resource_type: "organization",
      resource_id: orgId,
    });
    for (const { res, action, type, id } of expected) {
      const requestId = res.headers.get("x-request-id");
      const rows = log.filter((r) => r.request_id === requestId);
      expect(rows, action).toEqual([
        {
          id: expect.stringMatching(/^aud_[a-z0-9]{20}$/),
          organization_id: orgId,
          actor_user_id: owner.userId,
          action,
          resource_type: type,
          resource_id: id(),
          ip: CLIENT["cf-connecting-ip"],
          user_agent: CLIENT["user-agent"],
          request_id: requestId,
          metadata: expect.any(Object),
          created_at: expect.any(String),
        },
      ]);
      expect(Math.abs(Date.parse(rows[0]?.created_at ?? "") - Date.parse(res.body.timestamp))).toBeLessThan(5000);
    }
    expect(log.find((r) => r.action === "member.join")).toMatchObject({ actor_user_id: friend.userId, resource_id: friend.userId });
    expect(log.length).toBe(expected.length + 2); // plus organization.create and the friend's member.join
  });

  it("an instance update records only the settings it changed, before and after; one that changes nothing writes no row", async () => {
    const owner = t.owner;
    const orgId = await createOrg(owner);
    const instance = expectOk(
      await api("POST", `/api/organizations/${orgId}/redis-instances`, {
        token: owner.token,
        body: { name: "Db", slug: unique("db"), driver: "redis", endpoint: env.TEST_REDIS_URL },
      }),
      201,
    );
    const path = `/api/organizations/${orgId}/redis-instances/${instance.id}` as const;
    // What the dashboard's limits form sends: every field, most of them as they were.
    const everything = {
      name: "Db",
      allow_admin: false,
      max_request_bytes: null,
      max_pipeline_commands: null,
      max_reply_bytes: null,
      max_reply_elements: 500,
      max_streams_per_key: null,
      max_streams_per_instance: null,
      max_stream_seconds: null,
      transport: "pooled",
      region: "weur",
    } as const;
    expectOk(await api("PUT", path, { token: owner.token, body: everything }));
    const updates = () => readAll(orgId, owner).then((rows) => rows.filter((r) => r.action === "instance.update"));
    expect((await updates()).map((r) => r.metadata)).toEqual([
      {
        fields: ["max_reply_elements", "region"],
        changes: { max_reply_elements: { from: null, to: 500 }, region: { from: null, to: "weur" } },
      },
    ]);
    expect(expectOk(await api("PUT", path, { token: owner.token, body: everything }))).toMatchObject({
      max_reply_elements: 500,
      region: "weur",
    });
    expect(await updates()).toHaveLength(1);
  });

  it("organization deletion writes its row before the organization disappears", async () => {
    const orgId = await createOrg(t.owner);
    await mintKey(t.owner, orgId); // something for the deletion to cascade to
    const res = await api("DELETE", `/api/organizations/${orgId}`, { token: t.owner.token, headers: CLIENT });
    expectOk(res);
    const rows = await rowsForRequest(res.headers.get("x-request-id"));
    expect(rows).toEqual([
      expect.objectContaining({
        organization_id: orgId,
        action: "organization.delete",
        actor_user_id: t.owner.userId,
        ip: CLIENT["cf-connecting-ip"],
      }),
    ]);
    expect(JSON.parse((rows[0] as { metadata: string }).metadata)).toMatchObject({ instances: 0, revoked_keys: 1 });
  });

  it("closing an account writes a user.disable row in every organization the user was in", async () => {
    const leaver = await signUp();
    const [a, b] = [await createOrg(t.owner), await createOrg(t.owner)];
    for (const orgId of [a, b]) {
      await addMember(t.owner, orgId, leaver, "member");
    }
    const key = await mintKey(leaver, a);
    const res = await api("DELETE", "/auth/me", { token: leaver.token, headers: CLIENT, body: { current_password: leaver.password } });
    expectOk(res);
    const rows = (await rowsForRequest(res.headers.get("x-request-id"))) as { organization_id: string; metadata: string }[];
    expect(rows.map((r) => r.organization_id).sort()).toEqual([a, b].sort());
    for (const row of rows) expect(row).toMatchObject({ action: "user.disable", actor_user_id: leaver.userId, resource_id: leaver.userId });
    const inA = (await readAll(a, t.owner)).find((r) => r.request_id === res.headers.get("x-request-id"));
    expect(inA?.metadata).toEqual({ revoked_keys: [key.api_key.id] });
  });

  it("refused mutations write nothing: validation, role, conflict, not found, CSRF", async () => {
    const orgId = t.orgId;
    const refused = [
      await api("PUT", `/api/organizations/${orgId}`, { token: t.owner.token, body: { slug: "NOT OK" } }),
      await api("PUT", `/api/organizations/${orgId}`, { token: t.viewer.token, body: { name: "viewer" } }),
      await api("POST", `/api/organizations/${orgId}/invitations`, {
        token: t.owner.token,
        body: { email: t.admin.email, role: "viewer" },
      }),
      await api("PUT", `/api/organizations/${orgId}/members/${t.owner.userId}`, { token: t.owner.token, body: { role: "viewer" } }),
      await api("DELETE", `/api/organizations/${orgId}/api-keys/key_00000000000000000000`, { token: t.owner.token }),
      await api("POST", `/api/organizations/${orgId}/api-keys`, { token: t.member.token, body: { name: "x", scopes: ["admin"] } }),
      await api("POST", `/api/organizations/${orgId}/api-keys`, {
        headers: { cookie: `rg_session=${t.owner.token}` },
        body: { name: "x", scopes: ["read"] },
      }),
      await api("DELETE", `/api/organizations/${t.outsiderOrgId}`, { token: t.owner.token }),
    ];
    expect(refused.map((r) => r.status)).toEqual([400, 403, 409, 409, 404, 403, 403, 404]);
    for (const res of refused) expect(await rowsForRequest(res.headers.get("x-request-id"))).toEqual([]);
  });

  it("an organization's log holds only its own rows", async () => {
    const res = await api("PUT", `/api/organizations/${t.outsiderOrgId}`, { token: t.outsider.token, body: { name: "Elsewhere" } });
    expectOk(res);
    const log = await readAll(t.orgId, t.owner);
    expect(log.every((r) => r.organization_id === t.orgId)).toBe(true);
    expect(log.map((r) => r.request_id)).not.toContain(res.headers.get("x-request-id"));
  });
});

describe("pagination", () => {
  it("walks the whole log newest first with limit and next_cursor, without gaps or repeats", async () => {
    const orgId = await createOrg(t.owner);
    for (let i = 0; i < 4; i++) await mintKey(t.owner, orgId, { name: `k${i}` });
    const all = await readAll(orgId, t.owner);
    expect(all.length).toBe(5);
    const created = all.map((r) => Date.parse(r.created_at));
    expect([...created].sort((a, b) => b - a)).toEqual(created);

    const walked: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: `?limit=2${string}` = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : "?limit=2";
      const res = await api("GET", logPath(orgId, query), { token: t.owner.token });
      walked.push(...expectOk(res).map((r) => r.id));
      expect(res.body.pagination.limit).toBe(2);
      cursor = res.body.pagination.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(walked).toEqual(all.map((r) => r.id));
  });

  it("defaults to 50 per page", async () => {
    const res = await api("GET", logPath(t.orgId), { token: t.owner.token });
    expectOk(res);
    expect(res.body.pagination.limit).toBe(50);
  });

  it.each([
    ["garbage"],
    ["%25%25%25"],
    [btoa("not-a-time:aud_x").replaceAll("=", "")],
    [btoa("12345").replaceAll("=", "")],
    ["x".repeat(201)],
  ])("rejects the malformed cursor %s with 400", async (cursor) => {
    const res = await api("GET", logPath(t.orgId, `?cursor=${cursor}`), { token: t.owner.token });
    expectFailure(res, 400, "invalid_request");
  });

  it.each([["limit=0"], ["limit=101"], ["limit=ten"], ["offset=5"]])("rejects the query %s with 400", async (query) => {
    expectFailure(await api("GET", logPath(t.orgId, `?${query}`), { token: t.owner.token }), 400, "invalid_request");
  });
});

describe("access", () => {
  it.each(["owner", "admin", "member", "viewer"] as const)("a %s can read the log", async (role) => {
    expect((await readAll(t.orgId, t[role])).length).toBeGreaterThan(0);
  });

  it("an outsider gets 404, and without a session it is 401", async () => {
    expectFailure(await api("GET", logPath(t.orgId), { token: t.outsider.token }), 404, "not_found");
    expectFailure(await api("GET", logPath(t.orgId)), 401, "unauthorized");
  });
});
