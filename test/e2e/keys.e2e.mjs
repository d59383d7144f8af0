// @ts-check
// The keys page: mint with one scope level, a form error that clears once fixed, rename, rate limit
// and daily quota, roll (the new key shown once, the old revoked on confirmation, kept for a day, or
// revoked at once at the plan's cap), hide revoked keys.

import { DEV_ACCOUNT } from "../../scripts/bootstrap.mjs";
import { check, screenshot, until, waitForText } from "./browser.mjs";
import { call, newOrg, signedInPage, visit } from "./world.mjs";

/** @type {import("./world.mjs").Scenario[]} */
export const keyScenarios = [
  [
    "keys: mint a read key, rename it with a rate limit, roll it and revoke the old one",
    async (env) => {
      const { owner, orgId, instanceId } = await newOrg(env);
      const { context, page } = await signedInPage(env, owner);
      await visit(page, env, `/o/${orgId}/keys`);
      const form = page.locator("#key-form");
      await form.getByLabel("Name").fill("reporting job");
      await form.locator("input[name=level][value=read]").check();
      await form.getByRole("button", { name: "Mint key" }).click();
      const revealed = page.locator("#revealed-key");
      const firstKey = await revealed.inputValue();
      check(/^rg_/.test(firstKey), "no key revealed");
      const read = await call(env, "POST", `/redis/${instanceId}`, ["SET", "k", "v"], firstKey);
      check(read.status === 403, `a read key could write: ${read.status}`);
      await page.getByRole("button", { name: /I have copied it/ }).click();
      await waitForText(page.locator("#key-list"), /reporting job[\s\S]*Read[\s\S]*by owner-/);

      await page.getByRole("button", { name: "Edit reporting job" }).click();
      const edit = page.locator("#key-edit-form");
      await edit.getByLabel("Name").fill("nightly report");
      await edit.getByLabel("Requests").fill("5000");
      await edit.getByRole("button", { name: "Save" }).click();
      await waitForText(edit.locator("[data-status]"), /at most 1,000 per second/);
      await edit.getByLabel("Requests").fill("50");
      check(await edit.locator("[data-status]").isHidden(), "the stale error stays after fixing the field");
      await edit.getByRole("button", { name: "Save" }).click();
      await waitForText(page.locator("#key-list"), /nightly report[\s\S]*50 per second/);

      // Its own daily quota, within the organization's (100,000 on the free plan), shown in the list.
      await page.getByRole("button", { name: "Edit nightly report" }).click();
      await waitForText(page.locator("#key-edit-org-quota"), /100,000 commands per day/);
      await edit.getByLabel("Daily quota (commands)").fill("200,000");
      await edit.getByRole("button", { name: "Save" }).click();
      await waitForText(edit.locator("[data-status]"), /at most 100,000 commands a day; a key's quota may be lower/);
      await edit.getByLabel("Daily quota (commands)").fill("2,500");
      await edit.getByRole("button", { name: "Save" }).click();
      await waitForText(page.locator("#key-list"), /nightly report[\s\S]*50 per second[\s\S]*at most 2,500 a day/);
      const listed = await call(env, "GET", `/api/organizations/${orgId}/api-keys?q=nightly`, undefined, owner.token);
      check(listed.json.data[0]?.max_requests_per_day === 2500, `the quota saved is ${listed.json.data[0]?.max_requests_per_day}`);
      await page.getByRole("button", { name: "Edit nightly report" }).click();
      check((await edit.getByLabel("Daily quota (commands)").inputValue()) === "2500", "the dialog does not show the key's quota");
      await edit.getByRole("button", { name: "Cancel" }).click();

      await page.getByRole("button", { name: "Roll nightly report" }).click();
      const rollDialog = page.locator("#key-roll-dialog");
      await waitForText(rollDialog.getByLabel("The old key"), /keeps working until I revoke it/);
      await rollDialog.getByRole("button", { name: "Mint the replacement" }).click();
      await waitForText(page.locator("#key-reveal"), /shown only this once/);
      const secondKey = await revealed.inputValue();
      check(secondKey !== firstKey && /^rg_/.test(secondKey), "roll did not reveal a new key");
      await screenshot(page, "keys-roll");
      // Until it is revoked, the old key says what replaced it, and the new one where it came from.
      await waitForText(page.locator("#key-list"), /Replaced by rg_…[\s\S]*revoke this key once[\s\S]*replaced/);
      await waitForText(page.locator("#key-list"), /Rolled from rg_…/);
      const rollButtons = await page.getByRole("button", { name: /^Roll nightly report/ }).count();
      check(rollButtons === 1, `the replaced key offers a second roll (${rollButtons} Roll buttons)`);
      // Thinking better of revoking the old key keeps the new one on screen.
      await page.getByRole("button", { name: "Revoke the old key" }).click();
      await page.locator("#confirm-dialog").getByRole("button", { name: "Cancel" }).click();
      check((await revealed.inputValue()) === secondKey, "cancelling the old key's revocation hid the new key");
      await page.getByRole("button", { name: "Revoke the old key" }).click();
      await page.locator("#confirm-dialog").getByRole("button", { name: "Revoke key" }).click();
      await waitForText(page.locator("#key-status"), /revoked/);
      const keys = await call(env, "GET", `/api/organizations/${orgId}/api-keys`, undefined, owner.token);
      const rows = keys.json.data.map(
        (/** @type {any} */ k) => `${k.name}:${k.revoked_at ? "revoked" : "live"}:${k.rate_limit?.requests}:${k.scopes}`,
      );
      check(rows.sort().join(",") === "nightly report:live:50:read,nightly report:revoked:50:read", `after roll: ${rows}`);
      check((await page.locator("#key-list tbody tr").count()) === 1, "a revoked key shows while hidden");
      await page.getByLabel("Hide revoked keys").uncheck();
      await waitForText(page.locator("#key-list"), /revoked/);
      const works = await call(env, "POST", `/redis/${instanceId}`, ["GET", "k"], secondKey);
      check(works.status === 200, `the rolled key does not work: ${works.status}`);

      // Rolled again, the old key kept for a day: it says when it stops, and works until then.
      await page.getByRole("button", { name: "Roll nightly report" }).click();
      await rollDialog.getByLabel("The old key").selectOption({ label: "stops by itself in 1 day" });
      await screenshot(page, "keys-roll-dialog");
      await rollDialog.getByRole("button", { name: "Mint the replacement" }).click();
      await waitForText(page.locator("#key-status"), /rolled: the old key stops working by itself on .* UTC\./);
      await waitForText(page.locator("#key-list"), /Replaced by rg_…\S+: it stops working by itself on[\s\S]*stops in 24 h/);
      const live = await call(env, "GET", `/api/organizations/${orgId}/api-keys?revoked=false`, undefined, owner.token);
      const retiring = live.json.data.filter((/** @type {any} */ k) => k.retires_at);
      check(
        live.json.data.length === 2 && retiring.length === 1,
        `live keys after a roll keeping the old one a day: ${JSON.stringify(live.json.data)}`,
      );
      const inDay = Date.parse(retiring[0].retires_at) - Date.now();
      check(inDay > 86_000_000 && inDay <= 86_400_000, `the old key stops in ${inDay} ms, not a day`);
      const stillWorks = await call(env, "POST", `/redis/${instanceId}`, ["GET", "k"], secondKey);
      check(stillWorks.status === 200, `the retiring key stopped at once: ${stillWorks.status}`);
      await screenshot(page, "keys-desktop");
      await context.close();
    },
  ],
  [
    "keys: at the plan's cap, a roll offers to replace the key at once, and the old key stops working",
    async (env) => {
      const { owner, orgId, instanceId } = await newOrg(env);
      const weekAway = new Date(Date.now() + 7 * 86_400_000 - 60_000).toISOString();
      const minted = await call(
        env,
        "POST",
        `/api/organizations/${orgId}/api-keys`,
        { name: "only key", scopes: ["write"], expires_at: weekAway },
        owner.token,
      );
      const oldKey = minted.json.data.key;
      const login = await call(env, "POST", "/auth/login", { email: DEV_ACCOUNT.email, password: DEV_ACCOUNT.password });
      const capped = await call(env, "PUT", `/api/admin/organizations/${orgId}/limits`, { max_api_keys: 1 }, login.json.data.token);
      check(capped.status === 200, `the operator could not cap the keys: ${capped.status} ${JSON.stringify(capped.json)}`);

      const { context, page } = await signedInPage(env, owner);
      await visit(page, env, `/o/${orgId}/keys`);
      await waitForText(page.locator("#key-list"), /only key[\s\S]*expires in 7 days/);
      // Keeping the old key an hour needs room under the cap, so the page offers to roll now.
      await page.getByRole("button", { name: "Roll only key" }).click();
      const rollDialog = page.locator("#key-roll-dialog");
      await rollDialog.getByLabel("The old key").selectOption({ label: "stops by itself in 1 hour" });
      await rollDialog.getByRole("button", { name: "Mint the replacement" }).click();
      const dialog = page.locator("#confirm-dialog");
      await waitForText(dialog, /holds 1 live API key, the most[\s\S]*Rolling now revokes the old key/);
      await dialog.getByRole("button", { name: "Roll now" }).click();
      await waitForText(page.locator("#key-reveal"), /shown only this once/);
      const newKey = await page.locator("#revealed-key").inputValue();
      check(/^rg_/.test(newKey) && newKey !== oldKey, "the roll did not reveal a new key");
      check((await page.locator("#revoke-old").count()) === 0, "a roll that revoked the old key still offers to revoke it");
      await waitForText(page.locator("#key-status"), /rolled: the old key is revoked/);
      // The replacement has the old key's lifetime (a week), so it is as close to its expiry.
      const row = page.locator("#key-list tbody tr", { hasText: newKey.slice(-8) });
      await waitForText(row, /expires in 7 days/);
      const works = await call(env, "POST", `/redis/${instanceId}`, ["PING"], newKey);
      check(works.status === 200, `the new key does not work: ${works.status}`);
      const refused = await call(env, "POST", `/redis/${instanceId}`, ["PING"], oldKey);
      check(refused.status === 401, `the replaced key still works: ${refused.status}`);
      await context.close();
    },
  ],
  [
    "keys and instances past one page of 100: every instance is listed and offered to keys, keys load 100 at a time and are found by name or by pasting one",
    async (env) => {
      const { owner, orgId } = await newOrg(env);
      const login = await call(env, "POST", "/auth/login", { email: DEV_ACCOUNT.email, password: DEV_ACCOUNT.password });
      const raised = await call(env, "PUT", `/api/admin/organizations/${orgId}/limits`, { max_instances: 200 }, login.json.data.token);
      check(raised.status === 200, `the operator could not raise the instance cap: ${raised.status}`);
      /** Runs `make(i)` for i in [0, n), ten at a time, and checks each answered `status`. @param {number} n @param {(i: number) => Promise<{ status: number, json: any }>} make @param {number} status */
      const many = async (n, make, status) => {
        const answers = [];
        for (let i = 0; i < n; i += 10)
          answers.push(...(await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, j) => make(i + j)))));
        const wrong = answers.find((a) => a.status !== status);
        check(!wrong, `a setup call answered ${wrong?.status}: ${JSON.stringify(wrong?.json)}`);
        return answers.map((a) => a.json.data);
      };
      // newOrg attached one instance: 104 more make 105.
      await many(
        104,
        (i) =>
          call(
            env,
            "POST",
            `/api/organizations/${orgId}/redis-instances`,
            { name: `cache ${i}`, slug: `cache-${i}-${orgId.slice(-6)}`, driver: "redis", endpoint: env.redisUrl },
            owner.token,
          ),
        201,
      );
      const keys = await many(
        130,
        (i) => call(env, "POST", `/api/organizations/${orgId}/api-keys`, { name: `job ${i}`, scopes: ["read"] }, owner.token),
        201,
      );
      // The five newest are revoked: hidden, they must not take places on the first page.
      await many(
        5,
        (i) => call(env, "DELETE", `/api/organizations/${orgId}/api-keys/${keys[129 - i].api_key.id}`, undefined, owner.token),
        200,
      );

      const { context, page } = await signedInPage(env, owner);
      await visit(page, env, `/o/${orgId}/instances`);
      await until("every instance listed", async () => (await page.locator("#instance-list tbody tr").count()) === 105);

      await visit(page, env, `/o/${orgId}/keys`);
      const rows = page.locator("#key-list tbody tr");
      await until("the first 100 live keys", async () => (await rows.count()) === 100);
      check(!(await page.locator("#key-list").textContent())?.includes("revoked"), "a revoked key fills a place on the first page");
      check((await page.locator("#key-instances input[type=checkbox]").count()) === 105, "the mint form does not offer every instance");
      await page.getByRole("button", { name: "Load more keys" }).click();
      await until("all 125 live keys", async () => (await rows.count()) === 125);
      check(await page.locator("#key-more").isHidden(), "Load more keys stays after the last page");
      await page.getByLabel("Hide revoked keys").uncheck();
      await until("the newest 100 keys, revoked ones first", async () => (await rows.count()) === 100);
      await waitForText(rows.first(), /revoked/);
      await page.getByLabel("Hide revoked keys").check();

      // Finding: part of a name through the API (job 12 and job 120–124; 125–129 are revoked), then a
      // whole key pasted from a log, which names its key even though it is revoked.
      const query = page.getByLabel("Find a key by name or prefix, or paste a whole key");
      await query.fill("JOB 12");
      await page.getByRole("button", { name: "Find keys", exact: true }).click();
      await until("the six live keys named like job 12", async () => (await rows.count()) === 6);
      await query.fill(keys[129].key);
      await page.getByRole("button", { name: "Find keys", exact: true }).click();
      await waitForText(page.locator("#key-status"), /That key is “job 129”/);
      await until("only the pasted key", async () => (await rows.count()) === 1);
      await waitForText(rows.first(), /job 129[\s\S]*revoked/);
      await query.fill("");
      await page.getByRole("button", { name: "Find keys", exact: true }).click();
      await until("the first 100 live keys again", async () => (await rows.count()) === 100);
      await context.close();
    },
  ],
];
