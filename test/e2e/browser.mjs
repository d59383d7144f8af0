// @ts-check
// Browser plumbing for the dashboard's end-to-end tests: Debian's Chromium through playwright-core,
// pages that may reach only 127.0.0.1, polling helpers with deadlines, and screenshots.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const ROOT = new URL("../..", import.meta.url).pathname;
export const SCREENSHOTS = join(ROOT, "test-results", "screenshots");
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 860 };

/** Launches Chromium headless with a fresh profile. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    timeout: 30_000,
    args: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A fresh browser context (own cookies) whose requests may only reach 127.0.0.1; anything else is
 * aborted and recorded in `offsite`. Uncaught page errors and CSP violations land in `problems`.
 * @param {import("playwright-core").Browser} browser
 * @param {{ offsite: string[], problems: string[] }} record
 */
export async function newContext(browser, record, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: "en-GB", timezoneId: "UTC" });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === "127.0.0.1" || url.protocol === "data:") return route.continue();
    record.offsite.push(url.href);
    return route.abort();
  });
  context.on("page", (page) => {
    page.on("pageerror", (error) => record.problems.push(`${page.url()}: ${error.message}`));
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) record.problems.push(`${page.url()}: ${message.text()}`);
    });
  });
  return context;
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a truthy value or the deadline passes.
 * @template T
 * @param {string} what @param {() => Promise<T>} probe
 * @returns {Promise<T>}
 */
export async function until(what, probe, timeoutMs = 10_000, intervalMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = `: ${/** @type {Error} */ (error).message.split("\n")[0]}`;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError}`);
    await sleep(intervalMs);
  }
}

/** @param {unknown} condition @param {string} message */
export function check(condition, message) {
  if (!condition) throw new Error(message);
}

/**
 * Waits until the locator's text matches.
 * @param {import("playwright-core").Locator} locator @param {RegExp} pattern
 */
export async function waitForText(locator, pattern, timeoutMs = 10_000) {
  return until(
    `text ${pattern}`,
    async () => {
      const text = (await locator.textContent({ timeout: 1000 })) ?? "";
      if (!pattern.test(text)) throw new Error(`got “${text.trim().slice(0, 200)}”`);
      return text;
    },
    timeoutMs,
  );
}

/** Waits until the page's script has loaded its data and wired its forms. @param {import("playwright-core").Page} page */
export async function ready(page) {
  await page.locator('body[data-ready="true"]').waitFor({ state: "attached", timeout: 30_000 });
}

/** Navigates and waits until the page is ready. @param {import("playwright-core").Page} page @param {string} url */
export async function open(page, url) {
  await page.goto(url);
  await ready(page);
}

/** @param {import("playwright-core").Page} page @param {string} name */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, timeout: 10_000 });
}

/** True when nothing on the page is wider than the viewport (no sideways scrolling). @param {import("playwright-core").Page} page */
export async function fitsViewport(page) {
  return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1");
}
