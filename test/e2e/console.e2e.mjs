// @ts-check
// The console on the session: no pasted key, readable replies, the key kept out of storage and
// markup, console use in the audit log; a viewer sees data only when the organization allows it.
import { check, screenshot, until, waitForText } from "./browser.mjs";
import { addMember, call, newAccount, newOrg, runCommand, signedInPage, visit } from "./world.mjs";

/** @type {import("./world.mjs").Scenario[]} */
export const consoleScenarios = [
  [
    "console: an owner runs commands on the session, with readable replies",
    async (env) => {
      const { owner, orgId } = await newOrg(env);
      const { context, page } = await signedInPage(env, owner);
      const [minted] = await Promise.all([
        page.waitForResponse((r) => /\/console-key$/.test(new URL(r.url()).pathname), { timeout: 30_000 }),
        visit(page, env, `/o/${orgId}/console`),
      ]);
      check(minted.status() === 201, "no console key was minted for the session");
      await waitForText(page.locator("#console-session"), /admin level/);
      const set = await runCommand(page, `SET profile '{"name":"Ada","langs":["en","fr"]}'`);
      check(set.status === 200 && /OK/.test(set.text), `SET: ${set.status} ${set.text}`);
      const get = await runCommand(page, "GET profile");
      const pretty = await get.entry.locator("pre.reply-json").textContent();
      check(pretty?.includes('"langs": [\n    "en",'), `JSON not pretty-printed: ${pretty}`);
      await runCommand(page, "HSET user:1 name Ada city Paris");
      const hash = await runCommand(page, "HGETALL user:1");
      check((await hash.entry.locator("table th").allTextContents()).join("|") === "Field|Value", "HGETALL is not a table");
      await runCommand(page, "ZADD board 10 ada 7 bob");
      const zset = await runCommand(page, "ZRANGE board 0 -1 WITHSCORES");
      check((await zset.entry.locator("tbody tr").count()) === 2, "ZRANGE WITHSCORES is not a member/score table");
      const info = await runCommand(page, "INFO server");
      check((await info.entry.locator("details summary").first().textContent()) === "Server", "INFO is not in sections");
      const bad = await runCommand(page, "GET");
      check(
        (await bad.entry.locator(".reply-error").count()) === 1 && /wrong number/.test(bad.text),
        `the error is not highlighted: ${bad.text}`,
      );
      await waitForText(page.locator("#console-history"), /HGETALL user:1/);
      const stored = await page.evaluate("JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie");
      check(!/rg_ey/.test(String(stored)), "a key is in web storage or a readable cookie");
      check(!(await page.content()).includes("rg_ey"), "a key is in the page's markup");
      await screenshot(page, "console-desktop");
      await visit(page, env, `/o/${orgId}/audit`);
      await page.getByLabel("Action").selectOption("console.session");
      await until("only console sessions in the filtered log", async () => {
        const text = (await page.locator("#audit-view").textContent()) ?? "";
        return /console\.session[\s\S]*Primary cache/.test(text) && !text.includes("instance.create");
      });
      await screenshot(page, "audit-desktop");
      await context.close();
    },
  ],
  [
    "console: a viewer gets no data until the organization allows it, then reads by key name",
    async (env) => {
      const { owner, orgId, instanceId } = await newOrg(env);
      const viewer = await newAccount(env, "viewer");
      await addMember(env, owner, orgId, viewer, "viewer");
      const key = await call(env, "POST", `/api/organizations/${orgId}/redis-instances/${instanceId}/console-key`, undefined, owner.token);
      await call(env, "POST", `/redis/${instanceId}`, ["SET", `viewer-visible-${orgId}`, "hello viewer"], key.json.data.key);
      const { context, page } = await signedInPage(env, viewer);
      await visit(page, env, `/o/${orgId}/keys`);
      check((await page.locator("#key-form").count()) === 0, "a viewer sees the mint form");
      await visit(page, env, `/o/${orgId}/instances`);
      check((await page.locator("#instance-form").count()) === 0, "a viewer sees the attach form");
      await visit(page, env, `/o/${orgId}/console`);
      await waitForText(
        page.locator("#console-session"),
        /only when the organization allows it: an admin turns on “Viewers may read data”/,
      );
      // The owner turns it on where the refusal says: the settings page.
      const ownerView = await signedInPage(env, owner);
      await visit(ownerView.page, env, `/o/${orgId}/settings`);
      await waitForText(ownerView.page.locator("#org-viewer-data"), /^no$/);
      await ownerView.page.getByLabel(/Viewers may read data/).check();
      await ownerView.page.locator("#rename-form").getByRole("button", { name: "Save" }).click();
      await waitForText(ownerView.page.locator("#org-viewer-data"), /^yes/);
      await ownerView.context.close();
      const setting = await call(env, "GET", `/api/organizations/${orgId}`, undefined, viewer.token);
      check(setting.json.data.viewer_data_access === true, "the settings page did not turn viewer_data_access on");
      await visit(page, env, `/o/${orgId}/data`);
      await waitForText(page.locator("#data-session"), /read level/);
      check(await page.locator("#scan-form").isHidden(), "a read-only session is offered SCAN");
      check(
        (await page.locator("#add-key-form").count()) === 1 && (await page.locator("#add-key-form").isHidden()),
        "a read-only session is offered the add form",
      );
      await page.getByLabel("Key name").fill(`viewer-visible-${orgId}`);
      await page.getByRole("button", { name: "Open" }).click();
      await waitForText(page.locator("#key-panel"), /string[\s\S]*hello viewer/);
      check((await page.locator("#key-panel form").count()) === 0, "a read-only session is offered edit forms");
      await screenshot(page, "data-viewer");
      await context.close();
    },
  ],
];
