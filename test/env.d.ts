// Bindings the test configuration (vitest.config.ts) adds on top of wrangler.toml's.
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    TEST_REDIS_URL: string;
    TEST_REDIS_ACL_URL: string;
    TEST_REDIS_PASSWORD_URL: string;
    TEST_REDIS_BUSY_URL: string;
    TEST_BLACKHOLE_URL: string;
    TEST_FAULT_URL: string;
    TEST_FAULT_PROXY_URL: string;
    TEST_UPSTREAM_URL: string;
    TEST_UPSTREAM_TOKEN: string;
    TEST_UPSTREAM_BASE: string;
    TEST_COUNTING_PROXY_URL: string;
  }
}
