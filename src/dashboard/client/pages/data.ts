// The data browser: SCAN with a pattern and type filter page by page ("load more"), the key count,
// type, TTL and size per key, a panel per key (data-detail.ts) and a form to add keys. Sessions
// with the read level may not SCAN, so they look keys up by name instead.
import * as edge from "../edge-session";
import { $, h, input, select, table } from "../elements";
import { say, state } from "../feedback";
import { formatBytes, formatCount, formatTtl } from "../format";
import { field, onSubmit } from "../forms";
import { type Bulk, sameBulk, showBulk } from "../redis-bytes";
import { isKeyType, KEY_TYPES, newValueFrom, writeCommand } from "../redis-value";
import { loadOrg } from "../shell";
import { pickInstance, showSession } from "./console";
import { showKey } from "./data-detail";

type Row = { key: Bulk; type: string; ttl: number; size: string };

/** Type, PTTL and size of each key in one pipeline (MEMORY USAGE where allowed, else the item count). */
async function describeKeys(instanceId: string, keys: Bulk[]): Promise<Row[]> {
  if (keys.length === 0) return [];
  const replies = await edge.pipeline(
    instanceId,
    keys.flatMap((k) => [
      ["TYPE", k],
      ["PTTL", k],
      ["MEMORY", "USAGE", k],
    ]),
  );
  return keys.map((key, i) => {
    const memory = replies[i * 3 + 2];
    return {
      key,
      type: String(replies[i * 3]?.result ?? "?"),
      ttl: Number(replies[i * 3 + 1]?.result ?? -2),
      size: typeof memory?.result === "number" ? formatBytes(memory.result) : "—",
    };
  });
}

export async function dataPage() {
  const org = await loadOrg();
  if (!org) return;
  const main = $("#data-main");
  const picker = select("#data-instance");
  if (!(await pickInstance(org.id, picker, main))) return;
  const scanForm = $<HTMLFormElement>("#scan-form");
  const lookupForm = $<HTMLFormElement>("#lookup-form");
  const addForm = $<HTMLFormElement>("#add-key-form");
  const list = $("#key-table");
  const more = $<HTMLButtonElement>("#load-more");
  const count = $("#key-count");
  const panel = $("#key-panel");
  let instanceId = picker.value;
  let cursor = "0";
  let rows: Row[] = [];
  let canWrite = false;
  const typeFilter = select("[name=type]", scanForm);
  typeFilter.replaceChildren(h("option", { value: "" }, "any type"), ...KEY_TYPES.map((t) => h("option", { value: t }, t)));
  const addType = select("[name=type]", addForm);
  addType.replaceChildren(...KEY_TYPES.map((t) => h("option", { value: t }, t)));

  const open = (key: Bulk) =>
    showKey(panel, key, {
      instanceId,
      canWrite,
      onChange: () => refreshCount(),
      onDeleted: (gone) => {
        rows = rows.filter((r) => !sameBulk(r.key, gone));
        render();
      },
    });

  function render() {
    if (rows.length === 0) {
      return state(list, "empty", cursor === "0" ? "No keys match." : "No match yet in the part scanned: Load more to keep scanning.");
    }
    list.replaceChildren(
      table(
        ["Key", "Type", "TTL", "Size"],
        rows.map((r) => [
          h("button", { type: "button", class: "linkish", onclick: () => open(r.key) }, showBulk(r.key)),
          r.type,
          formatTtl(r.ttl),
          r.size,
        ]),
        "keys-table",
      ),
    );
  }

  async function refreshCount() {
    const size = await edge.run(instanceId, ["DBSIZE"]);
    const n = size.result;
    count.textContent = typeof n === "number" ? `${formatCount(n)} ${n === 1 ? "key" : "keys"} in this database` : "";
  }

  async function scan(fresh: boolean) {
    if (fresh) {
      cursor = "0";
      rows = [];
    }
    // A SCAN page may hold no match (a sparse pattern or type): keep going a few pages before showing one.
    let found: Bulk[] = [];
    for (let round = 0; round < 20 && found.length === 0; round++) {
      const args = ["SCAN", cursor, "MATCH", field(scanForm, "pattern") || "*", "COUNT", "200"];
      if (typeFilter.value) args.push("TYPE", typeFilter.value);
      const result = (await edge.must(instanceId, args)) as [string, Bulk[]];
      cursor = result[0];
      found = result[1];
      if (cursor === "0") break;
    }
    rows.push(...(await describeKeys(instanceId, found)));
    more.hidden = cursor === "0";
    render();
  }

  async function start() {
    instanceId = picker.value;
    state(panel, "empty", "Pick a key to see its type, expiry and value.");
    const ok = await showSession(instanceId, $("#data-session"));
    const scope = ok ? await edge.sessionScope(instanceId) : null;
    canWrite = scope === "write" || scope === "admin";
    // Read keys may not SCAN (or KEYS): a read-only session looks keys up by name.
    scanForm.hidden = !canWrite;
    more.hidden = true;
    lookupForm.hidden = scope !== "read";
    addForm.closest("section")?.toggleAttribute("hidden", !canWrite);
    if (!scope) return state(list, "empty", "");
    await refreshCount();
    if (canWrite) await scan(true).catch((e: Error) => state(list, "error", e.message));
    else state(list, "empty", "Read-only sessions cannot list keys (SCAN needs write): look a key up by its name.");
  }

  onSubmit(scanForm, () => scan(true));
  more.addEventListener("click", () => scan(false).catch((e: Error) => say(scanForm, e.message)));
  onSubmit(lookupForm, async () => {
    const key = field(lookupForm, "key");
    if (!key) throw new Error("Type the key's name.");
    await open(key);
  });
  onSubmit(addForm, async () => {
    const key = field(addForm, "key");
    const type = addType.value;
    if (!key || !isKeyType(type)) throw new Error("Give the key a name and a type.");
    const exists = await edge.must(instanceId, ["EXISTS", key]);
    if (exists === 1) throw new Error(`“${key}” already exists: open it to edit it.`);
    const value = newValueFrom(type, {
      value: field(addForm, "value"),
      field: field(addForm, "field"),
      member: field(addForm, "value"),
      score: field(addForm, "score"),
    });
    await edge.must(instanceId, writeCommand(key, value));
    const ttl = Number(field(addForm, "ttl") || "0");
    if (ttl > 0) await edge.must(instanceId, ["EXPIRE", key, String(ttl)]);
    addForm.reset();
    say(addForm, `${key} added.`, "ok");
    await scan(true);
    await refreshCount();
    await open(key);
  });
  const syncAddType = () => {
    const t = addType.value;
    $("#add-field").hidden = t !== "hash" && t !== "stream";
    $("#add-score").hidden = t !== "zset";
    input("[name=field]", addForm).required = t === "hash" || t === "stream";
    input("[name=score]", addForm).required = t === "zset";
  };
  addType.addEventListener("change", syncAddType);
  syncAddType();
  picker.addEventListener("change", () => start());
  await start();
}
