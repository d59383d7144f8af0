// Operators: made once through the bootstrap secret (never by email), then by promotion; only they
// reach /api/admin (each call audited); suspension refuses an organization's keys at the edge and
// makes its API read-only; reset links. Happy, validation and cross-tenant cases per route.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, type ApiResult, api, createInstance, mintKey, signUp, tenant } from "../helpers/api";
import type { ResponseOf } from "../helpers/api-types";
import { clockedApp } from "../helpers/clocked-app";
import { operator } from "../helpers/operator";
import { expectFailure, expectInvalid, expectOk } from "./envelope";

let op: Account;
beforeAll(async () => {
  op = await operator();
});

const secret = () => env.OPERATOR_BOOTSTRAP_SECRET;
/** Runs the organization's meter's alarm now: it writes today's usage to D1, as it would within 30 s. */
const flushMeter = (orgId: string) => runDurableObjectAlarm(env.USAGE_METER.get(env.USAGE_METER.idFromName(orgId)));

describe("bootstrap", () => {
  it("works once: after the first operator exists, the secret makes nobody else an operator", async () => {
    const late = await signUp();
    const again = await api("POST", "/api/admin/bootstrap", { token: late.token, body: { secret: secret() } });
    expectFailure(again, 403, "forbidden");
    expectFailure(await api("GET", "/api/admin/organizations", { token: late.token }), 403, "forbidden");
  });

  it("refuses a wrong secret, a missing one (400) and strangers (401)", async () => {
    const someone = await signUp();
    expectFailure(await api("POST", "/api/admin/bootstrap", { token: someone.token, body: { secret: "nope" } }), 403, "forbidden");
    expectInvalid(await api("POST", "/api/admin/bootstrap", { token: someone.token, body: {} }), "secret");
    expectFailure(await api("POST", "/api/admin/bootstrap", { body: { secret: secret() } }), 401, "unauthorized");
  });
});

describe("only operators reach /api/admin", () => {
  it("an owner gets 403 on every admin route and changes nothing", async () => {
    const t = await tenant();
    const token = t.account.token;
    const calls = [
      api("GET", "/api/admin/organizations", { token }),
      api("PUT", `/api/admin/organizations/${t.orgId}/limits`, { token, body: { plan: "enterprise" } }),
      api("POST", `/api/admin/organizations/${t.orgId}/suspend`, { token }),
      api("POST", `/api/admin/organizations/${t.orgId}/resume`, { token }),
      api("PUT", `/api/admin/operators/${t.account.userId}`, { token }),
      api("DELETE", `/api/admin/operators/${op.userId}`, { token }),
      api("POST", `/api/admin/users/${op.userId}/password-reset`, { token }),
      api("GET", "/api/admin/users", { token }),
      api("GET", "/api/admin/audit-logs", { token }),
    ];
    for (const res of await Promise.all(calls)) expectFailure(res, 403, "forbidden");
    expect(expectOk(await api("GET", `/api/organizations/${t.orgId}`, { token })).plan).toBe("free");
  });
});

describe("operators", () => {
  it("list every organization with plan, limits, what it holds against its caps, members and today's usage", async () => {
    const t = await tenant();
    await api("POST", `/redis/${t.instance.id}`, { token: t.key, body: ["PING"] });
    await flushMeter(t.orgId); // what its alarm does within 30 s of the use
    await mintKey(t.account, t.orgId);
    const revoked = await mintKey(t.account, t.orgId);
    await api("DELETE", `/api/organizations/${t.orgId}/api-keys/${revoked.api_key.id}`, { token: t.account.token });
    const rows: { id: string }[] = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const res: ApiResult<ResponseOf<"GET", "/api/admin/organizations">> = await api(
        "GET",
        `/api/admin/organizations?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
        {
          token: op.token,
        },
      );
      rows.push(...expectOk(res));
      cursor = res.body.pagination.next_cursor;
    }
    expect(rows.find((r) => r.id === t.orgId)).toMatchObject({
      plan: "free",
      suspended_at: null,
      members: { owner: 1 },
      usage_today: { requests: 1, commands: 1 },
      limits: { max_requests_per_day: 100_000 },
      caps: { max_instances: 50, max_api_keys: 500 },
      held: { instances: 1, api_keys: 2 },
    });
    expectInvalid(await api("GET", "/api/admin/organizations?limit=0", { token: op.token }), "limit");
  });

  it("rank organizations by today's commands (?order=busiest), paging in that order", async () => {
    const owner = await signUp();
    const tag = crypto.randomUUID().slice(0, 8);
    const made: { id: string; uses: number }[] = [];
    for (const uses of [1, 3, 0, 2]) {
      const orgId = expectOk(
        await api("POST", "/api/organizations", { token: owner.token, body: { name: `Busy ${tag} ${uses}`, slug: `busy-${tag}-${uses}` } }),
        201,
      ).id;
      const instance = await createInstance(owner, orgId);
      const { key } = await mintKey(owner, orgId);
      for (let i = 0; i < uses; i++) expect((await api("POST", `/redis/${instance.id}`, { token: key, body: ["PING"] })).status).toBe(200);
      await flushMeter(orgId);
      made.push({ id: orgId, uses });
    }
    const page = async (cursor?: string) => {
      const res: ApiResult<ResponseOf<"GET", "/api/admin/organizations">> = await api(
        "GET",
        `/api/admin/organizations?order=busiest&limit=2&q=${tag}${cursor ? `&cursor=${cursor}` : ""}`,
        { token: op.token },
      );
      return { rows: expectOk(res).map((o) => [o.id, o.usage_today.commands]), next: res.body.pagination.next_cursor };
    };
    const first = await page();
    const second = await page(first.next ?? undefined);
    const ranked = [...made].sort((a, b) => b.uses - a.uses).map((m) => [m.id, m.uses]);
    expect([...first.rows, ...second.rows]).toEqual(ranked);
    expect(second.next).toBeNull();
  });

  it("find organizations with ?q= by id, slug or part of the name (any case, % and _ taken literally)", async () => {
    const owner = await signUp();
    const tag = crypto.randomUUID().slice(0, 8);
    const made = async (name: string, slug: string) => {
      const res = await api("POST", "/api/organizations", { token: owner.token, body: { name, slug } });
      return expectOk(res, 201);
    };
    const percent = await made(`Zebra 100% ${tag}`, `zebra-${tag}`);
    const plain = await made(`Zebra 1000 ${tag}`, `zebra-plain-${tag}`);
    const underscore = await made(`Under_score ${tag}`, `under-${tag}`);
    const find = async (q: string) => {
      const res = await api("GET", `/api/admin/organizations?limit=100&q=${encodeURIComponent(q)}`, { token: op.token });
      return expectOk(res).map((o) => o.id);
    };
    expect(await find(`zebra 1000 ${tag.toUpperCase()}`)).toEqual([plain.id]);
    expect(await find(`100% ${tag}`)).toEqual([percent.id]);
    expect(await find(`Zebra ${tag}`)).toEqual([]);
    expect(await find(`Zebra_100`)).toEqual([]);
    expect(await find(`Under_score ${tag}`)).toEqual([underscore.id]);
    expect(await find(`zebra-plain-${tag}`.toUpperCase())).toEqual([plain.id]);
    expect(await find(percent.id)).toEqual([percent.id]);
    expect(await find(`  ${tag}  `)).toEqual([percent.id, plain.id, underscore.id]);
    // Searches past the 50 bytes D1 allows a LIKE pattern: 98 characters, and 49 characters in 89 bytes.
    const long = await made(`${"Long name ".repeat(9)}${tag}`, `long-${tag}`);
    const wide = await made(`Straße ${"ü".repeat(40)} ${tag}`, `wide-${tag}`);
    expect(await find(`${"LONG NAME ".repeat(9)}${tag}`)).toEqual([long.id]);
    expect(await find(`${"ü".repeat(40)} ${tag}`)).toEqual([wide.id]);
    expectInvalid(await api("GET", `/api/admin/organizations?q=${"x".repeat(101)}`, { token: op.token }), "q");
    expectInvalid(await api("GET", "/api/admin/organizations?q=%20", { token: op.token }), "q");
  });

  it("narrow the list with ?plan= and ?suspended=, alone or with ?q=", async () => {
    const owner = await signUp();
    const tag = crypto.randomUUID().slice(0, 8);
    const made = async (name: string) => {
      const res = await api("POST", "/api/organizations", {
        token: owner.token,
        body: { name, slug: name.toLowerCase().replace(/ /g, "-") },
      });
      return expectOk(res, 201).id;
    };
    const [freeLive, proLive, proSuspended] = [await made(`Free ${tag}`), await made(`Pro ${tag}`), await made(`Pro down ${tag}`)];
    for (const id of [proLive, proSuspended]) {
      expectOk(await api("PUT", `/api/admin/organizations/${id}/limits`, { token: op.token, body: { plan: "pro" } }));
    }
    expectOk(await api("POST", `/api/admin/organizations/${proSuspended}/suspend`, { token: op.token }));
    const list = async (query: string) => {
      const res = await api("GET", `/api/admin/organizations?limit=100&q=${tag}&${query}`, { token: op.token });
      return expectOk(res).map((o) => o.id);
    };
    expect(await list("plan=pro")).toEqual([proLive, proSuspended]);
    expect(await list("plan=free")).toEqual([freeLive]);
    expect(await list("suspended=true")).toEqual([proSuspended]);
    expect(await list("suspended=false")).toEqual([freeLive, proLive]);
    expect(await list("plan=pro&suspended=false")).toEqual([proLive]);
    expect(await list("plan=enterprise")).toEqual([]);
    // Without ?q= the filters apply to every organization: each listed one matches them.
    const suspended = expectOk(await api("GET", "/api/admin/organizations?limit=100&suspended=true", { token: op.token }));
    expect(suspended.length).toBeGreaterThan(0);
    expect(suspended.every((o) => o.suspended)).toBe(true);
    expectInvalid(await api("GET", "/api/admin/organizations?plan=gold", { token: op.token }), "plan");
    expectInvalid(await api("GET", "/api/admin/organizations?suspended=yes", { token: op.token }), "suspended");
  });

  it("list newest first with ?order=newest, a page at a time without gaps or repeats; oldest first by default", async () => {
    const owner = await signUp();
    const tag = crypto.randomUUID().slice(0, 8);
    const rows: { id: string; created_at: string }[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      const res = await api("POST", "/api/organizations", {
        token: owner.token,
        body: { name: `Order ${n} ${tag}`, slug: `order-${n}-${tag}` },
      });
      rows.push(expectOk(res, 201));
    }
    // Creation order, ties within a millisecond broken by id, as the list orders them.
    const made = rows.sort((a, b) => a.created_at.localeCompare(b.created_at) || (a.id < b.id ? -1 : 1)).map((o) => o.id);
    const walk = async (order: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const after: string = cursor ? `&cursor=${cursor}` : "";
        const res = await api("GET", `/api/admin/organizations?limit=2&q=${tag}${order}${after}`, { token: op.token });
        seen.push(...expectOk(res).map((o) => o.id));
        cursor = res.body.pagination?.next_cursor ?? null;
      } while (cursor);
      return seen;
    };
    expect(await walk("&order=newest")).toEqual([...made].reverse());
    expect(await walk("&order=oldest")).toEqual(made);
    expect(await walk("")).toEqual(made);
    expectInvalid(await api("GET", "/api/admin/organizations?order=name", { token: op.token }), "order");
  });

  it("set a plan and overrides, which owners then cannot exceed; 404 for an unknown organization", async () => {
    const t = await tenant();
    const set = await api("PUT", `/api/admin/organizations/${t.orgId}/limits`, {
      token: op.token,
      body: { plan: "pro", max_requests_per_day: 500 },
    });
    expect(expectOk(set)).toMatchObject({
      plan: "pro",
      limits: { max_requests_per_day: 500, rate_limit: { requests: 10_000, window_seconds: 1 } },
    });
    const owner = await api("PUT", `/api/organizations/${t.orgId}/limits`, { token: t.account.token, body: { max_requests_per_day: 501 } });
    expectFailure(owner, 403, "forbidden");
    expectInvalid(await api("PUT", `/api/admin/organizations/${t.orgId}/limits`, { token: op.token, body: { plan: "gold" } }), "plan");
    const unknown = `org_${"0".repeat(20)}`;
    expectFailure(
      await api("PUT", `/api/admin/organizations/${unknown}/limits`, { token: op.token, body: { plan: "pro" } }),
      404,
      "not_found",
    );
    expectFailure(await api("POST", `/api/admin/organizations/${unknown}/suspend`, { token: op.token }), 404, "not_found");
  });

  it("suspend: the organization's keys get 403 at the edge and its API is read-only; resume undoes both", async () => {
    const t = await tenant();
    const other = await tenant();
    const edge = clockedApp(Date.now());
    expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
    expect(expectOk(await api("POST", `/api/admin/organizations/${t.orgId}/suspend`, { token: op.token })).suspended_at).not.toBeNull();
    edge.advance(11_000); // past the edge's instance cache window
    const refused = await edge.redis(t.instance.id, t.key, ["PING"]);
    expect(refused).toEqual({
      status: 403,
      body: { error: `ERR organization ${t.orgId} is suspended; contact the operator` },
      headers: expect.anything(),
    });
    expect((await edge.redis(other.instance.id, other.key, ["PING"])).status).toBe(200);
    const write = await api("PUT", `/api/organizations/${t.orgId}`, { token: t.account.token, body: { name: "renamed" } });
    expectFailure(write, 403, "organization_suspended");
    expectFailure(
      await api("POST", `/api/organizations/${t.orgId}/api-keys`, { token: t.account.token, body: { name: "k", scopes: ["read"] } }),
      403,
      "organization_suspended",
    );
    expect(expectOk(await api("GET", `/api/organizations/${t.orgId}`, { token: t.account.token })).suspended).toBe(true);

    expectOk(await api("POST", `/api/admin/organizations/${t.orgId}/resume`, { token: op.token }));
    edge.advance(11_000);
    expect((await edge.redis(t.instance.id, t.key, ["PING"])).status).toBe(200);
    expectOk(await api("PUT", `/api/organizations/${t.orgId}`, { token: t.account.token, body: { name: "renamed" } }));
  });

  it("promote and demote operators, never the last one; every admin call is in the operators' audit stream", async () => {
    const other = await signUp();
    expect(expectOk(await api("PUT", `/api/admin/operators/${other.userId}`, { token: op.token }))).toMatchObject({ is_operator: true });
    expectOk(await api("GET", "/api/admin/organizations", { token: other.token }));
    expectOk(await api("DELETE", `/api/admin/operators/${other.userId}`, { token: op.token }));
    expectFailure(await api("GET", "/api/admin/organizations", { token: other.token }), 403, "forbidden");
    expectFailure(await api("DELETE", `/api/admin/operators/${op.userId}`, { token: op.token }), 409, "conflict");
    expectFailure(await api("PUT", `/api/admin/operators/usr_${"0".repeat(20)}`, { token: op.token }), 404, "not_found");
    const log = expectOk(await api("GET", "/api/admin/audit-logs?limit=100", { token: op.token }));
    const actions = log.map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["operator.bootstrap", "operator.promote", "operator.demote", "organization.list"]));
    expect(log.find((r) => r.action === "operator.demote")).toMatchObject({
      actor_user_id: op.userId,
      resource_type: "user",
      resource_id: other.userId,
    });
  });
});

describe("operators find accounts", () => {
  it("list every account page by page, or the one with ?email= (any case); bad input is a 400", async () => {
    const someone = await signUp();
    const rows: { id: string }[] = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const res: ApiResult<ResponseOf<"GET", "/api/admin/users">> = await api(
        "GET",
        `/api/admin/users?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        { token: op.token },
      );
      rows.push(...expectOk(res));
      cursor = res.body.pagination.next_cursor;
    }
    expect(rows.find((r) => r.id === op.userId)).toMatchObject({ is_operator: true, disabled: false });
    const found = expectOk(
      await api("GET", `/api/admin/users?email=${encodeURIComponent(someone.email.toUpperCase())}`, { token: op.token }),
    );
    expect(found).toEqual([
      {
        id: someone.userId,
        email: someone.email,
        username: someone.username,
        is_operator: false,
        disabled: false,
        created_at: expect.any(String),
      },
    ]);
    expect(expectOk(await api("GET", "/api/admin/users?email=nobody%40example.test", { token: op.token }))).toEqual([]);
    expectInvalid(await api("GET", "/api/admin/users?email=not-an-email", { token: op.token }), "email");
    expectFailure(await api("GET", "/api/admin/users?cursor=%25%25", { token: op.token }), 400, "invalid_request");
  });

  it("list accounts newest first with ?order=newest, page by page: the oldest-first walk reversed", async () => {
    const walk = async (order: string) => {
      const ids: string[] = [];
      for (let cursor: string | null = null, first = true; first || cursor; first = false) {
        const res: ApiResult<ResponseOf<"GET", "/api/admin/users">> = await api(
          "GET",
          `/api/admin/users?limit=2${order}${cursor ? `&cursor=${cursor}` : ""}`,
          { token: op.token },
        );
        ids.push(...expectOk(res).map((r) => r.id));
        cursor = res.body.pagination.next_cursor;
      }
      return ids;
    };
    const newest = await signUp();
    const oldestFirst = await walk("");
    expect(oldestFirst.at(-1)).toBe(newest.userId);
    expect(await walk("&order=oldest")).toEqual(oldestFirst);
    const newestFirst = await walk("&order=newest");
    expect(newestFirst).toEqual([...oldestFirst].reverse());
    expect(newestFirst[0]).toBe(newest.userId);
    expectInvalid(await api("GET", "/api/admin/users?order=email", { token: op.token }), "order");
  });

  it("a reset link opens the dashboard's reset page with the token in the fragment (never sent to a server)", async () => {
    const someone = await signUp();
    const issued = expectOk(await api("POST", `/api/admin/users/${someone.userId}/password-reset`, { token: op.token }), 201);
    expect(issued.reset_path).toBe(`/reset-password#token=${issued.token}`);
  });

  it("a closed account gets no reset link (409): it could never be used", async () => {
    const closed = await signUp();
    expectOk(await api("DELETE", "/auth/me", { token: closed.token, body: { current_password: closed.password } }));
    const res = await api("POST", `/api/admin/users/${closed.userId}/password-reset`, { token: op.token });
    expectFailure(res, 409, "conflict");
    expect(res.body.message).toBe("This account is closed: it cannot be sent a reset link (it could never be used).");
    const rows = await env.DB.prepare("SELECT id FROM password_resets WHERE user_id = ?").bind(closed.userId).all();
    expect(rows.results).toEqual([]);
  });
});
