// Where the browser finds the dashboard's bundle: scripts/build-client.mjs writes content-hashed
// files and a manifest to dist/client, which Workers static assets serve; the Worker reads the
// manifest once per isolate through the ASSETS binding. No code is built here.
import { z } from "zod";

const ManifestSchema = z.object({ "app.js": z.string().startsWith("/assets/"), "app.css": z.string().startsWith("/assets/") });
export type AssetManifest = z.infer<typeof ManifestSchema>;

let manifest: Promise<AssetManifest> | null = null;

async function readManifest(assets: Fetcher): Promise<AssetManifest> {
  const res = await assets.fetch("https://assets.invalid/manifest.json");
  if (!res.ok) {
    throw new Error(`The dashboard bundle is missing (manifest.json: HTTP ${res.status}). Run \`npm run build:client\`.`);
  }
  return ManifestSchema.parse(await res.json());
}

/** The hashed URLs of app.js and app.css (cached for the isolate's life: a deploy replaces the isolate). */
export function assetManifest(assets: Fetcher): Promise<AssetManifest> {
  manifest ??= readManifest(assets).catch((error) => {
    manifest = null;
    throw error;
  });
  return manifest;
}
