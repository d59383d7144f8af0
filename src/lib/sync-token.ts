// Opaque read-your-writes tokens (`upstash-sync-token`). With a single primary there is nothing to
// wait for, so a fresh, increasing value per response is the whole contract the SDKs check.
let sequence = 0;
const isolate = Math.floor(Math.random() * 36 ** 4).toString(36);

/** A new token: time, isolate and a per-isolate counter, so two responses never share one. */
export function nextSyncToken(): string {
  sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
  return `rg1-${Date.now().toString(36)}-${isolate}-${sequence.toString(36)}`;
}
