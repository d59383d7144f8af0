// What every driver's endpoint parser returns: a credential-free endpoint and the secret
// credentials, or the field and reason it was refused. Pure: importable by drizzle-kit, zod
// schemas and the browser bundle (no cloudflare:sockets here or in anything this imports).

/** The secret half of an endpoint: sealed at rest, opened only where it is used. */
export type UpstreamCredentials = { username?: string; password?: string; token?: string };

export type ParsedEndpoint =
  | { ok: true; endpoint: string; credentials: UpstreamCredentials | null; hint: string | null }
  | { ok: false; path: string; message: string };

export type EndpointOptions = { allowedHosts: string[]; allowPlainHttp: boolean };

/** Parses a driver's endpoint (already a URL whose host is allowed) and its optional token. */
export type EndpointParser = (url: URL, token: string | undefined, options: EndpointOptions) => ParsedEndpoint;

export const refuse = (path: string, message: string): ParsedEndpoint => ({ ok: false, path, message });
