// @ts-check
// The usage page counts requests the edge refused with 429: a figure for the period, the days that
// had refusals, and a column per day and per key; all of it inside 390 px.
import { check, DESKTOP, fitsViewport, PHONE, screenshot, waitForText } from "./browser.mjs";
import { call, newOrg, signedInPage, visit } from "./world.mjs";

/** @type {import("./world.mjs").Scenario[]} */
export const usageScenarios = [
  [
    "usage: refused requests (429) per day and per key",
    async (env) => {
      const { owner, orgId, instanceId } = await newOrg(env);
      // A key's own daily quota of one: the next two requests are refused whatever the clock says
      // (a per-minute rate could reopen between two requests).
      const body = { name: "one-a-day", scopes: ["write"], max_requests_per_day: 1 };
      const minted = await call(env, "POST", `/api/organizations/${orgId}/api-keys`, body, owner.token);
      check(minted.status === 201, `mint: ${JSON.stringify(minted.json)}`);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(env, "POST", `/redis/${instanceId}`, ["PING"], minted.json.data.key)).status);
      check(statuses.join() === "200,429,429", `statuses: ${statuses}`);
      const today = new Date().toISOString().slice(0, 10);
      for (const [viewport, label] of /** @type {const} */ ([
        [PHONE, "phone"],
        [DESKTOP, "desktop"],
      ])) {
        const { context, page } = await signedInPage(env, owner, viewport);
        await visit(page, env, `/o/${orgId}/usage`);
        await waitForText(page.locator("#usage-refused"), /^2$/);
        await waitForText(page.locator("#usage-refusals"), new RegExp(`${today}\\s*2(?!\\d)`));
        const byKey = page.locator("tr", { hasText: "one-a-day" });
        await waitForText(byKey, /one-a-day\s*1\s*1\s*2$/);
        if (label === "phone") check(await fitsViewport(page), `the usage page scrolls sideways at ${PHONE.width} px`);
        await screenshot(page, `${label}-usage-refusals`);
        await context.close();
      }
    },
  ],
];
