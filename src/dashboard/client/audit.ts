// The audit log in the browser: who did what, newest first, a page at a time. Actors are shown by
// email when they are still members. Shipped as source text: only parameters and browser globals.
import type { AuditEntry, Member, Ui } from "./types";

export async function auditPage(ui: Ui) {
  const { h } = ui;
  const org = await ui.loadOrg();
  if (!org) return;
  const view = ui.$("#audit-view");
  const more = ui.$("#audit-more");
  const members = await ui.api<Member[]>("GET", `/api/organizations/${org.id}/members`);
  const emails = new Map((members.ok ? members.data : []).map((m) => [m.user_id, m.email]));
  const rows: AuditEntry[] = [];
  let cursor: string | null = null;

  function details(entry: AuditEntry) {
    const text = Object.entries(entry.metadata)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(", ");
    return h("div", null, text, entry.request_id ? h("div", { class: "hint" }, `request ${entry.request_id}`) : null);
  }

  function render() {
    if (rows.length === 0) return ui.state(view, "empty", "Nothing has happened in this organization yet.");
    view.replaceChildren(
      ui.table(
        ["When", "Who", "Action", "Resource", "Details"],
        rows.map((e) => [
          h("span", { class: "nowrap" }, ui.when(e.created_at)),
          e.actor_user_id ? (emails.get(e.actor_user_id) ?? e.actor_user_id) : "system",
          h("code", { class: "nowrap" }, e.action),
          e.resource_id ? h("code", { class: "nowrap" }, e.resource_id) : e.resource_type,
          details(e),
        ]),
      ),
    );
  }

  async function load() {
    const path = `/api/organizations/${org?.id}/audit-logs?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = await ui.api<AuditEntry[]>("GET", path);
    if (!page.ok) return ui.state(view, "error", page.message);
    rows.push(...page.data);
    cursor = page.nextCursor;
    more.hidden = cursor === null;
    render();
  }
  more.addEventListener("click", load);
  ui.state(view, "loading", "Loading the audit log…");
  await load();
}
