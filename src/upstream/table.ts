// The driver table, runtime half: for each name in the catalog, how an instance of it is checked
// at creation and how the edge builds its driver. May import cloudflare:sockets (through the
// drivers); pure code imports ./catalog instead.
import type { DriverName } from "./catalog";
import type { CheckResult, UpstreamDriver, UpstreamTarget } from "./driver";
import type { IsolationFindings } from "./isolation";
import { checkRedisUpstream } from "./redis/check";
import { RedisDriver } from "./redis/driver";
import { probeRedisIsolation } from "./redis/probe";
import { checkUpstashUpstream } from "./upstash/check";
import { UpstashDriver } from "./upstash/driver";

export type DriverSpec = {
  /** Builds the driver the edge forwards through. */
  create(target: UpstreamTarget): UpstreamDriver;
  /** Proves the upstream answers through the given credentials before an instance is saved. */
  check?(target: UpstreamTarget): Promise<CheckResult>;
  /**
   * After a passing check: what these credentials can reach beyond their own database, and which
   * server answered (for matching other organizations' instances). Harmless; never throws.
   */
  probe?(target: UpstreamTarget): Promise<IsolationFindings>;
};

export const DRIVERS: Record<DriverName, DriverSpec> = {
  redis: { create: (target) => new RedisDriver(target), check: checkRedisUpstream, probe: probeRedisIsolation },
  upstash: { create: (target) => new UpstashDriver(target), check: checkUpstashUpstream },
};

/** The driver for an instance's target. */
export function createDriver(driver: DriverName, target: UpstreamTarget): UpstreamDriver {
  return DRIVERS[driver].create(target);
}
