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

/** The dashboard's read deadline (src/dashboard/client/api.ts): a GET unanswered this long is sent again. */
const READ_DEADLINE_MS = 12_000;
/**
 * How long a scenario waits on the page by default: past one read `wrangler dev` leaves unanswered
 * (seen for 10–12 s, rarely) and the dashboard's resend of it. Every such resend is printed
 * (`resent`), so a stall leaves a trace instead of failing the run.
 */
const UI_WAIT_MS = 2 * READ_DEADLINE_MS + 6_000;

/**
 * A fresh browser context (own cookies) whose requests may only reach 127.0.0.1; anything else is
 * aborted and recorded in `offsite`. Uncaught page errors and CSP violations land in `problems`;
 * reads the dashboard gave up on after its deadline (and sent again) in `resent`.
 * @param {import("playwright-core").Browser} browser
 * @param {{ offsite: string[], problems: string[], resent: string[] }} record
 */
export async function newContext(browser, record, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: "en-GB", timezoneId: "UTC" });
  context.setDefaultTimeout(UI_WAIT_MS);
  context.setDefaultNavigationTimeout(15_000);
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === "127.0.0.1" || url.protocol === "data:") return route.continue();
    record.offsite.push(url.href);
    return route.abort();
  });
  context.on("page", (page) => {
    page.on("pageerror", (error) => record.problems.push(`${page.url()}: ${error.message}`));
    // Timed here: a request that failed before any answer may carry no timing of its own.
    /** @type {WeakMap<import("playwright-core").Request, number>} */
    const sent = new WeakMap();
    page.on("request", (request) => sent.set(request, Date.now()));
    page.on("requestfailed", (request) => {
      const waited = Date.now() - (sent.get(request) ?? Date.now());
      if (request.method() === "GET" && waited >= READ_DEADLINE_MS - 500) record.resent.push(`GET ${new URL(request.url()).pathname}`);
    });
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
export async function until(what, probe, timeoutMs = UI_WAIT_MS, intervalMs = 200) {
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
export async function waitForText(locator, pattern, timeoutMs = UI_WAIT_MS) {
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

/** @type {WeakMap<import("playwright-core").Page, Set<import("playwright-core").Request>>} */
const openRequests = new WeakMap();

/** Keeps the page's unanswered requests, so a page that never gets ready says what it still waits for. @param {import("playwright-core").Page} page */
function trackRequests(page) {
  if (openRequests.has(page)) return;
  /** @type {Set<import("playwright-core").Request>} */
  const unanswered = new Set();
  openRequests.set(page, unanswered);
  page.on("request", (r) => unanswered.add(r));
  page.on("requestfinished", (r) => unanswered.delete(r));
  page.on("requestfailed", (r) => unanswered.delete(r));
}

/**
 * Waits until the page's script has loaded its data and wired its forms; on a timeout, the error
 * names the page and the requests still unanswered (tracked from the page's first `open`).
 * @param {import("playwright-core").Page} page
 */
export async function ready(page) {
  trackRequests(page);
  try {
    await page.locator('body[data-ready="true"]').waitFor({ state: "attached", timeout: UI_WAIT_MS });
  } catch (error) {
    const unanswered = [...(openRequests.get(page) ?? [])].map((r) => `${r.method()} ${new URL(r.url()).pathname}`);
    const first = /** @type {Error} */ (error).message.split("\n")[0];
    throw new Error(`${first} on ${new URL(page.url()).pathname}; requests still unanswered: ${unanswered.join(", ") || "none"}`);
  }
}

/** Navigates and waits until the page is ready. @param {import("playwright-core").Page} page @param {string} url */
export async function open(page, url) {
  trackRequests(page);
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
