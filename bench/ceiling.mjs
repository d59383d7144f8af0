// @ts-check
// The direct transport's ceiling on this machine: a minimal Worker (Miniflare, no proxy in front)
// whose POST /socket does only the socket steps of a direct request as an ACL user (read the body;
// connect, AUTH, GET, close; each reply is small and read in one chunk), whose POST /socket-one-write
// does those of a direct request as a server's default user (AUTH and GET in one write, read until
// both replies are in), and whose GET /bare answers at once. What a socket route reaches as a share
// of /bare bounds any `direct` edge with that login on this rig: no key, no policy, no parsing, no
// routing. Loopback only.
import { Miniflare } from "miniflare";
import { encodeRedisCommand } from "../scripts/redis-server.mjs";

/**
 * `passwordOnly`: the server whose default user needs `password`, and how many bytes the AUTH and
 * GET replies come to there.
 * @param {{ port: number, username: string, password: string, key: string, compatibilityDate: string,
 *   passwordOnly: { port: number, password: string, replyBytes: number } }} redis
 * @returns {Promise<{ base: string, stop(): Promise<void> }>}
 */
export async function startSocketCeiling(redis) {
  const script = `
import { connect } from "cloudflare:sockets";
const encoder = new TextEncoder();
const AUTH = encoder.encode(${JSON.stringify(encodeRedisCommand(["AUTH", redis.username, redis.password]))});
const GET = encoder.encode(${JSON.stringify(encodeRedisCommand(["GET", redis.key]))});
const AUTH_AND_GET = encoder.encode(${JSON.stringify(
    encodeRedisCommand(["AUTH", redis.passwordOnly.password]) + encodeRedisCommand(["GET", redis.key]),
  )});
const reply = () => new Response('{"result":null}', { headers: { "content-type": "application/json" } });
export default {
  async fetch(request) {
    if (request.method !== "POST") return reply();
    await request.arrayBuffer();
    if (new URL(request.url).pathname === "/socket-one-write") {
      const socket = connect({ hostname: "127.0.0.1", port: ${redis.passwordOnly.port} }, { secureTransport: "off", allowHalfOpen: false });
      socket.closed.catch(() => {});
      await socket.opened;
      const writer = socket.writable.getWriter();
      const reader = socket.readable.getReader();
      await writer.write(AUTH_AND_GET);
      for (let received = 0; received < ${redis.passwordOnly.replyBytes}; ) received += (await reader.read()).value.byteLength;
      socket.close().catch(() => {});
      return reply();
    }
    const socket = connect({ hostname: "127.0.0.1", port: ${redis.port} }, { secureTransport: "off", allowHalfOpen: false });
    socket.closed.catch(() => {});
    await socket.opened;
    const writer = socket.writable.getWriter();
    const reader = socket.readable.getReader();
    await writer.write(AUTH);
    await reader.read();
    await writer.write(GET);
    await reader.read();
    socket.close().catch(() => {});
    return reply();
  },
};`;
  const mf = new Miniflare({ modules: true, script, compatibilityDate: redis.compatibilityDate, host: "127.0.0.1", port: 0 });
  const url = await mf.ready;
  return { base: url.origin, stop: () => mf.dispose() };
}
