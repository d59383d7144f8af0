// The data browser's writes on one key: the string editor, the form that adds an item, an item's
// Remove (a list item by its index, never the first equal one) and the TTL form. Each says a
// refusal where it was asked and re-reads the key after a change.
import * as edge from "../edge-session";
import { commandRequest } from "../edge-wire";
import { h } from "../elements";
import { say, toast } from "../feedback";
import { field, onSubmit } from "../forms";
import { type Bulk, isBinary, sameBulk, showBulk } from "../redis-bytes";
import { type KeyType, listRemoval, newValueFrom, removeItemCommand, ttlCommand, writeCommand } from "../redis-value";
import { prettyJson } from "../reply-view";

/** onDeleted: the key is gone, so the page drops it from its list. */
export type DetailContext = { instanceId: string; canWrite: boolean; onChange: () => void; onDeleted: (key: Bulk) => void };

/** Re-reads the key's panel, then shows `notice` (what happened instead of what was asked) if any. */
export type Reload = (notice?: string) => Promise<void>;

export function itemForm(type: KeyType, key: Bulk, ctx: DetailContext, reload: Reload): HTMLFormElement | null {
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

export function stringEditor(key: Bulk, value: Bulk, ctx: DetailContext, reload: Reload): HTMLElement {
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

export function ttlForm(key: Bulk, ctx: DetailContext, reload: Reload): HTMLFormElement {
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

/**
 * Removes the list item at `index`, shown as `item`: a transaction reads it and puts a unique mark
 * in its place; the mark is then removed if that was the item shown, or the item read is put back
 * where the mark is if the list changed meanwhile. The notice says what happened instead, if so.
 */
async function removeListItem(instanceId: string, key: string, index: number, item: Bulk): Promise<string> {
  const removal = listRemoval(key, index);
  const [was, marked] = await edge.transaction(instanceId, removal.mark);
  if (marked?.error !== undefined) {
    return `Nothing was removed: the list changed since it was read and has no item ${index + 1} now (${marked.error}). It is shown as it is now.`;
  }
  const read = was?.result as Bulk;
  const after = sameBulk(read, item) ? [removal.remove] : removal.restore(read);
  for (const command of after) await edge.must(instanceId, command);
  if (sameBulk(read, item)) return "";
  return `Nothing was removed: the list changed since it was read (item ${index + 1} is now “${showBulk(read)}”). It is shown as it is now.`;
}

/** The Remove button of a shown item (`index` is its row, a list's index); disabled, with why, when it cannot be sent. */
export function removeButton(
  type: KeyType,
  key: Bulk,
  row: Bulk[],
  index: number,
  ctx: DetailContext,
  status: HTMLElement,
  reload: Reload,
) {
  const item = row[0] ?? "";
  const command = type === "list" ? null : removeItemCommand(type, key, row);
  if (type !== "list" && command === null) return null;
  const request = command ? commandRequest(command) : null;
  const why =
    request && "error" in request
      ? request.error
      : !command && isBinary(key)
        ? "A list item is removed in a transaction, which cannot carry a key name that is not UTF-8."
        : null;
  return h(
    "button",
    {
      type: "button",
      class: "button small danger",
      "aria-label": `Remove ${showBulk(item)}`,
      disabled: why !== null,
      title: why,
      onclick: async () => {
        say(status, "");
        let notice = "";
        try {
          if (command) await edge.must(ctx.instanceId, command);
          else notice = await removeListItem(ctx.instanceId, key as string, index, item);
        } catch (error) {
          return say(status, (error as Error).message);
        }
        await reload(notice);
      },
    },
    "Remove",
  );
}
