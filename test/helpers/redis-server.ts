// Direct access to the test redis-server from inside workerd, for what the API must not do for a
// tenant: creating ACL users, changing a password behind an instance's back, moving a directory
// record or an instance's row to an upstream that has since gone away.
import { env } from "cloudflare:workers";
import { getInstanceRecord, putInstanceRecord } from "../../src/storage/directory";
import { withConnection } from "../../src/upstream/redis/connection";
import { parseRedisEndpoint } from "../../src/upstream/redis/endpoint";
import { RespError, RespInteger, RespSimple, type RespValue } from "../../src/upstream/redis/resp";

/**
 * Sends one command to the server of `url` (by default the main test redis-server as its default
 * user) with the URL's credentials and database, and returns the raw reply.
 */
export async function redisCommand(command: string[], url = env.TEST_REDIS_URL): Promise<RespValue> {
  const parsed = parseRedisEndpoint(new URL(url), undefined, { allowedHosts: [], allowPlainHttp: true });
  if (!parsed.ok) throw new Error(`not a redis URL: ${parsed.message}`);
  const target = {
    instanceId: "test-setup",
    endpoint: parsed.endpoint,
    credentials: parsed.credentials,
    timeoutMs: 5000,
    heartbeatMs: 0,
    maxReplyBytes: 16 * 1024 * 1024,
    maxReplyElements: 200_000,
  };
  const [reply] = await withConnection(target, (c) => c.exchange([command]));
  return reply as RespValue;
}

/** As redisCommand, with the reply as plain values: text, a number, null or an array; an error reply throws. */
export async function redisValue(command: string[], url = env.TEST_REDIS_URL): Promise<unknown> {
  const plain = (reply: RespValue): unknown => {
    if (reply instanceof RespError) throw new Error(reply.message);
    if (reply instanceof RespSimple) return reply.value;
    if (reply instanceof RespInteger) return Number(reply.text);
    if (reply instanceof Uint8Array) return new TextDecoder().decode(reply);
    return Array.isArray(reply) ? reply.map(plain) : reply;
  };
  return plain(await redisCommand(command, url));
}

/**
 * Creates an ACL user with `rules` on the server of `server` (by default the main test
 * redis-server) and returns its redis:// URL; the caller deletes it with ACL DELUSER.
 */
export async function aclUser(rules: string[], server = env.TEST_REDIS_URL): Promise<{ name: string; password: string; url: string }> {
  const name = `iso_${crypto.randomUUID().slice(0, 8)}`;
  const password = `pw-${crypto.randomUUID()}`;
  await redisCommand(["ACL", "SETUSER", name, "reset", "on", `>${password}`, ...rules], server);
  const url = new URL(server);
  return { name, password, url: `redis://${name}:${password}@${url.host}` };
}

/**
 * Points an instance's directory record (what the edge reads) at another endpoint, as if its
 * server had moved or died after the instance was attached: creation checks the upstream, so a
 * dead upstream can only be reached this way.
 */
export async function moveDirectoryRecord(instanceId: string, endpoint: string): Promise<void> {
  const record = await getInstanceRecord(env.DIRECTORY, instanceId);
  if (!record) throw new Error(`no directory record for ${instanceId}`);
  await putInstanceRecord(env.DIRECTORY, { ...record, endpoint });
}

/**
 * Points an instance's D1 row (what the management side checks) at another endpoint, as if its
 * server had gone away after the instance was attached; the sealed credentials stay as they were.
 */
export async function moveInstanceRow(instanceId: string, endpoint: string): Promise<void> {
  const result = await env.DB.prepare("UPDATE redis_instances SET endpoint = ? WHERE id = ?").bind(endpoint, instanceId).run();
  if (result.meta.changes !== 1) throw new Error(`no instance row ${instanceId}`);
}
