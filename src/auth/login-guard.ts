// The sign-in limits, kept by LoginLimiter objects: failures per (account, address), per address,
// and per account (a much higher bar, which a browser trusted for that account does not count
// against or get stopped by). Only failures count, so the right password from a fresh address is
// never stopped by someone else guessing from theirs.
import type { LoginLimiter, WindowRule } from "./login-limiter";

export type LimiterNamespace = DurableObjectNamespace<LoginLimiter>;

const MINUTE = 60_000;
/** Windows and thresholds (README "Sign-in limits" states the same numbers). */
export const LOGIN_LIMITS = {
  pair: { limit: 5, windowMs: 15 * MINUTE },
  address: { limit: 30, windowMs: 15 * MINUTE },
  account: { limit: 100, windowMs: 60 * MINUTE },
} as const;

export type LoginClient = { email: string; ip: string; deviceHash: string | null };

const accountObject = (ns: LimiterNamespace, email: string) => ns.get(ns.idFromName(`account:${email}`));
const addressObject = (ns: LimiterNamespace, ip: string) => ns.get(ns.idFromName(`address:${ip}`));

function accountRules(client: LoginClient, trusted: boolean): WindowRule[] {
  const rules: WindowRule[] = [{ scope: `pair:${client.ip}`, ...LOGIN_LIMITS.pair }];
  if (!trusted) rules.push({ scope: "account", ...LOGIN_LIMITS.account });
  return rules;
}

/** Seconds to wait before this client may try this account again (0: now), and whether its device is trusted. */
export async function checkLogin(ns: LimiterNamespace, client: LoginClient, now: number) {
  const account = accountObject(ns, client.email);
  const trusted = client.deviceHash !== null && (await account.isTrusted(client.deviceHash, now));
  const [forAccount, forAddress] = await Promise.all([
    account.retryAfter(accountRules(client, trusted), now),
    addressObject(ns, client.ip).retryAfter([{ scope: "address", ...LOGIN_LIMITS.address }], now),
  ]);
  return { retryAfter: Math.max(forAccount, forAddress), trusted };
}

/** Counts one failed attempt; a trusted device's failures do not count against the account-wide limit. */
export async function recordLoginFailure(ns: LimiterNamespace, client: LoginClient, trusted: boolean, now: number) {
  const scopes = trusted ? [`pair:${client.ip}`] : [`pair:${client.ip}`, "account"];
  await Promise.all([
    accountObject(ns, client.email).recordFailure(scopes, now),
    addressObject(ns, client.ip).recordFailure(["address"], now),
  ]);
}

/** After a success: the (account, address) failures are forgotten and the device is trusted for the account. */
export async function recordLoginSuccess(ns: LimiterNamespace, client: LoginClient, deviceHash: string, now: number) {
  const account = accountObject(ns, client.email);
  await Promise.all([account.clear(`pair:${client.ip}`), account.trust(deviceHash, now)]);
}

/** A new password: no device stays trusted for the account. */
export async function forgetTrustedDevices(ns: LimiterNamespace, email: string) {
  await accountObject(ns, email).forgetDevices();
}
