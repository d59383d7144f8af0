// Checks wrangler.toml before a deploy: the top-level [vars] must say ENVIRONMENT = "production" and
// ALLOWED_UPSTREAM_HOSTS must name no loopback host. Pure (takes the file's text), so tests run it.
import { loopbackPatterns } from "../src/lib/loopback";

/** The `KEY = "value"` lines of the top-level [vars] table (the only shape wrangler.toml uses there). */
function readVars(toml: string): Map<string, string> {
  const vars = new Map<string, string>();
  let inVars = false;
  for (const line of toml.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed.startsWith("[")) {
      inVars = trimmed === "[vars]";
      continue;
    }
    const match = inVars ? trimmed.match(/^([A-Z0-9_]+)\s*=\s*"([^"]*)"/) : null;
    if (match?.[1]) vars.set(match[1], match[2] ?? "");
  }
  return vars;
}

/** Every reason the configuration must not be deployed; empty when it may. */
export function checkDeployConfig(toml: string): string[] {
  const vars = readVars(toml);
  const problems: string[] = [];
  const environment = vars.get("ENVIRONMENT");
  if (environment !== "production") {
    problems.push(`[vars] ENVIRONMENT is ${environment === undefined ? "missing" : `"${environment}"`}; a deploy needs "production"`);
  }
  const hosts = (vars.get("ALLOWED_UPSTREAM_HOSTS") ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  const loopback = loopbackPatterns(hosts);
  if (loopback.length > 0) {
    problems.push(`[vars] ALLOWED_UPSTREAM_HOSTS allows loopback hosts (${loopback.join(", ")}); remove them before deploying`);
  }
  if (/^\s*invocation_logs\s*=\s*true/m.test(toml)) {
    problems.push("[observability.logs] invocation_logs is true; invocation logs record full URLs, API keys included");
  }
  return problems;
}
