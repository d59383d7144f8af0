// @ts-check
// What every end-to-end scenario starts from, built fresh per scenario so none depends on another
// or on their order: an account, an organization and a Redis instance made through the API, and a
// browser context signed in as that account (its session cookie set directly, no login form).
import { newContext, open, ready, until } from "./browser.mjs";

/**
 * @typedef {{ base: string, redisUrl: string, browser: import("playwright-core").Browser,
 *   record: { offsite: string[], problems: string[], resent: string[] } }} Env
 * @typedef {{ email: string, username: string, password: string, token: string, userId: string }} Account
 * @typedef {[name: string, run: (env: Env) => Promise<void>, options?: { alongside?: boolean }]} Scenario
 *   alongside: runs at the same time as the scenarios next to it that say so too (for one that
 *   mostly waits, as on a deadline, so its wait costs the run nothing).
 */

let counter = 0;
/** A fresh documentation-range client IP per call: the login limiter counts per IP. */
const freshIp = () => `198.51.100.${(counter++ % 250) + 1}`;
const rand = () => Math.random().toString(36).slice(2, 8);

/**
 * Calls the management API (or the edge) from Node.
 * @param {Env} env @param {string} method @param {string} path @param {unknown} [body] @param {string} [token]
 * @returns {Promise<{ status: number, json: any }>}
 */
export async function call(env, method, path, body, token) {
  /** @type {Record<string, string>} */
  const headers = { "cf-connecting-ip": freshIp() };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${env.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  try {
    return { status: res.status, json: JSON.parse(text) };
  } catch {
    return { status: res.status, json: text };
  }
}

/** @param {Env} env @param {string} prefix @returns {Promise<Account>} */
export async function newAccount(env, prefix) {
  const id = rand();
  const who = { email: `${prefix}-${id}@e2e.test`, username: `${prefix}_${id}`, password: `pw-${id}-correct-horse` };
  // Registration signs the account in: its answer carries the session token.
  const reg = await call(env, "POST", "/auth/register", who);
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.json)}`);
  return { ...who, token: reg.json.data.token, userId: reg.json.data.user.id };
}

/**
 * An owner with an organization and one instance on the run's redis-server (admin commands allowed).
 * @param {Env} env
 */
export async function newOrg(env, name = `Acme ${rand()}`) {
  const owner = await newAccount(env, "owner");
  const org = await call(env, "POST", "/api/organizations", { name, slug: `acme-${rand()}` }, owner.token);
  if (org.status !== 201) throw new Error(`org: ${JSON.stringify(org.json)}`);
  const orgId = /** @type {string} */ (org.json.data.id);
  const instance = await call(
    env,
    "POST",
    `/api/organizations/${orgId}/redis-instances`,
    { name: "Primary cache", slug: `cache-${rand()}`, driver: "redis", endpoint: env.redisUrl, allow_admin: true },
    owner.token,
  );
  if (instance.status !== 201) throw new Error(`instance: ${JSON.stringify(instance.json)}`);
  return { owner, orgId, instanceId: /** @type {string} */ (instance.json.data.id) };
}

/**
 * Makes `account` a member with `role` the only way there is: `inviter` invites, `account` accepts.
 * @param {Env} env @param {Account} inviter @param {string} orgId @param {Account} account @param {string} role
 */
export async function addMember(env, inviter, orgId, account, role) {
  const invited = await call(env, "POST", `/api/organizations/${orgId}/invitations`, { email: account.email, role }, inviter.token);
  if (invited.status !== 201) throw new Error(`invite: ${JSON.stringify(invited.json)}`);
  const accepted = await call(env, "POST", "/api/invitations/accept", { token: invited.json.data.token }, account.token);
  if (accepted.status !== 200) throw new Error(`accept: ${JSON.stringify(accepted.json)}`);
}

/**
 * A page signed in as `account` (the API's session token as the rg_session cookie).
 * @param {Env} env @param {Account} account @param {{ width: number, height: number }} [viewport]
 */
export async function signedInPage(env, account, viewport) {
  const context = await newContext(env.browser, env.record, viewport);
  await context.addCookies([{ name: "rg_session", value: account.token, url: env.base, httpOnly: true, secure: true, sameSite: "Lax" }]);
  const page = await context.newPage();
  return { context, page };
}

/** @param {import("playwright-core").Page} page @param {Env} env @param {string} path */
export async function visit(page, env, path) {
  await open(page, `${env.base}${path}`);
}

/**
 * Runs one console command through the form and returns the newest reply entry.
 * @param {import("playwright-core").Page} page @param {string} command
 */
export async function runCommand(page, command) {
  const before = await page.locator("#console-log li.entry").count();
  await page.getByLabel("Command", { exact: true }).fill(command);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await until("a console reply", async () => (await page.locator("#console-log li.entry").count()) > before);
  const entry = page.locator("#console-log li.entry").first();
  return { status: Number(await entry.getAttribute("data-http")), entry, text: (await entry.textContent()) ?? "" };
}

export { ready };
