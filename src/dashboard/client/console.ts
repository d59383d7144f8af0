// The console in the browser: send one Redis command to the edge (/redis/<id>) with a pasted API
// key and show the Upstash-shaped reply; a small data browser (SCAN, TYPE, TTL, value). The key
// lives only in its password field. Shipped as source text: only parameters and browser globals.
import type { El } from "./dom";
import type { Ui } from "./types";

type Reply = { status: number; body: { result?: unknown; error?: string } };

export async function consolePage(ui: Ui) {
  const { h } = ui;
  const org = await ui.loadOrg();
  if (!org) return;
  const form = ui.$("#console-form");
  const select = ui.$("[name=instance]", form);
  const keyInput = ui.$("[name=key]", form);
  const log = ui.$("#console-log");
  const instances = await ui.instances();
  if (instances.length === 0) {
    const main = ui.$("#console-main");
    ui.state(main, "empty", "Attach a Redis instance first; then come back to run commands against it.");
    main.append(h("p", null, h("a", { href: `/o/${org.id}/instances` }, "Attach an instance")));
    return;
  }
  const wanted = new URLSearchParams(ui.win.location.search).get("instance");
  select.replaceChildren(...instances.map((i) => h("option", { value: i.id, selected: i.id === wanted }, `${i.name} (${i.slug})`)));

  /** Splits a command line into arguments; "double" and 'single' quotes group, backslash escapes. */
  function tokenize(line: string): string[] {
    const args: string[] = [];
    let current = "";
    let quote = "";
    let started = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i] ?? "";
      if (quote) {
        if (ch === "\\" && i + 1 < line.length) {
          const next = line[++i] ?? "";
          current += next === "n" ? "\n" : next === "t" ? "\t" : next;
        } else if (ch === quote) quote = "";
        else current += ch;
      } else if (ch === '"' || ch === "'") {
        quote = ch;
        started = true;
      } else if (/\s/.test(ch)) {
        if (started) args.push(current);
        current = "";
        started = false;
      } else {
        current += ch;
        started = true;
      }
    }
    if (quote) throw new Error("A quoted argument is not closed.");
    if (started) args.push(current);
    return args;
  }

  async function send(path: string, body: unknown): Promise<Reply> {
    const key = keyInput.value.trim();
    if (!key) throw new Error("Paste an API key first. Keys are shown only when minted; mint a new one if you lost it.");
    let res: Response;
    try {
      res = await ui.win.fetch(`/redis/${select.value}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch {
      throw new Error("Could not reach the Redis endpoint. Check your connection and try again.");
    }
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) };
    } catch {
      return { status: res.status, body: { error: text.slice(0, 500) || `HTTP ${res.status}` } };
    }
  }

  ui.onSubmit(form, async () => {
    const args = tokenize(ui.field(form, "command"));
    if (args.length === 0) throw new Error("Type a command, for example: SET greeting hello");
    const reply = await send("", args);
    const entry = h(
      "li",
      { class: reply.status < 300 ? "entry ok" : "entry fail", "data-http": reply.status },
      h("div", { class: "entry-head" }, h("code", null, JSON.stringify(args)), h("span", { class: "badge" }, `HTTP ${reply.status}`)),
      h("pre", { class: "entry-body" }, JSON.stringify(reply.body, null, 2)),
    );
    log.querySelector(".state")?.remove();
    log.prepend(entry);
    while (log.children.length > 20) log.children[log.children.length - 1]?.remove();
  });

  const browser = ui.$("#browse-form");
  const keysOut = ui.$("#browse-keys");
  const detail = ui.$("#browse-detail");
  let cursor = "0";

  function keyButton(name: string): El {
    return h("li", null, h("button", { type: "button", class: "linkish", onclick: () => inspect(name) }, name));
  }

  async function scan(fresh: boolean) {
    if (fresh) cursor = "0";
    const pattern = ui.field(browser, "pattern") || "*";
    const reply = await send("", ["SCAN", cursor, "MATCH", pattern, "COUNT", "100"]);
    if (reply.body.error !== undefined) throw new Error(`HTTP ${reply.status}: ${reply.body.error}`);
    const [next, names] = reply.body.result as [string, string[]];
    cursor = next;
    const listEl = fresh ? h("ul", { class: "key-names" }) : (keysOut.querySelector("ul") ?? h("ul", { class: "key-names" }));
    for (const name of names) listEl.append(keyButton(name));
    const more = cursor !== "0" ? h("button", { type: "button", class: "button small", onclick: () => scan(false) }, "Scan further") : null;
    keysOut.replaceChildren(listEl, ...(more ? [more] : []));
    if (listEl.children.length === 0 && cursor === "0") ui.state(keysOut, "empty", `No keys match “${pattern}”.`);
  }
  ui.onSubmit(browser, () => scan(true));

  const VALUE_COMMAND: Record<string, (k: string) => string[]> = {
    string: (k) => ["GET", k],
    hash: (k) => ["HGETALL", k],
    list: (k) => ["LRANGE", k, "0", "99"],
    set: (k) => ["SMEMBERS", k],
    zset: (k) => ["ZRANGE", k, "0", "99", "WITHSCORES"],
    stream: (k) => ["XRANGE", k, "-", "+", "COUNT", "20"],
  };

  function ttlText(ms: number): string {
    if (ms === -1) return "no expiry";
    if (ms === -2) return "key does not exist";
    return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
  }

  async function inspect(name: string) {
    ui.state(detail, "loading", `Reading ${name}…`);
    try {
      const meta = await send("/pipeline", [
        ["TYPE", name],
        ["PTTL", name],
      ]);
      const items = meta.body as unknown as { result?: unknown; error?: string }[];
      if (!Array.isArray(items)) throw new Error(`HTTP ${meta.status}: ${meta.body.error ?? "unexpected reply"}`);
      const type = String(items[0]?.result ?? items[0]?.error ?? "unknown");
      const ttl = Number(items[1]?.result ?? -2);
      const command = VALUE_COMMAND[type];
      const value = command ? await send("", command(name)) : null;
      const shown = value ? (value.body.error ?? JSON.stringify(value.body.result, null, 2)) : "Preview is not available for this type.";
      detail.replaceChildren(
        h("h3", null, h("code", null, name)),
        h("dl", { class: "facts" }, h("dt", null, "Type"), h("dd", null, type), h("dt", null, "TTL"), h("dd", null, ttlText(ttl))),
        h("pre", { class: "value" }, shown),
      );
    } catch (error) {
      ui.state(detail, "error", (error as Error).message);
    }
  }
}
