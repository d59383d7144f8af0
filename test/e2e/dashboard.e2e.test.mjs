// @ts-check
// The dashboard in Debian's Chromium (the `browser` vitest project): every scenario of
// ./scenarios.mjs as a test against the stack ./setup.mjs started, then one check across all of
// them: no page reached beyond 127.0.0.1, threw, or violated the Content-Security-Policy.
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { launchBrowser, SCREENSHOTS } from "./browser.mjs";
import { scenarios } from "./scenarios.mjs";

/** @type {import("./world.mjs").Env} */
const env = {
  ...inject("e2e"),
  browser: /** @type {import("playwright-core").Browser} */ (/** @type {unknown} */ (null)),
  record: { offsite: [], problems: [], resent: [] },
};

beforeAll(async () => {
  env.browser = await launchBrowser();
});

afterAll(async () => {
  await env.browser?.close();
  console.log(`e2e: screenshots in ${SCREENSHOTS}`);
  // One is the scenario that holds a read on purpose; any other is the server leaving a read
  // unanswered (see test-results/e2e-wrangler.log), which the dashboard survived by asking again.
  console.log(`e2e: reads sent again after the dashboard's deadline: ${env.record.resent.join(", ") || "none"}`);
});

for (const [name, run, options] of scenarios) (options?.alongside ? test.concurrent : test)(name, () => run(env));

test("pages stayed on 127.0.0.1 with no errors or CSP violations", () => {
  expect([...env.record.offsite.map((url) => `request to ${url}`), ...env.record.problems]).toEqual([]);
});
