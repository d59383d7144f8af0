// POST /api/organizations/:orgId/redis-instances/:instanceId/console-key: the dashboard console's
// five-minute key, limited to one instance and to the caller's role; audited, never listed.

import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { REVOCATION_WINDOW_MS } from "../../src/edge/gate";
import { revokedKey } from "../../src/storage/directory";
import { type Account, api, createInstance, createOrg, signUp, unique } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { operator } from "../helpers/operator";
import { expectFailure, expectOk } from "./envelope";
import { type Team, team } from "./team";

let t: Team;
let instanceId: string;
let otherInstanceId: string;
beforeAll(async () => {
  t = await team();
  instanceId = (await createInstance(t.owner, t.orgId, { allow_admin: true })).id;
  otherInstanceId = (await createInstance(t.owner, t.orgId)).id;
});

const keyPath = (orgId: string, id: string) => `/api/organizations/${orgId}/redis-instances/${id}/console-key` as const;
const mint = (who: Account, orgId = t.orgId, id = instanceId) => api("POST", keyPath(orgId, id), { token: who.token });
const edge = (id: string, key: string, command: string[]) => api("POST", `/redis/${id}`, { token: key, body: command });

describe("console keys", () => {
  it("gives owners and admins the admin level, members write, for five minutes and one instance", async () => {
    for (const [who, scope] of [
      [t.owner, "admin"],
      [t.admin, "admin"],
      [t.member, "write"],
    ] as const) {
      const res = await mint(who);
      const data = expectOk(res, 201);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(data).toEqual({
        key: expect.stringMatching(/^rg_/),
        key_id: expect.stringMatching(/^key_/),
        instance_id: instanceId,
        scope,
        expires_at: expect.any(String),
      });
      const claims = decodeJwt(data.key.slice(3));
      expect(claims.scopes).toEqual([scope]);
      expect(claims.instances).toEqual([instanceId]);
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);
      expect(new Date((claims.exp ?? 0) * 1000).toISOString()).toBe(data.expires_at);
    }
  });

  it("runs commands on its instance only; a member's key cannot run admin commands", async () => {
    const { key } = expectOk(await mint(t.member), 201);
    const name = unique("console");
    expect(await edge(instanceId, key, ["SET", name, "v"])).toMatchObject({ status: 200, body: { result: "OK" } });
    expect((await edge(otherInstanceId, key, ["GET", name])).status).toBe(403);
    const admin = await edge(instanceId, key, ["CONFIG", "GET", "maxmemory"]);
    expect(admin.status).toBe(403);
    expect(admin.body.error).toMatch(/NOPERM/);
  });

  it("refuses viewers until the organization lets viewers see data, then gives them read", async () => {
    const refused = await mint(t.viewer);
    expectFailure(refused, 403, "forbidden");
    expect(refused.body.message).toBe(
      "Viewers can read data only when the organization allows it: an admin turns on “Viewers may read data” in its settings (viewer_data_access).",
    );
    // Only admins may change the setting; a viewer cannot grant it to themselves.
    expectFailure(
      await api("PUT", `/api/organizations/${t.orgId}`, { token: t.viewer.token, body: { viewer_data_access: true } }),
      403,
      "forbidden",
    );
    const org = expectOk(await api("PUT", `/api/organizations/${t.orgId}`, { token: t.admin.token, body: { viewer_data_access: true } }));
    expect(org.viewer_data_access).toBe(true);
    const { key, scope } = expectOk(await mint(t.viewer), 201);
    expect(scope).toBe("read");
    expect((await edge(instanceId, key, ["GET", "anything"])).status).toBe(200);
    expect((await edge(instanceId, key, ["SET", "anything", "x"])).status).toBe(403);
    expectOk(await api("PUT", `/api/organizations/${t.orgId}`, { token: t.admin.token, body: { viewer_data_access: false } }));
    expectFailure(await mint(t.viewer), 403, "forbidden");
  });

  it("answers 404 for another organization's instance and for strangers", async () => {
    const foreign = await createInstance(t.outsider, t.outsiderOrgId);
    expectFailure(await mint(t.owner, t.orgId, foreign.id), 404, "not_found");
    expectFailure(await mint(t.outsider, t.orgId, instanceId), 404, "not_found");
    expectFailure(await mint(t.owner, t.orgId, "rdb_00000000000000000000"), 404, "not_found");
  });

  it("is audited as console.session and never listed among the organization's keys", async () => {
    const { key_id } = expectOk(await mint(t.member), 201);
    const listed = expectOk(await api("GET", `/api/organizations/${t.orgId}/api-keys?limit=100`, { token: t.owner.token }));
    expect(listed.map((k) => k.id)).not.toContain(key_id);
    expect(listed.every((k) => k.kind === "user")).toBe(true);
    const log = expectOk(
      await api("GET", `/api/organizations/${t.orgId}/audit-logs?action=console.session&actor=${t.member.userId}`, {
        token: t.owner.token,
      }),
    );
    expect(log[0]).toMatchObject({
      action: "console.session",
      actor_user_id: t.member.userId,
      resource_type: "redis_instance",
      resource_id: instanceId,
      metadata: { key_id, scope: "write" },
    });
    expect(log.every((row) => row.action === "console.session" && row.actor_user_id === t.member.userId)).toBe(true);
  });
});

describe("console keys end with the sessions they ran on", () => {
  /** An owner with an instance and a console key on it that works at the edge, and that edge. */
  async function ownerWithConsole() {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const instance = await createInstance(owner, orgId);
    const minted = expectOk(await mint(owner, orgId, instance.id), 201);
    expect(minted.scope).toBe("admin");
    const edge = clockedApp();
    expect((await edge.redis(instance.id, minted.key, ["PING"])).status).toBe(200);
    /** Asserts the edge refuses the key as revoked once its revocation window has passed, by the marker written for it. */
    const expectRefusedAfterWindow = async () => {
      edge.advance(REVOCATION_WINDOW_MS + 1);
      const answer = await edge.redis(instance.id, minted.key, ["PING"]);
      expect(answer).toMatchObject({ status: 401, body: { error: "WRONGPASS this API key has been revoked" } });
      expect(await env.DIRECTORY.get(revokedKey(minted.key_id))).not.toBeNull();
    };
    return { owner, expectRefusedAfterWindow };
  }

  it("signing out everywhere revokes the console keys: refused at the edge", async () => {
    const { owner, expectRefusedAfterWindow } = await ownerWithConsole();
    expectOk(await api("DELETE", "/auth/sessions", { token: owner.token }));
    await expectRefusedAfterWindow();
  });

  it("a password change revokes the console keys: refused at the edge", async () => {
    const { owner, expectRefusedAfterWindow } = await ownerWithConsole();
    expectOk(
      await api("PUT", "/auth/password", {
        token: owner.token,
        body: { current_password: owner.password, new_password: "a new password" },
      }),
    );
    await expectRefusedAfterWindow();
  });

  it("a reset revokes the console keys: refused at the edge", async () => {
    const { owner, expectRefusedAfterWindow } = await ownerWithConsole();
    const op = await operator();
    const link = expectOk(await api("POST", `/api/admin/users/${owner.userId}/password-reset`, { token: op.token }), 201).token;
    expectOk(await api("POST", "/auth/password-reset", { body: { token: link, new_password: "reset password 1" } }));
    await expectRefusedAfterWindow();
  });
});

describe("audit log filters", () => {
  it("filter by actor, action and resource; all given filters must match", async () => {
    const path = (q: string) => `/api/organizations/${t.orgId}/audit-logs?limit=100&${q}` as const;
    const byResource = expectOk(await api("GET", path(`resource=${otherInstanceId}`), { token: t.viewer.token }));
    expect(byResource.map((r) => r.action)).toEqual(["instance.create"]);
    const none = expectOk(await api("GET", path(`resource=${otherInstanceId}&actor=${t.member.userId}`), { token: t.viewer.token }));
    expect(none).toEqual([]);
    const tooLong = await api("GET", path(`action=${"x".repeat(65)}`), { token: t.viewer.token });
    expect(expectFailure(tooLong, 400, "invalid_request")).toEqual([{ path: "action", message: expect.any(String) }]);
  });
});
