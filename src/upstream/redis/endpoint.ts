// The `redis` driver's endpoint: redis:// or rediss:// with optional user, password and database
// number. Pure (no sockets), so the catalog can import it anywhere.
import { maskSecret } from "../../lib/mask";
import { type EndpointParser, refuse, type UpstreamCredentials } from "../endpoint";

export const parseRedisEndpoint: EndpointParser = (url, token) => {
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") return refuse("endpoint", "must start with redis:// or rediss://");
  if (url.search) return refuse("endpoint", "must not have a query or fragment");
  if (token !== undefined) return refuse("token", "is only for the upstash driver; put Redis credentials in the URL");
  const db = url.pathname.replace(/^\//, "");
  if (db !== "" && !/^(?:[0-9]|1[0-5])$/.test(db)) return refuse("endpoint", "database must be 0-15");
  const port = url.port || "6379";
  const userinfo = decodeUserinfo(url);
  if (!userinfo) return refuse("endpoint", "must have valid percent-encoding in its user and password");
  const { username, password } = userinfo;
  const credentials: UpstreamCredentials | null =
    username || password ? { ...(username ? { username } : {}), ...(password ? { password } : {}) } : null;
  const hint = credentials ? `${username || "default"}:${password ? maskSecret(password) : "(no password)"}` : null;
  return { ok: true, endpoint: `${url.protocol}//${url.hostname}:${port}${db ? `/${db}` : ""}`, credentials, hint };
};

/** The URL's user and password, percent-decoded; null when either has a malformed escape. */
function decodeUserinfo(url: URL): { username: string; password: string } | null {
  try {
    return { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  } catch {
    return null;
  }
}

/** The parts of a stored (credential-free) redis endpoint a connection needs. */
export type RedisAddress = { hostname: string; port: number; tls: boolean; db: number };

/** Parsed endpoints, so a connection per request does not parse a URL per request. */
const ADDRESSES = new Map<string, Readonly<RedisAddress>>();
const MAX_ADDRESSES = 1024;

export function redisAddress(endpoint: string): Readonly<RedisAddress> {
  const known = ADDRESSES.get(endpoint);
  if (known) return known;
  const url = new URL(endpoint);
  const db = Number(url.pathname.replace(/^\//, "") || "0");
  const address = Object.freeze({
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port: Number(url.port || 6379),
    tls: url.protocol === "rediss:",
    db,
  });
  if (ADDRESSES.size >= MAX_ADDRESSES) ADDRESSES.clear();
  ADDRESSES.set(endpoint, address);
  return address;
}
