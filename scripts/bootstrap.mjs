// @ts-check
// The idempotent bootstrap of local development through the management API: the dev account (the
// first operator, when the deployment has none), its organization on the enterprise plan, a
// redis-driver instance (and an Upstash one when configured) and an admin-scope API key, remembered
// in a state file between runs.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readBootstrapSecret } from "./local-secrets.mjs";
import { stackError } from "./stack-error.mjs";
import { ROOT } from "./wrangler.mjs";

export const DEV_ACCOUNT = { email: "dev@redisgate.local", username: "dev", password: "redisgate-dev-password" };

/**
 * A tiny client for the management API.
 * @param {string} base
 */
export function managementClient(base, token = "") {
  /** @param {string} method @param {string} path @param {unknown} [body] */
  return async (method, path, body) => {
    /** @type {Record<string, string>} */
    const headers = { "content-type": "application/json", "cf-connecting-ip": "127.0.0.1" };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = /** @type {any} */ (await res.json());
    return { status: res.status, json };
  };
}

/**
 * Bootstraps (idempotently) the dev account, organization, instance(s) and API key.
 * @param {string} base @param {string} redisUrl @param {string} stateFile
 */
export async function bootstrap(base, redisUrl, stateFile, envFile = join(ROOT, ".dev.vars")) {
  const anon = managementClient(base);
  // A new account is signed in by its registration; an existing one (409) signs in.
  const reg = await anon("POST", "/auth/register", DEV_ACCOUNT);
  if (reg.status !== 201 && reg.status !== 409) throw stackError(`register failed: ${JSON.stringify(reg.json)}`);
  const signedIn =
    reg.status === 201 ? reg : await anon("POST", "/auth/login", { email: DEV_ACCOUNT.email, password: DEV_ACCOUNT.password });
  if (signedIn.status !== 201 && signedIn.status !== 200) throw stackError(`login failed: ${JSON.stringify(signedIn.json)}`);
  const api = managementClient(base, signedIn.json.data.token);

  const orgs = await api("GET", "/api/organizations?limit=100");
  let org = orgs.json.data.find((/** @type {any} */ o) => o.slug === "dev");
  if (!org) org = (await api("POST", "/api/organizations", { name: "Development", slug: "dev" })).json.data;
  const orgPath = `/api/organizations/${org.id}`;
  // Local development and benchmarks should not trip the free plan's quota or rate limit. Only an
  // operator sets plans: the dev account becomes the first one (a 403 means one already exists).
  if (org.plan !== "enterprise") {
    const secret = readBootstrapSecret(envFile);
    if (secret) await api("POST", "/api/admin/bootstrap", { secret });
    const set = await api("PUT", `/api/admin/organizations/${org.id}/limits`, { plan: "enterprise" });
    if (set.status !== 200) console.warn(`note: the dev organization stays on the ${org.plan} plan (${set.json?.message ?? set.status})`);
  }

  /** @param {Record<string, unknown>} wanted */
  const upsertInstance = async (wanted) => {
    const list = await api("GET", `${orgPath}/redis-instances?limit=100`);
    const existing = list.json.data.find((/** @type {any} */ i) => i.slug === wanted.slug);
    const res = existing
      ? await api("PUT", `${orgPath}/redis-instances/${existing.id}`, {
          endpoint: wanted.endpoint,
          ...(wanted.token ? { token: wanted.token } : {}),
          disabled: false,
        })
      : await api("POST", `${orgPath}/redis-instances`, wanted);
    if (res.status !== 200 && res.status !== 201) throw stackError(`instance ${wanted.slug}: ${JSON.stringify(res.json)}`);
    return res.json.data;
  };

  const instance = await upsertInstance({
    name: "Local Redis",
    slug: "local-redis",
    driver: "redis",
    endpoint: redisUrl,
    allow_admin: true,
  });
  let upstash = null;
  if (process.env.UPSTASH_REDIS_REST_URL && process.env.UPSTASH_REDIS_REST_TOKEN) {
    // Optional: an unreachable or rejected Upstash database must not stop the local stack.
    upstash = await upsertInstance({
      name: "Upstash",
      slug: "upstash",
      driver: "upstash",
      endpoint: process.env.UPSTASH_REDIS_REST_URL,
      token: process.env.UPSTASH_REDIS_REST_TOKEN,
    }).catch((/** @type {Error} */ error) => {
      console.warn(`Skipping the Upstash instance: ${error.message}`);
      return null;
    });
  }

  /** @type {{ orgId?: string, keyId?: string, key?: string }} */
  let state = {};
  try {
    state = JSON.parse(readFileSync(stateFile, "utf8"));
  } catch {
    // first run
  }
  let key = state.key;
  if (state.orgId === org.id && state.keyId && key) {
    const current = await api("GET", `${orgPath}/api-keys/${state.keyId}`);
    const usable =
      current.status === 200 && !current.json.data.revoked_at && Date.parse(current.json.data.expires_at) > Date.now() + 86_400_000;
    if (!usable) key = undefined;
  } else key = undefined;
  if (!key) {
    const minted = await api("POST", `${orgPath}/api-keys`, { name: "dev key", scopes: ["admin"] });
    if (minted.status !== 201) throw stackError(`mint key: ${JSON.stringify(minted.json)}`);
    key = minted.json.data.key;
    state = { orgId: org.id, keyId: minted.json.data.api_key.id, key };
    writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
  }
  return {
    orgId: org.id,
    instanceId: instance.id,
    upstashInstanceId: upstash?.id ?? null,
    key: /** @type {string} */ (key),
    sessionToken: signedIn.json.data.token,
  };
}
