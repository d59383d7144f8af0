// @ts-check
// A loopback TCP proxy in front of a Redis server, for fault tests and the round-trip benchmark
// (Node side only). It can stall (stop passing replies, on every connection or on the next one), cut (drop every connection), go down
// (refuse connections) and up again, delay each direction, and counts connections and round trips.
import { createServer, Socket } from "node:net";
import { listenOnLoopback } from "./loopback.mjs";

/**
 * @param {{ targetPort: number, delayMs?: number }} options
 */
export async function startFaultProxy({ targetPort, delayMs = 0 }) {
  /** @type {Set<{ client: import("node:net").Socket, server: import("node:net").Socket }>} */
  const pairs = new Set();
  const stats = { accepted: 0, open: 0, roundTrips: 0 };
  let stalled = false;
  let stallNext = false;
  /** Passes a chunk on after the configured delay, keeping order. */
  const later = (/** @type {() => void} */ send) => (delayMs > 0 ? setTimeout(send, delayMs) : send());

  const server = createServer((client) => {
    stats.accepted += 1;
    stats.open += 1;
    const upstream = new Socket();
    const pair = { client, server: upstream };
    pairs.add(pair);
    // A round trip starts with the first client bytes after the server last spoke.
    let lastFromServer = true;
    upstream.connect(targetPort, "127.0.0.1");
    client.on("data", (chunk) => {
      if (lastFromServer) stats.roundTrips += 1;
      lastFromServer = false;
      later(() => upstream.write(chunk));
    });
    upstream.on("data", (chunk) => {
      lastFromServer = true;
      later(() => client.write(chunk));
    });
    const close = () => {
      if (!pairs.delete(pair)) return;
      stats.open -= 1;
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on("error", close);
      s.on("close", close);
    }
    if (stalled || stallNext) upstream.pause();
    stallNext = false;
  });
  const port = await listenOnLoopback(server);

  const cut = () => {
    for (const p of [...pairs]) {
      p.client.destroy();
      p.server.destroy();
    }
  };
  return {
    port,
    stats,
    /** Stops passing replies to clients (the server seems to hang); requests still reach it. */
    stall() {
      stalled = true;
      for (const p of pairs) p.server.pause();
    },
    /** Holds the replies of the next connection only (a new connection that hangs); others flow. */
    stallNext() {
      stallNext = true;
    },
    resume() {
      stalled = false;
      stallNext = false;
      for (const p of pairs) p.server.resume();
    },
    /** Drops every connection, as a crashed server would. */
    cut,
    /** Drops every connection and refuses new ones. */
    async down() {
      await new Promise((resolve) => {
        server.close(() => resolve(undefined));
        cut();
      });
    },
    /** Accepts connections again on the same port. */
    async up() {
      await new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(undefined)));
    },
    async stop() {
      cut();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/**
 * An HTTP control server for tests running in workerd (they cannot start servers): POST /proxies
 * makes a proxy to the target (POST /proxies?target=<port> to one of `otherTargets`);
 * POST /proxies/<port>/<stall|stall-next|resume|cut|down|up>; GET /proxies/<port>.
 * @param {number} targetPort @param {number[]} [otherTargets]
 */
export async function startFaultProxyControl(targetPort, otherTargets = []) {
  /** @type {Map<number, Awaited<ReturnType<typeof startFaultProxy>>>} */
  const proxies = new Map();
  const { createServer: createHttpServer } = await import("node:http");
  const server = createHttpServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://control");
    const [, root, id, action] = url.pathname.split("/");
    // `connection: close`: tests call this now and then, and a kept-alive socket that Node closes
    // after its idle timeout just as workerd reuses it fails the call ("Network connection lost").
    const send = (/** @type {number} */ status, /** @type {unknown} */ body) =>
      res.writeHead(status, { "content-type": "application/json", connection: "close" }).end(JSON.stringify(body));
    if (root !== "proxies") return send(404, { error: "unknown path" });
    if (!id && req.method === "POST") {
      const target = Number(url.searchParams.get("target") ?? targetPort);
      if (target !== targetPort && !otherTargets.includes(target)) return send(400, { error: `no redis-server on port ${target}` });
      const proxy = await startFaultProxy({ targetPort: target });
      proxies.set(proxy.port, proxy);
      return send(200, { port: proxy.port });
    }
    const proxy = proxies.get(Number(id));
    if (!proxy) return send(404, { error: "unknown proxy" });
    if (!action) return send(200, proxy.stats);
    const act = { stall: proxy.stall, "stall-next": proxy.stallNext, resume: proxy.resume, cut: proxy.cut, down: proxy.down, up: proxy.up }[
      action
    ];
    if (!act) return send(404, { error: "unknown action" });
    await act();
    return send(200, proxy.stats);
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      for (const p of proxies.values()) await p.stop().catch(() => {});
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
