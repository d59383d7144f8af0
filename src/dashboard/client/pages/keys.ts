// API keys in the browser: mint with one scope level (the key is revealed once and removed from the
// page when dismissed or hidden), list with creator, dates and limits, hide revoked keys, edit
// (./key-edit.ts: name, rate limit, daily quota), roll (a replacement with the same settings; the old key kept until revoked on confirmation,
// kept for a while and then stopped by itself, or revoked at once, also when the plan's cap leaves no
// room for both).
import { api, must } from "../api";
import type { PublicApiKey, Scope } from "../api-types";
import { $, badge, code, h, input, table } from "../elements";
import { confirmAction, copyButton, say, state } from "../feedback";
import { formatTtl, formatWhen } from "../format";
import { field, onSubmit } from "../forms";
import { pager } from "../pager";
import { levelLabel, levelOf } from "../scope-level";
import { can, listInstances, listMembers, loadOrg } from "../shell";
import { keyLimitsCell, wireKeyEdit } from "./key-edit";

/** What minting answers: the key's metadata and, this once, the key; a roll adds the key it replaced. */
type IssuedKey = { api_key: PublicApiKey; key: string };
type RolledKey = IssuedKey & { replaced: PublicApiKey };

const isLive = (k: PublicApiKey) => !k.revoked_at && Date.parse(k.expires_at) > Date.now();

/** A whole key (rg_ and a JWT), as opposed to part of a name or a prefix. */
const isWholeKey = (text: string) => /^rg_[\w-]+\.[\w-]+\.[\w-]+$/.test(text);

/** A live key this close to its expiry says so in its status, so it is rolled in time. */
const EXPIRY_WARNING_DAYS = 14;

/** `replacedBy`: a live key rolled from this one, which this one still works beside. */
function keyStatus(k: PublicApiKey, replacedBy: PublicApiKey | undefined): HTMLElement {
  if (k.revoked_at) return badge("revoked", "off");
  const left = Date.parse(k.expires_at) - Date.now();
  if (left <= 0) return badge("expired", "off");
  if (k.retires_at) return badge(`stops in ${formatTtl(Math.max(0, Date.parse(k.retires_at) - Date.now()))}`);
  if (replacedBy) return badge("replaced");
  const days = Math.ceil(left / 86_400_000);
  if (days <= EXPIRY_WARNING_DAYS) return badge(`expires in ${days} day${days === 1 ? "" : "s"}`);
  return badge("active", "on");
}

/** The name, and which key a roll links it to: the one it replaced, or its live replacement. */
function nameCell(k: PublicApiKey, byId: Map<string, PublicApiKey>, replacedBy: PublicApiKey | undefined): HTMLElement {
  const replaced = k.replaces ? byId.get(k.replaces) : undefined;
  const hint = k.retires_at
    ? `${replacedBy ? `Replaced by ${replacedBy.key_prefix}: it` : "It"} stops working by itself on ${formatWhen(k.retires_at)} UTC.`
    : replacedBy
      ? `Replaced by ${replacedBy.key_prefix}: revoke this key once your applications use the new one.`
      : replaced
        ? `Rolled from ${replaced.key_prefix}.`
        : null;
  return h("span", { class: "wrap" }, h("strong", null, k.name), ...(hint ? [h("br"), h("span", { class: "hint" }, hint)] : []));
}

/**
 * The panel that shows a new key once; `onRevokeOld` adds the roll's second step, and the panel
 * goes only once it revoked the old key (not when the user thinks better of it).
 */
function reveal(name: string, secret: string, onRevokeOld?: () => Promise<boolean>) {
  document.getElementById("key-reveal")?.remove();
  const box = h("input", { id: "revealed-key", class: "secret", readonly: true, spellcheck: "false", autocomplete: "off" });
  box.value = secret; // a property, never an attribute: the key is not part of the page's HTML
  const dismiss = () => {
    box.value = "";
    panel.remove();
  };
  const revokeOld = onRevokeOld
    ? h(
        "button",
        { type: "button", class: "button danger", id: "revoke-old", onclick: async () => (await onRevokeOld()) && dismiss() },
        "Revoke the old key",
      )
    : null;
  const panel = h(
    "section",
    { id: "key-reveal", class: "card reveal", "aria-labelledby": "key-reveal-title" },
    h("h2", { id: "key-reveal-title" }, `Your new key “${name}”`),
    h("p", { class: "warning", role: "alert" }, "Copy this key now. It is shown only this once: RedisGate keeps only a hash of it."),
    h("label", { for: "revealed-key" }, "API key"),
    h(
      "div",
      { class: "copy-row" },
      box,
      copyButton("API key", () => box.value),
    ),
    h(
      "div",
      { class: "actions" },
      revokeOld,
      h("button", { type: "button", class: "button primary", id: "dismiss-key", onclick: dismiss }, "I have copied it — hide the key"),
    ),
  );
  $("#reveal-slot").replaceChildren(panel);
  box.focus();
  box.select();
}

export async function keysPage() {
  const org = await loadOrg();
  if (!org) return;
  const base = `/api/organizations/${org.id}/api-keys`;
  const list = $("#key-list");
  const status = $("#key-status");
  const hideRevoked = input("#hide-revoked");
  const [instances, members] = await Promise.all([listInstances(), listMembers()]);
  const instanceName = new Map(instances.map((i) => [i.id, i.name]));
  const memberEmail = new Map(members.map((m) => [m.user_id, m.email]));
  const more = $<HTMLButtonElement>("#key-more");
  const search = $<HTMLFormElement>("#key-search");
  /** The pages loaded so far (100 keys each, newest first; only keys never revoked while hidden). */
  let keys: PublicApiKey[] = [];
  /** Whether the organization has any key at all, asked only when the filtered list comes back empty. */
  let anyKey = true;
  addEventListener("pagehide", () => document.getElementById("key-reveal")?.remove());

  const form = document.querySelector<HTMLFormElement>("#key-form");
  if (form) wireMintForm(form);

  function wireMintForm(form: HTMLFormElement) {
    if (!can("admin")) form.querySelector("[data-level=admin]")?.remove();
    const picker = $("#key-instances");
    if (instances.length === 0) state(picker, "empty", "No instances yet: the key will work with any instance you add later.");
    else {
      picker.replaceChildren(
        ...instances.map((i) =>
          h("label", { class: "check" }, h("input", { type: "checkbox", name: "instance", value: i.id }), ` ${i.name} `, code(i.slug)),
        ),
      );
    }
    onSubmit(form, async () => {
      const level = field(form, "level") as Scope;
      const chosen = Array.from(form.querySelectorAll<HTMLInputElement>("[name=instance]:checked")).map((c) => c.value);
      const days = Number(field(form, "expires_in"));
      const body: Record<string, unknown> = { name: field(form, "name").trim(), scopes: [level] };
      if (chosen.length > 0) body.instance_ids = chosen;
      if (days > 0) body.expires_at = new Date(Date.now() + days * 86_400_000).toISOString();
      const minted = await must<IssuedKey>("POST", base, body);
      form.reset();
      reveal(minted.data.api_key.name, minted.data.key);
      await load();
    });
  }

  async function revoke(k: PublicApiKey): Promise<boolean> {
    const body = "Applications using it are refused within seconds. This cannot be undone.";
    if (!(await confirmAction(`Revoke “${k.name}”?`, body, "Revoke key"))) return false;
    const revoked = await api("DELETE", `${base}/${k.id}`);
    if (!revoked.ok) {
      say(status, revoked.message);
      return false;
    }
    say(status, `Key “${k.name}” revoked.`, "ok");
    await load();
    return true;
  }

  /** Asks what the roll does with the old key: "keep", seconds until it stops, or "now"; null when cancelled. */
  function chooseRoll(k: PublicApiKey): Promise<string | null> {
    const dialog = $<HTMLDialogElement>("#key-roll-dialog");
    const choice = $<HTMLSelectElement>("#key-roll-old", dialog);
    $("#key-roll-title", dialog).textContent = `Roll “${k.name}”?`;
    choice.value = "keep";
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "roll" ? choice.value : null), { once: true });
      dialog.returnValue = "";
      dialog.showModal();
      choice.focus();
    });
  }

  /**
   * Rolls a key through the API, keeping the old key as chosen (until revoked, for a while, or not
   * at all); when keeping it has no room (the plan's cap), offers to roll now, which revokes the old
   * key in the same step.
   */
  async function roll(k: PublicApiKey) {
    const choice = await chooseRoll(k);
    if (choice === null) return;
    const keep = choice === "keep" ? "?keep_old=true" : choice === "now" ? "" : `?retire_old_in=${choice}`;
    let rolled = await api<RolledKey>("POST", `${base}/${k.id}/roll${keep}`);
    if (!rolled.ok && rolled.status === 409 && keep) {
      const now = `${rolled.message} Rolling now revokes the old key in the same step: applications using it are refused within seconds.`;
      if (!(await confirmAction(`Roll “${k.name}” now?`, now, "Roll now"))) return say(status, rolled.message);
      rolled = await api<RolledKey>("POST", `${base}/${k.id}/roll`);
    }
    if (!rolled.ok) return say(status, rolled.message);
    const old = rolled.data.replaced;
    reveal(rolled.data.api_key.name, rolled.data.key, old.revoked_at ? undefined : () => revoke(k));
    if (old.revoked_at) say(status, `Key “${k.name}” rolled: the old key is revoked.`, "ok");
    else if (old.retires_at)
      say(status, `Key “${k.name}” rolled: the old key stops working by itself on ${formatWhen(old.retires_at)} UTC.`, "ok");
    await load();
  }

  const edit = wireKeyEdit(base, org, () => load());

  /** A replaced key (its replacement is live) is there to be revoked: it offers no second roll. */
  function actions(k: PublicApiKey, replaced: boolean): HTMLElement | null {
    if (k.revoked_at || !can("member")) return null;
    // Two keys of one roll share a name: the prefix tells their buttons apart.
    const label = (verb: string) => `${verb} ${k.name} (${k.key_prefix})`;
    return h(
      "div",
      { class: "actions" },
      h("button", { type: "button", class: "button small", "aria-label": label("Edit"), onclick: () => edit(k) }, "Edit"),
      replaced ? null : h("button", { type: "button", class: "button small", "aria-label": label("Roll"), onclick: () => roll(k) }, "Roll"),
      h("button", { type: "button", class: "button small danger", "aria-label": label("Revoke"), onclick: () => revoke(k) }, "Revoke"),
    );
  }

  /** `showRevoked`: revoked keys too (a key found by pasting it shows whatever its state). */
  function render(showRevoked = !hideRevoked.checked) {
    const shown = showRevoked ? keys : keys.filter((k) => !k.revoked_at);
    if (shown.length === 0) {
      const empty = anyKey
        ? "Every key is revoked. Untick “Hide revoked keys” to see them."
        : "No API keys yet. Mint one to connect an application.";
      return state(list, "empty", empty);
    }
    const byId = new Map(keys.map((k) => [k.id, k]));
    const replacements = new Map(keys.filter((k) => k.replaces && isLive(k)).map((k) => [k.replaces as string, k]));
    const replacedBy = (k: PublicApiKey) => (isLive(k) ? replacements.get(k.id) : undefined);
    list.replaceChildren(
      table(
        ["Name", "Key", "Scope", "Instances", "Limits", "Created", "Last used", "Expires", "Status", ""],
        shown
          .map((k) => [k, replacedBy(k)] as const)
          .map(([k, by]) => [
            nameCell(k, byId, by),
            code(k.key_prefix),
            levelLabel(levelOf(k.scopes)),
            k.instance_ids ? k.instance_ids.map((id) => instanceName.get(id) ?? id).join(", ") : "all",
            keyLimitsCell(k),
            h(
              "span",
              null,
              formatWhen(k.created_at),
              h("br"),
              h("span", { class: "hint" }, `by ${memberEmail.get(k.created_by) ?? k.created_by}`),
            ),
            k.last_used_at ? formatWhen(k.last_used_at) : "never",
            formatWhen(k.expires_at),
            keyStatus(k, by),
            actions(k, by !== undefined),
          ]),
        "stack",
      ),
    );
  }

  /** The list's filters: revoked keys hidden or not, and part of a name or prefix (a whole key is identified instead). */
  function listPath() {
    const query = new URLSearchParams();
    if (hideRevoked.checked) query.set("revoked", "false");
    const q = field(search, "q").trim();
    if (q && !isWholeKey(q)) query.set("q", q);
    return `${base}?${query}`;
  }

  async function show(loaded: PublicApiKey[]) {
    keys = loaded;
    if (keys.length === 0 && field(search, "q").trim()) return state(list, "empty", "No key matches.");
    if (keys.length === 0) {
      const probe = hideRevoked.checked ? await api<PublicApiKey[]>("GET", `${base}?limit=1`) : null;
      anyKey = probe?.ok === true && probe.data.length > 0;
    }
    render();
  }

  const pages = pager<PublicApiKey>({
    path: listPath,
    pageSize: 100,
    render: (loaded) => void show(loaded),
    fail: (message) => state(list, "error", message),
    more,
  });
  /** The first page again (after a change). */
  const load = () => pages.load();

  /** A pasted key is looked up by its hash (sent in a body, never in a URL); anything else filters the list. */
  async function find() {
    say(status, "");
    const q = field(search, "q").trim();
    if (!isWholeKey(q)) return load();
    const found = await api<PublicApiKey>("POST", `${base}/identify`, { key: q });
    if (!found.ok) return state(list, "empty", found.message);
    pages.set([found.data]);
    keys = [found.data];
    say(status, `That key is “${found.data.name}” (${found.data.key_prefix}).`, "ok");
    render(true);
  }
  search.addEventListener("submit", () => void find());
  hideRevoked.addEventListener("change", () => load());
  state(list, "loading", "Loading API keys…");
  await load();
}
