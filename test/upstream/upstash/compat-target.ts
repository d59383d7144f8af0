// How the compatibility suite reaches an instance on the `upstash` driver: client → edge (upstash
// driver) → a second RedisGate in its own workerd (redis driver) → the test redis-server. The same
// groups run through it as through the redis driver (test/upstream/upstash/compat.test.ts).
import { env } from "cloudflare:workers";
import type { CompatTarget } from "../../compat/context";
import { api, createOrg, mintKey, ORIGIN, signUp, unique } from "../../helpers/api";
import { lift } from "../../helpers/operator";

export async function connectUpstashDriver(): Promise<CompatTarget> {
  const account = await signUp();
  const orgId = await createOrg(account);
  const created = await api("POST", `/api/organizations/${orgId}/redis-instances`, {
    token: account.token,
    body: {
      name: "Upstash hop",
      slug: unique("hop"),
      driver: "upstash",
      endpoint: env.TEST_UPSTREAM_URL,
      token: env.TEST_UPSTREAM_TOKEN,
      allow_admin: true,
    },
  });
  if (created.status !== 201) throw new Error(`upstash-driver instance: ${JSON.stringify(created.body)}`);
  // Rate limits have tests of their own; the suite round-trips RESTORE, an admin-class command.
  await lift(orgId);
  const { key } = await mintKey(account, orgId, { scopes: ["admin"] });
  return { url: `${ORIGIN}/redis/${created.body.data.id}`, token: key };
}
