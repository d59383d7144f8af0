// Starts a real redis-server on a free loopback port for the whole test run (Node side) and
// hands its URLs to the workers through vitest's provide/inject.
import type { TestProject } from "vitest/node";
import { startRedisServer } from "../../scripts/redis-server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
    redisAclUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const redis = await startRedisServer({ quiet: true });
  // A second user with a password, so the driver's AUTH path is exercised for real.
  await redis.command(["ACL", "SETUSER", "gate", "on", ">gate-secret-pw", "~*", "&*", "+@all"]);
  project.provide("redisUrl", redis.url);
  project.provide("redisAclUrl", `redis://gate:gate-secret-pw@127.0.0.1:${redis.port}`);
  return async () => {
    await redis.stop();
  };
}
