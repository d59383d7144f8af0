// Global set-up of the node project: a real redis-server and one private `wrangler dev` stack on
// it (scripts/stack.mjs), reached over real HTTP. The stack's bootstrap makes an account, an
// organization on the enterprise plan, a redis-driver instance and an admin key.
import type { TestProject } from "vitest/node";
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
};

declare module "vitest" {
  export interface ProvidedContext {
    stack: ProvidedStack;
  }
}

export default async function setup(project: TestProject) {
  const redis = await startRedisServer({ quiet: true });
  let stack: Awaited<ReturnType<typeof startPrivateStack>> | undefined;
  try {
    stack = await startPrivateStack({ redisUrl: redis.url });
    const { base, url, key, sessionToken, orgId, instanceId, redisUrl, stateFile } = stack;
    project.provide("stack", { base, url, key, sessionToken, orgId, instanceId, redisUrl, stateFile });
  } catch (error) {
    await redis.stop();
    throw error;
  }
  return async () => {
    await stack?.stop();
    await redis.stop();
  };
}
