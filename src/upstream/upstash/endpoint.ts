// The `upstash` driver's endpoint: an Upstash (or Upstash-compatible) REST URL plus its token.
// Pure, so the catalog can import it anywhere.
import { maskSecret } from "../../lib/mask";
import { type EndpointParser, refuse } from "../endpoint";

export const parseUpstashEndpoint: EndpointParser = (url, token, { allowPlainHttp }) => {
  if (url.protocol !== "https:" && !(allowPlainHttp && url.protocol === "http:")) return refuse("endpoint", "must be an https:// URL");
  if (url.username || url.password) return refuse("endpoint", "must not carry credentials; pass token");
  if (url.search) return refuse("endpoint", "must not have a query");
  if (!token) return refuse("token", "is required for the upstash driver");
  return { ok: true, endpoint: `${url.origin}${url.pathname.replace(/\/+$/, "")}`, credentials: { token }, hint: maskSecret(token) };
};
