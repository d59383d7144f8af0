// @ts-check
// Roles on the members page: a demotion is confirmed first with the count of keys it revokes (a
// cancel changes nothing), the revoked keys are reported after, a promotion needs no confirmation,
// and an owner who steps down loses the owner's controls on the page at once.
import { check, screenshot, until, waitForText } from "./browser.mjs";
import { addMember, call, newAccount, newOrg, signedInPage, visit } from "./world.mjs";

/** @type {import("./world.mjs").Scenario[]} */
export const memberScenarios = [
  [
    "members: a demotion is confirmed with the keys it revokes and reported after; an owner stepping down loses the owner's controls",
    async (env) => {
      const { owner, orgId } = await newOrg(env);
      const [dev, coOwner] = [await newAccount(env, "dev"), await newAccount(env, "coowner")];
      await addMember(env, owner, orgId, dev, "admin");
      await addMember(env, owner, orgId, coOwner, "owner");
      const mint = async (/** @type {string} */ scope) => {
        const res = await call(env, "POST", `/api/organizations/${orgId}/api-keys`, { name: `${scope} key`, scopes: [scope] }, dev.token);
        check(res.status === 201, `mint ${scope}: ${res.status}`);
        return /** @type {string} */ (res.json.data.api_key.id);
      };
      const [adminKey, writeKey] = [await mint("admin"), await mint("write")];
      const roleOf = async (/** @type {string} */ userId) => {
        const res = await call(env, "GET", `/api/organizations/${orgId}/members?limit=100`, undefined, owner.token);
        return res.json.data.find((/** @type {{ user_id: string }} */ m) => m.user_id === userId)?.role;
      };
      const revoked = async (/** @type {string} */ keyId) =>
        (await call(env, "GET", `/api/organizations/${orgId}/api-keys/${keyId}`, undefined, owner.token)).json.data.revoked_at !== null;

      const { context, page } = await signedInPage(env, owner);
      await visit(page, env, `/o/${orgId}/members`);
      const dialog = page.locator("#confirm-dialog");
      const status = page.locator("#member-status");
      const picker = page.getByLabel(`Role of ${dev.email}`);

      // admin → member: asked first, with the one admin-scoped key named; cancelling changes nothing.
      await picker.selectOption("member");
      await waitForText(
        dialog,
        new RegExp(`Make ${dev.email} member\\?[\\s\\S]*1 of their keys will be revoked: a member could not mint it`),
      );
      await screenshot(page, "members-demotion-confirm");
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await until("the picker back on admin", async () => (await picker.inputValue()) === "admin");
      check((await roleOf(dev.userId)) === "admin", "a cancelled demotion changed the role");

      await picker.selectOption("member");
      await dialog.getByRole("button", { name: "Make member" }).click();
      await waitForText(status, new RegExp(`${dev.email} is now member\\. 1 of their keys was revoked\\.`));
      check((await roleOf(dev.userId)) === "member", "the demotion did not happen");
      check((await revoked(adminKey)) && !(await revoked(writeKey)), "the wrong keys were revoked");

      // member → viewer: the write key goes too.
      await page.getByLabel(`Role of ${dev.email}`).selectOption("viewer");
      await waitForText(dialog, /1 of their keys will be revoked: a viewer could not mint it/);
      await dialog.getByRole("button", { name: "Make viewer" }).click();
      await waitForText(status, new RegExp(`${dev.email} is now viewer\\. 1 of their keys was revoked\\.`));
      check(await revoked(writeKey), "the write key survived the demotion to viewer");

      // A promotion is not asked about, and brings no key back.
      await page.getByLabel(`Role of ${dev.email}`).selectOption("admin");
      await waitForText(status, new RegExp(`${dev.email} is now admin\\.$`));
      check(!(await dialog.isVisible()), "a promotion asked for confirmation");
      check((await roleOf(dev.userId)) === "admin", "the promotion did not happen");

      // The owner steps down to admin: warned, then the role pickers (owners only) are gone, and the
      // invite form (admins) stays.
      await page.getByLabel(`Role of ${owner.email}`).selectOption("admin");
      await waitForText(dialog, /Make yourself admin\?[\s\S]*You lose the owner's controls/);
      await dialog.getByRole("button", { name: "Make admin" }).click();
      await waitForText(status, /You are now admin\./);
      await until("the role pickers gone", async () => (await page.locator("#member-list select").count()) === 0);
      await waitForText(page.locator("#member-list"), new RegExp(`${dev.email}[\\s\\S]*admin`));
      check((await page.locator("#invite-form").count()) === 1, "an admin lost the invite form");
      check((await page.getByRole("button", { name: "Remove" }).count()) === 0, "an admin is offered Remove");
      check((await roleOf(owner.userId)) === "admin", "the owner did not step down");
      await screenshot(page, "members-after-stepping-down");
      await context.close();
    },
  ],
];
