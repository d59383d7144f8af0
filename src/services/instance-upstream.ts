// An instance's upstream as the management side handles it: validating a new endpoint against the
// driver's rules and the allowed hosts, checking it answers through the given credentials, probing
// what those credentials reach, and sealing the credentials
// (never stored or returned in the clear); and opening the stored ones again for a later check.
import { AppError } from "../errors";
import { deriveAeadKey, open, seal } from "../lib/aead";
import { CREDENTIALS_PURPOSE } from "../storage/directory";
import type { InstanceRow } from "../storage/instances";
import { type DriverName, parseEndpoint, type UpstreamCredentials } from "../upstream/catalog";
import type { UpstreamTarget } from "../upstream/driver";
import { DRIVERS } from "../upstream/table";
import type { ServiceContext } from "./context";
import { probeIsolation } from "./instance-isolation";

function upstreamTarget(
  ctx: ServiceContext,
  instanceId: string,
  endpoint: string,
  credentials: UpstreamCredentials | null,
): UpstreamTarget {
  return {
    instanceId,
    endpoint,
    credentials,
    timeoutMs: ctx.config.UPSTREAM_TIMEOUT_MS,
    heartbeatMs: 0,
    maxReplyBytes: ctx.config.limits.defaults.max_reply_bytes,
    maxReplyElements: ctx.config.limits.defaults.max_reply_elements,
  };
}

/** The stored upstream of an instance with its credentials opened, for a check run by the management side. */
export async function openStoredTarget(ctx: ServiceContext, row: InstanceRow): Promise<UpstreamTarget> {
  const key = await deriveAeadKey(ctx.config.ENCRYPTION_KEY, CREDENTIALS_PURPOSE);
  const sealed = row.credentialsCiphertext;
  const credentials = sealed ? (JSON.parse(await open(key, sealed, row.id)) as UpstreamCredentials) : null;
  return upstreamTarget(ctx, row.id, row.endpoint, credentials);
}

/** Runs the driver's creation check. @throws AppError unprocessable_entity with the upstream's reason. */
async function checkUpstream(driver: DriverName, target: UpstreamTarget): Promise<void> {
  const check = await DRIVERS[driver].check?.(target);
  if (check && !check.ok) {
    throw new AppError("unprocessable_entity", `The upstream did not accept a PING with these credentials: ${check.reason}`, [
      { path: "endpoint", message: check.reason },
    ]);
  }
}

/**
 * Validates, checks and probes a new endpoint and seals the credentials: everything an attached or
 * re-pointed instance stores about its upstream. The shared-server policy is applied by the batch
 * that stores it (serverGuard in ./instance-isolation.ts).
 */
export async function resolveEndpoint(ctx: ServiceContext, instanceId: string, driver: DriverName, endpoint: string, token?: string) {
  const parsed = parseEndpoint(driver, endpoint, token, {
    allowedHosts: ctx.config.ALLOWED_UPSTREAM_HOSTS,
    allowPlainHttp: ctx.config.ENVIRONMENT !== "production",
  });
  if (!parsed.ok)
    throw new AppError("invalid_request", `${parsed.path} ${parsed.message}.`, [{ path: parsed.path, message: parsed.message }]);
  const target = upstreamTarget(ctx, instanceId, parsed.endpoint, parsed.credentials);
  await checkUpstream(driver, target);
  const isolation = await probeIsolation(driver, target);
  const key = await deriveAeadKey(ctx.config.ENCRYPTION_KEY, CREDENTIALS_PURPOSE);
  const ciphertext = parsed.credentials ? await seal(key, JSON.stringify(parsed.credentials), instanceId) : null;
  return { endpoint: parsed.endpoint, credentialsCiphertext: ciphertext, credentialHint: parsed.hint, ...isolation };
}

/** Transport and region choose how the `redis` driver reaches its server; other drivers have neither. */
export function refusePlacement(driver: DriverName, input: { transport?: unknown; region?: unknown }): void {
  if (driver === "redis") return;
  const field = input.transport !== undefined ? "transport" : input.region !== undefined ? "region" : null;
  if (field)
    throw new AppError("invalid_request", `${field} is only for the redis driver.`, [
      { path: field, message: "only for the redis driver" },
    ]);
}

/**
 * Checks the stored upstream answers through its credentials again and probes what they reach now.
 * @throws AppError unprocessable_entity with the upstream's reason.
 */
export async function recheckStoredUpstream(ctx: ServiceContext, row: InstanceRow) {
  const target = await openStoredTarget(ctx, row);
  await checkUpstream(row.driver, target);
  return probeIsolation(row.driver, target);
}
