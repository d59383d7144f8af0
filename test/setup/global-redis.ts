// Starts a real redis-server on a free loopback port for the whole test run (Node side) and
// hands its URLs to the workers through vitest's provide/inject.
import { createServer, type Socket } from "node:net";
import type { TestProject } from "vitest/node";
import { startRedisServer } from "../../scripts/redis-server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
    redisAclUrl: string;
    blackholeUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const redis = await startRedisServer({ quiet: true });
  // A second user with a password, so the driver's AUTH path is exercised for real.
  await redis.command(["ACL", "SETUSER", "gate", "on", ">gate-secret-pw", "~*", "&*", "+@all"]);
  project.provide("redisUrl", redis.url);
  project.provide("redisAclUrl", `redis://gate:gate-secret-pw@127.0.0.1:${redis.port}`);
  // A TCP server that accepts connections and never answers: the upstream-timeout case.
  const silent = new Set<Socket>();
  const blackhole = createServer((socket) => {
    silent.add(socket);
    socket.on("close", () => silent.delete(socket));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => blackhole.listen(0, "127.0.0.1", resolve));
  const address = blackhole.address();
  project.provide("blackholeUrl", `redis://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
  return async () => {
    for (const socket of silent) socket.destroy();
    await new Promise((resolve) => blackhole.close(resolve));
    await redis.stop();
  };
}
