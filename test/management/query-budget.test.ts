// A Worker invocation may run 50 D1 queries on the Free plan (1,000 on Paid); miniflare does not
// enforce it. So no management request may make queries per item it lists, names or checks: each
// test compares the statements one request prepares for one item and for several (countingD1 wraps
// the real binding of a second app; every query still runs on the real database).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, api, createInstance, createOrg, mintKey, signUp } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { countingD1, countingStubs } from "../helpers/counting-bindings";
import { addMember } from "../helpers/invitations";
import { operator } from "../helpers/operator";
import { expectOk } from "./envelope";

const d1 = countingD1(env.DB);
const meters = countingStubs(env.USAGE_METER);
const app = clockedApp(Date.now(), { ...env, DB: d1.binding, USAGE_METER: meters.binding });

/** Sends one request through the counting app: its status, body and the statements it prepared. */
async function counted(path: string, init: RequestInit & { token: string }) {
  d1.counter.calls = 0;
  const res = await app.fetch(path, { ...init, headers: { "content-type": "application/json", origin: "https://redisgate.test" } });
  return { status: res.status, body: (await res.json()) as { data: unknown; error?: { code: string } }, statements: d1.counter.calls };
}

let op: Account;
beforeAll(async () => {
  op = await operator();
});

describe("D1 queries per request do not grow with the items", () => {
  it("the operators' list of organizations: one page of 6 costs what a page of 1 does, and calls no meter", async () => {
    const owner = await signUp();
    const tag = crypto.randomUUID().slice(0, 8);
    for (let i = 0; i < 6; i++) {
      const made = await api("POST", "/api/organizations", {
        token: owner.token,
        body: { name: `Counted ${tag} ${i}`, slug: `counted-${tag}-${i}` },
      });
      await mintKey(owner, expectOk(made, 201).id);
    }
    const page = async (limit: number) => {
      const res = await counted(`/api/admin/organizations?limit=${limit}&q=${tag}`, { token: op.token });
      expect(res.status).toBe(200);
      const orgs = res.body.data as { held: { api_keys: number }; members: Record<string, number> }[];
      expect(orgs).toHaveLength(limit);
      for (const org of orgs) expect(org).toMatchObject({ held: { api_keys: 1 }, members: { owner: 1 } });
      return res.statements;
    };
    expect(await page(6)).toBe(await page(1));
    meters.counter.calls = 0;
    await page(6);
    expect(meters.counter.calls).toBe(0); // today's usage is D1's copy: no call to each organization's meter
  });

  it("minting a key for 6 named instances costs what it does for 1, and an unknown one is still named", async () => {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await createInstance(owner, orgId)).id);
    const mint = async (instanceIds: string[]) =>
      counted(`/api/organizations/${orgId}/api-keys`, {
        method: "POST",
        token: owner.token,
        body: JSON.stringify({ name: "scoped", scopes: ["read"], instance_ids: instanceIds }),
      });
    const one = await mint(ids.slice(0, 1));
    const six = await mint(ids);
    expect([one.status, six.status]).toEqual([201, 201]);
    expect(six.statements).toBe(one.statements);
    const unknown = await mint([...ids, "ri_unknown0000000000000"]);
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toContain("Redis instance ri_unknown0000000000000 not found.");
  });

  it("removing a member revokes the keys they minted in one statement, however many", async () => {
    const removal = async (minted: number) => {
      const owner = await signUp();
      const leaver = await signUp();
      const orgId = await createOrg(owner);
      await addMember(owner, orgId, leaver, "admin");
      for (let i = 0; i < minted; i++) await mintKey(leaver, orgId);
      const res = await counted(`/api/organizations/${orgId}/members/${leaver.userId}`, { method: "DELETE", token: owner.token });
      expect(res.status).toBe(200);
      const live = await api("GET", `/api/organizations/${orgId}/api-keys?revoked=false`, { token: owner.token });
      expect(expectOk(live)).toHaveLength(0);
      return res.statements;
    };
    expect(await removal(6)).toBe(await removal(1));
  });

  it("closing an account checks every organization it owns in one query", async () => {
    const attempt = async (owned: number) => {
      const account = await signUp();
      for (let i = 0; i < owned; i++) await createOrg(account);
      const res = await counted("/auth/me", {
        method: "DELETE",
        token: account.token,
        body: JSON.stringify({ current_password: account.password }),
      });
      expect(res.status).toBe(409); // the last owner of each: nothing is closed
      return res.statements;
    };
    expect(await attempt(6)).toBe(await attempt(1));
  });
});
