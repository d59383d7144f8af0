// The organization settings page in the browser: the facts every role may read, the plan and limits
// with today's commands against the quota, and the forms the role gates left in place (admins
// rename and let viewers read data; owners lower limits and delete with the slug typed).
import { api, must } from "../api";
import type { OrganizationDetail, PublicOrganization, UsageReport } from "../api-types";
import { $, badge, code, h } from "../elements";
import { say, state, toast } from "../feedback";
import { formatCount, formatWhen } from "../format";
import { field, onSubmit } from "../forms";
import { describeHeld, describeLimitRate, describeQuota, parseLimitRate, parseQuota } from "../org-limits";
import { quotaMeter } from "../quota-meter";
import { loadOrg } from "../shell";

const facts = (...pairs: [string, Node | string][]) =>
  h("dl", { class: "facts" }, ...pairs.flatMap(([term, value]) => [h("dt", null, term), h("dd", null, value)]));

function generalView(org: PublicOrganization): HTMLElement {
  return facts(
    ["Name", h("span", { class: "wrap", id: "org-name" }, org.name)],
    ["Slug", code(org.slug, "wrap")],
    ["ID", code(org.id, "wrap")],
    ["Description", h("span", { class: "wrap" }, org.description || "—")],
    ["Viewers read data", h("span", { id: "org-viewer-data" }, org.viewer_data_access ? "yes (read-only)" : "no")],
    ["Created", formatWhen(org.created_at)],
    ["Your role", badge(org.role)],
  );
}

function usedToday(used: number | null, quota: number | null): HTMLElement {
  if (used === null) return h("p", { class: "hint" }, "Today's usage could not be loaded.");
  return quotaMeter(used, quota, "settings-quota");
}

function planView(org: PublicOrganization, held: OrganizationDetail["held"], used: number | null): HTMLElement[] {
  const { limits, plan_limits: ceiling } = org;
  const lowered = (now: string, plan: string) => (now === plan ? now : `${now} (the plan allows ${plan})`);
  return [
    facts(
      ["Plan", h("span", { id: "org-plan" }, badge(org.plan, "on"))],
      [
        "Daily quota",
        h("span", { id: "org-quota" }, lowered(describeQuota(limits.max_requests_per_day), describeQuota(ceiling.max_requests_per_day))),
      ],
      ["Rate limit", h("span", { id: "org-rate" }, lowered(describeLimitRate(limits.rate_limit), describeLimitRate(ceiling.rate_limit)))],
      ["Instances", h("span", { id: "org-cap-instances" }, describeHeld(held.instances, org.caps.max_instances))],
      ["API keys", h("span", { id: "org-cap-keys" }, describeHeld(held.api_keys, org.caps.max_api_keys, "live key"))],
    ),
    usedToday(used, limits.max_requests_per_day),
    h("p", { class: "hint" }, "Only an operator changes the plan or raises its limits. The quota counts commands per UTC day."),
  ];
}

function fillLimitsForm(form: HTMLFormElement, org: PublicOrganization) {
  const { limits, plan_limits: ceiling } = org;
  const own = <T>(now: T, plan: T) => (JSON.stringify(now) === JSON.stringify(plan) ? null : now);
  const quota = own(limits.max_requests_per_day, ceiling.max_requests_per_day);
  const rate = own(limits.rate_limit, ceiling.rate_limit);
  $<HTMLInputElement>("[name=quota]", form).value = quota === null ? "" : String(quota);
  $<HTMLInputElement>("[name=quota]", form).placeholder =
    `plan: ${ceiling.max_requests_per_day === null ? "no quota" : formatCount(ceiling.max_requests_per_day)}`;
  $<HTMLInputElement>("[name=requests]", form).value = rate ? String(rate.requests) : "";
  $<HTMLInputElement>("[name=requests]", form).placeholder = ceiling.rate_limit
    ? `plan: ${formatCount(ceiling.rate_limit.requests)}`
    : "plan: none";
  $<HTMLSelectElement>("[name=window]", form).value = String(rate?.window_seconds ?? ceiling.rate_limit?.window_seconds ?? 1);
}

function wireRename(form: HTMLFormElement, org: PublicOrganization, show: (org: PublicOrganization) => void) {
  $<HTMLInputElement>("[name=name]", form).value = org.name;
  $<HTMLTextAreaElement>("[name=description]", form).value = org.description ?? "";
  const viewerData = $<HTMLInputElement>("[name=viewer_data_access]", form);
  viewerData.checked = org.viewer_data_access;
  onSubmit(form, async () => {
    const description = field(form, "description").trim();
    const saved = await must<PublicOrganization>("PUT", `/api/organizations/${org.id}`, {
      name: field(form, "name").trim(),
      description: description || null,
      viewer_data_access: viewerData.checked,
    });
    const option = document.querySelector<HTMLOptionElement>(`#org-switch option[value="${saved.data.id}"]`);
    if (option) option.textContent = saved.data.name;
    show(saved.data);
    say(form, "Saved.", "ok");
  });
}

function wireDelete(form: HTMLFormElement, org: OrganizationDetail) {
  const button = $<HTMLButtonElement>("button[type=submit]", form);
  const typed = $<HTMLInputElement>("[name=slug]", form);
  typed.addEventListener("input", () => {
    button.disabled = typed.value.trim() !== org.slug;
  });
  const instances = org.held.instances;
  const consequences = $("#delete-consequences");
  if (instances > 0) {
    consequences.textContent =
      `Its ${formatCount(instances)} Redis instance${instances === 1 ? " is" : "s are"} detached (the data in your Redis is not touched), ` +
      "its API keys are revoked at once and its members lose access. This cannot be undone.";
  }
  consequences.append(" To confirm, type its slug: ", code(org.slug, "wrap"));
  onSubmit(form, async () => {
    if (typed.value.trim() !== org.slug) throw new Error(`Type ${org.slug} exactly to confirm.`);
    await must("DELETE", `/api/organizations/${org.id}${instances > 0 ? "?force=true" : ""}`);
    if (localStorage.getItem("rg.org") === org.id) localStorage.removeItem("rg.org");
    location.assign("/orgs");
  });
}

export async function settingsPage() {
  const org = await loadOrg();
  if (!org) return;
  const general = $("#general-view");
  const plan = $("#plan-view");
  general.replaceChildren(generalView(org));
  state(plan, "loading", "Loading the plan and today's usage…");
  const usage = await api<UsageReport>("GET", `/api/organizations/${org.id}/usage?days=1`);
  const used = usage.ok ? (usage.data.daily.find((d) => d.date === usage.data.to)?.commands ?? 0) : null;
  plan.replaceChildren(...planView(org, org.held, used));

  const rename = document.querySelector<HTMLFormElement>("#rename-form");
  if (rename) wireRename(rename, org, (saved) => general.replaceChildren(generalView(saved)));

  const limits = document.querySelector<HTMLFormElement>("#limits-form");
  if (limits) {
    fillLimitsForm(limits, org);
    onSubmit(limits, async () => {
      const quota = parseQuota(field(limits, "quota"), org.plan_limits.max_requests_per_day);
      if (!quota.ok) throw new Error(quota.message);
      const rate = parseLimitRate(field(limits, "requests"), field(limits, "window"), org.plan_limits.rate_limit);
      if (!rate.ok) throw new Error(rate.message);
      const saved = await must<PublicOrganization>("PUT", `/api/organizations/${org.id}/limits`, {
        max_requests_per_day: quota.value,
        rate_limit: rate.value,
      });
      plan.replaceChildren(...planView(saved.data, org.held, used));
      fillLimitsForm(limits, saved.data);
      say(limits, "Limits saved.", "ok");
      toast("Limits saved.");
    });
  }

  const remove = document.querySelector<HTMLFormElement>("#delete-form");
  if (remove) wireDelete(remove, org);
  // A suspended organization is read-only (the banner says why): its forms stay visible but cannot be sent.
  if (org.suspended) {
    const controls = document.querySelectorAll<HTMLInputElement | HTMLButtonElement>("main form :is(input, select, textarea, button)");
    for (const control of Array.from(controls)) control.disabled = true;
  }
}
