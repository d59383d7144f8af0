// Global set-up of the node project: a real redis-server and one private `wrangler dev` stack on
// it (scripts/stack.mjs), reached over real HTTP. The stack's bootstrap makes an account, an
// organization on the enterprise plan, a redis-driver instance (pooled transport, the default) and
// an admin key; this set-up adds a second instance, on the direct transport, on a second Redis
// whose default user needs a password.
import type { TestProject } from "vitest/node";
import { managementClient } from "../../scripts/bootstrap.mjs";
import { startRedisServer } from "../../scripts/redis-server.mjs";
import { startPrivateStack } from "../../scripts/stack.mjs";

export type ProvidedStack = {
  base: string;
  url: string;
  key: string;
  sessionToken: string;
  orgId: string;
  instanceId: string;
  redisUrl: string;
  stateFile: string;
  /** The instance on the direct transport (same Redis, same organization) and a key of its own. */
  direct: { url: string; token: string };
};

declare module "vitest" {
  export interface ProvidedContext {
    stack: ProvidedStack;
  }
}

export default async function setup(project: TestProject) {
  const redis = await startRedisServer({ quiet: true });
  // The direct instance's own server, whose default user needs a password (set once it is up: start-up
  // waits for a PING without one): the suite then runs through the direct transport's AUTH that
  // travels with each request's commands.
  const passwordRedis = await startRedisServer({ quiet: true });
  let stack: Awaited<ReturnType<typeof startPrivateStack>> | undefined;
  try {
    await passwordRedis.command(["CONFIG", "SET", "requirepass", DIRECT_PASSWORD]);
    // A short SSE heartbeat: the pub/sub tests wait until Redis sees an aborted subscriber gone, which
    // the edge notices at the stream's next heartbeat.
    stack = await startPrivateStack({ redisUrl: redis.url, vars: { SSE_HEARTBEAT_MS: "200" } });
    const { base, url, key, sessionToken, orgId, instanceId, redisUrl, stateFile } = stack;
    const directUrl = `redis://:${DIRECT_PASSWORD}@127.0.0.1:${passwordRedis.port}`;
    const direct = await createDirectInstance(base, sessionToken, orgId, directUrl);
    project.provide("stack", { base, url, key, sessionToken, orgId, instanceId, redisUrl, stateFile, direct });
  } catch (error) {
    await redis.stop();
    await passwordRedis.stop();
    throw error;
  }
  return async () => {
    await stack?.stop();
    await redis.stop();
    await passwordRedis.stop();
  };
}

const DIRECT_PASSWORD = "direct-compat-secret";

/**
 * Attaches `redisUrl` as an instance on the direct transport; its edge URL and a key of its own (the
 * two compat files run at once, and streams are counted per key).
 */
async function createDirectInstance(
  base: string,
  sessionToken: string,
  orgId: string,
  redisUrl: string,
): Promise<{ url: string; token: string }> {
  const api = managementClient(base, sessionToken);
  const created = await api("POST", `/api/organizations/${orgId}/redis-instances`, {
    name: "Local Redis (direct)",
    slug: "local-redis-direct",
    driver: "redis",
    endpoint: redisUrl,
    allow_admin: true,
    transport: "direct",
  });
  if (created.status !== 201 || created.json.data.transport !== "direct") {
    throw new Error(`creating the direct-transport instance failed: ${created.status} ${JSON.stringify(created.json)}`);
  }
  const minted = await api("POST", `/api/organizations/${orgId}/api-keys`, {
    name: "direct compat key",
    scopes: ["admin"],
    instance_ids: [created.json.data.id],
  });
  if (minted.status !== 201) throw new Error(`minting the direct-transport key failed: ${minted.status} ${JSON.stringify(minted.json)}`);
  return { url: `${base}/redis/${created.json.data.id}`, token: minted.json.data.key };
}
