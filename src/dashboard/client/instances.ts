// Redis instances in the browser: the list with its create form, and one instance's page with
// the connection panel (REST URL, @upstash/redis snippet, curl) and rename / rotate / disable /
// delete. Credentials typed into a form are cleared once sent. Shipped as source text.
import type { El } from "./dom";
import type { Instance, Ui } from "./types";

export async function instancesPage(ui: Ui) {
  const { h } = ui;
  const org = await ui.loadOrg();
  if (!org) return;
  const base = `/api/organizations/${org.id}/redis-instances`;
  const list = ui.$("#instance-list");
  const form = ui.$("#instance-form");
  const driver = ui.$("[name=driver]", form);
  const token = ui.$("[name=token]", form);
  const endpoint = ui.$("[name=endpoint]", form);
  const name = ui.$("[name=name]", form);
  const slug = ui.$("[name=slug]", form);

  const syncDriver = () => {
    const upstash = driver.value === "upstash";
    ui.$("#token-field").hidden = !upstash;
    token.disabled = !upstash;
    endpoint.setAttribute("placeholder", upstash ? "https://your-db.upstash.io" : "redis://:password@127.0.0.1:6379");
    ui.$("#instance-endpoint-hint").textContent = upstash
      ? "The database's REST URL from the Upstash console; the token goes in its own field."
      : "For redis, credentials may go in the URL (redis://user:password@host:6379/0).";
  };
  driver.addEventListener("change", syncDriver);
  syncDriver();
  name.addEventListener("input", () => {
    if (slug.dataset.edited !== "yes") {
      slug.value = name.value
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 63);
    }
  });
  slug.addEventListener("input", () => {
    slug.dataset.edited = "yes";
  });

  ui.onSubmit(form, async () => {
    const body: Record<string, unknown> = {
      name: name.value.trim(),
      slug: slug.value.trim(),
      driver: driver.value,
      endpoint: endpoint.value.trim(),
      allow_admin: ui.$("[name=allow_admin]", form).checked,
    };
    if (driver.value === "upstash") body.token = token.value;
    try {
      const created = await ui.must<Instance>("POST", base, body);
      ui.win.location.assign(`/o/${org.id}/instances/${created.data.id}`);
    } finally {
      token.value = "";
    }
  });

  ui.state(list, "loading", "Loading instances…");
  const instances = await ui.api<Instance[]>("GET", `${base}?limit=100`);
  if (!instances.ok) return ui.state(list, "error", instances.message);
  if (instances.data.length === 0) {
    return ui.state(list, "empty", "No Redis instances yet. Attach your first one with the form below.");
  }
  list.replaceChildren(
    ui.table(
      ["Name", "Driver", "Endpoint", "Status", "Created"],
      instances.data.map((i) => [
        h("a", { href: `/o/${org.id}/instances/${i.id}` }, i.name),
        i.driver,
        h("code", { class: "wrap" }, i.endpoint),
        h("span", { class: i.disabled ? "badge off" : "badge on" }, i.disabled ? "disabled" : "active"),
        ui.when(i.created_at),
      ]),
    ),
  );
}

export async function instancePage(ui: Ui) {
  const { h } = ui;
  const org = await ui.loadOrg();
  if (!org) return;
  const id = ui.doc.body.dataset.instance ?? "";
  const path = `/api/organizations/${org.id}/redis-instances/${id}`;
  const view = ui.$("#instance-view");
  ui.state(view, "loading", "Loading the instance…");
  const found = await ui.api<Instance>("GET", path);
  if (!found.ok) return ui.state(view, "error", found.message);
  let instance = found.data;

  function codeBlock(label: string, text: string): El {
    return h(
      "div",
      { class: "copy-block" },
      h(
        "div",
        { class: "copy-head" },
        h("span", { class: "label" }, label),
        ui.copyButton(label, () => text),
      ),
      h("pre", null, h("code", null, text)),
    );
  }

  function render() {
    const snippet = [
      'import { Redis } from "@upstash/redis";',
      "",
      "const redis = new Redis({",
      `  url: "${instance.rest_url}",`,
      "  token: process.env.REDISGATE_TOKEN,",
      "});",
      'await redis.set("greeting", "hello");',
    ].join("\n");
    const curl = `curl -X POST ${instance.rest_url} -H "Authorization: Bearer $REDISGATE_TOKEN" -d '["PING"]'`;
    ui.doc.title = `${instance.name} · RedisGate`;
    ui.$("#instance-name").textContent = instance.name;
    view.replaceChildren(
      h(
        "dl",
        { class: "facts" },
        h("dt", null, "Status"),
        h("dd", null, h("span", { class: instance.disabled ? "badge off" : "badge on" }, instance.disabled ? "disabled" : "active")),
        h("dt", null, "Driver"),
        h("dd", null, instance.driver),
        h("dt", null, "Upstream"),
        h("dd", null, h("code", { class: "wrap" }, instance.endpoint)),
        h("dt", null, "Credentials"),
        h("dd", null, instance.credential_hint ?? "none"),
        h("dt", null, "Instance id"),
        h("dd", null, h("code", null, instance.id)),
      ),
      h("h3", null, "Connect"),
      h("p", { class: "hint" }, "Use an API key from the API keys page as the token. Keys are shown only once, when minted."),
      codeBlock("REST URL", instance.rest_url),
      codeBlock("@upstash/redis snippet", snippet),
      codeBlock("curl command", curl),
    );
    ui.$("[name=name]", ui.$("#rename-form")).value = instance.name;
    ui.$("#toggle-instance").textContent = instance.disabled ? "Enable instance" : "Disable instance";
    ui.$("#rotate-upstash").hidden = instance.driver !== "upstash";
    ui.$("#rotate-redis").hidden = instance.driver !== "redis";
  }

  async function update(body: Record<string, unknown>, done: string) {
    const updated = await ui.must<Instance>("PUT", path, body);
    instance = updated.data;
    render();
    ui.toast(done);
  }

  const rename = ui.$("#rename-form");
  ui.onSubmit(rename, () => update({ name: ui.field(rename, "name").trim() }, "Instance renamed."));

  const rotate = ui.$("#rotate-form");
  ui.onSubmit(rotate, async () => {
    const secrets = Array.from(rotate.querySelectorAll("input"));
    try {
      const body: Record<string, unknown> = {};
      if (instance.driver === "redis") body.endpoint = ui.field(rotate, "redis_url").trim();
      else {
        body.token = ui.field(rotate, "token");
        if (ui.field(rotate, "upstash_url").trim()) body.endpoint = ui.field(rotate, "upstash_url").trim();
      }
      const ok = await ui.confirm("Rotate credentials?", "The edge switches to the new credentials within 30 seconds.", "Rotate");
      if (ok) await update(body, "Credentials rotated.");
    } finally {
      for (const input of secrets) input.value = "";
    }
  });

  const section = ui.$("#instance-actions");
  ui.$("#toggle-instance").addEventListener("click", async () => {
    const disabling = !instance.disabled;
    const ok = disabling
      ? await ui.confirm(`Disable ${instance.name}?`, "Every request to it is refused (403) until you enable it again.", "Disable")
      : true;
    if (!ok) return;
    const result = await ui.api<Instance>("PUT", path, { disabled: disabling });
    if (!result.ok) return ui.say(section, result.message);
    instance = result.data;
    render();
    ui.toast(disabling ? "Instance disabled." : "Instance enabled.");
  });
  ui.$("#delete-instance").addEventListener("click", async () => {
    const question = `Delete ${instance.name}?`;
    if (!(await ui.confirm(question, "RedisGate forgets this instance; the data in Redis itself is not touched.", "Delete"))) return;
    const result = await ui.api("DELETE", path);
    if (!result.ok) return ui.say(section, result.message);
    ui.win.location.assign(`/o/${org.id}/instances`);
  });
  render();
}
