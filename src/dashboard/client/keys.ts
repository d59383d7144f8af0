// API keys in the browser: mint (the key is revealed once, in an input's value, and removed from
// the page when dismissed or when the page is hidden), list with status, revoke with confirmation.
// Shipped as source text: only parameters and browser globals may be referenced.
import type { El } from "./dom";
import type { ApiKey, Instance, Ui } from "./types";

export async function keysPage(ui: Ui) {
  const { h } = ui;
  const org = await ui.loadOrg();
  if (!org) return;
  const base = `/api/organizations/${org.id}/api-keys`;
  const list = ui.$("#key-list");
  const form = ui.$("#key-form");
  const status = ui.$("#key-status");
  const picker = ui.$("#key-instances");
  const instances = await ui.instances();
  const names = new Map(instances.map((i: Instance) => [i.id, i.name]));
  if (!ui.can("admin")) ui.$("[name=scope_admin]", form).disabled = true;

  if (instances.length === 0) ui.state(picker, "empty", "No instances yet: the key will work with any instance you add later.");
  else {
    picker.replaceChildren(
      ...instances.map((i) =>
        h(
          "label",
          { class: "check" },
          h("input", { type: "checkbox", name: "instance", value: i.id }),
          ` ${i.name} `,
          h("code", null, i.slug),
        ),
      ),
    );
  }

  function reveal(key: ApiKey, secret: string) {
    ui.doc.getElementById("key-reveal")?.remove();
    const input = h("input", { id: "revealed-key", class: "secret", readonly: true, spellcheck: "false", autocomplete: "off" });
    input.value = secret; // a property, never an attribute: the key is not part of the page's HTML
    const panel: El = h(
      "section",
      { id: "key-reveal", class: "card reveal", "aria-labelledby": "key-reveal-title" },
      h("h2", { id: "key-reveal-title" }, `Your new key “${key.name}”`),
      h(
        "p",
        { class: "warning", role: "alert" },
        "Copy this key now and keep it in a secret store. It is shown only this once: RedisGate keeps only a hash and cannot show it again.",
      ),
      h("label", { for: "revealed-key" }, "API key"),
      h(
        "div",
        { class: "copy-row" },
        input,
        ui.copyButton("API key", () => input.value),
      ),
      h(
        "button",
        { type: "button", class: "button primary", id: "dismiss-key", onclick: () => dismiss() },
        "I have copied it — hide the key",
      ),
    );
    const dismiss = () => {
      input.value = "";
      panel.remove();
      ui.$("#key-form [name=name]").focus();
    };
    ui.$("#reveal-slot").replaceChildren(panel);
    input.focus();
    input.select();
  }
  // Leaving the page (or the back/forward cache) must not keep a revealed key around.
  ui.win.addEventListener("pagehide", () => ui.doc.getElementById("key-reveal")?.remove());

  ui.onSubmit(form, async () => {
    const scopes = ["read", "write", "admin"].filter((s) => ui.$(`[name=scope_${s}]`, form).checked);
    if (scopes.length === 0) throw new Error("Choose at least one scope.");
    const chosen = Array.from(form.querySelectorAll("[name=instance]"))
      .filter((c) => c.checked)
      .map((c) => c.value);
    const days = Number(ui.field(form, "expires_in"));
    const body: Record<string, unknown> = { name: ui.field(form, "name").trim(), scopes };
    if (chosen.length > 0) body.instance_ids = chosen;
    if (days > 0) body.expires_at = new Date(Date.now() + days * 86_400_000).toISOString();
    const minted = await ui.must<{ api_key: ApiKey; key: string }>("POST", base, body);
    form.reset();
    reveal(minted.data.api_key, minted.data.key);
    await load();
  });

  function keyStatus(k: ApiKey): El {
    if (k.revoked_at) return h("span", { class: "badge off" }, "revoked");
    if (Date.parse(k.expires_at) <= Date.now()) return h("span", { class: "badge off" }, "expired");
    return h("span", { class: "badge on" }, "active");
  }

  function revokeButton(k: ApiKey): El | null {
    if (k.revoked_at || !ui.can("member")) return null;
    return h(
      "button",
      {
        type: "button",
        class: "button small danger",
        "aria-label": `Revoke ${k.name}`,
        onclick: async () => {
          const body = "Applications using it are refused within seconds. This cannot be undone.";
          if (!(await ui.confirm(`Revoke “${k.name}”?`, body, "Revoke key"))) return;
          const revoked = await ui.api("DELETE", `${base}/${k.id}`);
          if (!revoked.ok) return ui.say(status, revoked.message);
          ui.say(status, `Key “${k.name}” revoked.`, "ok");
          await load();
        },
      },
      "Revoke",
    );
  }

  async function load() {
    const keys = await ui.api<ApiKey[]>("GET", `${base}?limit=100`);
    if (!keys.ok) return ui.state(list, "error", keys.message);
    if (keys.data.length === 0) return ui.state(list, "empty", "No API keys yet. Mint one to connect an application.");
    list.replaceChildren(
      ui.table(
        ["Name", "Key", "Scopes", "Instances", "Last used", "Expires", "Status", ""],
        keys.data.map((k) => [
          k.name,
          h("code", null, k.key_prefix),
          k.scopes.join(", "),
          k.instance_ids ? k.instance_ids.map((id) => names.get(id) ?? id).join(", ") : "all",
          k.last_used_at ? ui.when(k.last_used_at) : "never",
          ui.when(k.expires_at),
          keyStatus(k),
          revokeButton(k),
        ]),
      ),
    );
  }
  ui.state(list, "loading", "Loading API keys…");
  await load();
}
