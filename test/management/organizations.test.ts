// /api/organizations: create, list, read, update, delete (with the ?force cascade into KV).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, api, createInstance, createOrg, mintKey, signUp, unique } from "../helpers/api";
import { expectFailure, expectInvalid, expectOk } from "./envelope";

const JSON_HEADERS = { "content-type": "application/json" };

let owner: Account;
beforeAll(async () => {
  owner = await signUp();
});

const create = (body: unknown, account = owner) => api("POST", "/api/organizations", { token: account.token, body });

describe("POST /api/organizations", () => {
  it("creates an organization whose creator is the owner", async () => {
    const slug = unique("acme");
    const res = await create({ name: "  Acme Corp  ", slug, description: "Widgets" });
    const data = expectOk(res, 201);
    expect(data).toMatchObject({
      id: expect.stringMatching(/^org_[a-z0-9]{20}$/),
      name: "Acme Corp",
      slug,
      description: "Widgets",
      plan: "free",
      role: "owner",
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(res.body.message).toBe("Organization created.");
    const members = expectOk(await api("GET", `/api/organizations/${data.id}/members`, { token: owner.token }));
    expect(members).toEqual([expect.objectContaining({ user_id: owner.userId, role: "owner" })]);
  });

  it("defaults the description to null", async () => {
    expect(expectOk(await create({ name: "Plain", slug: unique("plain") }), 201).description).toBeNull();
  });

  it.each([
    ["upper case", "Acme-Org"],
    ["a leading hyphen", "-acme"],
    ["a trailing hyphen", "acme-"],
    ["an underscore", "acme_org"],
    ["a space", "acme org"],
    ["one character", "a"],
    ["64 characters", "a".repeat(64)],
    ["a dot", "acme.org"],
    ["a number instead of a string", 42],
  ])("rejects a slug with %s", async (_label, slug) => {
    expectInvalid(await create({ name: "Bad", slug }), "slug");
  });

  it("accepts a 63-character slug and a 2-character one", async () => {
    expectOk(await create({ name: "Long", slug: `${unique("l")}${"a".repeat(52)}` }), 201);
    expectOk(
      await create({
        name: "Short",
        slug: crypto
          .randomUUID()
          .slice(0, 2)
          .replace(/[^a-z0-9]/g, "z"),
      }),
      201,
    );
  });

  it.each([
    ["an empty name", { name: "" }, "name"],
    ["a blank name", { name: "   " }, "name"],
    ["a 101-character name", { name: "n".repeat(101) }, "name"],
    ["a numeric name", { name: 7 }, "name"],
    ["a 501-character description", { description: "d".repeat(501) }, "description"],
    ["a missing slug", { slug: undefined }, "slug"],
  ])("rejects %s", async (_label, overrides, path) => {
    expectInvalid(await create({ name: "Ok", slug: unique("ok"), ...overrides }), path);
  });

  it("rejects unknown fields such as plan", async () => {
    const issues = expectFailure(await create({ name: "Ok", slug: unique("ok"), plan: "enterprise" }), 400, "invalid_request");
    expect(JSON.stringify(issues)).toContain("plan");
  });

  it("rejects malformed JSON, non-JSON and oversize bodies", async () => {
    const token = owner.token;
    expectFailure(await api("POST", "/api/organizations", { token, rawBody: "{name:", headers: JSON_HEADERS }), 400, "invalid_request");
    expectFailure(await api("POST", "/api/organizations", { token, rawBody: "name=x&slug=y" }), 415, "unsupported_media_type");
    const huge = { name: "Big", slug: unique("big"), description: "d".repeat(65 * 1024) };
    expectFailure(await create(huge), 413, "payload_too_large");
  });

  it("refuses a slug taken by anyone with 409 and creates nothing", async () => {
    const slug = unique("taken");
    expectOk(await create({ name: "First", slug }), 201);
    const other = await signUp();
    const res = await create({ name: "Second", slug }, other);
    expect(expectFailure(res, 409, "conflict")).toEqual([{ path: "slug", message: "already in use" }]);
    expect(expectOk(await api("GET", "/api/organizations", { token: other.token }))).toEqual([]);
  });
});

describe("GET /api/organizations", () => {
  it("lists only the organizations the user belongs to, with the user's role, newest first", async () => {
    const account = await signUp();
    const first = await createOrg(account);
    const second = await createOrg(account);
    await createOrg(owner);
    const res = await api("GET", "/api/organizations", { token: account.token });
    const data = expectOk(res);
    expect(data.map((o: { id: string; role: string }) => [o.id, o.role])).toEqual([
      [second, "owner"],
      [first, "owner"],
    ]);
    expect(res.body.pagination).toEqual({ limit: 50, next_cursor: null });
  });

  it("pages with limit and next_cursor", async () => {
    const account = await signUp();
    const ids = [await createOrg(account), await createOrg(account), await createOrg(account)].reverse();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : "?limit=2";
      const res = await api("GET", `/api/organizations${query}`, { token: account.token });
      const page = expectOk(res);
      expect(page.length).toBeLessThanOrEqual(2);
      expect(res.body.pagination.limit).toBe(2);
      seen.push(...page.map((o: { id: string }) => o.id));
      cursor = res.body.pagination.next_cursor;
    } while (cursor);
    expect(seen).toEqual(ids);
  });

  it.each([["0"], ["101"], ["abc"], ["1.5"]])("rejects limit=%s", async (limit) => {
    expectInvalid(await api("GET", `/api/organizations?limit=${limit}`, { token: owner.token }), "limit");
  });

  it("rejects a malformed cursor with 400 rather than restarting at the first page", async () => {
    expectFailure(await api("GET", "/api/organizations?cursor=not-a-cursor", { token: owner.token }), 400, "invalid_request");
  });

  it("rejects unknown query parameters", async () => {
    expectFailure(await api("GET", "/api/organizations?offset=10", { token: owner.token }), 400, "invalid_request");
  });
});

describe("GET and PUT /api/organizations/:orgId", () => {
  it("reads an organization with the caller's role", async () => {
    const orgId = await createOrg(owner);
    const data = expectOk(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }));
    expect(data).toMatchObject({ id: orgId, name: "Test Org", role: "owner", plan: "free" });
  });

  it("answers 404 for an id that does not exist", async () => {
    expectFailure(await api("GET", "/api/organizations/org_doesnotexist00000000", { token: owner.token }), 404, "not_found");
  });

  it("renames, re-slugs and describes, and clears the description with null", async () => {
    const orgId = await createOrg(owner);
    const slug = unique("renamed");
    const res = await api("PUT", `/api/organizations/${orgId}`, {
      token: owner.token,
      body: { name: "Renamed", slug, description: "About" },
    });
    const updated = expectOk(res);
    expect(updated).toMatchObject({ id: orgId, name: "Renamed", slug, description: "About" });
    expect(Date.parse(updated.updated_at)).toBeGreaterThanOrEqual(Date.parse(updated.created_at));
    const cleared = expectOk(await api("PUT", `/api/organizations/${orgId}`, { token: owner.token, body: { description: null } }));
    expect(cleared).toMatchObject({ name: "Renamed", slug, description: null });
    expect(expectOk(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }))).toMatchObject({ name: "Renamed", slug });
  });

  it("keeps its own slug without a conflict", async () => {
    const orgId = await createOrg(owner);
    const { slug } = expectOk(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }));
    expectOk(await api("PUT", `/api/organizations/${orgId}`, { token: owner.token, body: { slug } }));
  });

  it("refuses another organization's slug with 409 and changes nothing", async () => {
    const [a, b] = [await createOrg(owner), await createOrg(owner)];
    const { slug: taken } = expectOk(await api("GET", `/api/organizations/${b}`, { token: owner.token }));
    const res = await api("PUT", `/api/organizations/${a}`, { token: owner.token, body: { name: "Changed", slug: taken } });
    expect(expectFailure(res, 409, "conflict")).toEqual([{ path: "slug", message: "already in use" }]);
    expect(expectOk(await api("GET", `/api/organizations/${a}`, { token: owner.token }))).toMatchObject({ name: "Test Org" });
  });

  it.each([
    ["an empty body", {}, "(root)"],
    ["a bad slug", { slug: "Bad Slug" }, "slug"],
    ["a blank name", { name: " " }, "name"],
    ["an unknown field", { plan: "pro" }, "(root)"],
    ["a numeric description", { description: 1 }, "description"],
  ])("rejects %s and changes nothing", async (_label, body, path) => {
    const orgId = await createOrg(owner);
    expectInvalid(await api("PUT", `/api/organizations/${orgId}`, { token: owner.token, body }), path);
    expect(expectOk(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }))).toMatchObject({
      name: "Test Org",
      plan: "free",
    });
  });

  it("rejects non-JSON and malformed JSON updates", async () => {
    const orgId = await createOrg(owner);
    const path = `/api/organizations/${orgId}`;
    expectFailure(await api("PUT", path, { token: owner.token, rawBody: '{"name":"x"}' }), 415, "unsupported_media_type");
    expectFailure(await api("PUT", path, { token: owner.token, rawBody: '{"name":', headers: JSON_HEADERS }), 400, "invalid_request");
  });
});

describe("DELETE /api/organizations/:orgId", () => {
  it("deletes an organization without instances", async () => {
    const orgId = await createOrg(owner);
    const res = await api("DELETE", `/api/organizations/${orgId}`, { token: owner.token });
    expect(expectOk(res)).toBeNull();
    expect(res.body.message).toBe("Organization deleted.");
    expectFailure(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }), 404, "not_found");
    expect(await env.DB.prepare("SELECT id FROM organizations WHERE id = ?").bind(orgId).first()).toBeNull();
  });

  it("refuses with 409 while instances exist and changes nothing", async () => {
    const orgId = await createOrg(owner);
    const instance = await createInstance(owner, orgId);
    const key = await mintKey(owner, orgId);
    const res = await api("DELETE", `/api/organizations/${orgId}`, { token: owner.token });
    expectFailure(res, 409, "conflict");
    expect(res.body.message).toContain("force=true");
    expectOk(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }));
    expect(await env.DIRECTORY.get(`v1:instance:${instance.id}`)).not.toBeNull();
    expect(await env.DIRECTORY.get(`v1:revoked:${key.api_key.id}`)).toBeNull();
    expectFailure(await api("DELETE", `/api/organizations/${orgId}?force=false`, { token: owner.token }), 409, "conflict");
  });

  it("with ?force=true revokes every live key in KV, removes instance records and cascades in D1", async () => {
    const orgId = await createOrg(owner);
    const instances = [await createInstance(owner, orgId), await createInstance(owner, orgId)];
    const live = [await mintKey(owner, orgId), await mintKey(owner, orgId, { scopes: ["read"], instance_ids: [instances[0]?.id] })];
    const revoked = await mintKey(owner, orgId);
    expectOk(await api("DELETE", `/api/organizations/${orgId}/api-keys/${revoked.api_key.id}`, { token: owner.token }));
    const revokedMarker = await env.DIRECTORY.get(`v1:revoked:${revoked.api_key.id}`);

    expect(expectOk(await api("DELETE", `/api/organizations/${orgId}?force=true`, { token: owner.token }))).toBeNull();

    for (const { api_key } of live) {
      const marker = await env.DIRECTORY.get<{ revoked_at: string }>(`v1:revoked:${api_key.id}`, "json");
      expect(marker).toEqual({ revoked_at: expect.any(String) });
      expect(Date.now() - Date.parse(marker?.revoked_at ?? "")).toBeLessThan(60_000);
    }
    expect(await env.DIRECTORY.get(`v1:revoked:${revoked.api_key.id}`)).toBe(revokedMarker);
    for (const instance of instances) expect(await env.DIRECTORY.get(`v1:instance:${instance.id}`)).toBeNull();
    for (const table of ["redis_instances", "api_keys", "memberships"]) {
      const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE organization_id = ?`).bind(orgId).first<{ n: number }>();
      expect(row?.n, table).toBe(0);
    }
    expectFailure(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }), 404, "not_found");
  });

  it("revokes the keys of an organization without instances too", async () => {
    const orgId = await createOrg(owner);
    const key = await mintKey(owner, orgId);
    expectOk(await api("DELETE", `/api/organizations/${orgId}`, { token: owner.token }));
    expect(await env.DIRECTORY.get(`v1:revoked:${key.api_key.id}`, "json")).toEqual({ revoked_at: expect.any(String) });
  });

  it("frees the slug for reuse", async () => {
    const slug = unique("reuse");
    const { id } = expectOk(await create({ name: "Once", slug }), 201);
    expectOk(await api("DELETE", `/api/organizations/${id}`, { token: owner.token }));
    expectOk(await create({ name: "Twice", slug }), 201);
  });

  it.each([["?force=yes"], ["?force=1"], ["?cascade=true"]])("rejects the query %s with 400", async (query) => {
    const orgId = await createOrg(owner);
    expectFailure(await api("DELETE", `/api/organizations/${orgId}${query}`, { token: owner.token }), 400, "invalid_request");
    expectOk(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }));
  });
});

describe("PUT /api/organizations/:orgId/limits", () => {
  it("starts from the free plan's limits", async () => {
    const orgId = await createOrg(owner);
    const org = expectOk(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }));
    expect(org).toMatchObject({
      plan: "free",
      limits: { max_requests_per_day: 100_000, rate_limit: { requests: 1000, window_seconds: 1 } },
    });
  });

  it("changes the plan and overrides, and null returns to the plan's defaults", async () => {
    const orgId = await createOrg(owner);
    const path = `/api/organizations/${orgId}/limits`;
    const res = await api("PUT", path, {
      token: owner.token,
      body: { plan: "pro", max_requests_per_day: 5000, rate_limit: { requests: 50, window_seconds: 60 } },
    });
    expect(res.body.message).toBe("Limits updated.");
    expect(expectOk(res)).toMatchObject({
      id: orgId,
      plan: "pro",
      limits: { max_requests_per_day: 5000, rate_limit: { requests: 50, window_seconds: 60 } },
    });
    const reset = expectOk(await api("PUT", path, { token: owner.token, body: { max_requests_per_day: null, rate_limit: null } }));
    expect(reset.limits).toEqual({ max_requests_per_day: 10_000_000, rate_limit: { requests: 10_000, window_seconds: 1 } });
    expect(expectOk(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }))).toMatchObject({
      plan: "pro",
      limits: reset.limits,
    });
  });

  it.each([
    ["an empty body", {}, "(root)"],
    ["an unknown plan", { plan: "platinum" }, "plan"],
    ["a zero daily quota", { max_requests_per_day: 0 }, "max_requests_per_day"],
    ["a fractional daily quota", { max_requests_per_day: 1.5 }, "max_requests_per_day"],
    ["a 30-second window", { rate_limit: { requests: 10, window_seconds: 30 } }, "rate_limit.window_seconds"],
    ["zero requests", { rate_limit: { requests: 0, window_seconds: 1 } }, "rate_limit.requests"],
    ["an unknown field", { name: "x" }, "(root)"],
  ])("rejects %s and changes nothing", async (_label, body, path) => {
    const orgId = await createOrg(owner);
    expectInvalid(await api("PUT", `/api/organizations/${orgId}/limits`, { token: owner.token, body }), path);
    expect(expectOk(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }))).toMatchObject({
      plan: "free",
      limits: { max_requests_per_day: 100_000 },
    });
  });

  it("rejects non-JSON and malformed JSON", async () => {
    const orgId = await createOrg(owner);
    const path = `/api/organizations/${orgId}/limits`;
    expectFailure(await api("PUT", path, { token: owner.token, rawBody: '{"plan":"pro"}' }), 415, "unsupported_media_type");
    expectFailure(await api("PUT", path, { token: owner.token, rawBody: '{"plan":', headers: JSON_HEADERS }), 400, "invalid_request");
  });
});

describe("GET /api/organizations/:orgId/usage", () => {
  it("reports zeroes for the last 30 UTC days by default", async () => {
    const orgId = await createOrg(owner);
    const usage = expectOk(await api("GET", `/api/organizations/${orgId}/usage`, { token: owner.token }));
    const today = new Date().toISOString().slice(0, 10);
    expect(usage).toMatchObject({ to: today, total: { requests: 0, commands: 0 }, instances: [], keys: [] });
    expect(usage.daily).toHaveLength(30);
    expect(usage.daily.at(-1)).toEqual({ date: today, requests: 0, commands: 0 });
    expect(usage.from).toBe(usage.daily[0].date);
  });

  it("honours days", async () => {
    const orgId = await createOrg(owner);
    expect(expectOk(await api("GET", `/api/organizations/${orgId}/usage?days=7`, { token: owner.token })).daily).toHaveLength(7);
  });

  it.each([["days=0"], ["days=91"], ["days=week"], ["from=2020-01-01"]])("rejects the query %s with 400", async (query) => {
    const orgId = await createOrg(owner);
    expectFailure(await api("GET", `/api/organizations/${orgId}/usage?${query}`, { token: owner.token }), 400, "invalid_request");
  });
});
