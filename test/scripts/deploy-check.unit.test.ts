// The deploy path's configuration check (npm run deploy refuses what it reports).
import { describe, expect, it } from "vitest";
import { checkDeployConfig } from "../../scripts/deploy-check";

const toml = (environment: string, hosts: string, extra = "") =>
  `name = "redisgate"\n[vars]\nENVIRONMENT = "${environment}"\nALLOWED_UPSTREAM_HOSTS = "${hosts}"\n${extra}\n[observability]\nenabled = true\n`;

describe("checkDeployConfig", () => {
  it("accepts a production configuration without loopback hosts", () => {
    expect(checkDeployConfig(toml("production", "*.upstash.io,redis.example.com"))).toEqual([]);
  });

  it("refuses a development configuration", () => {
    expect(checkDeployConfig(toml("development", "*.upstash.io"))).toEqual([
      '[vars] ENVIRONMENT is "development"; a deploy needs "production"',
    ]);
  });

  it("refuses a missing ENVIRONMENT (a var outside [vars] does not count)", () => {
    expect(checkDeployConfig('ENVIRONMENT = "production"\n[vars]\nALLOWED_UPSTREAM_HOSTS = "*.upstash.io"\n')).toEqual([
      '[vars] ENVIRONMENT is missing; a deploy needs "production"',
    ]);
  });

  it.each(["127.0.0.1", "localhost", "::1", "0.0.0.0", "127.1.2.3", "[::1]", "dev.localhost"])("refuses loopback host %s", (host) => {
    expect(checkDeployConfig(toml("production", `*.upstash.io,${host}`))).toEqual([
      `[vars] ALLOWED_UPSTREAM_HOSTS allows loopback hosts (${host}); remove them before deploying`,
    ]);
  });

  it("refuses invocation logs switched on", () => {
    expect(checkDeployConfig(toml("production", "*.upstash.io", "[observability.logs]\ninvocation_logs = true"))).toEqual([
      "[observability.logs] invocation_logs is true; invocation logs record full URLs, API keys included",
    ]);
  });
});
