// An instance's transport and work limits on its page: what the edge applies now, for every member,
// and for admins the form that sets the transport, the pool's region and each limit's override
// (empty: the deployment's default). The API checks each value against the floor and ceiling.
import type { InstanceDetail, PublicInstance } from "../api-types";
import { h, input, select, table } from "../elements";
import { formatBytes, formatCount, formatTtl } from "../format";

type Limits = InstanceDetail["limits_in_force"];
type LimitName = keyof Limits;
type Shown = PublicInstance & Pick<InstanceDetail, "limits_in_force">;

/** Every work limit, in the order shown, with its words and unit. */
const LIMITS: Record<LimitName, { label: string; unit: "bytes" | "count" | "seconds" }> = {
  max_request_bytes: { label: "Request size", unit: "bytes" },
  max_pipeline_commands: { label: "Commands per pipeline or transaction", unit: "count" },
  max_reply_bytes: { label: "Reply size", unit: "bytes" },
  max_reply_elements: { label: "Reply elements", unit: "count" },
  max_streams_per_key: { label: "Open streams per key", unit: "count" },
  max_streams_per_instance: { label: "Open streams on this instance", unit: "count" },
  max_stream_seconds: { label: "Stream lifetime", unit: "seconds" },
};
const NAMES = Object.keys(LIMITS) as LimitName[];

/** A limit's value in words: bytes with their binary unit, counts grouped, seconds as a duration. */
export function limitAmount(name: LimitName, value: number): string {
  switch (LIMITS[name].unit) {
    case "bytes":
      return `${formatBytes(value)} (${formatCount(value)} bytes)`;
    case "seconds":
      return formatTtl(value * 1000);
    case "count":
      return formatCount(value);
  }
}

/** The table every member sees: each limit in force, whether the instance set it, the default and range. */
export function limitsTable(instance: Shown): HTMLElement {
  return table(
    ["Limit", "In force", "Default", "Allowed"],
    NAMES.map((name) => {
      const limit = instance.limits_in_force[name];
      const own = instance[name] !== null;
      return [
        LIMITS[name].label,
        h("span", { "data-limit": name }, limitAmount(name, limit.value), own ? " · this instance's" : ""),
        limitAmount(name, limit.default),
        `${limitAmount(name, limit.floor)} to ${limitAmount(name, limit.ceiling)}`,
      ];
    }),
    "stack",
  );
}

/** The number fields of the admin form, filled with the instance's overrides (empty: the default). */
export function limitFields(instance: Shown): HTMLElement[] {
  return NAMES.map((name) => {
    const limit = instance.limits_in_force[name];
    const id = `limit-${name}`;
    const unit = LIMITS[name].unit === "count" ? "" : ` (${LIMITS[name].unit})`;
    return h(
      "div",
      { class: "field" },
      h("label", { for: id }, `${LIMITS[name].label}${unit}`),
      h("input", {
        id,
        name,
        type: "number",
        inputmode: "numeric",
        step: 1,
        min: limit.floor,
        max: limit.ceiling,
        placeholder: `default: ${formatCount(limit.default)}`,
        value: instance[name] ?? "",
        "aria-describedby": `${id}-hint`,
      }),
      h("p", { class: "hint", id: `${id}-hint` }, `${formatCount(limit.floor)} to ${formatCount(limit.ceiling)}`),
    );
  });
}

/** The transport and pool region a form's placement fields ask for (an empty region: automatic). */
export function placementRequest(form: HTMLFormElement): { transport: string; region: string | null } {
  return { transport: select("[name=transport]", form).value, region: select("[name=region]", form).value || null };
}

/** What the form asks for: each override (null: back to the default), and the placement of a `redis` instance. */
export function limitsRequest(form: HTMLFormElement, driver: PublicInstance["driver"]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of NAMES) {
    const text = input(`[name=${name}]`, form).value.trim();
    body[name] = text === "" ? null : Number(text);
  }
  return driver === "redis" ? { ...body, ...placementRequest(form) } : body;
}
