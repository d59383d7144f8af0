// The data browser's key panel: type, TTL and size, the value by type (strings with JSON
// detection; larger values page by page), and for sessions that may write: edit the value or items, set or clear the TTL,
// delete the key. Names and values that are not UTF-8 are shown escaped and sent back as their
// exact bytes; a string of such bytes is read-only (a text box cannot hold it).
import * as edge from "../edge-session";
import { commandRequest } from "../edge-wire";
import { code, h, table } from "../elements";
import { confirmAction, say, state, toast } from "../feedback";
import { formatBytes, formatTtl } from "../format";
import { field, onSubmit } from "../forms";
import { type Bulk, bulkId, isBinary, showBulk } from "../redis-bytes";
import {
  firstPosition,
  isKeyType,
  type KeyType,
  lengthCommand,
  lengthUnit,
  newValueFrom,
  nextPosition,
  previewRows,
  readCommand,
  removeItemCommand,
  ttlCommand,
  writeCommand,
} from "../redis-value";
import { prettyJson } from "../reply-view";

/** onDeleted: the key is gone, so the page drops it from its list. */
export type DetailContext = { instanceId: string; canWrite: boolean; onChange: () => void; onDeleted: (key: Bulk) => void };

function itemForm(type: KeyType, key: Bulk, ctx: DetailContext, reload: () => Promise<void>): HTMLFormElement | null {
  if (type === "string") return null;
  const text = (name: string, label: string) => h("div", { class: "field" }, h("label", null, label, h("input", { name, required: true })));
  const fields: Record<Exclude<KeyType, "string">, HTMLElement[]> = {
    hash: [text("field", "Field"), text("value", "Value")],
    list: [text("value", "Value (appended)")],
    set: [text("value", "Member")],
    zset: [text("member", "Member"), text("score", "Score")],
    stream: [text("field", "Field"), text("value", "Value")],
  };
  const form = h(
    "form",
    { class: "item-form", id: "item-form" },
    h("div", { class: "row" }, ...fields[type]),
    h("p", { "data-status": "", hidden: true }),
    h("button", { type: "submit", class: "button" }, "Add"),
  );
  onSubmit(form, async () => {
    const value = newValueFrom(type, {
      value: field(form, "value"),
      field: field(form, "field"),
      member: field(form, "member"),
      score: field(form, "score"),
    });
    await edge.must(ctx.instanceId, writeCommand(key, value));
    toast("Saved.");
    await reload();
  });
  return form;
}

function stringEditor(key: Bulk, value: Bulk, ctx: DetailContext, reload: () => Promise<void>): HTMLElement {
  if (isBinary(value)) {
    return h(
      "div",
      { id: "string-bytes" },
      h("pre", { class: "value wrap" }, showBulk(value)),
      h("p", { class: "hint" }, "Not UTF-8 text: shown as bytes (\\xHH escapes), read-only here so it is never saved altered."),
    );
  }
  const json = prettyJson(value);
  if (!ctx.canWrite) return h("pre", { class: "value" }, json ?? value);
  const area = h("textarea", { name: "value", rows: 8, "aria-label": `Value of ${showBulk(key)}`, spellcheck: "false" });
  const shown = json ?? value;
  area.value = shown;
  const form = h(
    "form",
    { id: "string-form" },
    area,
    json ? h("p", { class: "hint" }, "JSON detected: shown indented, every token as stored; once edited, saved as typed.") : null,
    h("p", { "data-status": "", hidden: true }),
    h("button", { type: "submit", class: "button primary" }, "Save value"),
  );
  onSubmit(form, async () => {
    // Unedited, the stored bytes stay as they are (the indented view is not what was stored).
    if (area.value === shown) return say(form, "Nothing changed: the value was left as stored.", "info");
    await edge.must(ctx.instanceId, writeCommand(key, { type: "string", value: area.value }));
    toast("Value saved.");
    await reload();
  });
  return form;
}

function ttlForm(key: Bulk, ctx: DetailContext, reload: () => Promise<void>): HTMLFormElement {
  const seconds = h("input", {
    name: "seconds",
    type: "number",
    min: "1",
    step: "1",
    inputmode: "numeric",
    id: "ttl-seconds",
  });
  const clear = h("button", { type: "button", class: "button", id: "clear-ttl" }, "Clear TTL");
  const form = h(
    "form",
    { id: "ttl-form", class: "row" },
    h("div", { class: "field" }, h("label", { for: "ttl-seconds" }, "Expire in (seconds)"), seconds),
    h("div", { class: "field button-field" }, h("button", { type: "submit", class: "button" }, "Set TTL")),
    h("div", { class: "field button-field" }, clear),
    h("p", { "data-status": "", hidden: true }),
  );
  onSubmit(form, async () => {
    const n = Number(seconds.value);
    if (!Number.isInteger(n) || n < 1) throw new Error("Give the TTL as a whole number of seconds, 1 or more.");
    await edge.must(ctx.instanceId, ttlCommand(key, n));
    toast(`${showBulk(key)} expires in ${n} s.`);
    await reload();
  });
  clear.addEventListener("click", async () => {
    say(form, "");
    try {
      await edge.must(ctx.instanceId, ttlCommand(key, null));
    } catch (error) {
      return say(form, (error as Error).message);
    }
    toast(`${showBulk(key)} no longer expires.`);
    await reload();
  });
  return form;
}

/** Fills `panel` with the key's details; re-reads after every change. */
export async function showKey(panel: HTMLElement, key: Bulk, ctx: DetailContext): Promise<void> {
  const name = showBulk(key);
  const reload = async () => {
    await showKey(panel, key, ctx);
    ctx.onChange();
  };
  state(panel, "loading", `Reading ${name}…`);
  try {
    const [typeReply, ttlReply] = await edge.pipeline(ctx.instanceId, [
      ["TYPE", key],
      ["PTTL", key],
    ]);
    const type = String(typeReply?.result ?? typeReply?.error ?? "unknown");
    if (type === "none") return state(panel, "empty", `The key “${name}” does not exist (or has just expired).`);
    if (!isKeyType(type))
      return state(panel, "empty", `“${name}” is a ${type}; the browser shows strings, hashes, lists, sets, sorted sets and streams.`);
    const [valueReply, lengthReply] = await edge.pipeline(ctx.instanceId, [readCommand(type, key), lengthCommand(type, key)]);
    if (valueReply?.error !== undefined) throw new Error(valueReply.error);
    const ttl = Number(ttlReply?.result ?? -2);
    const length = Number(lengthReply?.result ?? 0);
    const rows = previewRows(type, valueReply?.result);
    const headers = {
      string: ["Value"],
      hash: ["Field", "Value"],
      list: ["Item"],
      set: ["Member"],
      zset: ["Member", "Score"],
      stream: ["Entry id", "Fields"],
    }[type];
    const remove = (row: Bulk[]) => {
      const command = removeItemCommand(type, key, row);
      if (!ctx.canWrite || !command) return null;
      const unsendable = commandRequest(command);
      return h(
        "button",
        {
          type: "button",
          class: "button small danger",
          "aria-label": `Remove ${showBulk(row[0] ?? "")}`,
          disabled: "error" in unsendable,
          title: "error" in unsendable ? unsendable.error : null,
          onclick: async () => {
            say(valueStatus, "");
            try {
              await edge.must(ctx.instanceId, command);
            } catch (error) {
              return say(valueStatus, (error as Error).message);
            }
            await reload();
          },
        },
        "Remove",
      );
    };
    // A value larger than a page grows page by page ("Load more"): hashes and sets by SCAN cursor
    // (which may repeat an item: shown once), lists and sorted sets by index, streams backwards by id.
    let shown = rows;
    let next = nextPosition(type, firstPosition(type), valueReply?.result, rows);
    const unit = lengthUnit(type);
    const value = h("div", { id: "key-value" });
    const count = h("p", { class: "hint", id: "value-count" });
    const more = h("button", { type: "button", class: "button", id: "value-more" }, `Load more ${unit}`);
    const moreStatus = h("p", { "data-status": "", hidden: true });
    const valueStatus = h("p", { "data-status": "", hidden: true, id: "value-status" });
    const draw = () => {
      value.replaceChildren(
        type === "string"
          ? stringEditor(key, (valueReply?.result as Bulk | null) ?? "", ctx, reload)
          : shown.length === 0
            ? h("p", { class: "state state-empty" }, "Empty.")
            : table(
                ctx.canWrite ? [...headers, ""] : headers,
                shown.map((r) => (ctx.canWrite ? [...r.map(showBulk), remove(r)] : r.map(showBulk))),
                "value-table",
              ),
      );
      count.hidden = type === "string" || (next === null && shown.length >= length);
      count.textContent = `Showing ${shown.length} of ${length} ${unit}.`;
      more.hidden = next === null;
    };
    more.addEventListener("click", async () => {
      more.disabled = true;
      try {
        // A SCAN page may hold nothing new: keep going a few pages before drawing.
        const seen = new Set(shown.map((r) => bulkId(r[0] ?? "")));
        let added: Bulk[][] = [];
        for (let round = 0; round < 10 && next !== null && added.length === 0; round++) {
          const from: string = next;
          const page = await edge.must(ctx.instanceId, readCommand(type, key, from));
          const pageRows = previewRows(type, page);
          next = nextPosition(type, from, page, pageRows);
          added = type === "hash" || type === "set" ? pageRows.filter((r) => !seen.has(bulkId(r[0] ?? ""))) : pageRows;
        }
        shown = [...shown, ...added];
        draw();
      } catch (error) {
        say(moreStatus, (error as Error).message);
      } finally {
        more.disabled = false;
      }
    });
    draw();
    const deleteStatus = h("p", { "data-status": "", hidden: true });
    const deleteButton = h(
      "button",
      {
        type: "button",
        class: "button danger",
        id: "delete-key",
        onclick: async () => {
          if (
            !(await confirmAction(
              `Delete “${name}”?`,
              "The key and its value are removed from Redis. This cannot be undone.",
              "Delete key",
            ))
          )
            return;
          say(deleteStatus, "");
          try {
            await edge.must(ctx.instanceId, ["DEL", key]);
          } catch (error) {
            return say(deleteStatus, (error as Error).message);
          }
          toast(`${name} deleted.`);
          state(panel, "empty", `“${name}” was deleted.`);
          ctx.onDeleted(key);
          ctx.onChange();
        },
      },
      "Delete key",
    );
    const parts: (Node | null)[] = [
      h("h3", null, code(name, "wrap")),
      h(
        "dl",
        { class: "facts", id: "key-facts" },
        h("dt", null, "Type"),
        h("dd", null, type),
        h("dt", null, "TTL"),
        h("dd", { id: "key-ttl" }, formatTtl(ttl)),
        h("dt", null, "Size"),
        h("dd", null, type === "string" ? formatBytes(length) : `${length} ${lengthUnit(type)}`),
      ),
      valueStatus,
      value,
      count,
      more,
      moreStatus,
      ctx.canWrite ? itemForm(type, key, ctx, reload) : null,
      ctx.canWrite ? h("h4", null, "Expiry") : null,
      ctx.canWrite ? ttlForm(key, ctx, reload) : null,
      ctx.canWrite ? h("div", { class: "actions" }, deleteButton, deleteStatus) : null,
    ];
    panel.replaceChildren(...parts.filter((p): p is Node => p !== null));
  } catch (error) {
    state(panel, "error", (error as Error).message);
  }
}
