// @ts-check
// What the end-to-end scenarios share: the run's accounts and organization, the state they pass
// along (the owner's page, the organization id, the minted key) and two UI steps used repeatedly.
import { open, ready, screenshot, until } from "./browser.mjs";

/**
 * @typedef {{ base: string, redisUrl: string, browser: import("playwright-core").Browser,
 *   record: { offsite: string[], problems: string[] } }} Env
 * @typedef {[name: string, run: () => Promise<void>]} Scenario
 */

/** @param {Env} env */
export function createWorld(env) {
  const run = Math.random().toString(36).slice(2, 8);
  const owner = { email: `owner-${run}@e2e.test`, username: `owner_${run}`, password: `pw-${run}-correct-horse` };
  const viewer = { email: `viewer-${run}@e2e.test`, username: `viewer_${run}`, password: `pw-${run}-battery-staple` };
  const org = { name: `Acme ${run}`, slug: `acme-${run}` };
  /** @type {{ page?: import("playwright-core").Page, viewerPage?: import("playwright-core").Page, orgId?: string, key?: string }} */
  const s = {};
  const page = () => /** @type {import("playwright-core").Page} */ (s.page);
  const url = (/** @type {string} */ path) => `${env.base}${path}`;
  const orgPath = (/** @type {string} */ section) => url(`/o/${s.orgId}/${section}`);

  /** Signs up through the form and waits for the organization list. @param {import("playwright-core").Page} p @param {typeof owner} who */
  async function signUp(p, who, shot = "") {
    await open(p, url("/signup"));
    await p.getByLabel("Email").fill(who.email);
    await p.getByLabel("Username").fill(who.username);
    await p.getByLabel("Password", { exact: true }).fill(who.password);
    await p.getByLabel("Repeat the password").fill(who.password);
    if (shot) await screenshot(p, shot);
    await p.getByRole("button", { name: "Create account" }).click();
    await p.waitForURL(/\/orgs$/);
    await ready(p);
  }

  /** Runs one console command and returns the newest reply's status and body. @param {string} command */
  async function runCommand(command) {
    const p = page();
    const before = await p.locator("#console-log li.entry").count();
    await p.getByLabel("Command", { exact: true }).fill(command);
    await p.getByRole("button", { name: "Run" }).click();
    await until("a console reply", async () => (await p.locator("#console-log li.entry").count()) > before);
    const entry = p.locator("#console-log li.entry").first();
    return { status: Number(await entry.getAttribute("data-http")), body: (await entry.locator("pre").textContent()) ?? "" };
  }

  /** @type {string[]} what the run wants the reader to know (printed at the end) */
  const notes = [];
  return { env, owner, viewer, org, s, page, url, orgPath, signUp, runCommand, notes };
}

/** @typedef {ReturnType<typeof createWorld>} World */
