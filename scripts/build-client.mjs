// @ts-check
// Bundles the dashboard's browser code (src/dashboard/client/) with esbuild into content-hashed
// files under dist/client/assets/, and writes dist/client/manifest.json mapping logical names
// (app.js, app.css) to the hashed URLs. The Worker reads the manifest through its ASSETS binding.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const ROOT = new URL("..", import.meta.url).pathname;
export const CLIENT_OUT = join(ROOT, "dist", "client");

/** Builds the client; returns the manifest it wrote. */
export async function buildClient({ minify = true } = {}) {
  // Never empty the folder first: a running wrangler dev may be serving it. New hashed files are
  // written beside the old ones, the manifest is swapped in whole, then stale files are removed.
  // A file whose content is already there is not written again: wrangler dev watches this folder
  // and restarts its Worker on any write, which would cut the requests of another stack in flight.
  mkdirSync(join(CLIENT_OUT, "assets"), { recursive: true });
  const result = await build({
    entryPoints: { app: join(ROOT, "src/dashboard/client/main.ts"), styles: join(ROOT, "src/dashboard/client/app.css") },
    bundle: true,
    format: "esm",
    target: ["es2022", "chrome110", "firefox110", "safari16"],
    platform: "browser",
    outdir: join(CLIENT_OUT, "assets"),
    entryNames: "[name]-[hash]",
    minify,
    sourcemap: false,
    metafile: true,
    write: false,
    legalComments: "none",
    tsconfig: join(ROOT, "src/dashboard/client/tsconfig.json"),
    logLevel: "warning",
  });
  for (const file of result.outputFiles) writeIfChanged(file.path, file.contents);
  /** @type {Record<string, string>} */
  const manifest = {};
  for (const [file, meta] of Object.entries(result.metafile.outputs)) {
    const url = `/${relative(CLIENT_OUT, join(ROOT, file))}`;
    if (meta.entryPoint?.endsWith("main.ts")) manifest["app.js"] = url;
    else if (meta.entryPoint?.endsWith("app.css")) manifest["app.css"] = url;
  }
  if (!manifest["app.js"] || !manifest["app.css"]) throw new Error(`esbuild produced no entry output: ${JSON.stringify(manifest)}`);
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  if (!sameContent(join(CLIENT_OUT, "manifest.json"), manifestText)) {
    const next = join(CLIENT_OUT, "manifest.json.next");
    writeFileSync(next, manifestText);
    renameSync(next, join(CLIENT_OUT, "manifest.json"));
  }
  const current = new Set(Object.values(manifest).map((url) => url.replace("/assets/", "")));
  for (const file of readdirSync(join(CLIENT_OUT, "assets"))) {
    if (!current.has(file)) rmSync(join(CLIENT_OUT, "assets", file), { force: true });
  }
  // Served by Workers static assets: long-lived caching for the hashed files only.
  writeIfChanged(
    join(CLIENT_OUT, "_headers"),
    "/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n  X-Content-Type-Options: nosniff\n",
  );
  return manifest;
}

/** @param {string} path @param {string | Uint8Array} content */
function sameContent(path, content) {
  if (!existsSync(path)) return false;
  return Buffer.from(readFileSync(path)).equals(Buffer.from(content));
}

/** @param {string} path @param {string | Uint8Array} content */
function writeIfChanged(path, content) {
  if (!sameContent(path, content)) writeFileSync(path, content);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const manifest = await buildClient({ minify: !process.argv.includes("--dev") });
  console.log(`dashboard client built: ${Object.values(manifest).join(", ")}`);
}
