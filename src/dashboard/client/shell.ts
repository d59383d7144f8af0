// The signed-in frame around every organization page: who is signed in, sign-out, the organization
// switcher, the operator link (operators only), the person's role, the suspended banner, and role
// gates: elements with `data-min-role` (rendered hidden) are shown to that role and above and
// removed for lower roles, so viewers never meet forms they cannot use.
import { api, listPages } from "./api";
import type { OrganizationDetail, PublicApiKey, PublicInstance, PublicMember, PublicOrganization, PublicUser, Role } from "./api-types";
import { $, h } from "./elements";
import { state } from "./feedback";

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export const orgId: string | null = document.body.dataset.org || null;
let currentRole: Role | null = null;

export function can(minimum: Role): boolean {
  return currentRole !== null && RANK[currentRole] >= RANK[minimum];
}

function applyRoleGates(role: Role) {
  for (const el of Array.from(document.querySelectorAll<HTMLElement>("[data-min-role]"))) {
    if (RANK[role] < RANK[el.dataset.minRole as Role]) el.remove();
    else el.hidden = false;
  }
}

function fillSwitcher(select: HTMLSelectElement, orgs: PublicOrganization[], current: string | null) {
  const section = document.body.dataset.section ?? "instances";
  select.replaceChildren(
    ...(orgs.some((o) => o.id === current) ? [] : [h("option", { value: "", disabled: true, selected: true }, "Choose an organization")]),
    ...orgs.map((o) => h("option", { value: o.id, selected: o.id === current }, o.name)),
    h("option", { value: "new" }, "+ New organization…"),
  );
  select.addEventListener("change", () => {
    location.assign(select.value === "new" ? "/orgs" : `/o/${select.value}/${section}`);
  });
}

/** Every organization page says so when an operator has suspended the organization. */
function suspendedBanner(): HTMLElement {
  return h(
    "p",
    { class: "status status-error banner", id: "suspended-banner", role: "status" },
    h("strong", null, "This organization is suspended. "),
    "An operator suspended it: its API keys are refused at the edge and nothing here can be changed until it is resumed. Contact your RedisGate operator.",
  );
}

/** Loads the organization in the URL with the person's role and applies the role gates; null (with an error shown) when it cannot. */
export async function loadOrg(): Promise<OrganizationDetail | null> {
  if (!orgId) return null;
  // The switcher fills in when its list arrives: no page waits for it.
  const select = document.querySelector<HTMLSelectElement>("#org-switch");
  if (select) {
    const current = orgId;
    void listPages<PublicOrganization>("/api/organizations").then((orgs) => orgs.ok && fillSwitcher(select, orgs.items, current));
  }
  const org = await api<OrganizationDetail>("GET", `/api/organizations/${orgId}`);
  if (!org.ok) {
    const main = $("#main");
    state(main, "error", org.message);
    main.append(h("p", null, h("a", { href: "/orgs" }, "Choose another organization")));
    return null;
  }
  if (org.data.suspended) $("#main").prepend(suspendedBanner());
  localStorage.setItem("rg.org", org.data.id); // an organization id, not a secret: where "/" goes next time
  adoptRole(org.data.role);
  return org.data;
}

function adoptRole(role: Role) {
  currentRole = role;
  document.body.dataset.role = role;
  applyRoleGates(role);
}

/**
 * Reads the person's role again and re-applies the gates, after they changed their own role. Gates
 * only close (a removed element does not come back), which suits the one own change there is: an
 * owner stepping down.
 */
export async function reloadRole(): Promise<void> {
  const org = await api<OrganizationDetail>("GET", `/api/organizations/${orgId}`);
  if (org.ok) adoptRole(org.data.role);
}

let instanceList: Promise<PublicInstance[]> | null = null;
/** The organization's instances, every page up to MAX_LIST_PAGES (for pickers and names). */
export function listInstances(): Promise<PublicInstance[]> {
  instanceList ??= listPages<PublicInstance>(`/api/organizations/${orgId}/redis-instances`).then((r) => (r.ok ? r.items : []));
  return instanceList;
}

/** The organization's API keys, newest first, every page up to MAX_LIST_PAGES (for names in usage and the audit log). */
export async function listKeys(): Promise<PublicApiKey[]> {
  const keys = await listPages<PublicApiKey>(`/api/organizations/${orgId}/api-keys`);
  return keys.ok ? keys.items : [];
}

/** The organization's members, every page up to MAX_LIST_PAGES (for naming people in keys, invitations and the audit log). */
export async function listMembers(): Promise<PublicMember[]> {
  const members = await listPages<PublicMember>(`/api/organizations/${orgId}/members`);
  return members.ok ? members.items : [];
}

/** Wires the top bar: the signed-in email, sign-out, the switcher on pages outside an organization, the phone menu. */
export function startShell() {
  const signOut = document.getElementById("sign-out");
  if (!signOut) return;
  signOut.addEventListener("click", async () => {
    await api("POST", "/auth/logout");
    localStorage.removeItem("rg.org");
    location.assign("/login");
  });
  api<{ user: PublicUser; is_operator: boolean }>("GET", "/auth/me").then((me) => {
    const slot = document.getElementById("user-email");
    if (slot && me.ok) slot.textContent = me.data.user.email;
    const operatorLink = document.getElementById("operator-link");
    if (operatorLink && me.ok && me.data.is_operator) operatorLink.hidden = false;
  });
  const select = document.querySelector<HTMLSelectElement>("#org-switch");
  if (select && !orgId) {
    listPages<PublicOrganization>("/api/organizations").then((orgs) => {
      if (orgs.ok) fillSwitcher(select, orgs.items, null);
    });
  }
}
