// @ts-check
// The data browser keeps values as stored: bytes that are not UTF-8 shown escaped and never saved
// back altered, keys with such names opened, expired and deleted; JSON shown indented but saved
// only when edited. A
// refused write (here: the instance disabled) is said where it was asked for, never toasted as done.
import { check, until, waitForText } from "./browser.mjs";
import { call, newOrg, signedInPage, visit } from "./world.mjs";

/**
 * An organization with a console key for the edge calls that set up and check Redis, and a page
 * on its data browser.
 * @param {import("./world.mjs").Env} env
 */
async function dataBrowser(env) {
  const { owner, orgId, instanceId } = await newOrg(env);
  const minted = await call(env, "POST", `/api/organizations/${orgId}/redis-instances/${instanceId}/console-key`, undefined, owner.token);
  const prefix = `e2e:${orgId.slice(-6)}`;
  /** @param {unknown[]} args */
  const redis = async (args) => (await call(env, "POST", `/redis/${instanceId}`, args, minted.json.data.key)).json;
  const { context, page } = await signedInPage(env, owner);
  await visit(page, env, `/o/${orgId}/data`);
  await waitForText(page.locator("#key-count"), /keys? in this database/);
  const panel = page.locator("#key-panel");
  /** Scans for `pattern` and opens the key listed as `label`. @param {string} pattern @param {string} [label] */
  const openKey = async (pattern, label = pattern) => {
    await page.getByLabel("Pattern").fill(pattern);
    await page.getByRole("button", { name: "Scan" }).click();
    await page.locator("#key-table").getByRole("button", { name: label, exact: true }).click();
    await waitForText(panel, /Type/);
  };
  /**
   * The edge's path form with a raw body (the one binary-safe argument); replies in base64.
   * @param {string} path @param {Uint8Array} body
   */
  const raw = async (path, body) => {
    const res = await fetch(`${env.base}/redis/${instanceId}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${minted.json.data.key}`, "upstash-encoding": "base64" },
      body,
    });
    return /** @type {{ result?: any, error?: string }} */ (await res.json());
  };
  return { env, owner, raw, orgId, instanceId, prefix, redis, context, page, panel, openKey, token: minted.json.data.key };
}

/** @type {import("./world.mjs").Scenario[]} */
export const dataValueScenarios = [
  [
    "data browser: JSON is shown with its tokens as stored and saved only when edited",
    async (env) => {
      const { prefix, redis, context, page, panel, openKey } = await dataBrowser(env);
      const key = `${prefix}:json`;
      const stored = '{"id":9007199254740993,"a":1,"a":2,"e":1e400}';
      await redis(["SET", key, stored]);
      await openKey(key);
      const area = page.getByLabel(`Value of ${key}`);
      await until("the JSON value", async () => (await area.count()) === 1);
      const shown = await area.inputValue();
      check(shown === '{\n  "id": 9007199254740993,\n  "a": 1,\n  "a": 2,\n  "e": 1e400\n}', `shown: ${shown}`);
      await page.getByRole("button", { name: "Save value" }).click();
      await waitForText(panel, /Nothing changed/);
      const after = await redis(["GET", key]);
      check(after.result === stored, `stored after an unedited Save: ${after.result}`);
      await area.fill('{"id": 1}');
      await page.getByRole("button", { name: "Save value" }).click();
      await until("the edited value", async () => (await redis(["GET", key])).result === '{"id": 1}');
      await context.close();
    },
  ],
  [
    "data browser: a refused Delete, Clear TTL or Remove says why; a deleted key leaves the list",
    async (env) => {
      const { owner, orgId, instanceId, prefix, redis, context, page, panel, openKey } = await dataBrowser(env);
      const key = `${prefix}:set`;
      await redis(["SADD", key, "a", "b"]);
      await redis(["EXPIRE", key, "600"]);
      await openKey(`${prefix}:*`, key);
      await waitForText(panel, /2 items/);
      /** @param {boolean} disabled */
      const setDisabled = async (disabled) => {
        const path = `/api/organizations/${orgId}/redis-instances/${instanceId}`;
        check((await call(env, "PUT", path, { disabled }, owner.token)).status === 200, "the instance was not updated");
        // The edge caches an instance for a few seconds: wait until it answers with the new state.
        await until("the edge to see the change", async () => ((await redis(["PING"])).error !== undefined) === disabled, 15_000);
      };
      await setDisabled(true);
      const refused = new RegExp(`instance ${instanceId} is disabled`);
      await page.getByRole("button", { name: "Clear TTL" }).click();
      await waitForText(page.locator("#ttl-form [role=alert]"), refused);
      check(!/no longer expires/.test((await page.locator("#toast").textContent()) ?? ""), "Clear TTL was toasted as done");
      await panel.getByRole("button", { name: "Remove a" }).click();
      await waitForText(page.locator("#value-status"), refused);
      await page.getByRole("button", { name: "Delete key" }).click();
      await page.locator("#confirm-dialog").getByRole("button", { name: "Delete key" }).click();
      await waitForText(panel.locator(".actions [role=alert]"), refused);
      await setDisabled(false);
      check((await redis(["TTL", key])).result > 0, "the TTL was cleared");
      check((await redis(["SCARD", key])).result === 2, "a member was removed");
      await page.getByRole("button", { name: "Delete key" }).click();
      await page.locator("#confirm-dialog").getByRole("button", { name: "Delete key" }).click();
      await waitForText(panel, /was deleted/);
      await until(
        "the key to leave the list",
        async () => (await page.locator("#key-table").getByRole("button", { name: key }).count()) === 0,
      );
      await context.close();
    },
  ],
  [
    "data browser: values and names that are not UTF-8 are shown escaped, kept exact, and can be expired and removed",
    async (env) => {
      const { prefix, raw, redis, context, page, panel, openKey } = await dataBrowser(env);
      const utf8 = (/** @type {string} */ text) => new TextEncoder().encode(text);
      const gzip = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x41]);
      const binaryName = new Uint8Array([...utf8(`${prefix}:bin:`), 0xff, 0xfe]);
      const field = new Uint8Array([0xff, 0x01]);
      await raw(`/set/${encodeURIComponent(`${prefix}:blob`)}`, gzip);
      await raw("/set?x", binaryName);
      await raw(`/hset/${encodeURIComponent(`${prefix}:hash`)}?1`, field);
      await redis(["HSET", `${prefix}:hash`, "text", "2"]);

      await openKey(`${prefix}:blob`);
      await waitForText(panel, /Not UTF-8 text/);
      await waitForText(page.locator("#string-bytes pre"), /^\\x1f\\x8b\\x08\\x00\\xff\\xfe\\x00A \(not UTF-8\)$/);
      check(
        (await page.getByRole("button", { name: "Save value" }).count()) === 0,
        "a value that is not UTF-8 can be saved from a text box",
      );
      check(Buffer.from((await raw("/get", utf8(`${prefix}:blob`))).result, "base64").equals(gzip), "the blob changed");

      await openKey(`${prefix}:bin:*`, `${prefix}:bin:\\xff\\xfe (not UTF-8)`);
      await waitForText(panel, /string[\s\S]*no expiry/);
      await page.getByLabel("Expire in (seconds)").fill("600");
      await page.getByRole("button", { name: "Set TTL" }).click();
      await until("the TTL on the binary name", async () => (await raw("/ttl", binaryName)).result > 590);
      await page.getByRole("button", { name: "Delete key" }).click();
      await page.locator("#confirm-dialog").getByRole("button", { name: "Delete key" }).click();
      await waitForText(panel, /was deleted/);
      check((await raw("/exists", binaryName)).result === 0, "the key with a binary name still exists");

      await openKey(`${prefix}:hash`);
      await waitForText(panel, /2 fields/);
      await panel.getByRole("button", { name: "Remove \\xff\\x01 (not UTF-8)" }).click();
      await waitForText(panel, /1 fields/);
      check((await redis(["HKEYS", `${prefix}:hash`])).result.join() === "text", "the binary field was not the one removed");
      await context.close();
    },
  ],
  [
    "data browser: Remove on a list item removes that row, and says so when the list changed meanwhile",
    async (env) => {
      const { prefix, redis, context, page, panel, openKey } = await dataBrowser(env);
      const key = `${prefix}:list`;
      await redis(["RPUSH", key, "a", "b", "a", "c"]);
      await openKey(key);
      await waitForText(panel, /4 items/);
      // The second "a" (index 2): the first equal item must stay.
      await panel.getByRole("button", { name: "Remove a" }).nth(1).click();
      await waitForText(panel, /3 items/);
      const after = (await redis(["LRANGE", key, "0", "-1"])).result;
      check(after.join() === "a,b,c", `the list after removing its second "a": ${after}`);
      // Someone else changes the row shown before Remove is pressed: nothing is removed.
      await redis(["LSET", key, "1", "B"]);
      await panel.getByRole("button", { name: "Remove b" }).click();
      await waitForText(page.locator("#value-status"), /Nothing was removed: the list changed since it was read \(item 2 is now “B”\)/);
      const kept = (await redis(["LRANGE", key, "0", "-1"])).result;
      check(kept.join() === "a,B,c", `the list after a refused removal: ${kept}`);
      await context.close();
    },
  ],
  [
    "data browser: a string larger than the reply limit shows its facts, a preview, the TTL form and Delete",
    async (env) => {
      const { owner, orgId, instanceId, prefix, redis, context, page, panel, openKey } = await dataBrowser(env);
      const key = `${prefix}:big`;
      await redis(["SET", key, `${"é".repeat(600)}${"x".repeat(8000)}`]);
      const path = `/api/organizations/${orgId}/redis-instances/${instanceId}`;
      check((await call(env, "PUT", path, { max_reply_bytes: 4096 }, owner.token)).status === 200, "the reply limit was not set");
      // The edge caches an instance for a few seconds: wait until it applies the new limit.
      await until("the edge to apply the reply limit", async () => (await redis(["GET", key])).error !== undefined, 15_000);
      await openKey(key);
      await waitForText(page.locator("#key-facts"), /string[\s\S]*no expiry/);
      await waitForText(page.locator("#string-preview pre"), /^é{500}$/);
      await waitForText(page.locator("#string-preview"), /cannot be edited/);
      check((await page.getByRole("button", { name: "Save value" }).count()) === 0, "a partly read value can be saved");
      await page.getByLabel("Expire in (seconds)").fill("600");
      await page.getByRole("button", { name: "Set TTL" }).click();
      await until("the TTL", async () => (await redis(["TTL", key])).result > 590);
      await page.getByRole("button", { name: "Delete key" }).click();
      await page.locator("#confirm-dialog").getByRole("button", { name: "Delete key" }).click();
      await waitForText(panel, /was deleted/);
      check((await redis(["EXISTS", key])).result === 0, "the large key still exists");
      await context.close();
    },
  ],
];
