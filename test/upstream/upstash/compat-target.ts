// How the compatibility suite reaches an instance on the `upstash` driver: client → edge (upstash
// driver) → a second RedisGate in its own workerd (redis driver) → the test redis-server. The same
// groups run through it as through the redis driver (test/upstream/upstash/compat.test.ts).
import { env } from "cloudflare:workers";
import type { CompatTarget } from "../../compat/context";
import { api, createOrg, mintKey, ORIGIN, signUp, unique } from "../../helpers/api";

export async function connectUpstashDriver(): Promise<CompatTarget> {
  const account = await signUp();
  const orgId = await createOrg(account);
  const created = await api("POST", `/api/organizations/${orgId}/redis-instances`, {
    token: account.token,
    body: { name: "Upstash hop", slug: unique("hop"), driver: "upstash", endpoint: env.TEST_UPSTREAM_URL, token: env.TEST_UPSTREAM_TOKEN },
  });
  if (created.status !== 201) throw new Error(`upstash-driver instance: ${JSON.stringify(created.body)}`);
  // As for the redis driver: rate limits have tests of their own.
  const { key } = await mintKey(account, orgId, { rate_limit: { requests: 1_000_000, window_seconds: 1 } });
  return { url: `${ORIGIN}/redis/${created.body.data.id}`, token: key };
}
