// A transparent HTTP relay in front of the real Upstash-compatible upstream (Node side), so tests
// can count how many requests the upstash driver really sends. `<url>/<tally>/<path>` is forwarded
// to `<upstream><path>` unchanged and counted under <tally>; `GET <url>/_count/<tally>` answers the
// count. It never invents a reply: what the client gets is what the upstream said.
import { createServer } from "node:http";
import { listenOnLoopback } from "../../scripts/loopback.mjs";

export async function startCountingProxy(upstream: string) {
  const counts = new Map<string, number>();
  const server = createServer(async (req, res) => {
    const [, tally = "", ...rest] = (req.url ?? "").split("/");
    if (tally === "_count") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ count: counts.get(rest[0] ?? "") ?? 0 }));
      return;
    }
    counts.set(tally, (counts.get(tally) ?? 0) + 1);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string" && name !== "host") headers.set(name, value);
    try {
      const reply = await fetch(`${upstream}/${rest.join("/")}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
        redirect: "manual",
      });
      const body = Buffer.from(await reply.arrayBuffer());
      // fetch already de-chunked and decoded the body: pass on everything but the framing headers.
      const passed = [...reply.headers].filter(
        ([name]) => !["content-length", "transfer-encoding", "content-encoding", "connection"].includes(name),
      );
      res.writeHead(reply.status, Object.fromEntries(passed)).end(body);
    } catch {
      res.writeHead(502).end();
    }
  });
  // Longer than any pause between tests: Node closing an idle kept-alive socket just as workerd
  // reuses it would fail a request for a reason no test is about.
  server.keepAliveTimeout = 120_000;
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
