// A scripted HTTP server for the upstash driver's failure tests (Node side). An endpoint
// `<url>/<mode>/<id>` answers its first request like a healthy Upstash (`PONG`, so instance
// creation's credential check passes), then fails in its mode: slow, garbage, down, unauthorized,
// redirect (a 307 to `/leak` on 0.0.0.0, a loopback address no allow-list names, which answers JSON),
// trickle (headers and the start of a body, then silence), cut (the same, then a reset), sse and
// sse-failing (an event stream, HTTP 200 or 503, setting headers that must not reach a client),
// sse-cut (an event stream that sends one event, then a reset),
// limited (a 429 with Retry-After); or, in mode sync, answers with the sync token it was sent.
import { createServer, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { listenOnLoopback } from "../../scripts/loopback.mjs";

const LEAK = '{"result":"leaked from a host that is not allowed"}';

// An event stream whose headers a client must never see: a cookie for RedisGate's own origin, and more.
const SSE_HEADERS = { "content-type": "text/event-stream", "set-cookie": "rg_session=forged; Path=/", "x-upstream-secret": "leak" };

const MODES: Record<string, (res: ServerResponse, port: number) => void> = {
  slow: () => {},
  trickle: (res) => res.writeHead(200, { "content-type": "application/json" }).write('{"result":"'),
  cut: (res) => {
    res.writeHead(200, { "content-type": "application/json" }).write('{"result":"', () => res.socket?.resetAndDestroy());
  },
  sse: (res) => res.writeHead(200, SSE_HEADERS).end("data: message,chan,from the upstream\n\n"),
  "sse-failing": (res) => res.writeHead(503, SSE_HEADERS).end("data: message,chan,from the upstream\n\n"),
  "sse-cut": (res) => {
    res.writeHead(200, SSE_HEADERS).write("data: message,chan,from the upstream\n\n", () => res.socket?.resetAndDestroy());
  },
  limited: (res) =>
    res.writeHead(429, { "content-type": "application/json", "retry-after": "7" }).end('{"error":"ERR max requests limit exceeded"}'),
  garbage: (res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>Bad gateway</html>"),
  down: (res) => res.socket?.destroy(),
  unauthorized: (res) => res.writeHead(401, { "content-type": "application/json" }).end('{"error":"Unauthorized"}'),
  redirect: (res, port) => res.writeHead(307, { location: `http://0.0.0.0:${port}/leak/` }).end(),
  // Healthy, and tells which sync token it was sent: `{"result": <token or null>}`, with its own.
  sync: (res) =>
    res
      .writeHead(200, { "content-type": "application/json", "upstash-sync-token": "up-9" })
      .end(JSON.stringify({ result: res.req.headers["upstash-sync-token"] ?? null })),
};

export async function startFaultServer() {
  const seen = new Set<string>();
  const sockets = new Set<Socket>();
  let port = 0;
  const server = createServer((req, res) => {
    const [, mode = "", id = ""] = (req.url ?? "").split("/");
    req.resume();
    req.on("end", () => {
      if (mode === "leak") return res.writeHead(200, { "content-type": "application/json" }).end(LEAK);
      const behave = MODES[mode];
      if (!behave) return res.writeHead(404).end();
      if (!seen.has(id)) {
        seen.add(id);
        return res.writeHead(200, { "content-type": "application/json" }).end('{"result":"PONG"}');
      }
      behave(res, port);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 120_000; // as in ./counting-proxy.ts
  port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
