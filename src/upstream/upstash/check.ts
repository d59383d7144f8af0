// Checks an upstash-driver endpoint and token with a PING before an instance is saved, so a typo
// in the URL or token is a 422 at creation time instead of 502s at the edge later.
import type { CheckResult, UpstreamTarget } from "../driver";
import { UpstashDriver } from "./driver";

/** Sends one PING through the same driver the edge will use; never throws. */
export async function checkUpstashUpstream(target: UpstreamTarget): Promise<CheckResult> {
  const response = await new UpstashDriver(target).command(["PING"], { format: "json", syncToken: null });
  const body = (await response.json().catch(() => null)) as { result?: unknown; error?: unknown } | null;
  if (response.status === 200 && body?.result === "PONG") return { ok: true };
  const said = typeof body?.error === "string" ? body.error : `HTTP ${response.status}`;
  return { ok: false, reason: said };
}
