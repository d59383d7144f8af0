// The driver table, runtime half: for each name in the catalog, how an instance of it is checked
// at creation and how the edge builds its driver. May import cloudflare:sockets (through the
// drivers); pure code imports ./catalog instead.
import type { DriverName } from "./catalog";
import type { CheckResult, UpstreamDriver, UpstreamTarget } from "./driver";
import { RedisDriver } from "./redis/driver";
import { checkUpstashUpstream } from "./upstash/check";
import { UpstashDriver } from "./upstash/driver";

export type DriverSpec = {
  /** Builds the driver the edge forwards through. */
  create(target: UpstreamTarget): UpstreamDriver;
  /** Proves the upstream answers through the given credentials before an instance is saved. */
  check?(target: UpstreamTarget): Promise<CheckResult>;
};

export const DRIVERS: Record<DriverName, DriverSpec> = {
  redis: { create: (target) => new RedisDriver(target) },
  upstash: { create: (target) => new UpstashDriver(target), check: checkUpstashUpstream },
};

/** The driver for an instance's target. */
export function createDriver(driver: DriverName, target: UpstreamTarget): UpstreamDriver {
  return DRIVERS[driver].create(target);
}
