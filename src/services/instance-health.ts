// An instance's health as of now: its driver's check (a PING through the stored credentials) run
// from the management side, timed. Never stores anything, never returns or logs credentials: a
// failure is told in the driver's words, which name the address and never the secret.
import { AppError } from "../errors";
import { DRIVERS } from "../upstream/table";
import type { ServiceContext } from "./context";
import { openStoredTarget } from "./instance-upstream";
import { getInstance } from "./instances";
import type { OrgAccess } from "./organizations";

export type InstanceHealth = {
  /** True when the upstream answered PONG through the stored credentials. */
  ok: boolean;
  /** Milliseconds the check took from this Worker, answered or not (whole milliseconds). */
  latency_ms: number;
  checked_at: string;
  /** Why the check failed (unreachable, timed out, credentials refused…); absent when ok. */
  error?: string;
};

/**
 * PINGs the instance's upstream now through its driver's check: for `redis` a fresh connection
 * (connect, AUTH, SELECT, PING, as a direct-transport request pays), for `upstash` one HTTPS
 * request. An upstream that does not answer is a result (`ok: false`), not an error: the check
 * itself ran. Disabled instances are checked too (disabling refuses clients, not the server).
 * @throws AppError not_found for another organization's id; unprocessable_entity for a driver
 * without a check.
 */
export async function checkInstanceHealth(ctx: ServiceContext, access: OrgAccess, id: string): Promise<InstanceHealth> {
  const row = await getInstance(ctx, access, id);
  const check = DRIVERS[row.driver].check;
  if (!check) throw new AppError("unprocessable_entity", `The ${row.driver} driver has no health check.`);
  const target = await openStoredTarget(ctx, row);
  const started = Date.now();
  const result = await check(target);
  const finished = Date.now();
  const health: InstanceHealth = {
    ok: result.ok,
    latency_ms: Math.max(0, finished - started),
    checked_at: new Date(finished).toISOString(),
  };
  if (!result.ok) health.error = result.reason;
  return health;
}
