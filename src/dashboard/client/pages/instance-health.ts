// The instance page's health line: a PING of the upstream through its stored credentials, run by
// the API when the page opens and on demand; the latency or the reason it failed.
import { api } from "../api";
import type { InstanceHealth } from "../api-types";
import { badge, h } from "../elements";
import { formatWhen } from "../format";

/** A box that shows the upstream's health; `check()` asks the API again and resolves when shown. */
export function healthBox(healthPath: string): { box: HTMLElement; check: () => Promise<void> } {
  const line = h("p", { id: "instance-health", role: "status" }, "Checking the upstream…");
  const again = h("button", { type: "button", class: "button small", id: "check-health" }, "Check again");
  const box = h("div", { class: "health" }, line, again);
  async function check() {
    again.disabled = true;
    line.replaceChildren("Checking the upstream…");
    const result = await api<InstanceHealth>("GET", healthPath);
    again.disabled = false;
    if (!result.ok) return void line.replaceChildren(badge("unknown"), ` ${result.message}`);
    const health = result.data;
    const when = `checked ${formatWhen(health.checked_at)}`;
    line.replaceChildren(
      ...(health.ok
        ? [badge("reachable", "on"), ` PONG in ${health.latency_ms} ms, ${when}.`]
        : [badge("unreachable", "off"), ` ${health.error ?? "no answer"} (after ${health.latency_ms} ms, ${when}).`]),
    );
  }
  again.addEventListener("click", () => void check());
  return { box, check };
}
