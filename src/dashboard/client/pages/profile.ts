// The account page in the browser (change the password, list and end sessions, see the account's
// security activity, close the account)
// and the reset page an operator's link opens (its token read from the fragment, never sent as a URL).
import { api, must } from "../api";
import type { PublicAccountActivity, PublicSession, PublicUser } from "../api-types";
import { $, badge, h, table } from "../elements";
import { confirmAction, say, state, toast } from "../feedback";
import { formatWhen } from "../format";
import { field, onSubmit } from "../forms";
import { readResetToken } from "../org-limits";
import { pager } from "../pager";

/** What each security-activity action reads as on the page. */
const ACTIVITY_WORDS: Record<string, string> = {
  "account.register": "Account created (signed in)",
  "account.sign_in": "Signed in",
  "account.password_change": "Password changed; other sessions ended",
  "account.password_reset": "Password set through a reset link; every session ended",
  "account.session_end": "A session was ended",
  "account.sign_out": "Signed out",
  "account.sessions_end": "Signed out everywhere",
  "account.close": "Account closed",
};

/** The account's security activity, a page at a time. */
function activityList() {
  const list = $("#activity-list");
  return pager<PublicAccountActivity>({
    path: () => "/auth/activity",
    pageSize: 20,
    render: (items) =>
      list.replaceChildren(
        table(
          ["When", "What", "Address", "Browser"],
          items.map((row) => [
            formatWhen(row.created_at),
            ACTIVITY_WORDS[row.action] ?? row.action,
            row.ip ?? "—",
            h("span", { class: "wrap" }, row.user_agent ?? "—"),
          ]),
          "stack",
        ),
      ),
    fail: (message) => say($("#activity-status"), message),
    more: $<HTMLButtonElement>("#activity-more"),
  });
}

/** The new password twice, checked before anything is sent. */
function newPassword(form: HTMLFormElement): string {
  const password = field(form, "new_password");
  if (password !== field(form, "repeat")) throw new Error("The two new passwords do not match.");
  return password;
}

function sessionRow(session: PublicSession, reload: () => Promise<void>) {
  const end = async () => {
    const ended = await api("DELETE", `/auth/sessions/${session.id}`);
    if (!ended.ok) return say($("#session-status"), ended.message);
    toast("Session ended.");
    await reload();
  };
  const action = session.current
    ? badge("this browser", "on")
    : h(
        "button",
        {
          type: "button",
          class: "button small danger",
          onclick: end,
          "aria-label": `End the session from ${formatWhen(session.created_at)}`,
        },
        "End",
      );
  return [
    formatWhen(session.created_at),
    formatWhen(session.last_seen_at),
    session.ip ?? "—",
    h("span", { class: "wrap" }, session.user_agent ?? "—"),
    action,
  ];
}

export async function accountPage() {
  const list = $("#session-list");
  const activity = activityList();
  async function load() {
    void activity.load();
    const sessions = await api<PublicSession[]>("GET", "/auth/sessions");
    if (!sessions.ok) return state(list, "error", sessions.message);
    list.replaceChildren(
      table(
        ["Signed in", "Last seen", "Address", "Browser", ""],
        sessions.data.map((s) => sessionRow(s, load)),
        "stack",
      ),
    );
  }

  const passwordForm = $<HTMLFormElement>("#password-form");
  onSubmit(passwordForm, async () => {
    const body = { current_password: field(passwordForm, "current_password"), new_password: newPassword(passwordForm) };
    const changed = await must("PUT", "/auth/password", body);
    passwordForm.reset();
    say(passwordForm, changed.message ?? "Password changed.", "ok");
    await load();
  });

  $("#end-all-sessions").addEventListener("click", async () => {
    const yes = await confirmAction(
      "Sign out everywhere?",
      "Every session of this account ends, this one included.",
      "Sign out everywhere",
    );
    if (!yes) return;
    const ended = await api("DELETE", "/auth/sessions");
    if (!ended.ok) return say($("#session-status"), ended.message);
    localStorage.removeItem("rg.org");
    location.assign("/login");
  });

  const me = await api<{ user: PublicUser }>("GET", "/auth/me");
  const closeForm = $<HTMLFormElement>("#close-form");
  onSubmit(closeForm, async () => {
    const email = me.ok ? me.data.user.email : "";
    if (field(closeForm, "email").trim().toLowerCase() !== email) throw new Error("Type this account's email exactly to confirm.");
    await must("DELETE", "/auth/me", { current_password: field(closeForm, "current_password") });
    localStorage.removeItem("rg.org");
    location.assign("/login");
  });

  state(list, "loading", "Loading your sessions…");
  await load();
}

export function resetPage() {
  const view = $("#reset-view");
  const token = readResetToken(location.hash);
  // Keep the token out of the address bar and history once it is read; it stays in memory only.
  if (location.hash) history.replaceState(null, "", location.pathname);
  if (!token)
    return state(view, "error", "This reset link is incomplete. Open the whole link the operator gave you, or ask for a new one.");
  const form = $<HTMLFormElement>("#reset-form");
  onSubmit(form, async () => {
    const done = await must("POST", "/auth/password-reset", { token, new_password: newPassword(form) });
    view.replaceChildren(
      h("p", { class: "status status-ok", role: "status" }, done.message ?? "Password set. Sign in with the new one."),
      h("p", null, h("a", { href: "/login", class: "button primary" }, "Sign in")),
    );
  });
}
