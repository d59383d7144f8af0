// @ts-check
// The dashboard in Debian's Chromium (the `browser` vitest project): every scenario of
// ./scenarios.mjs as a test against the stack ./setup.mjs started, each checked after it runs: no
// page reached beyond 127.0.0.1, threw, or violated the Content-Security-Policy.
import { afterAll, afterEach, beforeAll, expect, inject, test } from "vitest";
import { launchBrowser, SCREENSHOTS } from "./browser.mjs";
import { scenarios } from "./scenarios.mjs";

/** @typedef {import("./world.mjs").Env} Env */

/** @type {Env} */
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

/**
 * Each scenario's own record (scenarios marked `alongside` run at the same time, so one shared
 * record could not say whose a request was); the resent reads are only logged, so they stay shared.
 * @type {Map<string, Env["record"]>}
 */
const records = new Map();

for (const [name, run, options] of scenarios) {
  (options?.alongside ? test.concurrent : test)(name, () => {
    const record = { offsite: [], problems: [], resent: env.record.resent };
    records.set(name, record);
    return run({ ...env, record });
  });
}

afterEach(({ task }) => {
  const record = records.get(task.name);
  records.delete(task.name);
  if (!record) return; // the scenario never started
  const found = [...record.offsite.map((url) => `request to ${url}`), ...record.problems];
  expect(found, "pages stayed on 127.0.0.1 with no errors or CSP violations").toEqual([]);
});
