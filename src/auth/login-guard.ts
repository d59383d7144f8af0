// The sign-in limits, kept by LoginLimiter objects: failures per (account, address), per address,
// and per account (a much higher bar, which a browser trusted for that account does not count
// against or get stopped by). Only failures count, so the right password from a fresh address is
// never stopped by someone else guessing from theirs; a check in progress counts as a failure
// until it passes.
// An address is counted as its block (src/lib/address-block.ts): an IPv6 client can send from any
// of the 2^64 addresses of its /64, so counting each one apart would limit nothing.
import { addressBlock } from "../lib/address-block";
import type { LoginLimiter, WindowRule } from "./login-limiter";

export type LimiterNamespace = DurableObjectNamespace<LoginLimiter>;

const MINUTE = 60_000;
/** Windows and thresholds (README "Sign-in limits" states the same numbers). */
export const LOGIN_LIMITS = {
  pair: { limit: 5, windowMs: 15 * MINUTE },
  address: { limit: 30, windowMs: 15 * MINUTE },
  account: { limit: 100, windowMs: 60 * MINUTE },
} as const;

/** A client as the sign-in limits count it: the account's email, its address (counted as its block) and its trusted-device token's hash. */
export type LimitedClient = { email: string; ip: string; deviceHash: string | null };

const accountObject = (ns: LimiterNamespace, email: string) => ns.get(ns.idFromName(`account:${email}`));
const addressObject = (ns: LimiterNamespace, ip: string) => ns.get(ns.idFromName(`address:${addressBlock(ip)}`));
const pairScope = (client: LimitedClient) => `pair:${addressBlock(client.ip)}`;

function accountRules(client: LimitedClient, trusted: boolean): WindowRule[] {
  const rules: WindowRule[] = [{ scope: pairScope(client), ...LOGIN_LIMITS.pair }];
  if (!trusted) rules.push({ scope: "account", ...LOGIN_LIMITS.account });
  return rules;
}

const ADDRESS_RULES: WindowRule[] = [{ scope: "address", ...LOGIN_LIMITS.address }];
const scopesOf = (rules: WindowRule[]) => rules.map((rule) => rule.scope);

/**
 * Admits one password check (a sign-in, or the current password when changing it) for this client
 * on this account, or says how many seconds to wait (`retryAfter` > 0, nothing counted). An
 * admitted check counts as a failure from that moment, under every limit it is subject to, so
 * checks sent at once are admitted one by one up to the limit instead of all reading the same
 * count; `passed()` takes it back once the password proved right. A check that fails, or whose
 * Worker dies midway, stays counted.
 */
export async function admitPasswordCheck(ns: LimiterNamespace, client: LimitedClient, now: number) {
  const account = accountObject(ns, client.email);
  const address = addressObject(ns, client.ip);
  const trusted = client.deviceHash !== null && (await account.isTrusted(client.deviceHash, now));
  const rules = accountRules(client, trusted);
  const waits = await Promise.all([account.admit(rules, now), address.admit(ADDRESS_RULES, now)]);
  const takeBack = (fromAccount: boolean, fromAddress: boolean) =>
    Promise.all([fromAccount && account.release(scopesOf(rules), now), fromAddress && address.release(scopesOf(ADDRESS_RULES), now)]);
  const retryAfter = Math.max(...waits);
  // One object refused: the other's count of this check is taken back, as a refused check counts nowhere.
  if (retryAfter > 0) await takeBack(waits[0] === 0, waits[1] === 0);
  return { retryAfter, passed: async () => void (await takeBack(true, true)) };
}

/** After a sign-in: the (account, address) failures are forgotten and the device is trusted for the account. */
export async function recordLoginSuccess(ns: LimiterNamespace, client: LimitedClient, deviceHash: string, now: number) {
  const account = accountObject(ns, client.email);
  await Promise.all([account.clear(pairScope(client)), account.trust(deviceHash, now)]);
}

/**
 * A new password: no device stays trusted for the account but the one that set it (`keepHash`, the
 * hash of its device token, when it sent one), so the person who just proved the password (or held
 * the reset link) is not locked out by someone keeping the account-wide limit full.
 */
export async function forgetTrustedDevices(ns: LimiterNamespace, email: string, keepHash: string | null, now: number) {
  await accountObject(ns, email).forgetDevices(keepHash, now);
}
