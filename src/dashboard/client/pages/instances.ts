// Redis instances in the browser: the list with its attach form, and one instance's page with the
// connection panel (REST URL, @upstash/redis snippet, curl) and rename / rotate / disable / delete.
// Credentials typed into a form are cleared once sent.
import { api, must } from "../api";
import type { PublicInstance } from "../api-types";
import { $, badge, code, h, input, select, table } from "../elements";
import { codeBlock, confirmAction, say, state, toast } from "../feedback";
import { formatWhen } from "../format";
import { deriveSlug, field, onSubmit } from "../forms";
import { loadOrg } from "../shell";

const statusBadge = (i: PublicInstance) => (i.disabled ? badge("disabled", "off") : badge("active", "on"));

function wireAttachForm(form: HTMLFormElement, base: string, orgId: string) {
  const driver = select("[name=driver]", form);
  const token = input("[name=token]", form);
  const endpoint = input("[name=endpoint]", form);
  const syncDriver = () => {
    const upstash = driver.value === "upstash";
    $("#token-field").hidden = !upstash;
    token.disabled = !upstash;
    endpoint.placeholder = upstash ? "https://your-db.upstash.io" : "redis://:password@127.0.0.1:6379";
    $("#instance-endpoint-hint").textContent = upstash
      ? "The database's REST URL from the Upstash console; the token goes in its own field."
      : "For redis, credentials may go in the URL (redis://user:password@host:6379/0).";
  };
  driver.addEventListener("change", syncDriver);
  syncDriver();
  deriveSlug(input("[name=name]", form), input("[name=slug]", form));
  onSubmit(form, async () => {
    const body: Record<string, unknown> = {
      name: field(form, "name").trim(),
      slug: field(form, "slug").trim(),
      driver: driver.value,
      endpoint: endpoint.value.trim(),
      allow_admin: input("[name=allow_admin]", form).checked,
    };
    if (driver.value === "upstash") body.token = token.value;
    try {
      const created = await must<PublicInstance>("POST", base, body);
      location.assign(`/o/${orgId}/instances/${created.data.id}`);
    } finally {
      token.value = "";
    }
  });
}

export async function instancesPage() {
  const org = await loadOrg();
  if (!org) return;
  const base = `/api/organizations/${org.id}/redis-instances`;
  const list = $("#instance-list");
  const form = document.querySelector<HTMLFormElement>("#instance-form");
  if (form) wireAttachForm(form, base, org.id);
  state(list, "loading", "Loading instances…");
  const instances = await api<PublicInstance[]>("GET", `${base}?limit=100`);
  if (!instances.ok) return state(list, "error", instances.message);
  if (instances.data.length === 0) {
    return state(list, "empty", form ? "No Redis instances yet. Attach your first one below." : "No Redis instances yet.");
  }
  list.replaceChildren(
    table(
      ["Name", "Driver", "Endpoint", "Status", "Created"],
      instances.data.map((i) => [
        h("a", { href: `/o/${org.id}/instances/${i.id}` }, i.name),
        i.driver,
        code(i.endpoint, "wrap"),
        statusBadge(i),
        formatWhen(i.created_at),
      ]),
      "stack",
    ),
  );
}

/** The snippets that connect to an instance; `TOKEN` stands for an API key from the keys page. */
export function connectionSnippets(restUrl: string): { sdk: string; curl: string } {
  const sdk = [
    "// npm i @upstash/redis",
    'import { Redis } from "@upstash/redis";',
    "",
    `const redis = new Redis({ url: "${restUrl}", token: process.env.REDISGATE_TOKEN });`,
    'await redis.set("greeting", "hello");',
  ].join("\n");
  const curl = `export REDISGATE_TOKEN=<an API key from the API keys page>\ncurl -X POST ${restUrl} -H "Authorization: Bearer $REDISGATE_TOKEN" -d '["PING"]'`;
  return { sdk, curl };
}

export async function instancePage() {
  const org = await loadOrg();
  if (!org) return;
  const id = document.body.dataset.instance ?? "";
  const path = `/api/organizations/${org.id}/redis-instances/${id}`;
  const view = $("#instance-view");
  state(view, "loading", "Loading the instance…");
  const found = await api<PublicInstance>("GET", path);
  if (!found.ok) return state(view, "error", found.message);
  let instance = found.data;
  const facts = (pairs: [string, Node | string][]) =>
    h("dl", { class: "facts" }, ...pairs.flatMap(([k, v]) => [h("dt", null, k), h("dd", null, v)]));

  function render() {
    const { sdk, curl } = connectionSnippets(instance.rest_url);
    document.title = `${instance.name} · RedisGate`;
    $("#instance-name").textContent = instance.name;
    view.replaceChildren(
      facts([
        ["Status", statusBadge(instance)],
        ["Driver", instance.driver],
        ["Upstream", code(instance.endpoint, "wrap")],
        ["Credentials", instance.credential_hint ?? "none"],
        ["Admin commands", instance.allow_admin ? "allowed for admin keys" : "refused"],
        ["Instance id", code(instance.id, "wrap")],
      ]),
      h("h3", null, "Connect"),
      h("p", { class: "hint" }, "Use an API key from the API keys page as the token; keys are shown once, when minted."),
      codeBlock("REST URL", instance.rest_url),
      codeBlock("@upstash/redis snippet", sdk),
      codeBlock("curl command", curl),
    );
    const rename = document.querySelector<HTMLFormElement>("#rename-form");
    if (rename) input("[name=name]", rename).value = instance.name;
    const toggle = document.getElementById("toggle-instance");
    if (toggle) toggle.textContent = instance.disabled ? "Enable instance" : "Disable instance";
    const upstash = document.getElementById("rotate-upstash");
    if (upstash) upstash.hidden = instance.driver !== "upstash";
    const redis = document.getElementById("rotate-redis");
    if (redis) redis.hidden = instance.driver !== "redis";
  }

  async function update(body: Record<string, unknown>, done: string) {
    instance = (await must<PublicInstance>("PUT", path, body)).data;
    render();
    toast(done);
  }

  render();
  const rename = document.querySelector<HTMLFormElement>("#rename-form");
  if (!rename) return; // below admin: the settings are not on the page
  onSubmit(rename, () => update({ name: field(rename, "name").trim() }, "Instance renamed."));
  const rotate = $<HTMLFormElement>("#rotate-form");
  onSubmit(rotate, async () => {
    try {
      const body: Record<string, unknown> = {};
      if (instance.driver === "redis") body.endpoint = field(rotate, "redis_url").trim();
      else {
        body.token = field(rotate, "token");
        if (field(rotate, "upstash_url").trim()) body.endpoint = field(rotate, "upstash_url").trim();
      }
      if (await confirmAction("Rotate credentials?", "The edge switches to the new credentials within 30 seconds.", "Rotate")) {
        await update(body, "Credentials rotated.");
      }
    } finally {
      for (const secret of Array.from(rotate.querySelectorAll("input"))) secret.value = "";
    }
  });
  const section = $("#instance-actions");
  $("#toggle-instance").addEventListener("click", async () => {
    const disabling = !instance.disabled;
    const sure =
      !disabling ||
      (await confirmAction(`Disable ${instance.name}?`, "Every request to it is refused (403) until you enable it again.", "Disable"));
    if (!sure) return;
    const result = await api<PublicInstance>("PUT", path, { disabled: disabling });
    if (!result.ok) return say(section, result.message);
    instance = result.data;
    render();
    toast(disabling ? "Instance disabled." : "Instance enabled.");
  });
  $("#delete-instance").addEventListener("click", async () => {
    const body = "RedisGate forgets this instance; the data in Redis itself is not touched.";
    if (!(await confirmAction(`Delete ${instance.name}?`, body, "Delete"))) return;
    const result = await api("DELETE", path);
    if (!result.ok) return say(section, result.message);
    location.assign(`/o/${org.id}/instances`);
  });
}
