// Opaque read-your-writes tokens (`upstash-sync-token`). With a single primary there is nothing to
// wait for, so a fresh, increasing value per response is the whole contract the SDKs check.
let sequence = 0;
const isolate = Math.floor(Math.random() * 36 ** 4).toString(36);

const OWN_PREFIX = "rg1-";

/** Whether a token is one of ours: an `upstash` instance's upstream never sees one (it could not read it). */
export const isOwnSyncToken = (token: string) => token.startsWith(OWN_PREFIX);

/** A new token: time, isolate and a per-isolate counter, so two responses never share one. */
export function nextSyncToken(): string {
  sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
  return `${OWN_PREFIX}${Date.now().toString(36)}-${isolate}-${sequence.toString(36)}`;
}
