// Invitations in the browser: on the members page admins create a link (shown once, to pass on),
// list pending invitations and revoke them; the accept page reads the token from the URL's fragment,
// shows what it offers and accepts it for the signed-in account.
import { api, must } from "../api";
import type { CreatedInvitation, InvitationPreview, PublicInvitation, PublicOrganization, PublicUser } from "../api-types";
import { $, badge, h, table } from "../elements";
import { confirmAction, copyButton, say, state, toast } from "../feedback";
import { formatWhen } from "../format";
import { field, onSubmit } from "../forms";
import { can, listMembers } from "../shell";

/** The panel that shows a new invitation link once. */
function reveal(created: CreatedInvitation) {
  const box = h("input", { id: "invite-link", class: "secret", readonly: true, spellcheck: "false", autocomplete: "off" });
  box.value = created.accept_url; // a property, never an attribute: the token is not part of the page's HTML
  const dismiss = () => {
    box.value = "";
    panel.remove();
  };
  const { email, role, expires_at } = created.invitation;
  const panel = h(
    "section",
    { id: "invite-reveal", class: "card reveal", "aria-labelledby": "invite-reveal-title" },
    h("h2", { id: "invite-reveal-title" }, `Invitation link for ${email}`),
    h(
      "p",
      { class: "warning", role: "alert" },
      `Copy this link now and pass it on to ${email} yourself: RedisGate sends no email and shows it only this once.`,
    ),
    h("p", null, `It makes them ${role} once they accept it, signed in as ${email}. It works once, until ${formatWhen(expires_at)}.`),
    h("label", { for: "invite-link" }, "Invitation link"),
    h(
      "div",
      { class: "copy-row" },
      box,
      copyButton("Invitation link", () => box.value),
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", class: "button primary", onclick: dismiss }, "I have copied it — hide the link"),
    ),
  );
  $("#invite-reveal-slot").replaceChildren(panel);
  addEventListener("pagehide", dismiss);
  box.focus();
  box.select();
}

/** The invite form and the pending-invitations table of the members page (admins and owners). */
export async function wireInvitations(org: PublicOrganization) {
  const form = document.querySelector<HTMLFormElement>("#invite-form");
  const list = document.querySelector<HTMLElement>("#invitation-list");
  if (!form || !list || !can("admin")) return;
  const base = `/api/organizations/${org.id}/invitations`;
  const status = $("#invitation-status");
  // Only owners may invite owners; the API refuses it too.
  if (!can("owner")) form.querySelector("[data-owner-only]")?.remove();

  async function load() {
    const [invitations, members] = await Promise.all([api<PublicInvitation[]>("GET", `${base}?limit=100`), listMembers()]);
    if (!invitations.ok) return state(list as HTMLElement, "error", invitations.message);
    if (invitations.data.length === 0) return state(list as HTMLElement, "empty", "No pending invitations.");
    const names = new Map(members.map((m) => [m.user_id, m.username]));
    (list as HTMLElement).replaceChildren(
      table(
        ["Email", "Role", "Invited by", "Expires", ""],
        invitations.data.map((i) => [
          h("span", { class: "wrap" }, i.email),
          h("span", null, badge(i.role)), // a wrapper, so a stacked card does not stretch the badge
          h("span", { class: "wrap" }, names.get(i.invited_by) ?? i.invited_by),
          formatWhen(i.expires_at),
          revokeButton(i),
        ]),
        "stack",
      ),
    );
  }

  function revokeButton(invitation: PublicInvitation) {
    const onclick = async () => {
      const sure = await confirmAction(`Revoke the invitation for ${invitation.email}?`, "Its link stops working at once.", "Revoke");
      if (!sure) return;
      const revoked = await api("DELETE", `${base}/${invitation.id}`);
      if (!revoked.ok) return say(status, revoked.message);
      toast(`The invitation for ${invitation.email} was revoked.`);
      await load();
    };
    return h(
      "button",
      { type: "button", class: "button small danger", onclick, "aria-label": `Revoke the invitation for ${invitation.email}` },
      "Revoke",
    );
  }

  onSubmit(form, async () => {
    const created = await must<CreatedInvitation>("POST", base, { email: field(form, "email").trim(), role: field(form, "role") });
    form.reset();
    reveal(created.data);
    await load();
  });
  state(list, "loading", "Loading invitations…");
  await load();
}

/** Where sign-in (or sign-up) comes back to: this page, with the token still in the fragment. */
function signInFirst(path: "/login" | "/signup") {
  return `${path}?next=${encodeURIComponent(location.pathname)}${location.hash}`;
}

function describeOffer(offer: InvitationPreview) {
  const who = offer.inviter_name ?? "Someone";
  return h(
    "p",
    null,
    `${who} invited you to join `,
    h("strong", { class: "wrap" }, offer.organization_name),
    ` as ${offer.role}. The invitation expires ${formatWhen(offer.expires_at)}.`,
  );
}

/** `/invitations/accept#token=…`: preview, then accept as the signed-in account. */
export async function invitationPage() {
  const view = $("#invitation-view");
  const token = new URLSearchParams(location.hash.slice(1)).get("token") ?? "";
  if (!token) return state(view, "error", "This link has no invitation in it. Ask for the whole link again.");
  const me = await api<{ user: PublicUser }>("GET", "/auth/me");
  if (!me.ok) {
    // Not signed in (api() is already on its way to sign-in; this is for when it is not).
    return view.replaceChildren(
      h("p", null, "Sign in with the invited email address to see this invitation."),
      h(
        "p",
        { class: "actions" },
        h("a", { class: "button primary", href: signInFirst("/login") }, "Sign in"),
        h("a", { class: "button", href: signInFirst("/signup") }, "Create an account"),
      ),
    );
  }
  const offer = await api<InvitationPreview>("POST", "/api/invitations/preview", { token });
  if (!offer.ok) return state(view, "error", offer.message);
  if (!offer.data.email_matches) {
    const switchAccount = async () => {
      await api("POST", "/auth/logout");
      location.assign(signInFirst("/login"));
    };
    return view.replaceChildren(
      describeOffer(offer.data),
      h(
        "p",
        { class: "status status-error", role: "alert" },
        `This invitation is for another account: you are signed in as ${me.data.user.email}. Sign in with the invited email address to accept it.`,
      ),
      h("p", { class: "actions" }, h("button", { type: "button", class: "button", onclick: switchAccount }, "Sign in as someone else")),
    );
  }
  const status = h("p", { class: "status", "data-status": "", hidden: true });
  const acceptButton = h("button", { type: "button", class: "button primary", id: "accept-invitation" }, `Join as ${offer.data.role}`);
  acceptButton.addEventListener("click", async () => {
    acceptButton.disabled = true;
    const joined = await api<PublicOrganization>("POST", "/api/invitations/accept", { token });
    if (!joined.ok) {
      acceptButton.disabled = false;
      return say(status, joined.message);
    }
    history.replaceState(null, "", location.pathname); // the used token leaves the address bar
    location.assign(`/o/${joined.data.id}/instances`);
  });
  view.replaceChildren(
    describeOffer(offer.data),
    status,
    h("p", { class: "actions" }, acceptButton, h("a", { class: "button", href: "/" }, "Not now")),
  );
}
