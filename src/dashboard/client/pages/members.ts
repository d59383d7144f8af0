// The members page in the browser: list members, change roles (a demotion is confirmed first: it
// revokes the keys the new role could not mint) and remove members (owners only; the API enforces it
// too); inviting is ./invitations.ts.
import { hasRole, minterRoleFor, ROLES } from "../../../auth/roles";
import { api, listPages } from "../api";
import type { PublicApiKey, PublicMember, PublicUser, Role } from "../api-types";
import { $, h, table } from "../elements";
import { confirmAction, say, state, toast } from "../feedback";
import { formatWhen } from "../format";
import { can, loadOrg, reloadRole } from "../shell";
import { wireInvitations } from "./invitations";

export async function membersPage() {
  const org = await loadOrg();
  if (!org) return;
  const base = `/api/organizations/${org.id}/members`;
  const list = $("#member-list");
  const status = $("#member-status");
  const me = await api<{ user: PublicUser }>("GET", "/auth/me");
  const myId = me.ok ? me.data.user.id : "";

  function roleCell(member: PublicMember) {
    if (!can("owner")) return h("span", { class: `badge role-${member.role}` }, member.role);
    const picker = h(
      "select",
      { "aria-label": `Role of ${member.email}` },
      ...ROLES.map((r) => h("option", { value: r, selected: r === member.role }, r)),
    );
    picker.addEventListener("change", async () => {
      const role = picker.value as Role;
      const self = member.user_id === myId;
      if (!hasRole(role, member.role) && !(await confirmDemotion(member, role, self))) {
        picker.value = member.role;
        return;
      }
      const changed = await api<PublicMember & { revoked_keys: number }>("PUT", `${base}/${member.user_id}`, { role });
      if (!changed.ok) {
        picker.value = member.role;
        return say(status, changed.message);
      }
      member.role = role;
      const revoked = changed.data.revoked_keys;
      const keys = revoked === 0 ? "" : ` ${revoked} of ${self ? "your" : "their"} keys ${revoked === 1 ? "was" : "were"} revoked.`;
      if (self) await reloadRole(); // the page's owner-only controls go with the role
      await load();
      say(status, `${self ? "You are" : `${member.email} is`} now ${role}.${keys}`, "ok");
    });
    return picker;
  }

  /** Asks before a demotion, saying how many of the member's keys it revokes (those the new role could not mint). */
  async function confirmDemotion(member: PublicMember, role: Role, self: boolean): Promise<boolean> {
    const keys = await listPages<PublicApiKey>(`/api/organizations/${org?.id}/api-keys?revoked=false`);
    const doomed = keys.ok
      ? keys.items.filter((k) => k.created_by === member.user_id && !hasRole(role, minterRoleFor(k.scopes))).length
      : null;
    const their = self ? "your" : "their";
    const what =
      doomed === null
        ? `Any of ${their} keys that a ${role} could not mint will be revoked.`
        : doomed === 0
          ? `None of ${their} keys needs revoking.`
          : `${doomed} of ${their} keys will be revoked: a ${role} could not mint ${doomed === 1 ? "it" : "them"}.`;
    const promotion = " Promoting later does not bring revoked keys back.";
    const who = self ? "yourself" : member.email;
    const warning = self ? " You lose the owner's controls on this page at once." : "";
    return confirmAction(`Make ${who} ${role}?`, `${what}${doomed ? promotion : ""}${warning}`, `Make ${role}`);
  }

  function removeButton(member: PublicMember) {
    const self = member.user_id === myId;
    if (!self && !can("owner")) return null;
    const label = self ? "Leave" : "Remove";
    const onclick = async () => {
      const question = self ? `Leave ${org?.name}?` : `Remove ${member.email} from ${org?.name}?`;
      if (!(await confirmAction(question, "They lose access to its instances, keys and logs at once; their keys are revoked.", label)))
        return;
      const removed = await api("DELETE", `${base}/${member.user_id}`);
      if (!removed.ok) return say(status, removed.message);
      if (self) return location.assign("/orgs");
      toast(`${member.email} was removed.`);
      await load();
    };
    return h("button", { type: "button", class: "button small danger", onclick }, label);
  }

  const more = $("#member-more");
  const members: PublicMember[] = [];
  let cursor: string | null = null;

  /** The first page again (fresh), or the next one after what is shown. */
  async function load(fresh = true) {
    const query = new URLSearchParams({ limit: "100" });
    if (!fresh && cursor) query.set("cursor", cursor);
    const page = await api<PublicMember[]>("GET", `${base}?${query}`);
    if (!page.ok) return state(list, "error", page.message);
    if (fresh) members.length = 0;
    members.push(...page.data);
    cursor = page.nextCursor;
    more.hidden = cursor === null;
    list.replaceChildren(
      table(
        ["Member", "Email", "Role", "Joined", ""],
        members.map((m) => [
          m.user_id === myId ? `${m.username} (you)` : m.username,
          h("span", { class: "wrap" }, m.email),
          roleCell(m),
          formatWhen(m.joined_at),
          removeButton(m),
        ]),
        "stack",
      ),
    );
  }

  more.addEventListener("click", () => load(false));
  state(list, "loading", "Loading members…");
  await Promise.all([load(), wireInvitations(org)]);
}
