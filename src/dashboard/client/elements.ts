// Element builders and lookups: text content only, never innerHTML, so nothing from the API or
// Redis can become markup.

export type Child = Node | string | null | undefined | false;
type Handler = (event: Event) => void;
export type Props = Record<string, string | number | boolean | null | undefined | Handler>;

function fill<E extends Element>(el: E, children: Child[]): E {
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (typeof value === "function") el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === "value" && "value" in el) (el as HTMLInputElement).value = String(value ?? "");
    else if (value === true) el.setAttribute(name, "");
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  return fill(el, children);
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg(tag: string, attrs: Record<string, string | number> = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return fill(el, children);
}

/** The element matching `selector`; throws when the page's markup lacks it (a bug, not user input). */
export function $<E extends Element = HTMLElement>(selector: string, root: ParentNode = document): E {
  const found = root.querySelector<E>(selector);
  if (!found) throw new Error(`The page is missing ${selector}.`);
  return found;
}

export function input(selector: string, root: ParentNode = document): HTMLInputElement {
  return $<HTMLInputElement>(selector, root);
}

export function select(selector: string, root: ParentNode = document): HTMLSelectElement {
  return $<HTMLSelectElement>(selector, root);
}

/** A table in a scroll-safe wrapper; on phones each cell shows its column name (`data-label`). */
export function table(headers: string[], rows: Child[][], className = ""): HTMLElement {
  const head = h("tr", null, ...headers.map((t) => h("th", { scope: "col" }, t)));
  const body = rows.map((cells) => h("tr", null, ...cells.map((c, i) => h("td", { "data-label": headers[i] ?? "" }, c))));
  return h("div", { class: `table-wrap ${className}`.trim() }, h("table", null, h("thead", null, head), h("tbody", null, ...body)));
}

export function code(text: string, className = ""): HTMLElement {
  return h("code", className ? { class: className } : null, text);
}

export function badge(text: string, kind: "on" | "off" | "" = ""): HTMLElement {
  return h("span", { class: `badge ${kind}`.trim() }, text);
}
