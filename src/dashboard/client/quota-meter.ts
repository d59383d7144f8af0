// Today's commands against the organization's daily quota: a sentence and a progress bar (marked
// high from 90 %), shown by the usage and settings pages.
import { quotaPercent } from "./chart-scale";
import { h } from "./elements";
import { formatCount } from "./format";

/** @param id the element's id (each page's tests find it by its own). */
export function quotaMeter(used: number, quota: number | null, id: string, ...extra: HTMLElement[]): HTMLElement {
  const percent = quotaPercent(used, quota);
  const text =
    quota === null
      ? `${formatCount(used)} commands today; this plan has no daily quota.`
      : `${formatCount(used)} of ${formatCount(quota)} commands today (${percent} %).`;
  return h(
    "div",
    { class: "quota", id },
    h("p", null, text),
    percent === null
      ? null
      : h("progress", {
          class: percent >= 90 ? "quota-bar high" : "quota-bar",
          max: "100",
          value: String(percent),
          "aria-label": "Daily quota used",
        }),
    ...extra,
  );
}
