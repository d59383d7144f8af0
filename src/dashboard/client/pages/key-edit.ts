// A key's own limits on the keys page: the list's cell, and the edit dialog for its name, rate limit
// and daily quota, each within the organization's (a key may be stricter, never looser; the API
// refuses it too).
import { must } from "../api";
import type { PublicApiKey, PublicOrganization } from "../api-types";
import { $, h, input } from "../elements";
import { say, toast } from "../feedback";
import { formatCount } from "../format";
import { field, onSubmit } from "../forms";
import { describeRate, parseRate } from "../key-rate";
import { describeQuota, parseQuota } from "../org-limits";

/** The list's cell: the key's rate limit and, when it has one of its own, its daily quota. */
export function keyLimitsCell(k: PublicApiKey): HTMLElement {
  const quota =
    k.max_requests_per_day === null ? [] : [h("br"), h("span", { class: "hint" }, `at most ${formatCount(k.max_requests_per_day)} a day`)];
  return h("span", null, describeRate(k.rate_limit), ...quota);
}

/** Reads the quota field ("" for none of its own), within the organization's quota. */
function readQuota(text: string, orgQuota: number | null): number | null {
  const quota = parseQuota(text);
  if (!quota.ok) throw new Error(quota.message);
  if (quota.value !== null && orgQuota !== null && quota.value > orgQuota) {
    throw new Error(`The organization allows at most ${formatCount(orgQuota)} commands a day; a key's quota may be lower, not higher.`);
  }
  return quota.value;
}

/**
 * Wires the dialog (when the role gates left it) and returns what opens it for a key; `saved` runs
 * after a change is saved.
 */
export function wireKeyEdit(base: string, org: PublicOrganization, saved: () => Promise<unknown>): (k: PublicApiKey) => void {
  const editForm = document.querySelector<HTMLFormElement>("#key-edit-form");
  if (!editForm) return () => {};
  const dialog = $<HTMLDialogElement>("#key-edit-dialog");
  $("#key-edit-cancel").addEventListener("click", () => dialog.close());
  onSubmit(editForm, async () => {
    const rate = parseRate(field(editForm, "requests"), field(editForm, "window"), org.limits.rate_limit);
    if (!rate.ok) throw new Error(rate.message);
    const quota = readQuota(field(editForm, "quota"), org.limits.max_requests_per_day);
    const body = { name: field(editForm, "name").trim(), rate_limit: rate.rate, max_requests_per_day: quota };
    await must("PUT", `${base}/${editForm.dataset.keyId}`, body);
    dialog.close();
    toast("Key updated.");
    await saved();
  });
  return (k) => {
    input("[name=name]", editForm).value = k.name;
    input("[name=requests]", editForm).value = k.rate_limit ? String(k.rate_limit.requests) : "";
    $<HTMLSelectElement>("[name=window]", editForm).value = String(k.rate_limit?.window_seconds ?? 1);
    $("#key-edit-org-rate").textContent =
      `The organization's default: ${describeRate(org.limits.rate_limit)}. Leave requests empty to use it.`;
    input("[name=quota]", editForm).value = k.max_requests_per_day === null ? "" : String(k.max_requests_per_day);
    $("#key-edit-org-quota").textContent =
      `The organization's: ${describeQuota(org.limits.max_requests_per_day)}, shared by its keys. Leave it empty for no quota of the key's own.`;
    editForm.dataset.keyId = k.id;
    say(editForm, "");
    dialog.showModal();
  };
}
