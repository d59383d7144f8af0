// @ts-check
// A member accepting an invitation: the owner invites on the members page (the link shown once),
// the invited account opens the link signed out, signs in, comes back, accepts and lands in the
// organization; a third account cannot accept the same link; a pending invitation is revoked.
import { check, DESKTOP, fitsViewport, newContext, PHONE, ready, screenshot, waitForText } from "./browser.mjs";
import { newAccount, newOrg, signedInPage, visit } from "./world.mjs";

/** @type {import("./world.mjs").Scenario[]} */
export const invitationScenarios = [
  [
    "invitations: a member accepting an invitation; another account cannot; a pending one is revoked",
    async (env) => {
      const { owner, orgId } = await newOrg(env, "Invitation Testing Organization With A Long Name");
      const [invitee, other] = [await newAccount(env, "invitee"), await newAccount(env, "other")];
      const problems = [];

      // The owner invites on the members page and gets the link once.
      const { context: ownerContext, page } = await signedInPage(env, owner, DESKTOP);
      await visit(page, env, `/o/${orgId}/members`);
      await page.getByLabel("Email", { exact: true }).fill(invitee.email);
      await page.getByLabel("Role", { exact: true }).selectOption("member");
      await page.getByRole("button", { name: "Create invitation link" }).click();
      await page.locator("#invite-reveal").waitFor();
      const link = await page.locator("#invite-link").inputValue();
      check(link.startsWith(`${env.base}/invitations/accept#token=rgi_`), `the link is ${link}`);
      check(!(await page.content()).includes(link.split("#token=")[1] ?? "-"), "the token is in the page's markup");
      await waitForText(page.locator("#invitation-list"), new RegExp(`${invitee.email}[\\s\\S]*member`));
      await screenshot(page, "invitations-members-desktop");
      await page.getByRole("button", { name: /I have copied it/ }).click();
      check((await page.locator("#invite-reveal").count()) === 0, "the link stays on the page after hiding it");

      // A second invitation, revoked from the table.
      const doomed = `doomed-${Date.now()}@e2e.test`;
      await page.getByLabel("Email", { exact: true }).fill(doomed);
      await page.getByRole("button", { name: "Create invitation link" }).click();
      await waitForText(page.locator("#invitation-list"), new RegExp(doomed));
      await page.getByRole("button", { name: `Revoke the invitation for ${doomed}` }).click();
      await page.locator("#confirm-dialog").getByRole("button", { name: "Revoke" }).click();
      await waitForText(page.locator("#invitation-list"), new RegExp(`^(?![\\s\\S]*${doomed})[\\s\\S]*${invitee.email}`));

      // The members page with a pending invitation at 390 px.
      const phone = await signedInPage(env, owner, PHONE);
      await visit(phone.page, env, `/o/${orgId}/members`);
      await waitForText(phone.page.locator("#invitation-list"), new RegExp(invitee.email));
      if (!(await fitsViewport(phone.page))) problems.push("the members page with invitations scrolls sideways at 390 px");
      await screenshot(phone.page, "invitations-members-phone");
      await phone.context.close();

      // Another signed-in account opening the link is told it is not theirs and cannot accept.
      for (const viewport of [PHONE, DESKTOP]) {
        const stranger = await signedInPage(env, other, viewport);
        await stranger.page.goto(link);
        await ready(stranger.page);
        await waitForText(stranger.page.locator("#invitation-view"), /for another account/);
        check((await stranger.page.locator("#accept-invitation").count()) === 0, "another account is offered the accept button");
        if (viewport === PHONE && !(await fitsViewport(stranger.page))) problems.push("the accept page scrolls sideways at 390 px");
        await screenshot(stranger.page, `invitation-accept-other-${viewport === PHONE ? "phone" : "desktop"}`);
        await stranger.context.close();
      }

      // The invitee opens the link signed out, signs in, comes back with the token and accepts.
      const anon = await newContext(env.browser, env.record, PHONE);
      const invitePage = await anon.newPage();
      await invitePage.goto(link);
      await invitePage.waitForURL(/\/login\?next=%2Finvitations%2Faccept#token=rgi_/);
      await ready(invitePage);
      await invitePage.getByLabel("Email").fill(invitee.email);
      await invitePage.getByLabel("Password").fill(invitee.password);
      await invitePage.getByRole("button", { name: "Sign in" }).click();
      await invitePage.waitForURL(/\/invitations\/accept#token=rgi_/);
      await ready(invitePage);
      await waitForText(
        invitePage.locator("#invitation-view"),
        /invited you to join[\s\S]*Invitation Testing Organization[\s\S]*as member/,
      );
      if (!(await fitsViewport(invitePage))) problems.push("the accept page scrolls sideways at 390 px");
      await screenshot(invitePage, "invitation-accept-phone");
      await invitePage.getByRole("button", { name: "Join as member" }).click();
      await invitePage.waitForURL(new RegExp(`/o/${orgId}/instances$`));
      await ready(invitePage);
      await waitForText(invitePage.locator("#org-switch"), /Invitation Testing Organization/);
      await visit(invitePage, env, `/o/${orgId}/members`);
      await waitForText(invitePage.locator("#member-list"), new RegExp(`${invitee.username} \\(you\\)[\\s\\S]*member`));
      check((await invitePage.locator("#invite-form").count()) === 0, "a member is shown the invite form");
      await anon.close();

      // Used: the link no longer works for anyone, and the invitation left the pending list.
      const late = await signedInPage(env, other, DESKTOP);
      await late.page.goto(link);
      await ready(late.page);
      await waitForText(late.page.locator("#invitation-view"), /not valid/);
      await late.context.close();
      await visit(page, env, `/o/${orgId}/members`);
      await waitForText(page.locator("#invitation-list"), /No pending invitations/);
      await waitForText(page.locator("#member-list"), new RegExp(invitee.email));
      await ownerContext.close();
      check(problems.length === 0, problems.join("; "));
    },
    { alongside: true },
  ],
];
