// @ts-check
// One instance's page: the health line (a PING's latency, or why the upstream does not answer),
// the isolation report with a shared-server warning and its re-run button (admins only), the
// connection snippets with a placeholder for the key, and all of it inside 390 px.
import { startRedisServer } from "../../scripts/redis-server.mjs";
import { check, DESKTOP, fitsViewport, PHONE, ready, screenshot, waitForText } from "./browser.mjs";
import { addMember, call, newAccount, newOrg, signedInPage, visit } from "./world.mjs";

/**
 * What sticks out past the viewport, for the failure message: elements whose box or content is
 * wider than the page.
 * @param {import("playwright-core").Page} page
 */
function overflowing(page) {
  return page.evaluate(`[...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > innerWidth + 1 || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === "visible")
    .slice(-5)
    .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + "." + [...e.classList].join(".") + " «" + (e.textContent || "").trim().slice(0, 50) + "»")
    .join(", ")`);
}

/** @type {import("./world.mjs").Scenario[]} */
export const instanceScenarios = [
  [
    "instance page: health latency, isolation report with a shared-server warning, snippets, re-run; fits 390 px",
    async (env) => {
      await newOrg(env, "Neighbour on the same server");
      const { owner, orgId, instanceId } = await newOrg(env, "Organization with a rather long name for phones");
      for (const [viewport, label] of /** @type {const} */ ([
        [PHONE, "phone"],
        [DESKTOP, "desktop"],
      ])) {
        const { context, page } = await signedInPage(env, owner, viewport);
        await visit(page, env, `/o/${orgId}/instances/${instanceId}`);
        await waitForText(page.locator("#instance-health"), /reachable PONG in \d+ ms, checked/);
        const report = page.locator("#isolation-view");
        await waitForText(report, /also used by [1-9]\d* other organization\(s\)/);
        await waitForText(report, /These credentials reach beyond their database/);
        for (const probe of [
          "SELECT of another database",
          "An admin command",
          "A script selecting another database",
          "Subscribe to every channel",
        ]) {
          check(
            (await report.locator('td[data-label="Probe"]', { hasText: probe }).count()) === 1,
            `the probe “${probe}” is not in the report`,
          );
        }
        await waitForText(
          page.locator("#isolation-shared"),
          /[1-9]\d* other organization\(s\) with [1-9]\d* instance\(s\) use this server/,
        );
        const view = page.locator("#instance-view");
        await waitForText(view, /Scripts\s*allowed for write keys/);
        for (const label of ["@upstash/redis (Node)", "upstash-redis (Python)", "curl"]) {
          check(await page.getByRole("button", { name: `Copy ${label}`, exact: true }).isVisible(), `no copy button for ${label}`);
        }
        const snippets = (await view.locator("pre").allTextContents()).join("\n");
        check(
          snippets.includes(`/redis/${instanceId}`) && snippets.includes("from upstash_redis import Redis"),
          "snippets: URL or Python missing",
        );
        check(!/rg_/.test(snippets), "a snippet shows something like a key");
        if (label === "phone") {
          check(await fitsViewport(page), `the instance page scrolls sideways at ${PHONE.width} px: ${await overflowing(page)}`);
        }
        await screenshot(page, `${label}-instance-isolation`);
        await context.close();
      }
      const { context, page } = await signedInPage(env, owner, PHONE);
      await visit(page, env, `/o/${orgId}/instances/${instanceId}`);
      const before = (await page.locator("#isolation-view").textContent()) ?? "";
      await page.getByRole("button", { name: "Re-run the isolation check" }).click();
      await waitForText(page.locator("#toast"), /Isolation check done/);
      check(
        ((await page.locator("#isolation-view").textContent()) ?? "").includes("select_other_database"),
        `report after re-run: ${before}`,
      );
      await page.getByRole("button", { name: "Check again" }).click();
      await waitForText(page.locator("#instance-health"), /reachable PONG in \d+ ms/);
      await context.close();
    },
  ],
  [
    "instance page: attach a direct instance with a pool region; transport and limits shown, overrides set and cleared; a viewer sees them without the form",
    async (env) => {
      const { owner, orgId } = await newOrg(env);
      const { context, page } = await signedInPage(env, owner, DESKTOP);
      await visit(page, env, `/o/${orgId}/instances`);
      const attach = page.locator("#instance-form");
      await attach.getByLabel("Name").fill("Direct cache");
      await attach.getByLabel("Endpoint").fill(env.redisUrl);
      await attach.getByLabel("Connections").selectOption("direct");
      await attach.getByLabel("Pool region").selectOption("weur");
      await attach.getByRole("button", { name: "Attach instance" }).click();
      await page.waitForURL(/\/instances\/rdb_[a-z0-9]{20}$/);
      await ready(page);
      const instanceId = page.url().split("/").at(-1) ?? "";
      const path = `/api/organizations/${orgId}/redis-instances/${instanceId}`;
      const view = page.locator("#instance-view");
      await waitForText(view, /Connections\s*direct — a fresh connection per request/);
      await waitForText(view, /Pool region\s*Western Europe \(weur\)/);
      const limits = page.locator("#limits-view");
      await waitForText(limits, /Request size\s*10 MiB \(10,485,760 bytes\)\s*10 MiB/);
      await waitForText(limits, /Stream lifetime\s*60 min/);

      const form = page.locator("#limits-form");
      check((await form.getByLabel("Connections").inputValue()) === "direct", "the form does not show the transport");
      check((await form.getByLabel("Pool region").inputValue()) === "weur", "the form does not show the region");
      await form.getByLabel("Reply elements").fill("500");
      await form.getByLabel("Request size (bytes)").fill("2048");
      await form.getByLabel("Connections").selectOption("pooled");
      await form.getByRole("button", { name: "Save transport and limits" }).click();
      await waitForText(limits, /Reply elements\s*500 · this instance's\s*100,000/);
      await waitForText(view, /Connections\s*pooled — warm connections/);
      const saved = (await call(env, "GET", path, undefined, owner.token)).json.data;
      check(
        saved.transport === "pooled" && saved.region === "weur" && saved.max_reply_elements === 500 && saved.max_request_bytes === 2048,
        `saved: ${JSON.stringify(saved)}`,
      );
      await screenshot(page, "desktop-instance-limits");

      // Past the ceiling the browser itself refuses the form; the API would answer 400 naming the field.
      await form.getByLabel("Reply elements").fill("999999999");
      check(
        await page.evaluate('document.querySelector("#limit-max_reply_elements").validity.rangeOverflow'),
        "a value past the ceiling is not flagged",
      );
      await form.getByLabel("Reply elements").fill("");
      await form.getByLabel("Pool region").selectOption("");
      await form.getByRole("button", { name: "Save transport and limits" }).click();
      await waitForText(limits, /Reply elements\s*100,000\s*100,000/);
      await waitForText(view, /Pool region\s*automatic/);
      const cleared = (await call(env, "GET", path, undefined, owner.token)).json.data;
      check(
        cleared.max_reply_elements === null && cleared.region === null && cleared.max_request_bytes === 2048,
        `cleared: ${JSON.stringify(cleared)}`,
      );
      // The form sends every field; the audit log names only what was changed, before and after.
      await visit(page, env, `/o/${orgId}/audit`);
      const audit = page.locator("#audit-view");
      await waitForText(audit, /max request bytes: default → 2048; max reply elements: default → 500; transport: direct → pooled/);
      await waitForText(audit, /max reply elements: 500 → default; region: weur → default/);
      await context.close();

      const viewer = await newAccount(env, "viewer");
      await addMember(env, owner, orgId, viewer, "viewer");
      const seen = await signedInPage(env, viewer, PHONE);
      await visit(seen.page, env, `/o/${orgId}/instances`);
      await waitForText(seen.page.locator("#instance-list"), /Direct cache\s*(Driver\s*)?redis · pooled/);
      await visit(seen.page, env, `/o/${orgId}/instances/${instanceId}`);
      await waitForText(seen.page.locator("#limits-view"), /Request size\s*2\.0 KiB \(2,048 bytes\) · this instance's/);
      check((await seen.page.locator("#limits-form").count()) === 0, "a viewer is shown the limits form");
      check(await fitsViewport(seen.page), `the limits scroll sideways at ${PHONE.width} px: ${await overflowing(seen.page)}`);
      await screenshot(seen.page, "phone-instance-limits");
      await seen.context.close();
    },
  ],
  [
    "instance page: a viewer sees health and the report, no settings or re-run; a stopped server is unreachable",
    async (env) => {
      const { owner, orgId } = await newOrg(env);
      const doomed = await startRedisServer({ quiet: true });
      const attached = await call(
        env,
        "POST",
        `/api/organizations/${orgId}/redis-instances`,
        { name: "Soon gone", slug: `gone-${Date.now()}`, driver: "redis", endpoint: doomed.url },
        owner.token,
      );
      check(attached.status === 201, `attach: ${JSON.stringify(attached.json)}`);
      await doomed.stop();
      const viewer = await newAccount(env, "viewer");
      await addMember(env, owner, orgId, viewer, "viewer");
      const { context, page } = await signedInPage(env, viewer, PHONE);
      await visit(page, env, `/o/${orgId}/instances/${attached.json.data.id}`);
      await waitForText(
        page.locator("#instance-health"),
        new RegExp(`unreachable cannot connect to 127\\.0\\.0\\.1:${doomed.port} \\(connection refused`),
      );
      await waitForText(page.locator("#isolation-view"), /These credentials reach beyond their database/);
      for (const hidden of ["#isolation-form", "#rename-form", "#permissions-form", "#rotate-form", "#delete-instance"]) {
        check((await page.locator(hidden).count()) === 0, `a viewer is shown ${hidden}`);
      }
      check(await fitsViewport(page), `the viewer's instance page scrolls sideways at ${PHONE.width} px: ${await overflowing(page)}`);
      await screenshot(page, "phone-instance-unreachable");
      await context.close();
    },
  ],
];
