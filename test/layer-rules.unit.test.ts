// The layer rules of STYLE.md are lint rules (biome.json): a layer-breaking import in any file of
// a folder, including one added tomorrow, fails `npm test`. Each case lints a new file with the
// project's biome.json in a scratch folder, so nothing is written to the tree.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const BIOME = join(ROOT, "node_modules", ".bin", "biome");

function lint(path: string, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), "redisgate-layers-"));
  try {
    copyFileSync(join(ROOT, "biome.json"), join(dir, "biome.json"));
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
    const result = spawnSync(BIOME, ["lint", "--vcs-enabled=false", path], { cwd: dir, encoding: "utf8" });
    return `${result.stdout}${result.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const use = (specifier: string) => `import * as m from "${specifier}";\nexport const used = m;\n`;

describe("layer rules", () => {
  it.each([
    ["src/edge/new-file.ts", "../storage/db", "The edge never touches D1"],
    ["src/edge/new-file.ts", "../services/instances", "The edge never calls services"],
    ["src/edge/new-file.ts", "drizzle-orm", "D1 is reached only through src/storage"],
    ["src/services/new-file.ts", "hono", "Services are framework-free"],
    ["src/services/new-file.ts", "../../drizzle/schema", "D1 is reached only through src/storage"],
    ["src/storage/new-file.ts", "../services/context", "Storage never imports services"],
    ["src/upstream/redis/new-file.ts", "../../storage/directory", "upstream/ imports only lib/ and itself"],
    ["src/upstream/new-file.ts", "../env", "upstream/ imports only lib/ and itself"],
    ["src/auth/new-file.ts", "../services/accounts", "auth/ never imports services"],
    ["src/management/new-file.ts", "../storage/db", "The management face reaches D1 and KV only through services"],
    ["src/lib/new-file.ts", "../upstream/catalog", "lib/ holds tiny pure helpers"],
  ])("%s may not import %s", (path, specifier, message) => {
    expect(lint(path, use(specifier))).toContain(message);
  });

  it.each([
    ["src/edge/new-file.ts", "../storage/directory"],
    ["src/edge/new-file.ts", "../upstream/table"],
    ["src/services/new-file.ts", "../storage/instances"],
    ["src/management/new-file.ts", "../upstream/catalog"],
    ["src/upstream/redis/new-file.ts", "../../lib/encoding"],
  ])("%s may import %s", (path, specifier) => {
    expect(lint(path, use(specifier))).not.toContain("noRestrictedImports");
  });
});
