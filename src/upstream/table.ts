// The driver table, runtime half: for each name in the catalog, how an instance of it is checked
// at creation and how the edge builds its driver. May import cloudflare:sockets (through the
// drivers); pure code imports ./catalog instead.
import type { DriverName } from "./catalog";
import type { CheckResult, DriverRuntime, SealedTarget, UpstreamDriver, UpstreamTarget } from "./driver";
import type { IsolationFindings } from "./isolation";
import { checkRedisUpstream } from "./redis/check";
import { DirectTransport } from "./redis/direct-transport";
import { RedisDriver } from "./redis/driver";
import { PooledTransport } from "./redis/pooled-transport";
import { probeRedisIsolation } from "./redis/probe";
import { checkUpstashUpstream } from "./upstash/check";
import { UpstashDriver } from "./upstash/driver";

export type DriverSpec = {
  /** Builds the driver the edge forwards through; `open` yields the plaintext target, once, on demand. */
  create(target: SealedTarget, open: () => Promise<UpstreamTarget>, runtime: DriverRuntime): Promise<UpstreamDriver>;
  /** Proves the upstream answers through the given credentials before an instance is saved. */
  check?(target: UpstreamTarget): Promise<CheckResult>;
  /**
   * After a passing check: what these credentials can reach beyond their own database, and which
   * server answered (for matching other organizations' instances). Harmless; never throws.
   */
  probe?(target: UpstreamTarget): Promise<IsolationFindings>;
};

export const DRIVERS: Record<DriverName, DriverSpec> = {
  redis: {
    create: async (target, open, runtime) =>
      new RedisDriver(
        target.transport === "direct" ? new DirectTransport(open) : new PooledTransport(target, runtime.pools),
        open,
        target.maxReplyBytes,
      ),
    check: checkRedisUpstream,
    probe: probeRedisIsolation,
  },
  upstash: { create: async (_target, open) => new UpstashDriver(await open()), check: checkUpstashUpstream },
};

/** The driver for an instance's sealed target; credentials are opened only where a driver uses them. */
export function createDriver(driver: DriverName, target: SealedTarget, runtime: DriverRuntime): Promise<UpstreamDriver> {
  let opened: Promise<UpstreamTarget> | undefined;
  const open = () => {
    opened ??= runtime.openTarget(target);
    return opened;
  };
  return DRIVERS[driver].create(target, open, runtime);
}
