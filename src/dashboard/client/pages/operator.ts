// The operators' page in the browser: organizations (found by name, slug or id; plan and limit
// overrides in a dialog, suspend and resume) and accounts (found by email; one-time reset links
// shown once, promote and demote).
import { PLAN_CAPS, PLANS, type PlanName } from "../../../meter/plans";
import { api, must } from "../api";
import type { IssuedReset, OperatorAccount, OperatorOrganization } from "../api-types";
import { $, badge, code, h, table } from "../elements";
import { codeBlock, confirmAction, say, state, toast } from "../feedback";
import { formatCount, formatWhen } from "../format";
import { field, onSubmit } from "../forms";
import { describeHeld, describeLimitRate, describeMembers, describeQuota, parseCap, parseLimitRate, parseQuota } from "../org-limits";
import { pager } from "../pager";

const planWords = (plan: PlanName) => {
  const limits = PLANS[plan];
  const rate = limits.rate && { requests: limits.rate.requests, window_seconds: limits.rate.windowSeconds };
  return `${plan}: ${describeQuota(limits.maxRequestsPerDay)}, ${describeLimitRate(rate)}.`;
};

/**
 * A pager over `route` narrowed by a search form: each of its fields that has a value is sent as
 * the query parameter of the same name; submitting the form (or changing a select) loads the first
 * page again.
 */
function searchPager<T>(form: HTMLFormElement, route: string, render: (items: T[]) => void, status: HTMLElement, more: HTMLButtonElement) {
  const list = pager<T>({
    path: () => {
      const query = new URLSearchParams();
      for (const [name, value] of new FormData(form)) if (typeof value === "string" && value.trim()) query.set(name, value.trim());
      return `${route}?${query}`;
    },
    pageSize: 50,
    render,
    fail: (message) => say(status, message),
    more,
  });
  const reload = () => {
    say(status, "");
    void list.load();
  };
  form.addEventListener("submit", reload);
  for (const select of form.querySelectorAll("select")) select.addEventListener("change", reload);
  return list;
}

function planDialog(onSaved: (org: OperatorOrganization) => void) {
  const dialog = $<HTMLDialogElement>("#plan-dialog");
  const form = $<HTMLFormElement>("#plan-form");
  const plan = $<HTMLSelectElement>("[name=plan]", form);
  const hint = $("#plan-plan-hint");
  let current: OperatorOrganization | null = null;
  plan.addEventListener("change", () => {
    hint.textContent = planWords(plan.value as PlanName);
  });
  $("#plan-cancel").addEventListener("click", () => dialog.close());
  onSubmit(form, async () => {
    const quota = parseQuota(field(form, "quota"));
    if (!quota.ok) throw new Error(quota.message);
    const rate = parseLimitRate(field(form, "requests"), field(form, "window"));
    if (!rate.ok) throw new Error(rate.message);
    const instances = parseCap(field(form, "instances"), "instances");
    if (!instances.ok) throw new Error(instances.message);
    const keys = parseCap(field(form, "keys"), "API keys");
    if (!keys.ok) throw new Error(keys.message);
    const body = {
      plan: plan.value,
      max_requests_per_day: quota.value,
      rate_limit: rate.value,
      max_instances: instances.value,
      max_api_keys: keys.value,
    };
    const saved = await must<OperatorOrganization>("PUT", `/api/admin/organizations/${current?.id}/limits`, body);
    dialog.close();
    onSaved(saved.data);
    toast(`${saved.data.name} is on the ${saved.data.plan} plan.`);
  });
  return (org: OperatorOrganization) => {
    current = org;
    const defaults = PLANS[org.plan];
    const ceiling = org.plan_limits;
    const rate = ceiling.rate_limit;
    const planRate = defaults.rate;
    const rateIsPlan =
      rate === null ? planRate === null : rate.requests === planRate?.requests && rate.window_seconds === planRate.windowSeconds;
    form.reset();
    say(form, "");
    $("#plan-dialog-org").textContent = `${org.name} (${org.slug})`;
    plan.value = org.plan;
    hint.textContent = planWords(org.plan);
    $<HTMLInputElement>("[name=quota]", form).value =
      ceiling.max_requests_per_day === defaults.maxRequestsPerDay || ceiling.max_requests_per_day === null
        ? ""
        : String(ceiling.max_requests_per_day);
    $<HTMLInputElement>("[name=requests]", form).value = rateIsPlan || !rate ? "" : String(rate.requests);
    $<HTMLSelectElement>("[name=window]", form).value = String(rate?.window_seconds ?? 1);
    // A cap equal to the plan's shows empty, as the quota does: saving keeps following the plan.
    const caps = PLAN_CAPS[org.plan];
    $<HTMLInputElement>("[name=instances]", form).value =
      org.caps.max_instances === caps.maxInstances ? "" : String(org.caps.max_instances);
    $<HTMLInputElement>("[name=keys]", form).value = org.caps.max_api_keys === caps.maxApiKeys ? "" : String(org.caps.max_api_keys);
    dialog.showModal();
  };
}

/** "1 of 50 instances, 3 of 500 live keys"; "1 instance (no cap)" where the plan or an operator set none. */
function describeHoldings(org: OperatorOrganization): string {
  const instances = describeHeld(org.held.instances, org.caps.max_instances, "instance");
  return `${instances}, ${describeHeld(org.held.api_keys, org.caps.max_api_keys, "live key")}`;
}

function orgRow(org: OperatorOrganization, actions: { plan: () => void; suspend: () => void }) {
  const quota = org.limits.max_requests_per_day;
  const lowered = org.limits.max_requests_per_day !== org.plan_limits.max_requests_per_day ? " (lowered by its owners)" : "";
  return [
    h("span", { class: "wrap" }, org.name, h("br"), code(org.slug, "id")),
    h("span", null, badge(org.plan)), // a bare badge would stretch across a phone's card
    `${describeQuota(org.plan_limits.max_requests_per_day)}${lowered}; ${describeLimitRate(org.plan_limits.rate_limit)}`,
    describeHoldings(org),
    describeMembers(org.members),
    `${formatCount(org.usage_today.commands)} commands${quota ? ` of ${formatCount(quota)}` : ""}`,
    h("span", null, org.suspended ? badge("suspended", "off") : badge("active", "on")),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", class: "button small", onclick: actions.plan, "aria-label": `Set the plan of ${org.name}` }, "Plan…"),
      h(
        "button",
        {
          type: "button",
          class: `button small${org.suspended ? "" : " danger"}`,
          onclick: actions.suspend,
          "aria-label": `${org.suspended ? "Resume" : "Suspend"} ${org.name}`,
        },
        org.suspended ? "Resume" : "Suspend",
      ),
    ),
  ];
}

function showResetLink(issued: IssuedReset, email: string) {
  const url = `${location.origin}${issued.reset_path}`;
  const dismiss = h("button", { type: "button", class: "button small", onclick: () => $("#op-reset-slot").replaceChildren() }, "Done");
  $("#op-reset-slot").replaceChildren(
    h(
      "div",
      { class: "card reveal", id: "op-reset-link" },
      h(
        "p",
        { class: "warning" },
        `One-time reset link for ${email}: it works once, until ${formatWhen(issued.expires_at)} UTC, and is shown only now. Pass it on privately.`,
      ),
      codeBlock("Reset link", url),
      dismiss,
    ),
  );
}

export async function operatorPage() {
  const orgStatus = $("#op-org-status");
  const accountStatus = $("#op-account-status");
  const orgList = $("#op-org-list");
  const accountList = $("#op-account-list");
  const search = $<HTMLFormElement>("#op-account-search");

  const orgSearch = $<HTMLFormElement>("#op-org-search");
  const orgs = searchPager(orgSearch, "/api/admin/organizations", renderOrgs, orgStatus, $<HTMLButtonElement>("#op-org-more"));
  const replaceOrg = (saved: OperatorOrganization) => orgs.replace((list) => list.map((o) => (o.id === saved.id ? saved : o)));
  const openPlan = planDialog(replaceOrg);

  async function suspend(org: OperatorOrganization) {
    const action = org.suspended ? "resume" : "suspend";
    const body = org.suspended
      ? "Its API keys work again at the edge and its members may change it again."
      : "Its API keys are refused at the edge within seconds and its API becomes read-only until resumed.";
    if (!(await confirmAction(`${org.suspended ? "Resume" : "Suspend"} ${org.name}?`, body, org.suspended ? "Resume" : "Suspend"))) return;
    const done = await api<OperatorOrganization>("POST", `/api/admin/organizations/${org.id}/${action}`);
    if (!done.ok) return say(orgStatus, done.message);
    replaceOrg(done.data);
    toast(done.message ?? "Done.");
  }

  function renderOrgs(list: OperatorOrganization[]) {
    if (list.length === 0) {
      const narrowed = [...new FormData(orgSearch).values()].some((v) => typeof v === "string" && v.trim());
      return state(orgList, "empty", narrowed ? "No organization matches." : "No organization exists yet.");
    }
    const rows = list.map((o) => orgRow(o, { plan: () => openPlan(o), suspend: () => suspend(o) }));
    orgList.replaceChildren(table(["Organization", "Plan", "Limits", "Holds", "Members", "Today", "Status", ""], rows, "stack"));
  }

  const accounts = searchPager(search, "/api/admin/users", renderAccounts, accountStatus, $<HTMLButtonElement>("#op-account-more"));

  async function issueReset(account: OperatorAccount) {
    const issued = await api<IssuedReset>("POST", `/api/admin/users/${account.id}/password-reset`);
    if (!issued.ok) return say(accountStatus, issued.message);
    showResetLink(issued.data, account.email);
  }

  async function toggleOperator(account: OperatorAccount) {
    const promote = !account.is_operator;
    const body = promote
      ? "They will see every organization and account here, set plans and limits, suspend organizations and issue reset links."
      : "They lose access to this page and the operator API.";
    const action = promote ? "Make operator" : "Remove operator";
    if (!(await confirmAction(`${action}: ${account.email}?`, body, action))) return;
    const done = await api(promote ? "PUT" : "DELETE", `/api/admin/operators/${account.id}`);
    if (!done.ok) return say(accountStatus, done.message);
    accounts.replace((list) => list.map((a) => (a.id === account.id ? { ...a, is_operator: promote } : a)));
    toast(done.message ?? "Done.");
  }

  function renderAccounts(list: OperatorAccount[]) {
    if (list.length === 0) return state(accountList, "empty", "No account matches.");
    const rows = list.map((a) => [
      h("span", { class: "wrap" }, a.email),
      h("span", { class: "wrap" }, a.username),
      h("span", null, a.is_operator ? badge("operator", "on") : "—", a.disabled ? badge("closed", "off") : null),
      formatWhen(a.created_at),
      h(
        "div",
        { class: "actions" },
        a.disabled
          ? null
          : h(
              "button",
              { type: "button", class: "button small", onclick: () => issueReset(a), "aria-label": `Issue a reset link for ${a.email}` },
              "Reset link",
            ),
        h(
          "button",
          {
            type: "button",
            class: "button small",
            onclick: () => toggleOperator(a),
            "aria-label": `${a.is_operator ? "Remove operator" : "Make operator"}: ${a.email}`,
          },
          a.is_operator ? "Remove operator" : "Make operator",
        ),
      ),
    ]);
    accountList.replaceChildren(table(["Email", "Username", "Status", "Created", ""], rows, "stack"));
  }

  state(orgList, "loading", "Loading organizations…");
  if (!(await orgs.load())) {
    // Not an operator (403): nothing on this page is theirs to see.
    orgList.replaceChildren();
    for (const id of ["#op-org-search", "#op-account-search", "#op-account-list"]) $(id).remove();
    return;
  }
  state(accountList, "loading", "Loading accounts…");
  await accounts.load();
}
