// Usage in the browser: today's commands against the daily quota, requests and commands per day as
// an inline SVG chart (chart-scale.ts does the arithmetic), requests refused with 429 per day, and
// totals per instance and per key.
import { api } from "../api";
import type { DailyUsage, UsageReport } from "../api-types";
import { type ChartBox, fillDays, niceMax, scaleY, slots } from "../chart-scale";
import { $, h, select, svg, table } from "../elements";
import { state } from "../feedback";
import { formatCount } from "../format";
import { quotaMeter } from "../quota-meter";
import { listInstances, listKeys, loadOrg } from "../shell";

function chart(points: DailyUsage[], label: string, width: number): SVGElement {
  const box: ChartBox = { width: Math.max(300, Math.min(960, width)), height: 220, left: 44, right: 8, top: 12, bottom: 26 };
  const max = niceMax(Math.max(0, ...points.map((p) => Math.max(p.requests, p.commands))));
  const y = (v: number) => scaleY(box, max, v);
  const { x, bar } = slots(box, points.length);
  const grid = [0, max / 2, max].map((v) =>
    svg(
      "g",
      { class: "grid" },
      svg("line", { x1: box.left, x2: box.width - box.right, y1: y(v), y2: y(v) }),
      svg("text", { x: box.left - 6, y: y(v) + 4, "text-anchor": "end" }, formatCount(v)),
    ),
  );
  const bars = points.flatMap((p, i) => {
    const tip = `${p.date}: ${p.requests} requests, ${p.commands} commands`;
    const at = x[i] ?? 0;
    return [
      svg("rect", { class: "bar requests", x: at, y: y(p.requests), width: bar, height: y(0) - y(p.requests) }, svg("title", {}, tip)),
      svg(
        "rect",
        { class: "bar commands", x: at + bar, y: y(p.commands), width: bar, height: y(0) - y(p.commands) },
        svg("title", {}, tip),
      ),
    ];
  });
  const last = points.length - 1;
  const ticks = [0, last]
    .filter((v, i, all) => v >= 0 && all.indexOf(v) === i)
    .map((i) =>
      svg(
        "text",
        { x: i === 0 ? box.left : box.width - box.right, y: box.height - 8, "text-anchor": i === 0 ? "start" : "end" },
        points[i]?.date.slice(5) ?? "",
      ),
    );
  return svg(
    "svg",
    {
      class: "usage-chart",
      viewBox: `0 0 ${box.width} ${box.height}`,
      role: "img",
      "aria-label": `Requests and commands per day: ${label}`,
    },
    ...grid,
    ...bars,
    ...ticks,
  );
}

/** Requests the edge refused with 429 (rate limit, daily quota, no free stream slot): the days that had any, newest first. */
function refusals(usage: UsageReport): HTMLElement {
  const days = usage.refused.daily.filter((d) => d.requests > 0).reverse();
  const hint = h(
    "p",
    { class: "hint" },
    "Requests answered 429 because a key's rate limit or a daily quota (the organization's or the key's) was reached, or a stream found no free slot.",
  );
  if (days.length === 0)
    return h("div", { id: "usage-refusals" }, h("p", { class: "state state-empty" }, "No request was refused in this period."), hint);
  return h(
    "div",
    { id: "usage-refusals" },
    table(
      ["Date", "Refused (429)"],
      days.map((d) => [d.date, formatCount(d.requests)]),
    ),
    hint,
  );
}

export async function usagePage() {
  const org = await loadOrg();
  if (!org) return;
  const view = $("#usage-view");
  const days = select("#usage-days");
  const [instances, keys] = await Promise.all([listInstances(), listKeys()]);
  const instanceName = new Map(instances.map((i) => [i.id, i.name]));
  const keyName = new Map(keys.map((k) => [k.id, k.name]));

  function render(usage: UsageReport) {
    const today = usage.daily.find((d) => d.date === usage.to)?.commands ?? 0;
    const meter = quotaMeter(
      today,
      org?.limits.max_requests_per_day ?? null,
      "usage-quota",
      h("p", { class: "hint" }, "The quota counts commands per UTC day; past it the edge answers 429 until midnight UTC."),
    );
    const points = fillDays(usage.from, usage.to, usage.daily);
    const refusedOn = new Map(usage.refused.daily.map((d) => [d.date, d.requests]));
    view.replaceChildren(
      meter,
      h(
        "div",
        { class: "figures" },
        h("div", null, h("span", { class: "figure-value", id: "usage-requests" }, formatCount(usage.total.requests)), " requests"),
        h("div", null, h("span", { class: "figure-value" }, formatCount(usage.total.commands)), " commands"),
        h("div", null, h("span", { class: "figure-value", id: "usage-refused" }, formatCount(usage.refused.total)), " refused (429)"),
        h("div", null, `${usage.from} → ${usage.to}`),
      ),
      chart(points, "all instances and keys", view.clientWidth || 720),
      h(
        "p",
        { class: "legend" },
        h("span", { class: "swatch requests" }),
        " requests ",
        h("span", { class: "swatch commands" }),
        " commands",
      ),
      h(
        "details",
        null,
        h("summary", null, "Show the numbers"),
        table(
          ["Date", "Requests", "Commands", "Refused (429)"],
          points.map((p) => [p.date, formatCount(p.requests), formatCount(p.commands), formatCount(refusedOn.get(p.date) ?? 0)]),
        ),
      ),
      h("h3", null, "Refused requests (429) per day"),
      refusals(usage),
      h("h3", null, "By instance"),
      usage.instances.length
        ? table(
            ["Instance", "Requests", "Commands"],
            usage.instances.map((i) => [
              h("span", { class: "wrap" }, instanceName.get(i.instance_id) ?? i.instance_id),
              formatCount(i.requests),
              formatCount(i.commands),
            ]),
          )
        : h("p", { class: "state state-empty" }, "No instance was used in this period."),
      h("h3", null, "By key"),
      usage.keys.length
        ? table(
            ["Key", "Requests", "Commands", "Refused (429)"],
            usage.keys.map((k) => [
              h("span", { class: "wrap" }, keyName.get(k.key_id) ?? (k.key_id.startsWith("key_") ? "console session" : k.key_id)),
              formatCount(k.requests),
              formatCount(k.commands),
              formatCount(k.refused),
            ]),
            "stack",
          )
        : h("p", { class: "state state-empty" }, "No key was used in this period."),
    );
  }

  async function load() {
    state(view, "loading", "Loading usage…");
    const usage = await api<UsageReport>("GET", `/api/organizations/${org?.id}/usage?days=${days.value}`);
    if (!usage.ok) return state(view, "error", usage.message);
    render(usage.data);
  }
  days.addEventListener("change", load);
  await load();
}
