// Usage in the browser: requests and commands per day as an inline SVG chart (no external assets),
// for the whole organization or one instance or key, plus per-instance and per-key totals.
// Shipped as source text: only parameters and browser globals may be referenced.
import type { El } from "./dom";
import type { ApiKey, Ui, Usage, UsagePoint } from "./types";

export async function usagePage(ui: Ui) {
  const { h, svg } = ui;
  const org = await ui.loadOrg();
  if (!org) return;
  const view = ui.$("#usage-view");
  const daysSelect = ui.$("#usage-days");
  const [instances, keys] = await Promise.all([ui.instances(), ui.api<ApiKey[]>("GET", `/api/organizations/${org.id}/api-keys?limit=100`)]);
  const instanceName = new Map(instances.map((i) => [i.id, i.name]));
  const keyName = new Map((keys.ok ? keys.data : []).map((k) => [k.id, `${k.name} (${k.key_prefix})`]));

  /** Every date from `from` to `to` (UTC), with zeros where the API sent no point. */
  function fillDays(from: string, to: string, points: UsagePoint[]): UsagePoint[] {
    const byDate = new Map(points.map((p) => [p.date, p]));
    const out: UsagePoint[] = [];
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`) && out.length < 400; t += 86_400_000) {
      const date = new Date(t).toISOString().slice(0, 10);
      out.push(byDate.get(date) ?? { date, requests: 0, commands: 0 });
    }
    return out;
  }

  /** A round axis maximum whose half is round too (the middle grid line). */
  function niceMax(n: number): number {
    if (n <= 4) return 4;
    const step = 10 ** Math.floor(Math.log10(n));
    const max = Math.ceil(n / step) * step;
    return (max / step) % 2 === 0 ? max : max + step;
  }

  function chart(points: UsagePoint[], label: string): El {
    // Drawn at the container's own width, so labels keep their size on a phone.
    const W = Math.max(320, Math.min(960, view.clientWidth || 720));
    const H = 240;
    const [left, right, top, bottom] = [48, 8, 12, 28];
    const max = niceMax(Math.max(0, ...points.map((p) => Math.max(p.requests, p.commands))));
    const slot = (W - left - right) / Math.max(points.length, 1);
    const y = (v: number) => top + (H - top - bottom) * (1 - v / max);
    const grid = [0, max / 2, max].map((v) =>
      svg(
        "g",
        { class: "grid" },
        svg("line", { x1: left, x2: W - right, y1: y(v), y2: y(v) }),
        svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end" }, String(v)),
      ),
    );
    const width = Math.max(slot * 0.4, 1);
    const bar = (kind: string, x: number, value: number, tip: string) =>
      svg("rect", { class: `bar ${kind}`, x, y: y(value), width, height: y(0) - y(value) }, svg("title", {}, tip));
    const bars = points.flatMap((p, i) => {
      const tip = `${p.date}: ${p.requests} requests, ${p.commands} commands`;
      const x = left + i * slot + slot * 0.1;
      return [bar("requests", x, p.requests, tip), bar("commands", x + width, p.commands, tip)];
    });
    const ticks = [0, Math.floor((points.length - 1) / 2), points.length - 1]
      .filter((v, i, all) => v >= 0 && all.indexOf(v) === i)
      .map((i) => {
        const anchor = i === 0 ? "start" : i === points.length - 1 ? "end" : "middle";
        const x = anchor === "start" ? left : anchor === "end" ? W - right : left + (i + 0.5) * slot;
        return svg("text", { x, y: H - 8, "text-anchor": anchor }, points[i]?.date.slice(5) ?? "");
      });
    return svg(
      "svg",
      { class: "usage-chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "usage-chart-title" },
      svg("title", { id: "usage-chart-title" }, `Requests and commands per day: ${label}`),
      ...grid,
      ...bars,
      ...ticks,
    );
  }

  function render(usage: Usage) {
    const series = ui.$("#usage-series");
    const choices: [string, string, UsagePoint[]][] = [
      ["all", "All instances and keys", usage.daily],
      ...usage.instances.map((i): [string, string, UsagePoint[]] => [
        `i:${i.instance_id}`,
        `Instance: ${instanceName.get(i.instance_id) ?? i.instance_id}`,
        i.daily,
      ]),
      ...usage.keys.map((k): [string, string, UsagePoint[]] => [`k:${k.key_id}`, `Key: ${keyName.get(k.key_id) ?? k.key_id}`, k.daily]),
    ];
    const previous = series.value;
    series.replaceChildren(...choices.map(([value, label]) => h("option", { value, selected: value === previous }, label)));
    const draw = () => {
      const [, label, daily] = choices.find(([value]) => value === series.value) ?? choices[0] ?? ["", "", []];
      const points = fillDays(usage.from, usage.to, daily);
      ui.$("#usage-chart").replaceChildren(
        chart(points, label),
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
          ui.table(
            ["Date", "Requests", "Commands"],
            points.map((p) => [p.date, String(p.requests), String(p.commands)]),
          ),
        ),
      );
    };
    series.onchange = draw;
    view.replaceChildren(
      h(
        "div",
        { class: "figures" },
        h(
          "div",
          { class: "figure" },
          h("span", { class: "figure-value", id: "usage-requests" }, String(usage.total.requests)),
          " requests",
        ),
        h("div", { class: "figure" }, h("span", { class: "figure-value" }, String(usage.total.commands)), " commands"),
        h("div", { class: "figure" }, `${usage.from} → ${usage.to}`),
      ),
      h("div", { id: "usage-chart" }),
      h("h3", null, "By instance"),
      usage.instances.length
        ? ui.table(
            ["Instance", "Requests", "Commands"],
            usage.instances.map((i) => [instanceName.get(i.instance_id) ?? i.instance_id, String(i.requests), String(i.commands)]),
          )
        : h("p", { class: "state state-empty" }, "No instance was used in this period."),
      h("h3", null, "By key"),
      usage.keys.length
        ? ui.table(
            ["Key", "Requests", "Commands"],
            usage.keys.map((k) => [keyName.get(k.key_id) ?? k.key_id, String(k.requests), String(k.commands)]),
          )
        : h("p", { class: "state state-empty" }, "No key was used in this period."),
    );
    ui.$("#usage-series-field").hidden = false;
    draw();
  }

  async function load() {
    ui.state(view, "loading", "Loading usage…");
    const usage = await ui.api<Usage>("GET", `/api/organizations/${org?.id}/usage?days=${daysSelect.value}`);
    if (!usage.ok && usage.status === 404) {
      ui.$("#usage-series-field").hidden = true;
      return ui.state(view, "empty", "No usage data yet. Usage appears here once this server records requests to your instances.");
    }
    if (!usage.ok) return ui.state(view, "error", usage.message);
    if (usage.data.total.requests === 0) {
      ui.$("#usage-series-field").hidden = true;
      return ui.state(view, "empty", `No usage data yet: no requests in the last ${daysSelect.value} days.`);
    }
    render(usage.data);
  }
  daysSelect.addEventListener("change", load);
  await load();
}
