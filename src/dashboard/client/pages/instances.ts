// Redis instances in the browser: the list with its attach form, and one instance's page with its
// facts, health, connection snippets, transport and limits and isolation report, and rename /
// command settings / transport and limits / rotate / re-check / disable / delete.
// Credentials typed into a form are cleared once sent.

import { LOCATION_HINT_NAMES, TRANSPORT_SUMMARIES } from "../../../upstream/placement";
import { api, listPages, must } from "../api";
import type { InstanceDetail, PublicInstance } from "../api-types";
import { $, badge, code, h, input, select, table } from "../elements";
import { codeBlock, confirmAction, say, state, toast } from "../feedback";
import { formatCount, formatWhen } from "../format";
import { deriveSlug, field, onSubmit } from "../forms";
import { loadOrg } from "../shell";
import { connectionSnippets } from "../snippets";
import { healthBox } from "./instance-health";
import { isolationPanel } from "./instance-isolation";
import { limitFields, limitsRequest, limitsTable, placementRequest } from "./instance-limits";

const statusBadge = (i: PublicInstance) => (i.disabled ? badge("disabled", "off") : badge("active", "on"));

function wireAttachForm(form: HTMLFormElement, base: string, orgId: string) {
  const driver = select("[name=driver]", form);
  const token = input("[name=token]", form);
  const endpoint = input("[name=endpoint]", form);
  const placement = $("[data-placement]", form);
  const syncDriver = () => {
    const upstash = driver.value === "upstash";
    $("#token-field").hidden = !upstash;
    placement.hidden = upstash;
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
    else Object.assign(body, placementRequest(form));
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
  const instances = await listPages<PublicInstance>(base);
  if (!instances.ok) return state(list, "error", instances.message);
  if (instances.items.length === 0) {
    return state(list, "empty", form ? "No Redis instances yet. Attach your first one below." : "No Redis instances yet.");
  }
  list.replaceChildren(
    table(
      ["Name", "Driver", "Endpoint", "Status", "Created"],
      instances.items.map((i) => [
        h("a", { href: `/o/${org.id}/instances/${i.id}` }, i.name),
        i.driver === "redis" ? `redis · ${i.transport}` : i.driver,
        code(i.endpoint, "wrap"),
        statusBadge(i),
        formatWhen(i.created_at),
      ]),
      "stack",
    ),
    ...(instances.more ? [h("p", { class: "hint" }, `Showing the first ${formatCount(instances.items.length)} instances.`)] : []),
  );
}

type InstanceView = PublicInstance & Pick<InstanceDetail, "isolation" | "warnings" | "limits_in_force">;

/** The transport and region rows of a `redis` instance's facts (other drivers have neither). */
const placementFacts = (i: InstanceView): [string, string][] =>
  i.driver === "redis"
    ? [
        ["Connections", `${i.transport} — ${TRANSPORT_SUMMARIES[i.transport]}`],
        ["Pool region", i.region ? `${LOCATION_HINT_NAMES[i.region]} (${i.region})` : "automatic (near where it is first used)"],
      ]
    : [];

const facts = (pairs: [string, Node | string][]) =>
  h("dl", { class: "facts" }, ...pairs.flatMap(([k, v]) => [h("dt", null, k), h("dd", null, v)]));

export async function instancePage() {
  const org = await loadOrg();
  if (!org) return;
  const id = document.body.dataset.instance ?? "";
  const path = `/api/organizations/${org.id}/redis-instances/${id}`;
  const view = $("#instance-view");
  const isolation = $("#isolation-view");
  state(view, "loading", "Loading the instance…");
  state(isolation, "loading", "Loading the isolation report…");
  const health = healthBox(`${path}/health`);
  // Not awaited: the page is ready (wired) before the PING answers; the line fills in when it does.
  void health.check();
  const found = await api<InstanceView>("GET", path);
  if (!found.ok) {
    state(isolation, "error", found.message);
    return state(view, "error", found.message);
  }
  let instance = found.data;

  function render() {
    document.title = `${instance.name} · RedisGate`;
    $("#instance-name").textContent = instance.name;
    view.replaceChildren(
      facts([
        ["Status", statusBadge(instance)],
        ["Driver", instance.driver],
        ["Upstream", code(instance.endpoint, "wrap")],
        ["Credentials", instance.credential_hint ?? "none"],
        ...placementFacts(instance),
        ["Admin commands", instance.allow_admin ? "allowed for admin keys" : "refused"],
        ["Scripts", instance.allow_scripts ? "allowed for write keys (EVAL, FCALL…)" : "refused"],
        ["Instance id", code(instance.id, "wrap")],
      ]),
      h("h3", null, "Health"),
      health.box,
      h("h3", null, "Connect"),
      h("p", { class: "hint" }, "Set REDISGATE_TOKEN to an API key from the API keys page; keys are shown once, when minted."),
      codeBlock("REST URL", instance.rest_url),
      ...connectionSnippets(instance.rest_url).map((s) => codeBlock(s.label, s.code)),
    );
    isolation.replaceChildren(...isolationPanel(instance));
    $("#limits-view").replaceChildren(limitsTable(instance));
    const rename = document.querySelector<HTMLFormElement>("#rename-form");
    if (rename) input("[name=name]", rename).value = instance.name;
    const permissions = document.querySelector<HTMLFormElement>("#permissions-form");
    if (permissions) {
      input("[name=allow_admin]", permissions).checked = instance.allow_admin;
      input("[name=allow_scripts]", permissions).checked = instance.allow_scripts;
    }
    const toggle = document.getElementById("toggle-instance");
    if (toggle) toggle.textContent = instance.disabled ? "Enable instance" : "Disable instance";
    const upstash = document.getElementById("rotate-upstash");
    if (upstash) upstash.hidden = instance.driver !== "upstash";
    const redis = document.getElementById("rotate-redis");
    if (redis) redis.hidden = instance.driver !== "redis";
    const recheck = document.getElementById("isolation-actions");
    if (recheck) recheck.hidden = instance.isolation === null && instance.warnings.length === 0;
  }

  render();
  fillLimitsForm(instance);
  const page: InstanceState = {
    path,
    current: () => instance,
    show: (next) => {
      instance = next;
      render();
    },
  };
  if (document.querySelector("#rename-form")) {
    wireSettings(page);
    wireAvailability(page, `/o/${org.id}/instances`);
  }
}

/**
 * The admin form of transport and limits, as the instance has them; filled once at first and again
 * after its own save, so saving another form does not undo what is being typed here.
 */
function fillLimitsForm(instance: InstanceView) {
  const form = document.querySelector<HTMLFormElement>("#limits-form");
  if (!form) return;
  $("[data-placement]", form).hidden = instance.driver !== "redis";
  select("[name=transport]", form).value = instance.transport;
  select("[name=region]", form).value = instance.region ?? "";
  $("#limit-fields", form).replaceChildren(...limitFields(instance));
}

/** What the admin forms share: the instance as shown, and how to show a new version of it. */
type InstanceState = { path: string; current: () => InstanceView; show: (next: InstanceView) => void };

/** Rename, command settings, credential rotation and the isolation re-check (admins only). */
function wireSettings(page: InstanceState) {
  const update = async (body: Record<string, unknown>, done: string) => {
    page.show((await must<InstanceView>("PUT", page.path, body)).data);
    toast(done);
  };
  const rename = $<HTMLFormElement>("#rename-form");
  onSubmit(rename, () => update({ name: field(rename, "name").trim() }, "Instance renamed."));
  const permissions = $<HTMLFormElement>("#permissions-form");
  const checked = (name: string) => input(`[name=${name}]`, permissions).checked;
  onSubmit(permissions, () =>
    update({ allow_admin: checked("allow_admin"), allow_scripts: checked("allow_scripts") }, "Command settings saved."),
  );
  const limits = $<HTMLFormElement>("#limits-form");
  onSubmit(limits, async () => {
    await update(limitsRequest(limits, page.current().driver), "Transport and limits saved.");
    fillLimitsForm(page.current());
  });
  onSubmit($<HTMLFormElement>("#isolation-form"), async () => {
    page.show((await must<InstanceView>("POST", `${page.path}/isolation-check`)).data);
    toast("Isolation check done.");
  });
  const rotate = $<HTMLFormElement>("#rotate-form");
  onSubmit(rotate, async () => {
    try {
      const body: Record<string, unknown> = {};
      if (page.current().driver === "redis") body.endpoint = field(rotate, "redis_url").trim();
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
}

/** Disable / enable and delete (admins only). */
function wireAvailability(page: InstanceState, listUrl: string) {
  const section = $("#instance-actions");
  $("#toggle-instance").addEventListener("click", async () => {
    const instance = page.current();
    const disabling = !instance.disabled;
    const sure =
      !disabling ||
      (await confirmAction(`Disable ${instance.name}?`, "Every request to it is refused (403) until you enable it again.", "Disable"));
    if (!sure) return;
    const result = await api<InstanceView>("PUT", page.path, { disabled: disabling });
    if (!result.ok) return say(section, result.message);
    page.show(result.data);
    toast(disabling ? "Instance disabled." : "Instance enabled.");
  });
  $("#delete-instance").addEventListener("click", async () => {
    const instance = page.current();
    const body = "RedisGate forgets this instance; the data in Redis itself is not touched.";
    if (!(await confirmAction(`Delete ${instance.name}?`, body, "Delete"))) return;
    const result = await api("DELETE", page.path);
    if (!result.ok) return say(section, result.message);
    location.assign(listUrl);
  });
}
