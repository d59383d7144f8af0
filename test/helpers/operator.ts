// The deployment's first operator, made once per test file (D1 is fresh per file) through the
// bootstrap secret the test configuration sets, exactly as a real deployment makes it.
import { env } from "cloudflare:workers";
import { type Account, api, signUp, tenant } from "./api";

let first: Promise<Account> | undefined;

/** The file's operator: bootstrapped on first use, the same account afterwards. */
export function operator(): Promise<Account> {
  first ??= (async () => {
    const account = await signUp();
    const res = await api("POST", "/api/admin/bootstrap", { token: account.token, body: { secret: env.OPERATOR_BOOTSTRAP_SECRET } });
    if (res.status !== 200) throw new Error(`bootstrap failed: ${JSON.stringify(res.body)}`);
    return account;
  })();
  return first;
}

/**
 * Puts an organization on the enterprise plan (no quota, no rate limit) through the operator API,
 * for tests whose subject is not limits (big pipelines, the compatibility suite).
 */
export async function lift(orgId: string): Promise<void> {
  const op = await operator();
  const res = await api("PUT", `/api/admin/organizations/${orgId}/limits`, { token: op.token, body: { plan: "enterprise" } });
  if (res.status !== 200) throw new Error(`lifting limits failed: ${JSON.stringify(res.body)}`);
}

/** A tenant (as `tenant()`) whose organization is lifted before its key is minted, so the key may carry any rate. */
export function liftedTenant(keyBody: Record<string, unknown> = {}, instanceOverrides: Record<string, unknown> = {}) {
  return tenant(keyBody, instanceOverrides, lift);
}
