// The driver catalog: every upstream driver's name and how its endpoint is validated. Pure: no
// cloudflare:sockets, so drizzle-kit, zod schemas, the OpenAPI document and the browser bundle
// import it. The runtime half (creation check, factory) is src/upstream/table.ts.
// A new driver: a folder under src/upstream/ with endpoint.ts and driver.ts, one line here, one in table.ts.
import { type EndpointOptions, type EndpointParser, type ParsedEndpoint, refuse } from "./endpoint";
import { parseRedisEndpoint } from "./redis/endpoint";
import { parseUpstashEndpoint } from "./upstash/endpoint";

export type { ParsedEndpoint, UpstreamCredentials } from "./endpoint";

type CatalogEntry = { parse: EndpointParser; summary: string };

const CATALOG = {
  redis: { parse: parseRedisEndpoint, summary: "a Redis server (redis:// or rediss://)" },
  upstash: { parse: parseUpstashEndpoint, summary: "an Upstash database (REST URL + token)" },
} as const satisfies Record<string, CatalogEntry>;

export type DriverName = keyof typeof CATALOG;

/** Every driver name, for enums (drizzle, zod, the directory record, the dashboard). */
export const DRIVER_NAMES = Object.keys(CATALOG) as [DriverName, ...DriverName[]];

/** One line per driver for people choosing one (the dashboard's select, the docs). */
export const driverSummary = (driver: DriverName): string => CATALOG[driver].summary;

/** True when `host` equals a pattern or, for `*.example.com`, is a subdomain of it. */
export function hostAllowed(host: string, patterns: string[]): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return patterns.some((p) => (p.startsWith("*.") ? h.endsWith(p.slice(1)) && h.length > p.length - 1 : h === p));
}

/** Validates an instance's endpoint for its driver and splits off the credentials. */
export function parseEndpoint(driver: DriverName, raw: string, token: string | undefined, options: EndpointOptions): ParsedEndpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("endpoint", "must be an absolute URL");
  }
  if (url.hash) return refuse("endpoint", "must not have a query or fragment");
  if (!hostAllowed(url.hostname, options.allowedHosts)) return refuse("endpoint", `host ${url.hostname} is not in ALLOWED_UPSTREAM_HOSTS`);
  return CATALOG[driver].parse(url, token, options);
}
