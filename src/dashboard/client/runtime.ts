// The dashboard's browser runtime: fetch wrapper for the management API's envelope, element
// builders (text only, never innerHTML), form wiring, dialogs and messages. Shipped to the
// browser as source text (see script.ts), so it may reference only its parameters and browser globals.
import type { Doc, El } from "./dom";
import type { ApiResult, Child, Props, UiCore } from "./types";

export function createUi(doc: Doc, win: UiCore["win"]): UiCore {
  const page = doc.body.dataset.page ?? "";
  const authPage = page === "login" || page === "signup";
  const SVG_NS = "http://www.w3.org/2000/svg";

  function describe(json: unknown, status: number): { message: string; code: string } {
    const body = (json ?? {}) as { message?: unknown; error?: { code?: unknown; issues?: { path: string; message: string }[] } };
    const base = typeof body.message === "string" ? body.message : `The server answered with status ${status}.`;
    const code = typeof body.error?.code === "string" ? body.error.code : `http_${status}`;
    // Validation failures name the offending fields; other messages already say what went wrong.
    const issues = code === "invalid_request" && Array.isArray(body.error?.issues) ? body.error.issues : [];
    const detail = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
    return { message: detail ? `${base} (${detail})` : base, code };
  }

  async function api<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await win.fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
    } catch {
      return { ok: false, status: 0, code: "network", message: "Could not reach RedisGate. Check your connection and try again." };
    }
    let json: unknown = null;
    try {
      json = await res.json();
    } catch {
      // not JSON: described by status below
    }
    if (res.status === 401 && !authPage) {
      win.location.assign(`/login?next=${encodeURIComponent(win.location.pathname)}`);
    }
    const envelope = json as { success?: boolean; data?: T; message?: string; pagination?: { next_cursor?: string | null } } | null;
    if (!res.ok || !envelope || envelope.success !== true) return { ok: false, status: res.status, ...describe(json, res.status) };
    return {
      ok: true,
      status: res.status,
      data: envelope.data as T,
      message: envelope.message ?? null,
      nextCursor: envelope.pagination?.next_cursor ?? null,
    };
  }

  async function must<T>(method: string, path: string, body?: unknown) {
    const result = await api<T>(method, path, body);
    if (!result.ok) throw new Error(result.message);
    return result;
  }

  function fill(el: El, children: Child[]): El {
    for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child);
    return el;
  }

  function h(tag: string, props?: Props | null, ...children: Child[]): El {
    const el = doc.createElement(tag);
    for (const [name, value] of Object.entries(props ?? {})) {
      if (typeof value === "function") el.addEventListener(name.slice(2).toLowerCase(), value);
      else if (name === "value") el.value = String(value ?? "");
      else if (name === "checked" || name === "disabled" || name === "hidden") el[name] = value === true;
      else if (value === true) el.setAttribute(name, "");
      else if (value !== false && value !== null && value !== undefined) el.setAttribute(name, String(value));
    }
    return fill(el, children);
  }

  function svg(tag: string, attrs: Record<string, string | number> = {}, ...children: Child[]): El {
    const el = doc.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
    return fill(el, children);
  }

  function $(selector: string, root?: El): El {
    const found = (root ?? doc).querySelector(selector);
    if (!found) throw new Error(`The page is missing ${selector}.`);
    return found;
  }

  function say(root: El, message: string, kind: "error" | "ok" | "info" = "error") {
    const region = root.dataset.status !== undefined ? root : root.querySelector("[data-status]");
    if (!region) return;
    region.textContent = message;
    region.hidden = message === "";
    region.className = `status status-${kind}`;
    region.setAttribute("role", kind === "error" ? "alert" : "status");
  }

  function state(container: El, kind: "loading" | "empty" | "error", message: string) {
    const role = kind === "error" ? "alert" : "status";
    container.replaceChildren(h("p", { class: `state state-${kind}`, role }, message));
  }

  let toastTimer = 0;
  function toast(message: string) {
    const region = doc.getElementById("toast");
    if (!region) return;
    region.textContent = message;
    region.hidden = false;
    const mine = ++toastTimer;
    win.setTimeout(() => {
      if (mine === toastTimer) region.hidden = true;
    }, 4000);
  }

  let answer: ((yes: boolean) => void) | null = null;
  function confirm(title: string, body: string, action: string): Promise<boolean> {
    const dialog = $("#confirm-dialog");
    if (dialog.dataset.wired !== "yes") {
      dialog.dataset.wired = "yes";
      dialog.addEventListener("close", () => {
        const settle = answer;
        answer = null;
        settle?.(dialog.returnValue === "confirm");
      });
    }
    $("[data-title]", dialog).textContent = title;
    $("[data-body]", dialog).textContent = body;
    $("[data-confirm]", dialog).textContent = action;
    return new Promise((resolve) => {
      answer = resolve;
      dialog.returnValue = "";
      dialog.showModal();
      $("[data-cancel]", dialog).focus();
    });
  }

  function copyButton(label: string, text: () => string): El {
    const button = h("button", { type: "button", class: "button small", "aria-label": `Copy ${label}` }, "Copy");
    button.addEventListener("click", async () => {
      try {
        if (!win.navigator.clipboard) throw new Error("no clipboard");
        await win.navigator.clipboard.writeText(text());
        button.textContent = "Copied";
        toast(`${label} copied to the clipboard.`);
      } catch {
        toast("Copying is not available here: select the text and copy it yourself.");
      }
      win.setTimeout(() => {
        button.textContent = "Copy";
      }, 2000);
    });
    return button;
  }

  function field(form: El, name: string): string {
    return form.querySelector(`[name="${name}"]`)?.value ?? "";
  }

  function onSubmit(form: El, handler: () => Promise<void>) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") return;
      const buttons = Array.from(form.querySelectorAll("button[type=submit]"));
      form.setAttribute("aria-busy", "true");
      for (const b of buttons) b.disabled = true;
      say(form, "");
      try {
        await handler();
      } catch (error) {
        say(form, (error as Error).message || "Something went wrong.", "error");
      } finally {
        form.setAttribute("aria-busy", "false");
        for (const b of buttons) b.disabled = false;
      }
    });
  }

  function when(iso: string | null): string {
    if (!iso) return "—";
    return new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
  }

  function table(headers: string[], rows: Child[][]): El {
    const head = h("tr", null, ...headers.map((t) => h("th", { scope: "col" }, t)));
    const body = rows.map((cells) => h("tr", null, ...cells.map((c) => h("td", null, c))));
    return h("div", { class: "table-wrap" }, h("table", null, h("thead", null, head), h("tbody", null, ...body)));
  }

  return {
    doc,
    win,
    orgId: doc.body.dataset.org || null,
    api,
    must,
    h,
    svg,
    $,
    say,
    state,
    toast,
    confirm,
    copyButton,
    field,
    onSubmit,
    when,
    table,
  };
}
