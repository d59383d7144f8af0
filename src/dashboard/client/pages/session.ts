// Account pages in the browser: sign in, sign up, the home redirect and the organization list with
// its create form.
import { listPages, must } from "../api";
import type { PublicOrganization } from "../api-types";
import { $, badge, code, h, input, table } from "../elements";
import { state } from "../feedback";
import { deriveSlug, field, onSubmit } from "../forms";

/** Only same-site paths may be a `next` target (no open redirect). */
export function safeNext(next: string): string {
  return /^\/(?!\/)[\w\-/?=&.]*$/.test(next) ? next : "/";
}

/** `?next=` (checked) and the fragment (e.g. an invitation's token), carried between sign-in and sign-up. */
function comeBack(otherPage: "/login" | "/signup") {
  const raw = new URLSearchParams(location.search).get("next");
  const next = safeNext(raw ?? "");
  const other = document.querySelector<HTMLAnchorElement>(`a[href="${otherPage}"]`);
  if (other && raw) other.href = `${otherPage}?next=${encodeURIComponent(next)}${location.hash}`;
  return raw ? next + location.hash : null;
}

export function loginPage() {
  const form = $<HTMLFormElement>("#login-form");
  const next = comeBack("/signup");
  onSubmit(form, async () => {
    await must("POST", "/auth/login", { email: field(form, "email").trim(), password: field(form, "password") });
    location.assign(next ?? "/");
  });
}

export function signupPage() {
  const form = $<HTMLFormElement>("#signup-form");
  const next = comeBack("/login");
  onSubmit(form, async () => {
    const email = field(form, "email").trim();
    const password = field(form, "password");
    if (password !== field(form, "password_confirm")) throw new Error("The two passwords do not match.");
    // Registration signs the new account in (the session cookie comes with its answer).
    await must("POST", "/auth/register", { email, username: field(form, "username").trim(), password });
    location.assign(next ?? "/orgs");
  });
}

/** `/`: the last organization used, the first one, or the organization list. */
export async function homePage() {
  const orgs = await listPages<PublicOrganization>("/api/organizations");
  if (!orgs.ok) return state($("#main"), "error", orgs.message);
  const last = localStorage.getItem("rg.org");
  const target = orgs.items.find((o) => o.id === last) ?? orgs.items[0];
  location.replace(target ? `/o/${target.id}/instances` : "/orgs");
}

export async function orgsPage() {
  const list = $("#org-list");
  const form = $<HTMLFormElement>("#org-form");
  deriveSlug(input("[name=name]", form), input("[name=slug]", form));
  onSubmit(form, async () => {
    const created = await must<PublicOrganization>("POST", "/api/organizations", {
      name: field(form, "name").trim(),
      slug: field(form, "slug").trim(),
    });
    location.assign(`/o/${created.data.id}/instances`);
  });
  state(list, "loading", "Loading your organizations…");
  const orgs = await listPages<PublicOrganization>("/api/organizations");
  if (!orgs.ok) return state(list, "error", orgs.message);
  if (orgs.items.length === 0) return state(list, "empty", "You are not in any organization yet. Create one to get started.");
  list.replaceChildren(
    table(
      ["Organization", "Slug", "Your role", ""],
      orgs.items.map((o) => [o.name, code(o.slug), badge(o.role), h("a", { href: `/o/${o.id}/instances`, class: "button small" }, "Open")]),
    ),
  );
}
