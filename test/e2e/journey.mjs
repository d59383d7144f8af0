// @ts-check
// The main journey in the browser: sign up → organization → instance → key (revealed once) →
// console SET/GET and the data browser. Later scenarios (more.mjs) continue from its state.
import { check, newContext, open, ready, screenshot, waitForText } from "./browser.mjs";

/** @param {import("./world.mjs").World} w @returns {import("./world.mjs").Scenario[]} */
export function journey(w) {
  const { env, owner, org, s, page, url, orgPath, signUp, runCommand } = w;
  return [
    [
      "routes under / leave the API, edge and meta routes alone",
      async () => {
        for (const path of ["/health", "/version", "/.well-known/jwks.json", "/api/openapi.json"]) {
          const res = await fetch(url(path));
          check(res.status === 200 && /json/.test(res.headers.get("content-type") ?? ""), `${path} answered ${res.status}`);
        }
        const edge = await fetch(url("/redis/rdb_00000000000000000000"), { method: "POST", body: '["PING"]' });
        check(edge.status === 401 && /WRONGPASS/.test(await edge.text()), `/redis answered ${edge.status}`);
        const api = await fetch(url("/api/organizations"));
        check(api.status === 401 && /** @type {any} */ (await api.json()).error.code === "unauthorized", `/api answered ${api.status}`);
      },
    ],
    [
      "sign up, then the session cookie is HttpOnly, Secure and SameSite=Lax",
      async () => {
        const context = await newContext(env.browser, env.record);
        s.page = await context.newPage();
        await signUp(page(), owner, "01-signup");
        const cookie = (await context.cookies(env.base)).find((c) => c.name === "rg_session");
        check(cookie, "no rg_session cookie after sign-up");
        check(cookie?.httpOnly && cookie.secure && cookie.sameSite === "Lax", `cookie flags: ${JSON.stringify(cookie)}`);
        check(!String(await page().evaluate("document.cookie")).includes("rg_session"), "document.cookie exposes the session");
      },
    ],
    [
      "a wrong password shows the API's message",
      async () => {
        const context = await newContext(env.browser, env.record);
        const p = await context.newPage();
        await open(p, url("/login"));
        await p.getByLabel("Email").focus();
        await p.keyboard.type(owner.email);
        await p.keyboard.press("Tab");
        await p.keyboard.type("not-the-password");
        await p.keyboard.press("Enter");
        await waitForText(p.locator("#login-form [role=alert]"), /Invalid email or password\./);
        check(p.url().endsWith("/login"), `left the sign-in page: ${p.url()}`);
        await screenshot(p, "02-login-error");
        await context.close();
      },
    ],
    [
      "create an organization",
      async () => {
        const p = page();
        await p.getByLabel("Name").fill(org.name);
        check((await p.getByLabel("Slug").inputValue()) === org.slug, "the slug is not derived from the name");
        await p.getByRole("button", { name: "Create organization" }).click();
        await p.waitForURL(/\/o\/org_[a-z0-9]{20}\/instances$/);
        await ready(p);
        s.orgId = /\/o\/(org_[a-z0-9]{20})\//.exec(p.url())?.[1];
        await waitForText(p.locator("#instance-list"), /No Redis instances yet/);
        check((await p.locator("#org-switch option:checked").textContent()) === org.name, "the switcher does not show the organization");
      },
    ],
    [
      "a duplicate organization slug shows the 409 message",
      async () => {
        const p = page();
        await open(p, url("/orgs"));
        await waitForText(p.locator("#org-list"), new RegExp(org.name));
        await p.getByLabel("Name").fill("Another name");
        await p.getByLabel("Slug").fill(org.slug);
        const answer = p.waitForResponse((r) => r.url().endsWith("/api/organizations") && r.request().method() === "POST");
        await p.getByRole("button", { name: "Create organization" }).click();
        check((await answer).status() === 409, "the API did not answer 409");
        await waitForText(p.locator("#org-form [role=alert]"), /An organization with this slug already exists\./);
        await screenshot(p, "03-orgs-duplicate-slug");
      },
    ],
    [
      "create a redis instance and see its connection panel",
      async () => {
        const p = page();
        await open(p, orgPath("instances"));
        await p.getByLabel("Name").fill("Cache");
        await p.getByLabel("Driver").selectOption("redis");
        await p.getByLabel("Endpoint").fill(env.redisUrl);
        await screenshot(p, "04-instances-form");
        await p.getByRole("button", { name: "Attach instance" }).click();
        await p.waitForURL(/\/instances\/rdb_[a-z0-9]{20}$/);
        await ready(p);
        const instanceId = /(rdb_[a-z0-9]{20})$/.exec(p.url())?.[1];
        const view = p.locator("#instance-view");
        await waitForText(view, new RegExp(`${env.base}/redis/${instanceId}`));
        const text = (await view.textContent()) ?? "";
        check(/@upstash\/redis/.test(text) && /curl -X POST/.test(text) && /active/.test(text), "connection panel incomplete");
        check((await p.getByRole("button", { name: "Copy REST URL" }).count()) === 1, "no copy button for the REST URL");
        await screenshot(p, "05-instance");
      },
    ],
    [
      "mint a key: revealed once, gone after dismissal and on reload",
      async () => {
        const p = page();
        await open(p, orgPath("keys"));
        await waitForText(p.locator("#key-instances"), /Cache/);
        await p.getByLabel("Name").fill("e2e key");
        await p.getByRole("button", { name: "Mint key" }).click();
        const revealed = p.locator("#revealed-key");
        await revealed.waitFor();
        s.key = await revealed.inputValue();
        check(/^rg_[\w-]+\.[\w-]+\.[\w-]+$/.test(s.key), `unexpected key shape: ${s.key.slice(0, 12)}…`);
        await waitForText(p.locator("#key-reveal"), /shown only this once/);
        await screenshot(p, "06-key-reveal");
        await p.getByRole("button", { name: /I have copied it/ }).click();
        await revealed.waitFor({ state: "detached" });
        check(!(await p.content()).includes(s.key), "the key is still in the page after dismissal");
        await waitForText(p.locator("#key-list"), new RegExp(s.key.slice(-8)));
        await p.reload();
        await ready(p);
        await waitForText(p.locator("#key-list"), /e2e key/);
        check(!(await p.content()).includes(s.key), "the key is in the page after a reload");
        await screenshot(p, "07-keys");
      },
    ],
    [
      "console runs SET and GET and the data browser shows the key",
      async () => {
        const p = page();
        await open(p, orgPath("console"));
        await p.getByLabel("API key").fill(/** @type {string} */ (s.key));
        const set = await runCommand('SET greeting "hello from e2e"');
        check(set.status === 200 && /"result": "OK"/.test(set.body), `SET: ${set.status} ${set.body}`);
        const get = await runCommand("GET greeting");
        check(get.status === 200 && /"result": "hello from e2e"/.test(get.body), `GET: ${get.status} ${get.body}`);
        await p.getByLabel("Pattern").fill("greet*");
        await p.getByRole("button", { name: "Scan" }).click();
        await p.locator("#browse-keys").getByRole("button", { name: "greeting" }).click();
        await waitForText(p.locator("#browse-detail"), /string.*no expiry.*hello from e2e/s);
        await screenshot(p, "08-console");
        check(!(await p.content()).includes(/** @type {string} */ (s.key)), "the pasted key appears in the page HTML");
      },
    ],
  ];
}
