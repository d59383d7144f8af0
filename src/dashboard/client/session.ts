// Account and organization pages in the browser: sign in, sign up, the home redirect and the
// organization list with its create form. Shipped as source text: only parameters and browser globals.
import type { Org, Ui } from "./types";

export function loginPage(ui: Ui) {
  const form = ui.$("#login-form");
  const next = new URLSearchParams(ui.win.location.search).get("next") ?? "";
  const safeNext = /^\/(?!\/)[\w\-/]*$/.test(next) ? next : "/";
  ui.onSubmit(form, async () => {
    await ui.must("POST", "/auth/login", { email: ui.field(form, "email").trim(), password: ui.field(form, "password") });
    ui.win.location.assign(safeNext);
  });
}

export function signupPage(ui: Ui) {
  const form = ui.$("#signup-form");
  ui.onSubmit(form, async () => {
    const email = ui.field(form, "email").trim();
    const password = ui.field(form, "password");
    if (password !== ui.field(form, "password_confirm")) throw new Error("The two passwords do not match.");
    await ui.must("POST", "/auth/register", { email, username: ui.field(form, "username").trim(), password });
    await ui.must("POST", "/auth/login", { email, password });
    ui.win.location.assign("/orgs");
  });
}

/** `/`: go to the last organization used, the first one, or the organization list. */
export async function homePage(ui: Ui) {
  const orgs = await ui.api<Org[]>("GET", "/api/organizations?limit=100");
  if (!orgs.ok) return ui.state(ui.$("#main"), "error", orgs.message);
  const last = ui.win.localStorage.getItem("rg.org");
  const target = orgs.data.find((o) => o.id === last) ?? orgs.data[0];
  ui.win.location.replace(target ? `/o/${target.id}/instances` : "/orgs");
}

export async function orgsPage(ui: Ui) {
  const { h } = ui;
  const list = ui.$("#org-list");
  const form = ui.$("#org-form");
  const name = ui.$("[name=name]", form);
  const slug = ui.$("[name=slug]", form);
  let slugEdited = false;
  slug.addEventListener("input", () => {
    slugEdited = slug.value !== "";
  });
  name.addEventListener("input", () => {
    if (!slugEdited) {
      slug.value = name.value
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 63);
    }
  });
  ui.onSubmit(form, async () => {
    const created = await ui.must<Org>("POST", "/api/organizations", { name: name.value.trim(), slug: slug.value.trim() });
    ui.win.location.assign(`/o/${created.data.id}/instances`);
  });

  ui.state(list, "loading", "Loading your organizations…");
  const orgs = await ui.api<Org[]>("GET", "/api/organizations?limit=100");
  if (!orgs.ok) return ui.state(list, "error", orgs.message);
  if (orgs.data.length === 0) return ui.state(list, "empty", "You are not in any organization yet. Create one below to get started.");
  list.replaceChildren(
    ui.table(
      ["Organization", "Slug", "Your role", ""],
      orgs.data.map((o) => [
        o.name,
        h("code", null, o.slug),
        h("span", { class: `badge role-${o.role}` }, o.role),
        h("a", { href: `/o/${o.id}/instances`, class: "button small" }, "Open"),
      ]),
    ),
  );
}
