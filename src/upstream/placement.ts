// Where and how a `redis` instance's traffic runs: the transport names and the location hints a
// pool object may be placed by. Pure: zod schemas, drizzle and the dashboard import it.

/** `pooled`: warm connections held by the instance's pool Durable Objects; `direct`: one per request. */
export const TRANSPORT_NAMES = ["pooled", "direct"] as const;
export type TransportName = (typeof TRANSPORT_NAMES)[number];
export const DEFAULT_TRANSPORT: TransportName = "pooled";

/**
 * Durable Object location hints (best effort, by continent; they act only on an object's first use).
 * @see https://developers.cloudflare.com/durable-objects/reference/data-location/
 */
export const LOCATION_HINTS = ["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"] as const;
export type LocationHint = (typeof LOCATION_HINTS)[number];

/** What each transport means to someone choosing it. */
export const TRANSPORT_SUMMARIES: Record<TransportName, string> = {
  pooled: "warm connections, shared by every request (one round trip each)",
  direct: "a fresh connection per request (2 round trips on database 0 when the server wants AUTH before any command, else 3)",
};

/** Each location hint in words, as Cloudflare names the regions. */
export const LOCATION_HINT_NAMES: Record<LocationHint, string> = {
  wnam: "Western North America",
  enam: "Eastern North America",
  sam: "South America",
  weur: "Western Europe",
  eeur: "Eastern Europe",
  apac: "Asia-Pacific",
  oc: "Oceania",
  afr: "Africa",
  me: "Middle East",
};
