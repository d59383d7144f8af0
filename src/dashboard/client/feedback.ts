// Telling the person what happened: form and section status lines, loading/empty/error states, a
// toast, the confirmation dialog and copy buttons.
import { $, h } from "./elements";

/** Writes into a form's or section's `[data-status]` region (role=alert for errors); "" hides it. */
export function say(root: Element, message: string, kind: "error" | "ok" | "info" = "error") {
  const region = root instanceof HTMLElement && root.dataset.status !== undefined ? root : root.querySelector<HTMLElement>("[data-status]");
  if (!region) return;
  region.textContent = message;
  region.hidden = message === "";
  region.className = `status status-${kind}`;
  region.setAttribute("role", kind === "error" ? "alert" : "status");
}

/** Replaces a container's content with a loading, empty or error state. */
export function state(container: Element, kind: "loading" | "empty" | "error", message: string) {
  container.replaceChildren(h("p", { class: `state state-${kind}`, role: kind === "error" ? "alert" : "status" }, message));
}

let toastTimer = 0;
export function toast(message: string) {
  const region = document.getElementById("toast");
  if (!region) return;
  region.textContent = message;
  region.hidden = false;
  const mine = ++toastTimer;
  setTimeout(() => {
    if (mine === toastTimer) region.hidden = true;
  }, 4000);
}

let answer: ((yes: boolean) => void) | null = null;

/** Asks in the page's dialog; resolves true only when the person presses `action`. */
export function confirmAction(title: string, body: string, action: string): Promise<boolean> {
  const dialog = $<HTMLDialogElement>("#confirm-dialog");
  if (dialog.dataset.wired !== "yes") {
    dialog.dataset.wired = "yes";
    dialog.addEventListener("close", () => {
      const settle = answer;
      answer = null;
      settle?.(dialog.returnValue === "confirm");
    });
  }
  $("[data-title]", dialog).textContent = title;
  $("[data-body]", dialog).textContent = body;
  $("[data-confirm]", dialog).textContent = action;
  return new Promise((resolve) => {
    answer = resolve;
    dialog.returnValue = "";
    dialog.showModal();
    $("[data-cancel]", dialog).focus();
  });
}

export function copyButton(label: string, text: () => string): HTMLButtonElement {
  const button = h("button", { type: "button", class: "button small", "aria-label": `Copy ${label}` }, "Copy");
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text());
      button.textContent = "Copied";
      toast(`${label} copied to the clipboard.`);
    } catch {
      toast("Copying is not available here: select the text and copy it yourself.");
    }
    setTimeout(() => {
      button.textContent = "Copy";
    }, 2000);
  });
  return button;
}

/** A labelled block of code with a copy button. */
export function codeBlock(label: string, text: string): HTMLElement {
  return h(
    "div",
    { class: "copy-block" },
    h(
      "div",
      { class: "copy-head" },
      h("span", { class: "label" }, label),
      copyButton(label, () => text),
    ),
    h("pre", null, h("code", null, text)),
  );
}
