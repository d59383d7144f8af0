// @ts-check
// Operators, accounts and organization settings in the browser: an operator raises a plan and
// suspends (the owner's settings page shows both), a reset link sets a new password, a password
// change signs the other browser out, closing the account takes its password, and the settings
// page lowers a limit and deletes with the slug typed, showing each role only the forms it may use.
import { DEV_ACCOUNT } from "../../scripts/bootstrap.mjs";
import { check, newContext, open, ready, screenshot, until, waitForText } from "./browser.mjs";
import { addMember, call, newAccount, newOrg, signedInPage, visit } from "./world.mjs";

/**
 * Makes `userId` an operator. The stack's dev account became the first operator through the
 * bootstrap secret (scripts/stack.mjs), as a real deployment's first operator does.
 * @param {import("./world.mjs").Env} env @param {string} userId
 */
export async function makeOperator(env, userId) {
  const login = await call(env, "POST", "/auth/login", { email: DEV_ACCOUNT.email, password: DEV_ACCOUNT.password });
  if (login.status !== 200) throw new Error(`dev login: ${login.status} ${JSON.stringify(login.json)}`);
  const promoted = await call(env, "PUT", `/api/admin/operators/${userId}`, undefined, login.json.data.token);
  if (promoted.status !== 200) throw new Error(`promote: ${promoted.status} ${JSON.stringify(promoted.json)}`);
}

/** @param {import("./world.mjs").Env} env */
async function newOperator(env) {
  const op = await newAccount(env, "operator");
  await makeOperator(env, op.userId);
  return op;
}

/** @type {import("./world.mjs").Scenario[]} */
export const accountScenarios = [
  [
    "an operator raising a plan, a cap and suspending: the owner's settings page shows the new plan, limits, caps and a banner",
    async (env) => {
      const name = `Raise ${Math.random().toString(36).slice(2, 8)}`;
      const { owner, orgId } = await newOrg(env, name);
      const op = await newOperator(env);
      const { context, page } = await signedInPage(env, op);
      await visit(page, env, "/orgs");
      await page.locator("#operator-link").waitFor({ state: "visible" });
      await page.locator("#operator-link").click();
      await page.waitForURL(/\/operator$/);
      await ready(page);
      const planButton = page.getByRole("button", { name: `Set the plan of ${name}`, exact: true });
      const find = page.locator("#op-org-search");
      await find.getByLabel("Find an organization by name, slug or id").fill(name.toUpperCase());
      await find.getByLabel("Order", { exact: true }).selectOption("busiest"); // ranked by today's commands
      await page.getByRole("button", { name: "Find organizations", exact: true }).click();
      await until("the search to list only that organization", async () => (await page.locator("#op-org-list tbody tr").count()) === 1);
      await waitForText(page.locator("#op-org-list"), new RegExp(name));
      await planButton.click();
      const dialog = page.locator("#plan-dialog");
      await dialog.getByLabel("Plan", { exact: true }).selectOption("pro");
      await waitForText(dialog.locator("#plan-plan-hint"), /pro: 10,000,000 commands per day/);
      await dialog.getByLabel("Instances", { exact: true }).fill("750");
      await dialog.getByRole("button", { name: "Save plan" }).click();
      const row = page.locator("#op-org-list tr", { hasText: name });
      await waitForText(row, /pro[\s\S]*10,000,000 commands per day[\s\S]*1 of 750 instances, 0 of 5,000 live keys/);
      await page.getByRole("button", { name: `Suspend ${name}`, exact: true }).click();
      await page.locator("#confirm-dialog").getByRole("button", { name: "Suspend" }).click();
      await waitForText(row, /suspended/);
      await screenshot(page, "operator-desktop");
      // The search narrows further by plan and status: this organization is now pro and suspended.
      await find.getByLabel("Status", { exact: true }).selectOption("false");
      await waitForText(page.locator("#op-org-list"), /No organization matches/);
      await find.getByLabel("Plan", { exact: true }).selectOption("pro");
      await find.getByLabel("Status", { exact: true }).selectOption("true");
      await waitForText(row, /pro[\s\S]*suspended/);
      check((await page.locator("#op-org-list tbody tr").count()) === 1, "the plan and status filters list more than the one organization");
      // Newest first by default on this page: with the filters cleared, the first row is the newest organization.
      await find.getByLabel("Find an organization by name, slug or id").fill("");
      await find.getByLabel("Plan", { exact: true }).selectOption("");
      await find.getByLabel("Status", { exact: true }).selectOption("");
      const newest = await call(
        env,
        "POST",
        "/api/organizations",
        { name: `Newest ${Date.now()}`, slug: `newest-${Date.now()}` },
        owner.token,
      );
      await find.getByLabel("Order", { exact: true }).selectOption("oldest");
      await find.getByLabel("Order", { exact: true }).selectOption("newest");
      await waitForText(page.locator("#op-org-list tbody tr").first(), new RegExp(newest.json.data.name));
      await context.close();

      const ownerView = await signedInPage(env, owner);
      await visit(ownerView.page, env, `/o/${orgId}/settings`);
      await waitForText(ownerView.page.locator("#org-plan"), /^pro$/);
      await waitForText(ownerView.page.locator("#org-quota"), /^10,000,000 commands per day$/);
      await waitForText(ownerView.page.locator("#org-rate"), /^10,000 requests per second per key$/);
      await waitForText(ownerView.page.locator("#org-cap-instances"), /^1 of 750$/);
      await waitForText(ownerView.page.locator("#org-cap-keys"), /^0 of 5,000 live keys$/);
      await waitForText(ownerView.page.locator("#suspended-banner"), /suspended/);
      await screenshot(ownerView.page, "settings-suspended-desktop");
      check(
        await ownerView.page.getByRole("button", { name: "Save limits" }).isDisabled(),
        "a suspended organization's limits form can be sent",
      );
      check(!(await ownerView.page.locator("#operator-link").isVisible()), "an owner who is no operator sees the operator link");
      await visit(ownerView.page, env, `/o/${orgId}/keys`);
      await waitForText(ownerView.page.locator("#suspended-banner"), /suspended/);
      await visit(ownerView.page, env, "/operator");
      await waitForText(ownerView.page.locator("#op-org-status"), /operators/);
      check((await ownerView.page.locator("#op-account-list").count()) === 0, "a non-operator is shown the account list");
      await ownerView.context.close();
    },
  ],
  [
    "an operator's reset link opens the reset page, which sets a new password once",
    async (env) => {
      const op = await newOperator(env);
      const person = await newAccount(env, "forgetful");
      const { context, page } = await signedInPage(env, op);
      await visit(page, env, "/operator");
      // Newest first on this page: the account made just now heads the list before any search.
      await waitForText(page.locator("#op-account-list tbody tr").first(), new RegExp(person.username));
      await page.getByLabel("Find an account by email").fill(person.email.toUpperCase());
      await page.getByRole("button", { name: "Find accounts", exact: true }).click();
      await until("the search to list only that account", async () => (await page.locator("#op-account-list tbody tr").count()) === 1);
      await waitForText(page.locator("#op-account-list"), new RegExp(person.username));
      await page.getByRole("button", { name: `Issue a reset link for ${person.email}` }).click();
      const link = await waitForText(page.locator("#op-reset-link pre"), /\/reset-password#token=rgr_/);
      await context.close();

      const anon = await newContext(env.browser, env.record);
      const resetPage = await anon.newPage();
      await open(resetPage, link.trim());
      check(!resetPage.url().includes("rgr_"), `the token stays in the address bar: ${resetPage.url()}`);
      await resetPage.getByLabel("New password", { exact: true }).fill("a brand new password");
      await resetPage.getByLabel("Repeat the new password").fill("a brand new password");
      await resetPage.getByRole("button", { name: "Set password" }).click();
      await waitForText(resetPage.locator("#reset-view"), /Password set/);
      check(
        (await call(env, "POST", "/auth/login", { email: person.email, password: "a brand new password" })).status === 200,
        "the new password fails",
      );
      check((await call(env, "GET", "/auth/me", undefined, person.token)).status === 401, "the old session survived the reset");
      const again = await anon.newPage(); // a fresh load: the same address would only move to the fragment
      await open(again, link.trim());
      await again.getByLabel("New password", { exact: true }).fill("another new password");
      await again.getByLabel("Repeat the new password").fill("another new password");
      await again.getByRole("button", { name: "Set password" }).click();
      await waitForText(again.locator("#reset-form [data-status]"), /invalid, used or expired/);
      await anon.close();
    },
  ],
  [
    "a password change signing out the other browser; the new password works",
    async (env) => {
      const account = await newAccount(env, "twobrowsers");
      const second = await call(env, "POST", "/auth/login", { email: account.email, password: account.password });
      check(second.status === 200, `second login: ${second.status}`);
      const first = await signedInPage(env, account);
      const other = await signedInPage(env, { ...account, token: second.json.data.token });
      await visit(other.page, env, "/account");
      await visit(first.page, env, "/account");
      await until("both sessions listed", async () => (await first.page.locator("#session-list tbody tr").count()) >= 2);
      await waitForText(first.page.locator("#session-list"), /this browser/);
      const form = first.page.locator("#password-form");
      await form.getByLabel("Current password").fill(account.password);
      await form.getByLabel("New password", { exact: true }).fill("changed-password-123");
      await form.getByLabel("Repeat the new password").fill("changed-password-124");
      await form.getByRole("button", { name: "Change password" }).click();
      await waitForText(form.locator("[data-status]"), /do not match/);
      await form.getByLabel("Repeat the new password").fill("changed-password-123");
      await form.getByRole("button", { name: "Change password" }).click();
      await waitForText(form.locator("[data-status]"), /Password changed/);
      // The account's security activity shows the change above the two sign-ins and the sign-up.
      await waitForText(first.page.locator("#activity-list tbody tr").first(), /Password changed; other sessions ended/);
      await waitForText(first.page.locator("#activity-list"), /Signed in[\s\S]*Account created/);
      await screenshot(first.page, "account-desktop");

      await other.page.getByRole("link", { name: "Account", exact: true }).click();
      await other.page.waitForURL(/\/login\?next=%2Faccount$/);
      await visit(first.page, env, "/account");
      check(first.page.url().endsWith("/account"), `the browser that changed the password was signed out: ${first.page.url()}`);
      const fresh = await call(env, "POST", "/auth/login", { email: account.email, password: "changed-password-123" });
      check(fresh.status === 200, `the new password fails: ${fresh.status}`);
      const stale = await call(env, "POST", "/auth/login", { email: account.email, password: account.password });
      check(stale.status === 401, `the old password still works: ${stale.status}`);
      await first.context.close();
      await other.context.close();
    },
  ],
  [
    "closing the account from its page needs the email and the current password; the activity lists a sign-out",
    async (env) => {
      const account = await newAccount(env, "closing");
      const credentials = { email: account.email, password: account.password };
      const second = await call(env, "POST", "/auth/login", credentials);
      check(second.status === 200, `second login: ${second.status}`);
      check((await call(env, "POST", "/auth/logout", undefined, second.json.data.token)).status === 200, "the sign-out failed");
      const { context, page } = await signedInPage(env, account);
      await visit(page, env, "/account");
      await waitForText(page.locator("#activity-list tbody tr").first(), /Signed out/);
      const form = page.locator("#close-form");
      await form.getByLabel("Type your email to confirm").fill(account.email);
      await form.getByLabel("Your current password").fill("not the password");
      await form.getByRole("button", { name: "Close my account" }).click();
      await waitForText(form.locator("[data-status]"), /current password is not correct/);
      check((await call(env, "GET", "/auth/me", undefined, account.token)).status === 200, "a wrong password closed the account");
      await form.getByLabel("Your current password").fill(account.password);
      await form.getByRole("button", { name: "Close my account" }).click();
      await page.waitForURL(/\/login$/);
      const after = await call(env, "POST", "/auth/login", credentials);
      check(after.status === 401, `the closed account still signs in: ${after.status}`);
      await context.close();
    },
  ],
  [
    "the settings page lowers a limit and deletes an organization with the slug typed; each role sees only its forms",
    async (env) => {
      const { owner, orgId } = await newOrg(env);
      const org = (await call(env, "GET", `/api/organizations/${orgId}`, undefined, owner.token)).json.data;
      for (const role of ["viewer", "admin"]) {
        const person = await newAccount(env, role);
        await addMember(env, owner, orgId, person, role);
        const { context, page } = await signedInPage(env, person);
        await visit(page, env, `/o/${orgId}/settings`);
        await waitForText(page.locator("#org-quota"), /100,000 commands per day/);
        const forms = await page.locator("main form").evaluateAll((all) => all.map((f) => f.id).join(","));
        check(forms === (role === "admin" ? "rename-form" : ""), `${role} sees forms: ${forms}`);
        await context.close();
      }

      const { context, page } = await signedInPage(env, owner);
      await visit(page, env, `/o/${orgId}/settings`);
      const limits = page.locator("#limits-form");
      await limits.getByLabel("Daily quota (commands)").fill("200,000");
      await limits.getByRole("button", { name: "Save limits" }).click();
      await waitForText(limits.locator("[data-status]"), /at most 100,000 commands per day/);
      await limits.getByLabel("Daily quota (commands)").fill("5,000");
      await limits.getByRole("button", { name: "Save limits" }).click();
      await waitForText(limits.locator("[data-status]"), /Limits saved/);
      await waitForText(page.locator("#org-quota"), /^5,000 commands per day \(the plan allows 100,000 commands per day\)$/);
      await waitForText(page.locator("#settings-quota"), /of 5,000 commands today/);
      const after = (await call(env, "GET", `/api/organizations/${orgId}`, undefined, owner.token)).json.data;
      check(after.limits.max_requests_per_day === 5000, `limits after: ${JSON.stringify(after.limits)}`);

      const remove = page.locator("#delete-form");
      const button = remove.getByRole("button", { name: "Delete organization" });
      check(await button.isDisabled(), "delete is enabled before the slug is typed");
      await remove.getByLabel("Type the organization's slug to confirm").fill(`${org.slug}x`);
      check(await button.isDisabled(), "delete is enabled with the wrong slug");
      await remove.getByLabel("Type the organization's slug to confirm").fill(org.slug);
      await screenshot(page, "settings-desktop");
      await button.click();
      await page.waitForURL(/\/orgs$/);
      const gone = await call(env, "GET", `/api/organizations/${orgId}`, undefined, owner.token);
      check(gone.status === 404, `the organization is still there: ${gone.status}`);
      await context.close();
    },
  ],
];
