// A key's own rate limit as the keys page edits it: parsed from the form, checked against the
// organization's default (a key may be stricter, never looser). Pure.

export type Rate = { requests: number; window_seconds: 1 | 60 };
/** A rate as the API reports it (a key's or the organization's). */
export type ShownRate = { requests: number; window_seconds: number | null } | null;
export type RateParse = { ok: true; rate: Rate | null } | { ok: false; message: string };

export function describeRate(rate: ShownRate): string {
  if (!rate) return "organization default";
  return `${rate.requests.toLocaleString("en-GB")} per ${rate.window_seconds === 1 ? "second" : "minute"}`;
}

/** Reads the form's requests ("" for the organization's default) and window, within `orgRate`. */
export function parseRate(requests: string, window: string, orgRate: ShownRate): RateParse {
  if (requests.trim() === "") return { ok: true, rate: null };
  const n = Number(requests);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) return { ok: false, message: "Requests must be a whole number from 1 to 1,000,000." };
  const windowSeconds = window === "60" ? 60 : 1;
  if (orgRate && n / windowSeconds > orgRate.requests / (orgRate.window_seconds ?? 1)) {
    return { ok: false, message: `The organization allows at most ${describeRate(orgRate)}; a key may be stricter, not looser.` };
  }
  return { ok: true, rate: { requests: n, window_seconds: windowSeconds } };
}
