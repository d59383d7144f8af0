// Validates an instance's upstream endpoint and splits it into a credential-free endpoint and the
// secret credentials. Pure: no I/O. The host must match ALLOWED_UPSTREAM_HOSTS.
export type UpstreamCredentials = { username?: string; password?: string; token?: string };

export type ParsedEndpoint =
  | { ok: true; endpoint: string; credentials: UpstreamCredentials | null; hint: string | null }
  | { ok: false; path: string; message: string };

/** True when `host` equals a pattern or, for `*.example.com`, is a subdomain of it. */
export function hostAllowed(host: string, patterns: string[]): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return patterns.some((p) => (p.startsWith("*.") ? h.endsWith(p.slice(1)) && h.length > p.length - 1 : h === p));
}

/** Masks a secret for display: its last four characters when it is long enough to spare them. */
export function maskSecret(secret: string): string {
  return secret.length >= 16 ? `••••${secret.slice(-4)}` : "••••";
}

export function parseEndpoint(
  driver: "redis" | "upstash",
  raw: string,
  token: string | undefined,
  options: { allowedHosts: string[]; allowPlainHttp: boolean },
): ParsedEndpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, path: "endpoint", message: "must be an absolute URL" };
  }
  if (url.hash || (driver === "redis" && url.search)) return { ok: false, path: "endpoint", message: "must not have a query or fragment" };
  if (!hostAllowed(url.hostname, options.allowedHosts)) {
    return { ok: false, path: "endpoint", message: `host ${url.hostname} is not in ALLOWED_UPSTREAM_HOSTS` };
  }
  return driver === "redis" ? parseRedisUrl(url, token) : parseUpstashUrl(url, token, options.allowPlainHttp);
}

function parseRedisUrl(url: URL, token: string | undefined): ParsedEndpoint {
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    return { ok: false, path: "endpoint", message: "must start with redis:// or rediss://" };
  }
  if (token !== undefined) {
    return { ok: false, path: "token", message: "is only for the upstash driver; put Redis credentials in the URL" };
  }
  const db = url.pathname.replace(/^\//, "");
  if (db !== "" && !/^(?:[0-9]|1[0-5])$/.test(db)) return { ok: false, path: "endpoint", message: "database must be 0-15" };
  const port = url.port || "6379";
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const credentials: UpstreamCredentials | null =
    username || password ? { ...(username ? { username } : {}), ...(password ? { password } : {}) } : null;
  const hint = credentials ? `${username || "default"}:${password ? maskSecret(password) : "(no password)"}` : null;
  return { ok: true, endpoint: `${url.protocol}//${url.hostname}:${port}${db ? `/${db}` : ""}`, credentials, hint };
}

function parseUpstashUrl(url: URL, token: string | undefined, allowPlainHttp: boolean): ParsedEndpoint {
  if (url.protocol !== "https:" && !(allowPlainHttp && url.protocol === "http:")) {
    return { ok: false, path: "endpoint", message: "must be an https:// URL" };
  }
  if (url.username || url.password) return { ok: false, path: "endpoint", message: "must not carry credentials; pass token" };
  if (url.search) return { ok: false, path: "endpoint", message: "must not have a query" };
  if (!token) return { ok: false, path: "token", message: "is required for the upstash driver" };
  return { ok: true, endpoint: `${url.origin}${url.pathname.replace(/\/+$/, "")}`, credentials: { token }, hint: maskSecret(token) };
}
