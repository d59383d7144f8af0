// @ts-check
// Sign-up through the forms, then every page at a phone's width (390 px) without sideways
// scrolling and on a desktop, with a screenshot of each; the navigation shows every section; a read
// that gets no answer is sent once more.
import { makeOperator } from "./account.e2e.mjs";
import { check, DESKTOP, fitsViewport, newContext, open, PHONE, ready, screenshot, waitForText } from "./browser.mjs";
import { call, newOrg, signedInPage, visit } from "./world.mjs";

/** @type {import("./world.mjs").Scenario[]} */
export const pageScenarios = [
  [
    "sign up, create an organization and attach an instance through the forms",
    async (env) => {
      const context = await newContext(env.browser, env.record);
      const page = await context.newPage();
      const id = Math.random().toString(36).slice(2, 8);
      /** @type {string[]} */
      const posts = [];
      page.on("request", (request) => {
        if (request.method() === "POST") posts.push(new URL(request.url()).pathname);
      });
      await open(page, `${env.base}/signup`);
      await page.getByLabel("Email").fill(`signup-${id}@e2e.test`);
      await page.getByLabel("Username").fill(`signup_${id}`);
      await page.getByLabel("Password", { exact: true }).fill(`pw-${id}-staple`);
      await page.getByLabel("Repeat the password").fill(`pw-${id}-staple`);
      await page.getByRole("button", { name: "Create account" }).click();
      await page.waitForURL(/\/orgs$/);
      await ready(page);
      const cookie = (await context.cookies(env.base)).find((c) => c.name === "rg_session");
      check(cookie?.httpOnly && cookie.secure && cookie.sameSite === "Lax", `cookie flags: ${JSON.stringify(cookie)}`);
      // Registration signs the account in: no second request (and no second password hash) to sign in.
      check(posts.join(",") === "/auth/register", `signing up sent ${posts.join(", ")}`);
      await page.getByLabel("Name").fill(`Signup ${id}`);
      await page.getByRole("button", { name: "Create organization" }).click();
      await page.waitForURL(/\/o\/org_[a-z0-9]{20}\/instances$/);
      await ready(page);
      await page.getByLabel("Name").fill("Cache");
      await page.getByLabel("Endpoint").fill(env.redisUrl);
      await page.getByRole("button", { name: "Attach instance" }).click();
      await page.waitForURL(/\/instances\/rdb_[a-z0-9]{20}$/);
      await ready(page);
      await waitForText(page.locator("#instance-view"), /npm i @upstash\/redis[\s\S]*curl -X POST/);
      await context.close();
    },
  ],
  [
    "every page fits 390 px without sideways scrolling; screenshots on phone and desktop",
    async (env) => {
      // A second organization on the same server: the instance page then carries the isolation report's shared-server warning.
      await newOrg(env, "Neighbour on the same server");
      const { owner, orgId, instanceId } = await newOrg(env, "Organization with a rather long name for phones");
      await makeOperator(env, owner.userId); // so the operator page is among the pages
      // Realistic, long names: keys, instance and usage rows must wrap, not widen the page.
      const long = "checkout-service-production-eu-west-1-primary-writer";
      const minted = await call(env, "POST", `/api/organizations/${orgId}/api-keys`, { name: long, scopes: ["write"] }, owner.token);
      const key = minted.json.data.key;
      await call(env, "POST", `/redis/${instanceId}`, ["SET", `session:${long}:0123456789abcdef0123456789abcdef`, "x"], key);
      await call(env, "POST", `/redis/${instanceId}`, ["GET", "missing"], key);
      const paths = {
        orgs: "/orgs",
        instances: `/o/${orgId}/instances`,
        instance: `/o/${orgId}/instances/${instanceId}`,
        keys: `/o/${orgId}/keys`,
        console: `/o/${orgId}/console`,
        data: `/o/${orgId}/data`,
        usage: `/o/${orgId}/usage`,
        members: `/o/${orgId}/members`,
        audit: `/o/${orgId}/audit`,
        settings: `/o/${orgId}/settings`,
        account: "/account",
        operator: "/operator",
        missing: `/o/${orgId}/nothing-here`,
      };
      const anonymous = { login: "/login", signup: "/signup", reset: `/reset-password#token=rgr_${"x".repeat(43)}` };
      const problems = [];
      for (const { viewport, label } of [
        { viewport: PHONE, label: "phone" },
        { viewport: DESKTOP, label: "desktop" },
      ]) {
        const { context, page } = await signedInPage(env, owner, viewport);
        for (const [name, path] of Object.entries(paths)) {
          await visit(page, env, path);
          if (name === "usage") await waitForText(page.locator("#usage-view"), /commands today/);
          if (name === "operator") await page.locator("#op-account-list tbody tr").first().waitFor();
          if (name === "instance") await waitForText(page.locator("#isolation-view"), /also used by [1-9]\d* other organization/);
          if (name === "data") await page.locator("#key-table tbody tr").first().waitFor();
          if (name === "console") {
            await page.getByLabel("Command", { exact: true }).fill("INFO memory");
            await page.getByRole("button", { name: "Run", exact: true }).click();
            await page.locator("#console-log li.entry").first().waitFor();
          }
          if (label === "phone" && !(await fitsViewport(page))) problems.push(`${name} scrolls sideways at ${PHONE.width} px`);
          await screenshot(page, `${label}-${name}`);
        }
        if (label === "phone") {
          await visit(page, env, paths.keys);
          for (const section of ["Instances", "API keys", "Console", "Data browser", "Usage", "Members", "Audit log", "Settings"]) {
            if (!(await page.getByRole("navigation").getByRole("link", { name: section, exact: true }).isVisible())) {
              problems.push(`the ${section} tab is not visible at 390 px`);
            }
          }
        }
        await context.close();
        const anon = await newContext(env.browser, env.record, viewport);
        const page2 = await anon.newPage();
        for (const [name, path] of Object.entries(anonymous)) {
          await open(page2, `${env.base}${path}`);
          if (label === "phone" && !(await fitsViewport(page2))) problems.push(`${name} scrolls sideways at ${PHONE.width} px`);
          await screenshot(page2, `${label}-${name}`);
        }
        await anon.close();
      }
      check(problems.length === 0, problems.join("; "));
    },
  ],
];

/**
 * A read the network loses: it waits out the dashboard's 12 s read deadline, so it runs alongside
 * another scenario.
 * @type {import("./world.mjs").Scenario[]}
 */
export const lostReadScenarios = [
  [
    "a read the server never answers is sent once more after its deadline, and the page loads",
    async (env) => {
      const { owner, orgId } = await newOrg(env);
      const { context, page } = await signedInPage(env, owner);
      // The network, not our code, loses the page's first read of the organization: held, never answered.
      const url = `${env.base}/api/organizations/${orgId}`;
      let seen = 0;
      await page.route(url, async (route) => {
        seen += 1;
        if (seen > 1) await route.continue();
      });
      // What happens to that read, in order: only the page's own deadline can end the held one.
      /** @type {string[]} */
      const events = [];
      page.on("request", (r) => r.url() === url && events.push("sent"));
      page.on("requestfailed", (r) => r.url() === url && events.push("given up"));
      await visit(page, env, `/o/${orgId}/settings`);
      await waitForText(page.locator("#org-plan"), /^free$/);
      check(seen === 2, `the organization was read ${seen} times, not twice`);
      // Sent again only once the page gave up on the first (at its deadline), not alongside it.
      check(events.join(", ") === "sent, given up, sent", `the reads went: ${events.join(", ")}`);
      await context.close();
    },
    { alongside: true },
  ],
];
