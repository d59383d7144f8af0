// The members page in the browser: list members, add an existing user by email with a role,
// change roles and remove members (owners only; the API enforces it). Shipped as source text.
import type { Member, Role, Ui, User } from "./types";

export async function membersPage(ui: Ui) {
  const { h } = ui;
  const org = await ui.loadOrg();
  if (!org) return;
  const base = `/api/organizations/${org.id}/members`;
  const list = ui.$("#member-list");
  const form = ui.$("#member-form");
  const status = ui.$("#member-status");
  const roles: Role[] = ["viewer", "member", "admin", "owner"];
  const me = await ui.api<{ user: User }>("GET", "/auth/me");
  const myId = me.ok ? me.data.user.id : "";

  function roleSelect(member: Member) {
    const select = h(
      "select",
      { "aria-label": `Role of ${member.email}`, disabled: !ui.can("owner") },
      ...roles.map((r) => h("option", { value: r, selected: r === member.role }, r)),
    );
    select.addEventListener("change", async () => {
      const changed = await ui.api("PUT", `${base}/${member.user_id}`, { role: select.value });
      if (!changed.ok) {
        select.value = member.role;
        return ui.say(status, changed.message);
      }
      member.role = select.value as Role;
      ui.toast(`${member.email} is now ${member.role}.`);
    });
    return select;
  }

  function removeButton(member: Member) {
    const self = member.user_id === myId;
    if (!self && !ui.can("owner")) return null;
    const label = self ? "Leave" : "Remove";
    return h(
      "button",
      {
        type: "button",
        class: "button small danger",
        onclick: async () => {
          const question = self ? `Leave ${org?.name}?` : `Remove ${member.email} from ${org?.name}?`;
          if (!(await ui.confirm(question, "They lose access to its instances, keys and logs at once.", label))) return;
          const removed = await ui.api("DELETE", `${base}/${member.user_id}`);
          if (!removed.ok) return ui.say(status, removed.message);
          if (self) return ui.win.location.assign("/orgs");
          ui.toast(`${member.email} was removed.`);
          await load();
        },
      },
      label,
    );
  }

  async function load() {
    const members = await ui.api<Member[]>("GET", base);
    if (!members.ok) return ui.state(list, "error", members.message);
    list.replaceChildren(
      ui.table(
        ["Member", "Email", "Role", "Joined", ""],
        members.data.map((m) => [
          m.user_id === myId ? `${m.username} (you)` : m.username,
          m.email,
          roleSelect(m),
          ui.when(m.joined_at),
          removeButton(m),
        ]),
      ),
    );
  }

  ui.onSubmit(form, async () => {
    const email = ui.field(form, "email").trim();
    await ui.must("POST", base, { email, role: ui.field(form, "role") });
    form.reset();
    ui.say(form, `${email} was added.`, "ok");
    await load();
  });
  ui.state(list, "loading", "Loading members…");
  await load();
}
