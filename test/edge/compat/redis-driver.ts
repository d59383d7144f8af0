// How the compatibility suite reaches an instance on the `redis` driver (the test redis-server),
// through the pooled transport (the default) or the direct one.
// One test file per client mode calls defineCompatSuite with it (see suite.ts for why).
import { tenant } from "../../helpers/api";
import type { CompatTarget } from "./context";

export async function connectRedisDriver(): Promise<CompatTarget> {
  // The free plan's per-key rate (1000 commands/s) would cut the 1000-command pipeline short;
  // rate limits have tests of their own, so this key carries a generous one.
  const t = await tenant({ rate_limit: { requests: 1_000_000, window_seconds: 1 } });
  return { url: t.url, token: t.key };
}

/** The same, on the direct transport (a fresh connection per request) instead of the default pool. */
export async function connectRedisDirect(): Promise<CompatTarget> {
  const t = await tenant({ rate_limit: { requests: 1_000_000, window_seconds: 1 } }, { transport: "direct" });
  return { url: t.url, token: t.key };
}
