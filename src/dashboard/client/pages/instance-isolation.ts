// The instance page's isolation panel: what the instance's credentials reach beyond their own
// database (the API's probes, with the server's answers), how many other organizations' instances
// share its server (counts only), and the warnings. Everything wraps at 390 px.
import type { InstanceDetail, PublicIsolation } from "../api-types";
import { badge, code, h, table } from "../elements";
import { formatWhen } from "../format";

/** The probes in words a person reads; an unknown probe keeps its API name. */
const PROBE_LABELS: Record<string, string> = {
  server_info: "Server information (INFO)",
  admin_command: "An admin command",
  script_select: "A script selecting another database",
  select_other_database: "SELECT of another database",
  all_channels: "Subscribe to every channel",
};

const OUTCOME_KIND = { allowed: "off", refused: "on", failed: "" } as const;

function probeTable(report: PublicIsolation): HTMLElement {
  return table(
    ["Probe", "Sent", "Outcome", "Server's answer", "What it means"],
    report.probes.map((p) => [
      h("span", null, PROBE_LABELS[p.name] ?? p.name, " ", h("span", { class: "hint" }, `(${p.name})`)),
      code(p.command),
      badge(p.outcome, OUTCOME_KIND[p.outcome]),
      code(p.reply),
      h(
        "span",
        null,
        p.outcome === "allowed" ? p.risk : p.outcome === "refused" ? "Confined: the server refused it." : "No answer: run the check again.",
      ),
    ]),
    "stack probes",
  );
}

function sharedServer(report: PublicIsolation): HTMLElement {
  const { server, shared_server: shared } = report;
  const version = server.redis_version ? `, Redis ${server.redis_version}` : "";
  const others =
    shared.other_organizations === 0
      ? "No other organization's instance uses this server."
      : `${shared.other_organizations} other organization(s) with ${shared.other_instances} instance(s) use this server.`;
  return h(
    "dl",
    { class: "facts" },
    h("dt", null, "Server"),
    h("dd", null, code(`${server.address}${version}`)),
    h("dt", null, "Shared with"),
    h("dd", { id: "isolation-shared" }, others, " ", h("span", { class: "hint" }, `Matched by ${shared.matched_by}. ${shared.note}`)),
    h("dt", null, "Checked"),
    h("dd", null, formatWhen(report.checked_at)),
  );
}

/** The panel's content for an instance as its page reads it. */
export function isolationPanel(detail: Pick<InstanceDetail, "isolation" | "warnings">): Node[] {
  const out: Node[] = detail.warnings.map((w) => h("p", { class: "warning", role: "status" }, w));
  const report = detail.isolation;
  if (!report) {
    if (out.length === 0)
      out.push(h("p", { class: "hint" }, "This driver's upstream is a database of its own: there is nothing to probe."));
    return out;
  }
  out.push(
    h("p", { class: report.reaches_beyond_database ? "isolation-summary exposed" : "isolation-summary" }, report.summary),
    sharedServer(report),
    h("h3", null, "Probes"),
    probeTable(report),
  );
  return out;
}
