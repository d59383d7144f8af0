// The dashboard's two static assets, app.js and app.css, built in memory and served by the Worker
// with a content version in their URL so browsers may cache them for good.
import type { Context } from "hono";
import { clientScript } from "./client/script";
import { STYLES } from "./styles";

let version: string | null = null;

/** FNV-1a over both assets: changes whenever either does. Not a security hash. */
export function assetVersion(): string {
  if (version === null) {
    let hash = 0x811c9dc5;
    const text = clientScript() + STYLES;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    version = (hash >>> 0).toString(36);
  }
  return version;
}

/** Serves an asset; long-lived caching only when the request names the current version. */
export function serveAsset(c: Context, kind: "js" | "css"): Response {
  const body = kind === "js" ? clientScript() : STYLES;
  const current = c.req.query("v") === assetVersion();
  return c.body(body, 200, {
    "content-type": kind === "js" ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8",
    "cache-control": current ? "public, max-age=31536000, immutable" : "no-cache",
    "x-content-type-options": "nosniff",
  });
}
