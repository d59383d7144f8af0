// The audit log in the browser: who did what, newest first, a page at a time, filtered by actor,
// action and resource; actors and resources by name beside their ids, details as readable pairs.
import { AUDIT_ACTIONS } from "../../../services/audit-actions";
import { api } from "../api";
import type { PublicAuditEntry } from "../api-types";
import { $, code, h, select, table } from "../elements";
import { state } from "../feedback";
import { formatWhen } from "../format";
import { field } from "../forms";
import { listInstances, listKeys, listMembers, loadOrg } from "../shell";

/** A before-and-after pair of an update's metadata (`changes`); null is the default. */
const isChange = (v: unknown): v is { from: unknown; to: unknown } => typeof v === "object" && v !== null && "from" in v && "to" in v;
const setting = (v: unknown) => (v === null ? "default" : typeof v === "string" ? v : JSON.stringify(v));

function detailText(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  if (typeof value === "object" && !Array.isArray(value) && Object.values(value).every(isChange)) {
    return Object.entries(value as Record<string, { from: unknown; to: unknown }>)
      .map(([name, c]) => `${name.replace(/_/g, " ")}: ${setting(c.from)} → ${setting(c.to)}`)
      .join("; ");
  }
  if (Array.isArray(value) && value.every((v) => typeof v !== "object")) return value.join(", ");
  return JSON.stringify(value);
}

export async function auditPage() {
  const org = await loadOrg();
  if (!org) return;
  const view = $("#audit-view");
  const more = $("#audit-more");
  const filters = $<HTMLFormElement>("#audit-filters");
  const [members, keys, instances] = await Promise.all([listMembers(), listKeys(), listInstances()]);
  const names = new Map<string, string>([
    ...members.map((m): [string, string] => [m.user_id, m.email]),
    ...keys.map((k): [string, string] => [k.id, k.name]),
    ...instances.map((i): [string, string] => [i.id, i.name]),
    [org.id, org.name],
  ]);
  select("[name=actor]", filters).append(...members.map((m) => h("option", { value: m.user_id }, m.email)));
  select("[name=action]", filters).append(...AUDIT_ACTIONS.map((a) => h("option", { value: a }, a)));
  select("[name=resource]", filters).append(
    ...[...instances.map((i) => [i.id, `instance ${i.name}`]), ...keys.map((k) => [k.id, `key ${k.name}`])].map(([id, label]) =>
      h("option", { value: id }, label),
    ),
  );
  const named = (id: string | null, fallback: string) =>
    id ? h("span", { class: "named" }, names.get(id) ?? fallback, " ", code(id, "id")) : fallback;
  const rows: PublicAuditEntry[] = [];
  let cursor: string | null = null;

  function details(entry: PublicAuditEntry) {
    const pairs = Object.entries(entry.metadata).filter(([, v]) => v !== null && v !== undefined);
    return h(
      "dl",
      { class: "details" },
      ...pairs.flatMap(([k, v]) => [h("dt", null, k.replace(/_/g, " ")), h("dd", null, names.get(String(v)) ?? detailText(v))]),
    );
  }

  function render() {
    if (rows.length === 0) return state(view, "empty", "No entries match.");
    view.replaceChildren(
      table(
        ["When", "Who", "Action", "Resource", "Details"],
        rows.map((e) => [
          formatWhen(e.created_at),
          e.actor_user_id ? named(e.actor_user_id, "former member") : "system",
          code(e.action),
          h("span", null, e.resource_type.replace(/_/g, " "), " ", named(e.resource_id, "")),
          details(e),
        ]),
        "stack audit-table",
      ),
    );
  }

  async function load(fresh: boolean) {
    if (fresh) {
      rows.length = 0;
      cursor = null;
    }
    const query = new URLSearchParams({ limit: "50" });
    for (const name of ["actor", "action", "resource"]) if (field(filters, name)) query.set(name, field(filters, name));
    if (cursor) query.set("cursor", cursor);
    const page = await api<PublicAuditEntry[]>("GET", `/api/organizations/${org?.id}/audit-logs?${query}`);
    if (!page.ok) return state(view, "error", page.message);
    rows.push(...page.data);
    cursor = page.nextCursor;
    more.hidden = cursor === null;
    render();
  }
  filters.addEventListener("change", () => load(true));
  filters.addEventListener("submit", (event) => event.preventDefault());
  more.addEventListener("click", () => load(false));
  state(view, "loading", "Loading the audit log…");
  await load(true);
}
