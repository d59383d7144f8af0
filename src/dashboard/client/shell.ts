// The signed-in shell around every app page: who is signed in, sign-out, the organization switcher,
// the current role and the role gates (`data-min-role`). Shipped as source text: only parameters
// and browser globals may be referenced.
import type { El } from "./dom";
import type { Instance, Org, Role, Ui, UiCore, User } from "./types";

export function withShell(core: UiCore): Ui {
  const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };
  const { doc, win, api, h } = core;
  let instanceList: Promise<Instance[]> | null = null;

  function gate(role: Role) {
    for (const el of Array.from(doc.querySelectorAll("[data-min-role]"))) {
      const minimum = el.dataset.minRole as Role;
      if (RANK[role] >= RANK[minimum]) continue;
      el.disabled = true;
      el.setAttribute("aria-disabled", "true");
      const note = el.querySelector("[data-role-note]");
      if (note) {
        note.textContent = `You need the ${minimum} role or higher to do this; you are ${role}.`;
        note.hidden = false;
      }
    }
  }

  function fillSwitcher(select: El, orgs: Org[], current: string | null) {
    const section = doc.body.dataset.section ?? "instances";
    select.replaceChildren(
      ...(orgs.some((o) => o.id === current) ? [] : [h("option", { value: "", disabled: true, selected: true }, "Choose an organization")]),
      ...orgs.map((o) => h("option", { value: o.id, selected: o.id === current }, o.name)),
      h("option", { value: "new" }, "+ New organization…"),
    );
    select.addEventListener("change", () => {
      win.location.assign(select.value === "new" ? "/orgs" : `/o/${select.value}/${section}`);
    });
  }

  const ui: Ui = {
    ...core,
    role: null,
    can(minimum) {
      return ui.role !== null && RANK[ui.role] >= RANK[minimum];
    },
    async loadOrg() {
      if (!core.orgId) return null;
      const [org, orgs] = await Promise.all([
        api<Org>("GET", `/api/organizations/${core.orgId}`),
        api<Org[]>("GET", "/api/organizations?limit=100"),
      ]);
      const select = doc.getElementById("org-switch");
      if (select && orgs.ok) fillSwitcher(select, orgs.data, core.orgId);
      if (!org.ok) {
        const main = core.$("#main");
        core.state(main, "error", org.message);
        main.append(h("p", null, h("a", { href: "/orgs" }, "Choose another organization")));
        return null;
      }
      ui.role = org.data.role;
      doc.body.dataset.role = org.data.role;
      win.localStorage.setItem("rg.org", org.data.id);
      gate(org.data.role);
      return org.data;
    },
    instances() {
      instanceList ??= api<Instance[]>("GET", `/api/organizations/${core.orgId}/redis-instances?limit=100`).then((r) =>
        r.ok ? r.data : [],
      );
      return instanceList;
    },
  };

  const signOut = doc.getElementById("sign-out");
  if (signOut) {
    signOut.addEventListener("click", async () => {
      await api("POST", "/auth/logout");
      win.localStorage.removeItem("rg.org");
      win.location.assign("/login");
    });
    api<{ user: User }>("GET", "/auth/me").then((me) => {
      const slot = doc.getElementById("user-email");
      if (slot && me.ok) slot.textContent = me.data.user.email;
    });
    const select = doc.getElementById("org-switch");
    if (select && !core.orgId) {
      api<Org[]>("GET", "/api/organizations?limit=100").then((orgs) => {
        if (orgs.ok) fillSwitcher(select, orgs.data, null);
      });
    }
  }
  return ui;
}
