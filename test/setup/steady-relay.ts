// A streaming HTTP relay in front of the upstream stack (`wrangler dev`), for the instances on the
// `upstash` driver. wrangler's Node server closes a kept-alive connection after 5 idle seconds, and
// when workerd reuses that connection at the same moment its fetch fails ("Network connection
// lost") for a reason no test is about. This relay never times out an idle client connection (the
// client closes first, which is race-free), opens a fresh connection upstream per request, streams
// both ways (SSE subscriptions pass through) and closes the upstream request when the client goes.
import { createServer, request } from "node:http";
import { listenOnLoopback } from "../../scripts/loopback.mjs";

export async function startSteadyRelay(upstream: string) {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const forward = request(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
        agent: false,
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    forward.on("error", () => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502).end();
    });
    req.pipe(forward);
    // A client that vanished mid-stream ends the upstream request too (after a normal end, a no-op).
    res.on("close", () => forward.destroy());
  });
  server.keepAliveTimeout = 0;
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
