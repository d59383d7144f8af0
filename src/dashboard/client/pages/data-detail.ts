// The data browser's key panel: type, TTL and size, the value by type (strings with JSON
// detection; larger values page by page) and, for sessions that may write, the forms of
// data-edit.ts and Delete. Names and values that are not UTF-8 are shown escaped (redis-bytes.ts).

import type { EdgeReply } from "../edge-session";
import * as edge from "../edge-session";
import { code, h, table } from "../elements";
import { confirmAction, say, state, toast } from "../feedback";
import { formatBytes, formatTtl } from "../format";
import { type Bulk, bulkFromPrefix, bulkId, showBulk } from "../redis-bytes";
import {
  firstPosition,
  isKeyType,
  lengthCommand,
  lengthUnit,
  nextPosition,
  previewRows,
  readCommand,
  STRING_PREVIEW_BYTES,
  stringPreviewCommand,
} from "../redis-value";
import { type DetailContext, itemForm, type Reload, removeButton, stringEditor, ttlForm } from "./data-edit";

export type { DetailContext };

/**
 * A string's value: the editor when GET read it whole; else (larger than the instance's reply
 * limit) its first bytes, read-only, since saving a part would cut the value.
 */
async function stringView(key: Bulk, read: EdgeReply | undefined, length: number, ctx: DetailContext, reload: Reload) {
  if (read?.error === undefined) return stringEditor(key, (read?.result as Bulk | null) ?? "", ctx, reload);
  const preview = await edge.run(ctx.instanceId, stringPreviewCommand(key));
  if (preview.error !== undefined)
    return h("p", { class: "state state-error", role: "alert" }, `The value could not be read: ${read.error}`);
  return h(
    "div",
    { id: "string-preview" },
    h("pre", { class: "value wrap" }, showBulk(bulkFromPrefix((preview.result as Bulk | null) ?? ""))),
    h(
      "p",
      { class: "hint" },
      `The first ${formatBytes(STRING_PREVIEW_BYTES)} of ${formatBytes(length)}: the whole value cannot be read here (${read.error}), so it is shown in part and cannot be edited.`,
    ),
  );
}

/** Fills `panel` with the key's details; re-reads after every change, then shows `notice` if any. */
export async function showKey(panel: HTMLElement, key: Bulk, ctx: DetailContext, notice = ""): Promise<void> {
  const name = showBulk(key);
  const reload: Reload = async (next) => {
    await showKey(panel, key, ctx, next);
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
    // A value that cannot be read (larger than the reply limit) still gets its facts, TTL and Delete.
    const readError = valueReply?.error;
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
    const whole = type === "string" ? await stringView(key, valueReply, length, ctx, reload) : null;
    const draw = () => {
      value.replaceChildren(
        whole ??
          (readError !== undefined
            ? h("p", { class: "state state-error", role: "alert" }, `The value could not be read: ${readError}`)
            : shown.length === 0
              ? h("p", { class: "state state-empty" }, "Empty.")
              : table(
                  ctx.canWrite ? [...headers, ""] : headers,
                  shown.map((r, i) =>
                    ctx.canWrite ? [...r.map(showBulk), removeButton(type, key, r, i, ctx, valueStatus, reload)] : r.map(showBulk),
                  ),
                  "value-table",
                )),
      );
      count.hidden = type === "string" || readError !== undefined || (next === null && shown.length >= length);
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
    if (notice) say(valueStatus, notice, "info");
  } catch (error) {
    state(panel, "error", (error as Error).message);
  }
}
