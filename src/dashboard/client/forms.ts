// Form wiring: submit by fetch only, busy state while a handler runs, its error shown in the form,
// and a shown error cleared as soon as the person edits the form again.
import { say } from "./feedback";

export function field(form: HTMLFormElement, name: string): string {
  const el = form.elements.namedItem(name);
  return el && "value" in el ? String(el.value) : "";
}

export function onSubmit(form: HTMLFormElement, handler: () => Promise<void>) {
  // A stale message must not outlive the mistake it describes.
  form.addEventListener("input", () => {
    const region = form.querySelector<HTMLElement>("[data-status]");
    if (region && !region.hidden && region.classList.contains("status-error")) say(form, "");
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    const buttons = Array.from(form.querySelectorAll<HTMLButtonElement>("button[type=submit]"));
    form.setAttribute("aria-busy", "true");
    for (const b of buttons) b.disabled = true;
    say(form, "");
    try {
      await handler();
    } catch (error) {
      say(form, (error as Error).message || "Something went wrong.", "error");
    } finally {
      form.setAttribute("aria-busy", "false");
      for (const b of buttons) b.disabled = false;
    }
  });
}

/** Derives a slug from a name as the person types, until they edit the slug themselves. */
export function deriveSlug(nameInput: HTMLInputElement, slugInput: HTMLInputElement) {
  slugInput.addEventListener("input", () => {
    slugInput.dataset.edited = slugInput.value === "" ? "" : "yes";
  });
  nameInput.addEventListener("input", () => {
    if (slugInput.dataset.edited === "yes") return;
    slugInput.value = nameInput.value
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 63);
  });
}
