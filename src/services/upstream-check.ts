// Checks an upstash-driver endpoint and token with a PING before an instance is saved, so a typo
// in the URL or token is a 422 at creation time instead of 502s at the edge later.
import { UpstashDriver } from "../upstream/upstash";
import type { UpstreamCredentials } from "./upstream-endpoint";

export type CheckResult = { ok: true } | { ok: false; reason: string };

/** Sends one PING through the same driver the edge will use; never throws. */
export async function checkUpstashUpstream(
  instanceId: string,
  endpoint: string,
  credentials: UpstreamCredentials | null,
  timeoutMs: number,
): Promise<CheckResult> {
  const driver = new UpstashDriver({ instanceId, endpoint, credentials, timeoutMs, heartbeatMs: 0 });
  const response = await driver.command(["PING"], { format: "json", syncToken: null });
  const body = (await response.json().catch(() => null)) as { result?: unknown; error?: unknown } | null;
  if (response.status === 200 && body?.result === "PONG") return { ok: true };
  const said = typeof body?.error === "string" ? body.error : `HTTP ${response.status}`;
  return { ok: false, reason: said };
}
