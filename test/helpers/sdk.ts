// Points the official @upstash/redis client at the Worker under test. The client calls the global
// fetch; requests to the test origin are handed to the Worker's real fetch handler, everything else
// goes out unchanged. This routes transport only: no module of ours is replaced.

import { exports } from "cloudflare:workers";
import { Redis } from "@upstash/redis/cloudflare";
import { ORIGIN } from "./api";

const originalFetch = globalThis.fetch;
const host = new URL(ORIGIN).host;

globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const { cache: _cache, ...rest } = (init ?? {}) as RequestInit & { cache?: unknown };
  const request = new Request(input, rest);
  return new URL(request.url).host === host ? exports.default.fetch(request) : originalFetch(request);
}) as typeof fetch;

export type ClientOptions = { autoPipeline?: boolean; base64?: boolean; readYourWrites?: boolean };

export function sdkClient(url: string, token: string, options: ClientOptions = {}): Redis {
  return new Redis({
    url,
    token,
    enableAutoPipelining: options.autoPipeline ?? true,
    responseEncoding: options.base64 === false ? false : "base64",
    readYourWrites: options.readYourWrites ?? true,
    enableTelemetry: false,
  });
}
