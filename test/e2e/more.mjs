// @ts-check
// The journey's second half and the checks around it: usage, revoking the key until the console
// shows the edge's refusal, a viewer who cannot mint, instance settings, audit log, phone widths,
// sign-out, and that no request left 127.0.0.1.
import { check, fitsViewport, newContext, open, PHONE, ready, screenshot, until, waitForText } from "./browser.mjs";

/** @param {import("./world.mjs").World} w @returns {import("./world.mjs").Scenario[]} */
export function more(w) {
  const { env, owner, viewer, s, page, orgPath, signUp, runCommand } = w;
  const POST = (/** @type {import("playwright-core").Response} */ r, /** @type {RegExp} */ path) =>
    r.request().method() === "POST" && path.test(new URL(r.url()).pathname);

  return [
    [
      "usage shows the requests (or the empty state while the usage API is missing)",
      async () => {
        const p = page();
        const answer = p.waitForResponse((r) => /\/usage$/.test(new URL(r.url()).pathname));
        await open(p, orgPath("usage"));
        const status = (await answer).status();
        if (status === 404) {
          await waitForText(p.locator("#usage-view"), /No usage data yet/);
          w.notes.push("GET …/usage answered 404: asserted the “No usage data yet” state instead of the chart.");
        } else {
          check(status === 200, `GET …/usage answered ${status}`);
          // Usage may be recorded after the reply; give it a few seconds.
          await until(
            "requests in the usage chart",
            async () => {
              const bars = p.locator("svg.usage-chart rect.requests");
              if ((await bars.evaluateAll((all) => all.filter((r) => Number(r.getAttribute("height")) > 0).length)) > 0) return true;
              await p.reload();
              await ready(p);
              return false;
            },
            15_000,
            1500,
          );
          const requests = Number(await p.locator("#usage-requests").textContent());
          check(requests >= 2, `the chart shows ${requests} requests; the console sent at least 2`);
        }
        await screenshot(p, "09-usage");
      },
    ],
    [
      "revoke the key with confirmation; the console then shows the edge's refusal",
      async () => {
        const p = page();
        await open(p, orgPath("keys"));
        await p.getByRole("button", { name: "Revoke e2e key" }).click();
        const dialog = p.locator("#confirm-dialog");
        await waitForText(dialog, /Revoke “e2e key”\?/);
        await screenshot(p, "10-revoke-confirm");
        await dialog.getByRole("button", { name: "Revoke key" }).click();
        await waitForText(p.locator("#key-status"), /revoked/);
        await waitForText(p.locator("#key-list"), /revoked/);
        await open(p, orgPath("console"));
        await p.getByLabel("API key").fill(/** @type {string} */ (s.key));
        // The edge caches "not revoked" for up to 10 s per isolate.
        await until(
          "the console to show 401 WRONGPASS … revoked",
          async () => {
            const reply = await runCommand("GET greeting");
            return reply.status === 401 && /WRONGPASS this API key has been revoked/.test(reply.body);
          },
          15_000,
          1000,
        );
        await screenshot(p, "11-console-revoked");
      },
    ],
    [
      "an owner adds a second account as viewer",
      async () => {
        const context = await newContext(env.browser, env.record);
        s.viewerPage = await context.newPage();
        await signUp(s.viewerPage, viewer);
        const p = page();
        await open(p, orgPath("members"));
        await waitForText(p.locator("#member-list"), new RegExp(owner.email));
        await p.getByLabel("Email").fill(viewer.email);
        await p.getByLabel("Role", { exact: true }).selectOption("viewer");
        await p.getByRole("button", { name: "Add member" }).click();
        await waitForText(p.locator("#member-list"), new RegExp(viewer.email));
        check((await p.getByLabel(`Role of ${viewer.email}`).inputValue()) === "viewer", "the new member is not a viewer");
        await screenshot(p, "12-members");
      },
    ],
    [
      "a viewer cannot mint keys: the form is disabled, and a forced request shows the API's refusal",
      async () => {
        const v = /** @type {import("playwright-core").Page} */ (s.viewerPage);
        await open(v, orgPath("keys"));
        const fieldset = v.locator("#key-form > fieldset");
        await waitForText(v.locator("#key-form [data-role-note]"), /member role or higher.*you are viewer/);
        check(await fieldset.evaluate((el) => el.hasAttribute("disabled")), "the mint form is enabled");
        check((await v.getByRole("button", { name: /^Revoke/ }).count()) === 0, "a viewer sees revoke buttons");
        await screenshot(v, "13-viewer-keys");
        await fieldset.evaluate((el) => {
          el.removeAttribute("disabled");
          el.removeAttribute("aria-disabled");
        });
        await v.getByLabel("Name").fill("forced by a viewer");
        const answer = v.waitForResponse((r) => POST(r, /\/api-keys$/));
        await v.getByRole("button", { name: "Mint key" }).click();
        check((await answer).status() === 403, "the API did not refuse with 403");
        await waitForText(v.locator("#key-form [role=alert]"), /needs the member role or higher; you are viewer/);
        check((await v.locator("#key-reveal").count()) === 0, "a key was revealed to a viewer");
      },
    ],
    [
      "instance settings: upstream secrets never shown again; rename, rotate, disable, delete with confirmation",
      async () => {
        const p = page();
        const withSecret = (/** @type {string} */ secret) => env.redisUrl.replace("redis://", `redis://app:${secret}@`);
        await open(p, orgPath("instances"));
        await p.getByLabel("Name").fill("Scratch");
        await p.getByLabel("Endpoint").fill(withSecret("upstream-secret-one"));
        await p.getByRole("button", { name: "Attach instance" }).click();
        await p.waitForURL(/\/instances\/rdb_/);
        await ready(p);
        await waitForText(p.locator("#instance-view"), /app:••••/);
        check(!(await p.content()).includes("upstream-secret-one"), "the upstream password is in the instance page");
        const dialog = p.locator("#confirm-dialog");
        await p.getByLabel("New Redis URL with credentials").fill(withSecret("upstream-secret-two"));
        await p.getByRole("button", { name: "Rotate credentials" }).click();
        await dialog.getByRole("button", { name: "Rotate" }).click();
        await waitForText(p.locator("#toast"), /Credentials rotated/);
        check((await p.getByLabel("New Redis URL with credentials").inputValue()) === "", "the rotated secret stays in its field");
        check(!(await p.content()).includes("upstream-secret-two"), "the rotated password is in the page");
        await p.getByLabel("Name").fill("Scratch renamed");
        await p.getByRole("button", { name: "Rename" }).click();
        await waitForText(p.locator("#instance-name"), /^Scratch renamed$/);
        await p.getByRole("button", { name: "Disable instance" }).click();
        await dialog.getByRole("button", { name: "Cancel" }).click();
        await waitForText(p.locator("#instance-view"), /active/);
        await p.getByRole("button", { name: "Disable instance" }).click();
        await dialog.getByRole("button", { name: "Disable" }).click();
        await waitForText(p.locator("#instance-view"), /disabled/);
        await p.getByRole("button", { name: "Enable instance" }).waitFor();
        await p.getByRole("button", { name: "Delete instance" }).click();
        await dialog.getByRole("button", { name: "Delete" }).click();
        await p.waitForURL(/\/instances$/);
        await ready(p);
        await waitForText(p.locator("#instance-list"), /Cache/);
        check(!/Scratch/.test((await p.locator("#instance-list").textContent()) ?? ""), "the deleted instance is still listed");
      },
    ],
    [
      "the audit log lists what happened, by whom",
      async () => {
        const p = page();
        await open(p, orgPath("audit"));
        const text = await waitForText(p.locator("#audit-view"), /api_key\.revoke/);
        const actions = [
          "organization.create",
          "instance.create",
          "api_key.create",
          "member.add",
          "instance.credentials_rotate",
          "instance.delete",
        ];
        for (const action of actions) {
          check(text.includes(action), `the audit log lacks ${action}`);
        }
        check(text.includes(owner.email), "the audit log does not name the owner");
        await screenshot(p, "14-audit");
      },
    ],
    [
      "every page fits a phone's width",
      async () => {
        const context = await newContext(env.browser, env.record, PHONE);
        await context.addCookies(await page().context().cookies());
        const p = await context.newPage();
        for (const section of ["instances", "keys", "console", "usage", "members", "audit"]) {
          await open(p, orgPath(section));
          check(await fitsViewport(p), `${section} scrolls sideways at ${PHONE.width} px`);
          await screenshot(p, `phone-${section}`);
        }
        await context.close();
      },
    ],
    [
      "sign out ends the session",
      async () => {
        const p = page();
        await open(p, orgPath("instances"));
        await p.getByRole("button", { name: "Sign out" }).click();
        await p.waitForURL(/\/login$/);
        await ready(p);
        check(!(await p.context().cookies()).some((c) => c.name === "rg_session"), "the session cookie survived sign-out");
        await open(p, orgPath("keys"));
        await p.waitForURL(/\/login\?next=/);
        await ready(p);
        await screenshot(p, "15-signed-out");
      },
    ],
    [
      "no request left 127.0.0.1 and no page raised an error",
      async () => {
        check(env.record.offsite.length === 0, `requests to elsewhere: ${env.record.offsite.join(", ")}`);
        check(env.record.problems.length === 0, `page errors: ${env.record.problems.join(" | ")}`);
      },
    ],
  ];
}
