// A per-test TCP proxy to the test redis-server (started by the Node-side control server in
// test/setup/global.ts): counts connections and stalls, cuts, refuses on command.
import { env } from "cloudflare:workers";

export type ProxyStats = { accepted: number; open: number; roundTrips: number };

export async function faultProxy() {
  const made = await fetch(`${env.TEST_FAULT_PROXY_URL}/proxies`, { method: "POST" });
  const { port } = (await made.json()) as { port: number };
  const act = async (action: string): Promise<ProxyStats> => {
    const res = await fetch(`${env.TEST_FAULT_PROXY_URL}/proxies/${port}/${action}`, { method: action ? "POST" : "GET" });
    return (await res.json()) as ProxyStats;
  };
  return {
    port,
    /** The proxy's redis:// URL with the test ACL user's credentials (so AUTH runs for real). */
    url: `redis://gate:gate-secret-pw@127.0.0.1:${port}`,
    stats: () => act(""),
    stall: () => act("stall"),
    resume: () => act("resume"),
    cut: () => act("cut"),
    down: () => act("down"),
    up: () => act("up"),
  };
}
