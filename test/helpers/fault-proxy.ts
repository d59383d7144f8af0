// A per-test TCP proxy to a test redis-server (started by the Node-side control server in
// test/setup/global.ts): counts connections and round trips, and stalls, cuts, refuses on command.
import { env } from "cloudflare:workers";

export type ProxyStats = { accepted: number; open: number; roundTrips: number };

/**
 * A proxy to the server of `upstream` (by default the main redis-server as the test ACL user, so
 * AUTH runs for real); its `url` is `upstream` with the proxy's port.
 */
export async function faultProxy(upstream = env.TEST_REDIS_ACL_URL) {
  const url = new URL(upstream);
  const made = await fetch(`${env.TEST_FAULT_PROXY_URL}/proxies?target=${url.port}`, { method: "POST" });
  if (!made.ok) throw new Error(`fault proxy: ${made.status} ${await made.text()}`);
  const { port } = (await made.json()) as { port: number };
  url.port = String(port);
  const act = async (action: string): Promise<ProxyStats> => {
    const res = await fetch(`${env.TEST_FAULT_PROXY_URL}/proxies/${port}/${action}`, { method: action ? "POST" : "GET" });
    return (await res.json()) as ProxyStats;
  };
  return {
    port,
    url: url.href,
    stats: () => act(""),
    stall: () => act("stall"),
    stallNext: () => act("stall-next"),
    resume: () => act("resume"),
    cut: () => act("cut"),
    down: () => act("down"),
    up: () => act("up"),
  };
}
