// @ts-check
// The data browser for a session that may write: add a key, edit its value, set and clear its TTL,
// add hash fields, filter the scan by type, load more, delete; a list and a hash larger than a page.
import { check, screenshot, until, waitForText } from "./browser.mjs";
import { call, newOrg, signedInPage, visit } from "./world.mjs";

/** @type {import("./world.mjs").Scenario[]} */
export const dataScenarios = [
  [
    "data browser: add, edit, TTL, hash fields, type filter and delete",
    async (env) => {
      const { owner, orgId, instanceId } = await newOrg(env);
      const prefix = `e2e:${orgId.slice(-6)}`;
      const key = await call(env, "POST", `/api/organizations/${orgId}/redis-instances/${instanceId}/console-key`, undefined, owner.token);
      const many = Array.from({ length: 230 }, (_, i) => ["SET", `${prefix}:bulk:${String(i).padStart(3, "0")}`, "x"]);
      await call(env, "POST", `/redis/${instanceId}/pipeline`, many, key.json.data.key);
      const { context, page } = await signedInPage(env, owner);
      await visit(page, env, `/o/${orgId}/data`);
      await waitForText(page.locator("#key-count"), /keys? in this database/);

      await page.locator("#add-key").fill(`${prefix}:greeting`);
      await page.getByLabel("Value (or member)").fill("hello");
      await page.getByRole("button", { name: "Add key" }).click();
      const panel = page.locator("#key-panel");
      await waitForText(panel, new RegExp(`${prefix}:greeting[\\s\\S]*string[\\s\\S]*no expiry`));
      await page.getByLabel(`Value of ${prefix}:greeting`).fill('{"hello":"world"}');
      await page.getByRole("button", { name: "Save value" }).click();
      await waitForText(panel, /JSON detected/);
      const saved = await call(env, "POST", `/redis/${instanceId}`, ["GET", `${prefix}:greeting`], key.json.data.key);
      check(saved.json.result === '{\n  "hello": "world"\n}' || saved.json.result === '{"hello":"world"}', `stored: ${saved.json.result}`);

      await page.getByLabel("Expire in (seconds)").fill("600");
      await page.getByRole("button", { name: "Set TTL" }).click();
      await waitForText(page.locator("#key-ttl"), /^(10 min|[0-9]+ s)$/);
      const ttl = await call(env, "POST", `/redis/${instanceId}`, ["TTL", `${prefix}:greeting`], key.json.data.key);
      check(ttl.json.result > 590 && ttl.json.result <= 600, `TTL in Redis: ${ttl.json.result}`);
      await screenshot(page, "data-desktop");
      await page.getByRole("button", { name: "Clear TTL" }).click();
      await waitForText(page.locator("#key-ttl"), /no expiry/);
      const cleared = await call(env, "POST", `/redis/${instanceId}`, ["TTL", `${prefix}:greeting`], key.json.data.key);
      check(cleared.json.result === -1, `TTL after clearing: ${cleared.json.result}`);

      await page.locator("#add-key").fill(`${prefix}:user`);
      await page.getByLabel("Type").last().selectOption("hash");
      await page.getByLabel("Field", { exact: true }).fill("name");
      await page.getByLabel("Value (or member)").fill("Ada");
      await page.getByRole("button", { name: "Add key" }).click();
      await waitForText(panel, /hash[\s\S]*1 fields/);
      await panel.getByLabel("Field").fill("city");
      await panel.getByLabel("Value").fill("Paris");
      await panel.getByRole("button", { name: "Add" }).click();
      await waitForText(panel, /2 fields[\s\S]*city[\s\S]*Paris/);

      await page.getByLabel("Pattern").fill(`${prefix}:*`);
      await page.locator("#scan-type").selectOption("hash");
      await page.getByRole("button", { name: "Scan" }).click();
      await until("the type filter", async () => {
        const names = await page.locator("#key-table td[data-label=Key]").allTextContents();
        return names.length === 1 && names[0] === `${prefix}:user`;
      });
      await page.locator("#scan-type").selectOption("");
      await page.getByLabel("Pattern").fill(`${prefix}:bulk:*`);
      await page.getByRole("button", { name: "Scan" }).click();
      // The table still shows the hash filter's row until this scan renders: wait for the bulk keys.
      await until("a scan page of bulk keys", async () => {
        const names = await page.locator("#key-table td[data-label=Key]").allTextContents();
        return names.length > 0 && names.every((name) => name.startsWith(`${prefix}:bulk:`));
      });
      // SCAN order is the hash table's: the key may come on any page, so load more until it shows.
      // The database is shared with other tests, so a page of COUNT 200 holds only some of the 230.
      const target = page.locator("#key-table").getByRole("button", { name: `${prefix}:bulk:007` });
      let loads = 0;
      while ((await target.count()) === 0) {
        check(await page.locator("#load-more").isVisible(), `${prefix}:bulk:007 not listed and nothing more to load`);
        const before = await page.locator("#key-table tbody tr").count();
        await page.getByRole("button", { name: "Load more" }).click();
        await until(
          "more keys",
          async () => (await page.locator("#key-table tbody tr").count()) > before || !(await page.locator("#load-more").isVisible()),
        );
        check(++loads <= 250, "Load more never reached the key");
      }
      await target.click();
      await waitForText(panel, new RegExp(`${prefix}:bulk:007`));
      await page.getByRole("button", { name: "Delete key" }).click();
      await page.locator("#confirm-dialog").getByRole("button", { name: "Delete key" }).click();
      await waitForText(panel, /was deleted/);
      const gone = await call(env, "POST", `/redis/${instanceId}`, ["EXISTS", `${prefix}:bulk:007`], key.json.data.key);
      check(gone.json.result === 0, "the key still exists after Delete");

      // Values larger than a page load page by page: a list by index, a hash by HSCAN cursor.
      const fields = Array.from({ length: 150 }, (_, i) => [`f${i}`, `v${i}`]).flat();
      const items = Array.from({ length: 230 }, (_, i) => `i${i}`);
      const big = [
        ["RPUSH", `${prefix}:biglist`, ...items],
        ["HSET", `${prefix}:bighash`, ...fields],
      ];
      await call(env, "POST", `/redis/${instanceId}/pipeline`, big, key.json.data.key);
      /** @param {string} name */
      const openKey = async (name) => {
        await page.getByLabel("Pattern").fill(name);
        await page.getByRole("button", { name: "Scan" }).click();
        await page.locator("#key-table").getByRole("button", { name, exact: true }).click();
        await waitForText(panel, new RegExp(name));
      };
      const valueRows = page.locator("#key-value tbody tr");
      await openKey(`${prefix}:biglist`);
      await waitForText(page.locator("#value-count"), /^Showing 100 of 230 items\.$/);
      await page.getByRole("button", { name: "Load more items" }).click();
      await waitForText(page.locator("#value-count"), /^Showing 200 of 230 items\.$/);
      await page.getByRole("button", { name: "Load more items" }).click();
      await until("the whole list", async () => (await valueRows.count()) === 230);
      check(await page.locator("#value-more").isHidden(), "Load more stays after the list's last page");
      const shown = await page.locator("#key-value tbody tr td:first-child").allTextContents();
      check(shown.join(",") === items.join(","), `the list pages are not the list in order: ${shown.slice(95, 105)}`);
      await openKey(`${prefix}:bighash`);
      await waitForText(page.locator("#key-facts"), /150 fields/);
      for (let loads = 0; await page.locator("#value-more").isVisible(); loads++) {
        check(loads < 20, "the hash never finished loading");
        const before = await valueRows.count();
        await page.getByRole("button", { name: "Load more fields" }).click();
        await until("more fields", async () => (await valueRows.count()) > before || (await page.locator("#value-more").isHidden()));
      }
      const names = await page.locator("#key-value tbody tr td:first-child").allTextContents();
      check(names.length === 150 && new Set(names).size === 150, `the hash shows ${names.length} rows, ${new Set(names).size} distinct`);
      await context.close();
    },
  ],
];
