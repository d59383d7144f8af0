// One runner, four projects:
// - unit:    pure modules in plain Node (no workerd): `test/**/*.unit.test.ts`;
// - workerd: the Worker inside workerd with miniflare's real D1, KV and Durable Objects, against a
//            real redis-server and a second RedisGate (the upstash driver's upstream) that
//            test/setup/global.ts starts;
// - node:    real clients (@upstash/redis) over real HTTP against `wrangler dev` stacks that
//            test/node/setup.ts starts: the wire-compatibility suite and the quick start;
// - browser: the dashboard in Debian's Chromium (test/e2e) against its own `wrangler dev` stack;
//            `npm test` runs it after the other three (`vitest run --project browser`).
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { LongestFirst } from "./test/setup/sequencer.ts";

function signingKeySet(): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  return JSON.stringify({ keys: [{ ...jwk, kid: "test-ed25519-1", alg: "EdDSA", use: "sig" }] });
}

const UNIT = "test/**/*.unit.test.ts";

export default defineConfig({
  test: {
    // Test files wait far more than they compute (Redis round trips, wrangler dev over HTTP, busy
    // thresholds, stream heartbeats), and vitest's default on 2 cores is one file at a time. Every
    // file makes its own accounts, organizations, keys and Redis keys (and ACL users), and the
    // servers whose state a test changes (the busy Redis, fault proxies) are its own, so files run
    // side by side. A test must not depend on how fast the machine is: one that needs N requests at
    // the same place at once puts them there itself (see the pool cap test), not through the edge.
    maxWorkers: 3,
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        test: { name: "unit", environment: "node", include: [UNIT] },
      },
      {
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            main: "./src/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                // wrangler.toml is production; the tests reach their redis-server and fault servers on loopback.
                ENVIRONMENT: "test",
                ALLOWED_UPSTREAM_HOSTS: "127.0.0.1,localhost,::1,*.upstash.io",
                API_KEY_SIGNING_KEYS: signingKeySet(),
                ENCRYPTION_KEY: randomBytes(32).toString("base64"),
                OPERATOR_BOOTSTRAP_SECRET: "test-operator-bootstrap-secret-0123456789",
                TEST_REDIS_URL: inject("redisUrl"),
                TEST_REDIS_ACL_URL: inject("redisAclUrl"),
                TEST_REDIS_PASSWORD_URL: inject("redisPasswordUrl"),
                TEST_REDIS_BUSY_URL: inject("redisBusyUrl"),
                TEST_BLACKHOLE_URL: inject("blackholeUrl"),
                TEST_FAULT_URL: inject("faultUrl"),
                TEST_FAULT_PROXY_URL: inject("faultProxyUrl"),
                TEST_UPSTREAM_URL: inject("upstreamUrl"),
                TEST_UPSTREAM_TOKEN: inject("upstreamToken"),
                TEST_UPSTREAM_BASE: inject("upstreamBase"),
                TEST_COUNTING_PROXY_URL: inject("countingProxyUrl"),
                // Short, so the upstream-timeout tests do not wait 10 s.
                UPSTREAM_TIMEOUT_MS: "2000",
                // Short, so a vanished stream client is noticed (and its Redis connection closed) quickly.
                SSE_HEARTBEAT_MS: "200",
                // Low, so a test can fill a pool object and see its 503.
                REDIS_POOL_MAX_REQUESTS: "40",
                TEST_MIGRATIONS: await readD1Migrations(fileURLToPath(new URL("./migrations", import.meta.url))),
              },
            },
          })),
        ],
        test: {
          name: "workerd",
          include: ["test/**/*.test.ts"],
          exclude: [UNIT, "test/node/**", "test/e2e/**"],
          globalSetup: ["./test/setup/global.ts"],
          setupFiles: ["./test/setup/apply-migrations.ts"],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts"],
          exclude: [UNIT],
          globalSetup: ["./test/node/setup.ts"],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "browser",
          environment: "node",
          include: ["test/e2e/**/*.e2e.test.mjs"],
          globalSetup: ["./test/e2e/setup.mjs"],
          // A scenario drives several pages and waits on the UI with its own deadlines.
          testTimeout: 180_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
