// Bounds a streaming response (/subscribe, /psubscribe, /monitor): it holds a slot of the
// instance's StreamSlots object for its whole life (renewing the lease), and ends with an SSE error
// event, so the client's error handler runs, after the instance's maximum lifetime, when its key or
// instance stops allowing it (checked at each renewal), or when its upstream breaks.
import type { WorkLimits } from "../env";
import { utf8 } from "../lib/encoding";
import { type StreamSlotsNamespace, streamSlotsFor } from "../meter/client";
import { STREAM_LEASE_MS } from "../meter/stream-slots";
import { streamErrorEvent } from "../upstream/driver";
import { errorResponse } from "../upstream/upstash-response";

export type StreamBounds = {
  namespace: StreamSlotsNamespace;
  instanceId: string;
  keyId: string;
  /** The instance's effective limits: max_streams_per_key, max_streams_per_instance, max_stream_seconds. */
  limits: WorkLimits;
  /** What the stream listens to, named in the error event (`@upstash/redis` reads "error,<channel>,<text>"). */
  label: string;
  /** Counts a refusal (no free slot) with the key's usage; never throws. */
  countRefusal: () => Promise<void>;
  /** How often the slot's lease is renewed (slotRenewalMs), and the access below checked again. */
  renewEveryMs: number;
  /**
   * Why the stream may no longer run (its key revoked or expired, its instance disabled, suspended
   * or gone), or null; asked at each renewal. A failure to find out is not a reason to end it.
   */
  refusal: () => Promise<string | null>;
  /** Keeps work running past the response (waitUntil): the stream's life, so a hang-up still releases its slot. */
  background: (work: Promise<unknown>) => void;
};

/**
 * A slot is renewed every ten heartbeats (20 s with the default SSE_HEARTBEAT_MS), and at least
 * three times a lease, so one failed renewal never lets it lapse.
 */
export const slotRenewalMs = (heartbeatMs: number) => Math.min(STREAM_LEASE_MS / 3, 10 * heartbeatMs);

/** The closing event of a stream whose slot lapsed (given away, or its renewals failed for a lease). */
function lostSlotEvent(bounds: StreamBounds): Uint8Array {
  const text = `ERR this stream lost its slot among the instance's concurrent streams (the slot could not be renewed); subscribe again to continue`;
  return utf8.encode(streamErrorEvent(bounds.label, text));
}

/** The closing event of a stream that reached its maximum lifetime. */
function lifetimeEvent(bounds: StreamBounds): Uint8Array {
  const text = `ERR this stream reached its maximum lifetime of ${bounds.limits.max_stream_seconds} s on this instance; subscribe again to continue`;
  return utf8.encode(streamErrorEvent(bounds.label, text));
}

/** The closing event of a stream its key or instance no longer allows. */
function refusedEvent(bounds: StreamBounds, reason: string): Uint8Array {
  return utf8.encode(streamErrorEvent(bounds.label, `${reason}; this stream was closed`));
}

/** The closing event of a stream whose upstream broke (the connection failed mid-stream). */
function brokenEvent(bounds: StreamBounds): Uint8Array {
  const text = `ERR the upstream of instance ${bounds.instanceId} broke off this stream; subscribe again to continue`;
  return utf8.encode(streamErrorEvent(bounds.label, text));
}

/** Opens the stream when a slot is free (else 429 with Retry-After) and bounds it in time. */
export async function openBoundedStream(bounds: StreamBounds, open: () => Promise<Response>): Promise<Response> {
  const slots = streamSlotsFor(bounds.namespace, bounds.instanceId);
  const leaseId = crypto.randomUUID();
  let slot: Awaited<ReturnType<typeof slots.acquire>>;
  try {
    slot = await slots.acquire({
      leaseId,
      keyId: bounds.keyId,
      perKey: bounds.limits.max_streams_per_key,
      perInstance: bounds.limits.max_streams_per_instance,
    });
  } catch {
    // Nothing was opened: like an unreachable usage meter, a 503 the client may retry.
    const unavailable = errorResponse(503, `ERR the stream slots of instance ${bounds.instanceId} are unavailable; retry shortly`);
    unavailable.headers.set("retry-after", "1");
    return unavailable;
  }
  if (!slot.ok) {
    const who = slot.scope === "key" ? "for this key on" : "on";
    const refusal = errorResponse(
      429,
      `ERR too many concurrent streams ${who} instance ${bounds.instanceId} (the limit is ${slot.limit}); close one or retry after ${slot.retryAfterSeconds} s`,
    );
    refusal.headers.set("retry-after", String(slot.retryAfterSeconds));
    await bounds.countRefusal();
    return refusal;
  }
  let released = false;
  // The stream's whole life is held open with waitUntil: when a client hangs up, the runtime ends
  // the request, and without it tears the stream down at once, with no callback, so the slot
  // stayed taken until its lease lapsed (a minute). Held, the hang-up cancels the stream, which
  // releases the slot.
  let settle = () => {};
  bounds.background(new Promise<void>((resolve) => (settle = resolve)));
  const release = async () => {
    if (released) return;
    released = true;
    await slots.release(leaseId).catch(() => {});
    settle();
  };
  let response: Response;
  try {
    response = await open();
  } catch (error) {
    await release();
    throw error;
  }
  if (!response.ok || !response.body) {
    await release();
    return response;
  }
  const renew = () => slots.renew(leaseId);
  return new Response(bound(response.body, bounds, renew, release), { status: response.status, headers: response.headers });
}

function bound(
  upstream: ReadableStream<Uint8Array>,
  bounds: StreamBounds,
  renew: () => Promise<boolean>,
  release: () => Promise<void>,
): ReadableStream<Uint8Array> {
  const reader = upstream.getReader();
  let renewal: ReturnType<typeof setInterval> | undefined;
  let lifetime: ReturnType<typeof setTimeout> | undefined;
  let ended = false;
  const end = async () => {
    ended = true;
    clearInterval(renewal);
    clearTimeout(lifetime);
    reader.cancel().catch(() => {});
    await release();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      /** Ends the stream with `event` after what it sent; the slot is free before the client sees it, so it can subscribe again at once. */
      const close = async (event: Uint8Array) => {
        if (ended) return;
        await end();
        try {
          controller.enqueue(event);
          controller.close();
        } catch {
          // the client went away meanwhile
        }
      };
      // A slot that lapsed may count another stream already: this one must not go on past the limit.
      // A renewal that fails is tried again at the next tick, until the lease would have lapsed.
      let renewed = Date.now();
      renewal = setInterval(async () => {
        const [held, refused] = await Promise.all([renew().catch(() => null), bounds.refusal().catch(() => null)]);
        if (refused) await close(refusedEvent(bounds, refused));
        else if (held) renewed = Date.now();
        else if (held === false || Date.now() - renewed >= STREAM_LEASE_MS) await close(lostSlotEvent(bounds));
      }, bounds.renewEveryMs);
      lifetime = setTimeout(() => void close(lifetimeEvent(bounds)), bounds.limits.max_stream_seconds * 1000);
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (ended) return;
        if (done) {
          await end();
          controller.close();
        } else controller.enqueue(value);
      } catch {
        // The upstream's body broke: said as an error event, so the client's handler runs.
        if (ended) return;
        await end();
        try {
          controller.enqueue(brokenEvent(bounds));
          controller.close();
        } catch {
          // the client went away meanwhile
        }
      }
    },
    async cancel() {
      await end();
    },
  });
}
