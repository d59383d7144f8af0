// `npm run deploy`: refuses a configuration that is not production-safe (scripts/deploy-check.ts),
// then runs `wrangler deploy` with any extra arguments (e.g. `npm run deploy -- --dry-run --outdir dist`).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkDeployConfig } from "./deploy-check";

const root = join(import.meta.dirname, "..");
const problems = checkDeployConfig(readFileSync(join(root, "wrangler.toml"), "utf8"));
if (problems.length > 0) {
  console.error(`Refusing to deploy: wrangler.toml is not production-safe.\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}
const result = spawnSync(join(root, "node_modules", ".bin", "wrangler"), ["deploy", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
