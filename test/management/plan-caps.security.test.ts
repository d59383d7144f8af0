// An organization cannot grow without bound: its plan caps the instances and the live API keys it
// holds (free: 50 and 500). Each cap is checked inside the batch that stores the row, so concurrent
// requests cannot pass it together (an instance's also before its upstream is contacted); revoked, expired and
// console keys do not count; an operator lifts the caps with the plan or overrides them for one organization.
// Rows up to one below a cap are copied straight into D1 (through our storage statements), which
// keeps the file fast; every request under test goes through the real API.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PLAN_CAPS } from "../../src/meter/plans";
import { findApiKey, insertApiKeyStatement } from "../../src/storage/api-keys";
import { createDb } from "../../src/storage/db";
import { countInstances, findInstance, insertInstanceStatement } from "../../src/storage/instances";
import { api, createInstance, createOrg, mintKey, signUp, unique } from "../helpers/api";
import { operator } from "../helpers/operator";
import { expectFailure, expectOk } from "./envelope";

const db = createDb(env.DB);
// The free plan's caps (a null here would fail every test below at once).
const MAX_INSTANCES = Number(PLAN_CAPS.free.maxInstances);
const MAX_KEYS = Number(PLAN_CAPS.free.maxApiKeys);

/** Runs insert statements in batches of 50 (D1 bounds a batch's size). */
async function insertAll<S extends Parameters<typeof db.batch>[0][number]>(statements: S[]) {
  for (let i = 0; i < statements.length; i += 50) await db.batch(statements.slice(i, i + 50) as [S, ...S[]]);
}

/** Copies of one stored instance until the organization holds `total`. */
async function fillInstances(orgId: string, modelId: string, total: number) {
  const model = await findInstance(db, orgId, modelId);
  if (!model) throw new Error("no model instance");
  const missing = total - (await countInstances(db, orgId));
  const copies = Array.from({ length: missing }, () => {
    const id = `rdb_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
    return insertInstanceStatement(db, { ...model, id, slug: unique("copy") });
  });
  await insertAll(copies);
}

/** `n` copies of one stored key, each with its own id and hash; `patch` marks them revoked, expired or the console's. */
async function addKeys(orgId: string, modelId: string, n: number, patch: Record<string, unknown> = {}) {
  const model = await findApiKey(db, orgId, modelId);
  if (!model) throw new Error("no model key");
  const copies = Array.from({ length: n }, () =>
    insertApiKeyStatement(db, {
      ...model,
      id: `key_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`,
      keyHash: crypto.randomUUID(),
      ...patch,
    }),
  );
  await insertAll(copies);
}

const attach = (token: string, orgId: string, endpoint = env.TEST_REDIS_URL) =>
  api("POST", `/api/organizations/${orgId}/redis-instances`, {
    token,
    body: { name: "Cache", slug: unique("db"), driver: "redis", endpoint },
  });
const mint = (token: string, orgId: string) =>
  api("POST", `/api/organizations/${orgId}/api-keys`, { token, body: { name: "k", scopes: ["read"] } });

describe("instances per organization", () => {
  it("attaches up to the plan's cap, then answers 409 without contacting the upstream or storing anything", async () => {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const first = await createInstance(owner, orgId);
    await fillInstances(orgId, first.id, MAX_INSTANCES - 1);
    expectOk(await attach(owner.token, orgId), 201);
    expect(await countInstances(db, orgId)).toBe(MAX_INSTANCES);
    const org = expectOk(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }));
    expect(org.held).toEqual({ instances: MAX_INSTANCES, api_keys: 0 });

    // Nothing listens on port 1: had the upstream been tried, this would be a 422.
    const refused = await attach(owner.token, orgId, "redis://127.0.0.1:1");
    expectFailure(refused, 409, "conflict");
    expect(refused.body.message).toBe(
      `This organization holds ${MAX_INSTANCES} Redis instances, the most it may hold on its plan (free). ` +
        "Delete one, or ask an operator of this deployment to raise the cap.",
    );
    expect(await countInstances(db, orgId)).toBe(MAX_INSTANCES);

    const list = await api("GET", `/api/organizations/${orgId}/redis-instances?limit=1`, { token: owner.token });
    const removed = expectOk(list)[0]?.id ?? "";
    expect((await api("DELETE", `/api/organizations/${orgId}/redis-instances/${removed}`, { token: owner.token })).status).toBe(200);
    expectOk(await attach(owner.token, orgId), 201);
  });

  it("lets exactly one of four concurrent attaches take the last place", async () => {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const first = await createInstance(owner, orgId);
    await fillInstances(orgId, first.id, MAX_INSTANCES - 1);
    const statuses = (await Promise.all(Array.from({ length: 4 }, () => attach(owner.token, orgId)))).map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409]);
    expect(await countInstances(db, orgId)).toBe(MAX_INSTANCES);
  });
});

describe("live API keys per organization", () => {
  it("mints up to the plan's cap; revoked, expired and console keys do not count; a revoke frees a place", async () => {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const model = await mintKey(owner, orgId);
    await addKeys(orgId, model.api_key.id, 20, { revokedAt: new Date() });
    await addKeys(orgId, model.api_key.id, 20, { expiresAt: new Date(Date.now() - 1_000) });
    await addKeys(orgId, model.api_key.id, 20, { kind: "console" });
    await addKeys(orgId, model.api_key.id, MAX_KEYS - 2);
    expectOk(await mint(owner.token, orgId), 201);

    const refused = await mint(owner.token, orgId);
    expectFailure(refused, 409, "conflict");
    expect(refused.body.message).toBe(
      `This organization holds ${MAX_KEYS} live API keys, the most it may hold on its plan (free). ` +
        "Revoke one (revoked and expired keys do not count), or ask an operator of this deployment to raise the cap.",
    );
    const org = expectOk(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }));
    expect(org.held).toEqual({ instances: 0, api_keys: MAX_KEYS });

    // Rolling a key replaces it: the organization holds as many live keys, so it works at the cap,
    // unless the old key is to stay live beside its replacement.
    const overlap = await api("POST", `/api/organizations/${orgId}/api-keys/${model.api_key.id}/roll?keep_old=true`, {
      token: owner.token,
    });
    expectFailure(overlap, 409, "conflict");
    expect(overlap.body.message).toBe(refused.body.message);
    // A key kept for a while still works meanwhile: it needs the same room.
    const retiring = await api("POST", `/api/organizations/${orgId}/api-keys/${model.api_key.id}/roll?retire_old_in=3600`, {
      token: owner.token,
    });
    expectFailure(retiring, 409, "conflict");
    expect(retiring.body.message).toBe(refused.body.message);
    const after = expectOk(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }));
    expect(after.held.api_keys).toBe(MAX_KEYS);
    const rolled = await api("POST", `/api/organizations/${orgId}/api-keys/${model.api_key.id}/roll`, { token: owner.token });
    const replacement = expectOk(rolled, 201).api_key.id;
    expectFailure(await mint(owner.token, orgId), 409, "conflict");

    expect((await api("DELETE", `/api/organizations/${orgId}/api-keys/${replacement}`, { token: owner.token })).status).toBe(200);
    expectOk(await mint(owner.token, orgId), 201);
    expectFailure(await mint(owner.token, orgId), 409, "conflict");
  });

  it("lets exactly one of eight concurrent mints take the last place", async () => {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const model = await mintKey(owner, orgId);
    await addKeys(orgId, model.api_key.id, MAX_KEYS - 2);
    const statuses = (await Promise.all(Array.from({ length: 8 }, () => mint(owner.token, orgId)))).map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(7).fill(409)]);
  });
});

describe("operators set the caps", () => {
  it("shows the caps on the organization and drops them on the enterprise plan", async () => {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const org = expectOk(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }));
    expect(org.caps).toEqual({ max_instances: MAX_INSTANCES, max_api_keys: MAX_KEYS });

    const model = await mintKey(owner, orgId);
    await addKeys(orgId, model.api_key.id, MAX_KEYS - 1);
    expectFailure(await mint(owner.token, orgId), 409, "conflict");

    const op = await operator();
    expectOk(await api("PUT", `/api/admin/organizations/${orgId}/limits`, { token: op.token, body: { plan: "enterprise" } }));
    const lifted = expectOk(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }));
    expect(lifted.caps).toEqual({ max_instances: null, max_api_keys: null });
    expectOk(await mint(owner.token, orgId), 201);
  });

  it("overrides a cap for one organization: raised, lowered below what it holds (nothing removed), back to the plan's with null", async () => {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const op = await operator();
    const setCaps = (body: Record<string, unknown>) => api("PUT", `/api/admin/organizations/${orgId}/limits`, { token: op.token, body });
    const model = await mintKey(owner, orgId);
    await addKeys(orgId, model.api_key.id, MAX_KEYS - 1);
    expectFailure(await mint(owner.token, orgId), 409, "conflict");

    expect(expectOk(await setCaps({ max_api_keys: MAX_KEYS + 1 })).caps).toEqual({
      max_instances: MAX_INSTANCES,
      max_api_keys: MAX_KEYS + 1,
    });
    expectOk(await mint(owner.token, orgId), 201);
    const refused = await mint(owner.token, orgId);
    expectFailure(refused, 409, "conflict");
    expect(refused.body.message).toContain(`holds ${MAX_KEYS + 1} live API keys`);

    // Lowered under what the organization holds: every key still works, no new one is minted.
    expectOk(await setCaps({ max_api_keys: 2, max_instances: 0 }));
    expect((await api("GET", `/api/organizations/${orgId}/api-keys/${model.api_key.id}`, { token: owner.token })).status).toBe(200);
    expectFailure(await mint(owner.token, orgId), 409, "conflict");
    expectFailure(await attach(owner.token, orgId), 409, "conflict");

    expect(expectOk(await setCaps({ max_api_keys: null, max_instances: null })).caps).toEqual({
      max_instances: MAX_INSTANCES,
      max_api_keys: MAX_KEYS,
    });
    expectOk(await attach(owner.token, orgId), 201);
  });

  it.each([[{ max_instances: -1 }], [{ max_api_keys: 1.5 }], [{ max_api_keys: "10" }], [{ max_instances: 1_000_001 }]])(
    "refuses the override %j with 400 and changes nothing",
    async (body) => {
      const owner = await signUp();
      const orgId = await createOrg(owner);
      const op = await operator();
      const res = await api("PUT", `/api/admin/organizations/${orgId}/limits`, { token: op.token, body });
      expectFailure(res, 400, "invalid_request");
      const org = expectOk(await api("GET", `/api/organizations/${orgId}`, { token: owner.token }));
      expect(org.caps).toEqual({ max_instances: MAX_INSTANCES, max_api_keys: MAX_KEYS });
    },
  );
});
