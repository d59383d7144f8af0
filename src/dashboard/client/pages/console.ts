// The console in the browser: pick an instance and run commands on your own session (a five-minute
// key the dashboard mints for that instance and keeps in memory only). Replies are drawn readably;
// a compact history re-runs a command with a click or the up arrow.
import type { PublicInstance } from "../api-types";
import * as edge from "../edge-session";
import { $, code, h, input, select } from "../elements";
import { state } from "../feedback";
import { onSubmit } from "../forms";
import { renderReply } from "../reply-render";
import { viewReply } from "../reply-view";
import { levelLabel } from "../scope-level";
import { listInstances, loadOrg } from "../shell";
import { quoteArg, tokenize } from "../tokenize";

const HISTORY = 30;

/** The instance picker shared by the console and the data browser; resolves null when there is none. */
export async function pickInstance(orgId: string, picker: HTMLSelectElement, main: HTMLElement): Promise<PublicInstance[] | null> {
  const instances = await listInstances();
  if (instances.length === 0) {
    state(main, "empty", "Attach a Redis instance first; then come back to run commands against it.");
    main.append(h("p", null, h("a", { href: `/o/${orgId}/instances` }, "Go to instances")));
    return null;
  }
  const wanted = new URLSearchParams(location.search).get("instance");
  picker.replaceChildren(...instances.map((i) => h("option", { value: i.id, selected: i.id === wanted }, `${i.name} (${i.slug})`)));
  return instances;
}

/** Shows what the session may do on the chosen instance, or why it may not. */
export async function showSession(instanceId: string, slot: HTMLElement): Promise<boolean> {
  try {
    const scope = await edge.sessionScope(instanceId);
    slot.className = "note";
    slot.textContent = `You run commands on your session with the ${levelLabel(scope).toLowerCase()} level (a five-minute key, renewed as needed, never stored).`;
    return true;
  } catch (error) {
    slot.className = "status status-error";
    slot.textContent = (error as Error).message;
    return false;
  }
}

export async function consolePage() {
  const org = await loadOrg();
  if (!org) return;
  const form = $<HTMLFormElement>("#console-form");
  const picker = select("[name=instance]", form);
  const command = input("[name=command]", form);
  const log = $("#console-log");
  const history = $("#console-history");
  if (!(await pickInstance(org.id, picker, $("#console-main")))) return;
  const session = $("#console-session");
  picker.addEventListener("change", () => showSession(picker.value, session));
  await showSession(picker.value, session);

  const past: string[] = [];
  let recall = -1;
  command.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    if (past.length === 0) return;
    event.preventDefault();
    recall = event.key === "ArrowUp" ? Math.min(recall + 1, past.length - 1) : Math.max(recall - 1, -1);
    command.value = recall >= 0 ? (past[recall] ?? "") : "";
  });

  function remember(line: string) {
    const at = past.indexOf(line);
    if (at >= 0) past.splice(at, 1);
    past.unshift(line);
    past.length = Math.min(past.length, HISTORY);
    recall = -1;
    history.replaceChildren(
      ...past.map((l) =>
        h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: "linkish",
              onclick: () => {
                command.value = l;
                command.focus();
              },
            },
            l,
          ),
        ),
      ),
    );
  }

  onSubmit(form, async () => {
    const tokens = tokenize(command.value);
    if (!tokens.ok) throw new Error(tokens.message);
    if (tokens.args.length === 0) throw new Error("Type a command, for example: SET greeting hello");
    const reply = await edge.run(picker.value, tokens.args);
    const failed = reply.error !== undefined;
    const entry = h(
      "li",
      { class: failed ? "entry fail" : "entry ok", "data-http": reply.status },
      h(
        "div",
        { class: "entry-head" },
        code(tokens.args.map(quoteArg).join(" "), "wrap"),
        h("span", { class: failed ? "badge off" : "badge" }, `HTTP ${reply.status}`),
      ),
      h("div", { class: "entry-body" }, renderReply(viewReply(tokens.args, reply))),
    );
    log.querySelector(".state")?.remove();
    log.prepend(entry);
    while (log.children.length > 20) log.lastElementChild?.remove();
    remember(command.value.trim());
    command.value = "";
  });
}
