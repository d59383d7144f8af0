// Draws a ReplyView (reply-view.ts) as elements: sections as definition tables, pairs as tables,
// lists numbered, JSON pretty-printed, errors highlighted.
import { h, table } from "./elements";
import type { ReplyView } from "./reply-view";

export function renderReply(view: ReplyView): HTMLElement {
  switch (view.kind) {
    case "error":
      return h("p", { class: "reply-error", role: "alert" }, `(error) ${view.message}`);
    case "nil":
      return h("p", { class: "reply-nil" }, "(nil)");
    case "number":
      return h("p", { class: "reply-number" }, `(integer) ${view.value}`);
    case "text":
      return h("pre", { class: view.json ? "reply-json" : "reply-text" }, view.text);
    case "list":
      return view.items.length === 0
        ? h("p", { class: "reply-nil" }, "(empty list)")
        : h("ol", { class: "reply-list", start: "1" }, ...view.items.map((item) => h("li", null, h("span", { class: "wrap" }, item))));
    case "table":
      return table(view.headers, view.rows, "reply-table");
    case "sections":
      return h(
        "div",
        { class: "reply-sections" },
        ...view.sections.map((s, i) => h("details", { open: i === 0 }, h("summary", null, s.title), table(["Name", "Value"], s.rows))),
      );
  }
}
