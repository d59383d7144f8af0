// The edge Redis REST data plane under /redis/<instanceId>: Upstash wire-compatible. The hot path
// is: token → verify (cached) → revoked? (cached KV) → instance (cached KV) → policy → one upstream
// call. It must never import D1 storage (enforced by biome's noRestrictedImports for src/edge).

import { Hono } from "hono";
import type { AppEnv } from "../env";
import { getConfig } from "../env";
import { describeErrorForLog } from "../lib/error-for-log";
import { isOwnSyncToken } from "../lib/sync-token";
import { Admission } from "../meter/admission";
import { meterFor } from "../meter/client";
import type { Refusal } from "../meter/leases";
import { type Arg, type CallOptions, type RefusedItem, streamLabel, type UpstreamDriver } from "../upstream/driver";
import { errorResponse } from "../upstream/upstash-response";
import { confineCommand } from "./confine";
import { EdgeGate } from "./gate";
import { CORS_HEADERS, extractToken, PREFLIGHT_HEADERS, readLimitedBody, replyFormat } from "./http";
import { type EdgeCall, methodRefusal, parseEdgeCall } from "./parse";
import { authorizeCommand, authorizeStream, keyLevel, type Permissions } from "./policy";
import { openBoundedStream, type StreamBounds, slotRenewalMs } from "./stream-guard";

const INSTANCE_ID = /^rdb_[a-z0-9]{20}$/;
const MAX_URL_BYTES = 16 * 1024;
const WRONGPASS = "WRONGPASS invalid or missing auth token";

export type EdgeOptions = { now?: () => number };

/**
 * The answer as it leaves the edge: CORS headers, no body for HEAD, and the client's sync token
 * kept where the answer is the edge's own (a refusal, a failure before the upstream answered): a
 * token of ours would replace the upstream's latest one the client holds, and is never forwarded to
 * an `upstash` instance's upstream. (For a `redis` instance every token is ours: nothing changes.)
 */
function finish(response: Response, head: boolean, clientToken: string | null): Response {
  const keepClientToken =
    clientToken !== null && !isOwnSyncToken(clientToken) && isOwnSyncToken(response.headers.get("upstash-sync-token") ?? "");
  const decorate = (headers: Headers) => {
    for (const [k, v] of Object.entries(CORS_HEADERS)) headers.set(k, v);
    if (keepClientToken) headers.set("upstash-sync-token", clientToken);
  };
  if (!head) {
    try {
      decorate(response.headers);
      return response;
    } catch {
      // immutable headers (a fetched response): copy below
    }
  }
  const headers = new Headers(response.headers);
  decorate(headers);
  return new Response(head ? null : response.body, { status: response.status, headers });
}

function log(requestId: string, event: string, detail: Record<string, unknown>) {
  console.log(JSON.stringify({ level: "info", face: "edge", requestId, event, ...detail }));
}

/** Applies the key's policy to the call, confines it to the instance's database and hands it to the driver. */
async function dispatch(
  call: EdgeCall,
  driver: UpstreamDriver,
  permissions: Permissions,
  options: CallOptions,
  streamBounds: () => Omit<StreamBounds, "label">,
): Promise<Response> {
  const check = (command: Arg[]) => authorizeCommand(command, permissions);
  switch (call.kind) {
    case "command": {
      const refusal = check(call.command);
      return refusal ? errorResponse(refusal.status, refusal.error) : driver.command(confineCommand(call.command), options);
    }
    case "pipeline": {
      const items = call.commands.map((c): Arg[] | RefusedItem => {
        const refusal = check(c);
        return refusal ? { refused: refusal.error } : confineCommand(c);
      });
      return driver.pipeline(items, options);
    }
    case "transaction": {
      for (const [i, c] of call.commands.entries()) {
        const refusal = check(c);
        if (refusal) return errorResponse(refusal.status, `${refusal.error} (command ${i + 1}; the transaction was not run)`);
      }
      return driver.transaction(call.commands.map(confineCommand), options);
    }
    case "subscribe":
    case "psubscribe":
    case "monitor": {
      const refusal = authorizeStream(call.kind, permissions);
      if (refusal) return errorResponse(refusal.status, refusal.error);
      const targets = call.kind === "monitor" ? [] : call.targets;
      return openBoundedStream({ ...streamBounds(), label: streamLabel(targets) }, () => driver.stream(call.kind, targets, options));
    }
  }
}

/** Pipelines and transactions count by command against rate limits and quotas (Upstash's rule). */
function commandCount(call: EdgeCall): number {
  return call.kind === "pipeline" || call.kind === "transaction" ? call.commands.length : 1;
}

function limitMessage(refusal: Refusal): string {
  if (refusal.reason === "key_quota_exceeded") {
    return `ERR max daily request limit exceeded for this key. Limit: ${refusal.limit}, Usage: ${refusal.used}`;
  }
  return refusal.reason === "quota_exceeded"
    ? `ERR max daily request limit exceeded. Limit: ${refusal.limit}, Usage: ${refusal.used}`
    : `ERR rate limit exceeded for this key: ${refusal.limit} commands per window. Retry after ${refusal.retryAfterSeconds} s`;
}

/** Builds the edge app. `now` is injectable so tests can move time through the cache windows. */
export function createEdge(options: EdgeOptions = {}) {
  const now = options.now ?? Date.now;
  const gate = new EdgeGate({ now });
  const admission = new Admission();
  const edge = new Hono<AppEnv>();
  // The edge speaks Upstash's { error } even when something unexpected breaks.
  edge.onError((error, c) => {
    const requestId = c.get("requestId");
    console.error(JSON.stringify({ level: "error", face: "edge", requestId, message: describeErrorForLog(error) }));
    return finish(errorResponse(500, `ERR internal error (request ${requestId})`), false, null);
  });

  edge.all("*", async (c) => {
    const request = c.req.raw;
    const head = request.method === "HEAD";
    const url = new URL(request.url);
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: PREFLIGHT_HEADERS });
    const clientToken = request.headers.get("upstash-sync-token") || null;
    const reply = (status: number, error: string) => finish(errorResponse(status, error), head, clientToken);
    const wrongMethod = methodRefusal(request.method);
    if (wrongMethod) return reply(405, wrongMethod); // before auth: costs nothing, reveals nothing
    if (url.pathname.length + url.search.length > MAX_URL_BYTES) return reply(414, `ERR the request URL exceeds ${MAX_URL_BYTES} bytes`);

    const config = getConfig(c.env);
    const token = extractToken(request.headers.get("authorization"), url);
    if (!token) return reply(401, WRONGPASS);
    const verified = await gate.verify(config, c.env.API_KEY_SIGNING_KEYS, token);
    if (!verified.ok) {
      log(c.get("requestId"), "key_rejected", { reason: verified.reason });
      return reply(401, WRONGPASS);
    }
    const claims = verified.claims;
    const match = url.pathname.match(/^\/redis\/([^/]*)(.*)$/);
    const instanceId = match?.[1] ?? "";
    const [instance, revoked] = await Promise.all([
      INSTANCE_ID.test(instanceId) ? gate.instance(c.env.DIRECTORY, config, c.env.REDIS_POOL, instanceId) : null,
      gate.isRevoked(c.env.DIRECTORY, claims.sub),
    ]);
    if (revoked) return reply(401, "WRONGPASS this API key has been revoked");
    if (!instance || instance.record.organization_id !== claims.org) return reply(404, `ERR instance ${instanceId || "(none)"} not found`);
    if (claims.instances && !claims.instances.includes(instanceId)) {
      return reply(403, `NOPERM this key is not allowed to use instance ${instanceId}`);
    }
    if (instance.record.suspended) return reply(403, `ERR organization ${claims.org} is suspended; contact the operator`);
    if (instance.record.disabled) return reply(403, `ERR instance ${instanceId} is disabled`);

    const limit = instance.limits.max_request_bytes;
    const body = await readLimitedBody(request, limit);
    if (!body.ok) return reply(413, `ERR max request size exceeded (${limit} bytes)`);
    const query = [...url.searchParams].filter(([k]) => k !== "_token");
    const parsed = parseEdgeCall(request.method, match?.[2] ?? "", query, body.body, instance.limits.max_pipeline_commands);
    if (!parsed.ok) return reply(parsed.status, parsed.error);
    const format = replyFormat(request.headers);
    if (typeof format === "object") return reply(400, format.error);

    const meterStarted = performance.now();
    let admitted: Awaited<ReturnType<Admission["admit"]>>;
    try {
      admitted = await admission.admit(
        (orgId) => meterFor(c.env.USAGE_METER, orgId),
        { orgId: claims.org, keyId: claims.sub, instanceId, commands: commandCount(parsed.call), now: now() },
        (work) => c.executionCtx.waitUntil(work),
      );
    } catch (error) {
      log(c.get("requestId"), "meter_unavailable", { message: describeErrorForLog(error) });
      const unavailable = reply(503, "ERR the usage meter is unavailable; retry shortly");
      unavailable.headers.set("retry-after", "1");
      return unavailable;
    }
    // How this request was admitted: from the isolate's lease, or by awaiting the meter (the bench counts these).
    const meterTiming = `meter;dur=${(performance.now() - meterStarted).toFixed(1)};desc=${admitted.awaited ? "awaited" : "lease"}`;
    if (!admitted.ok) {
      const refusal = finish(errorResponse(429, limitMessage(admitted)), head, clientToken);
      refusal.headers.set("retry-after", String(admitted.retryAfterSeconds));
      refusal.headers.set("server-timing", meterTiming);
      return refusal;
    }

    const callOptions: CallOptions = { format, syncToken: clientToken };
    const permissions: Permissions = {
      level: keyLevel(claims.scopes),
      allowAdmin: instance.record.allow_admin,
      allowScripts: instance.record.allow_scripts,
    };
    // Built only for a stream: the hot path's commands never pay for it.
    const streamBounds = () => ({
      namespace: c.env.STREAM_SLOTS,
      instanceId,
      keyId: claims.sub,
      limits: instance.limits,
      renewEveryMs: slotRenewalMs(config.SSE_HEARTBEAT_MS),
      // What opening it checked, checked again while it runs (through the same caches and windows).
      refusal: async () => {
        if (claims.exp * 1000 <= now()) return "WRONGPASS this API key has expired";
        if (await gate.isRevoked(c.env.DIRECTORY, claims.sub)) return "WRONGPASS this API key has been revoked";
        const current = await gate.instance(c.env.DIRECTORY, config, c.env.REDIS_POOL, instanceId);
        if (!current || current.record.organization_id !== claims.org) return `ERR instance ${instanceId} not found`;
        if (current.record.suspended) return `ERR organization ${claims.org} is suspended; contact the operator`;
        if (current.record.disabled) return `ERR instance ${instanceId} is disabled`;
        return null;
      },
      background: (work: Promise<unknown>) => c.executionCtx.waitUntil(work),
      // Only a stream refused for want of a slot pays this call.
      countRefusal: () =>
        meterFor(c.env.USAGE_METER, claims.org)
          .countRefused(claims.sub, now())
          .catch((error: unknown) => log(c.get("requestId"), "meter_unavailable", { message: describeErrorForLog(error) })),
    });
    const dispatched = await dispatch(parsed.call, instance.driver, permissions, callOptions, streamBounds);
    // A HEAD answer has no body: the one made is cancelled, so a stream frees its Redis connection and its slot first.
    if (head) await dispatched.body?.cancel().catch(() => {});
    const response = finish(dispatched, head, clientToken);
    response.headers.set("server-timing", meterTiming);
    return response;
  });

  return edge;
}
