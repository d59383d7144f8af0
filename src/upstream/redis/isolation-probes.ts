// The redis driver's isolation probes, pure: which harmless commands ask what a set of credentials
// can reach beyond its own database, and how the server's answers become findings. Sending them is
// ./probe.ts's job. Nothing here writes data, changes configuration or receives anyone's messages.
import { decodeUtf8 } from "../../lib/encoding";
import type { ProbeFinding, ServerIdentity } from "../isolation";
import type { RedisAddress } from "./endpoint";
import { type Arg, RespError, RespInteger, RespSimple, type RespValue } from "./resp";

export type Probe = { name: string; command: Arg[]; risk: string };

/** The database a probe tries to reach: any other than the instance's own. */
export const otherDatabase = (own: number): number => (own === 0 ? 1 : 0);

/**
 * The probes sent on the instance's own connection (after its AUTH and SELECT), in this order.
 * SELECT comes last: it moves only this throwaway connection. A SELECT inside a script does not
 * change the caller's database (Redis 7), and the script writes nothing.
 */
export function connectionProbes(ownDb: number): Probe[] {
  const other = String(otherDatabase(ownDb));
  return [
    {
      name: "server_info",
      command: ["INFO", "server"],
      risk: "INFO shows the server's identity and every database's key count (INFO keyspace).",
    },
    {
      name: "admin_command",
      command: ["CONFIG", "GET", "maxmemory"],
      risk: "Admin commands run: CONFIG, and likely FLUSHALL, DEBUG or SHUTDOWN, act on the whole server.",
    },
    {
      name: "script_select",
      command: ["EVAL", "return redis.call('SELECT', ARGV[1])", "0", other],
      risk: `A Lua script can switch to database ${other} and read or write it; the gateway cannot see inside scripts.`,
    },
    {
      name: "select_other_database",
      command: ["SELECT", other],
      risk: `SELECT ${other} succeeds: the credentials are not confined to their database (the gateway refuses SELECT, Redis does not).`,
    },
  ];
}

/**
 * The channel probe, on a connection of its own. Redis matches a PSUBSCRIBE pattern literally
 * against a user's channel rules, so a pattern of our own is allowed only for a user that may
 * subscribe to every channel (`&*` / allchannels), exactly like `PSUBSCRIBE *`, but unlike `*` it
 * matches no real channel: it never receives a message and never adds to any PUBLISH's count.
 */
export function channelProbe(nonce: string): Probe {
  return {
    name: "all_channels",
    command: ["PSUBSCRIBE", `redisgate:isolation-probe:${nonce}:*`],
    risk: "These credentials may subscribe to every channel (PSUBSCRIBE *): pub/sub is server-wide, so they hear every database's messages.",
  };
}

const MAX_REPLY_CHARS = 200;

/** A short text of a reply, for the report (bulk strings cut at 200 characters). */
export function describeReply(reply: RespValue | undefined): string {
  let text: string;
  if (reply === undefined) text = "(no reply)";
  else if (reply === null) text = "(nil)";
  else if (reply instanceof Uint8Array) text = decodeUtf8(reply);
  else if (reply instanceof RespSimple) text = reply.value;
  else if (reply instanceof RespError) text = reply.message;
  else if (reply instanceof RespInteger) text = reply.text;
  else text = reply.map(describeReply).join(" ");
  return text.length > MAX_REPLY_CHARS ? `${text.slice(0, MAX_REPLY_CHARS)}…` : text;
}

/** A finding from the server's answer: an error reply is a refusal, anything else ran. */
export function findingFromReply(probe: Probe, reply: RespValue | undefined): ProbeFinding {
  const refused = reply instanceof RespError || reply === undefined;
  return { ...findingBase(probe), outcome: refused ? "refused" : "allowed", reply: summarise(probe, reply) };
}

/** A finding for a probe that got no answer: the connection failed or timed out. */
export function failedFinding(probe: Probe, reason: string): ProbeFinding {
  return { ...findingBase(probe), outcome: "failed", reply: reason };
}

function findingBase(probe: Probe) {
  return { name: probe.name, command: probe.command.map(String).join(" "), risk: probe.risk };
}

/** INFO's text is long and describes the server, which the report shows separately. */
function summarise(probe: Probe, reply: RespValue | undefined): string {
  if (probe.name === "server_info" && reply instanceof Uint8Array) return "(INFO server text; see the server fields)";
  return describeReply(reply);
}

/** host:port as instances are matched: lowercased, no trailing dot, IPv6 in brackets. */
export function serverAddress(address: Pick<RedisAddress, "hostname" | "port">): string {
  const host = address.hostname.toLowerCase().replace(/\.$/, "");
  return `${host.includes(":") ? `[${host}]` : host}:${address.port}`;
}

/** The server's identity from an `INFO server` reply; null fields when it was refused. */
export function identityFromInfo(address: string, reply: RespValue | undefined): ServerIdentity {
  const fields = new Map<string, string>();
  if (reply instanceof Uint8Array) {
    for (const line of decodeUtf8(reply).split(/\r?\n/)) {
      const colon = line.indexOf(":");
      if (colon > 0 && !line.startsWith("#")) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
    }
  }
  const port = Number(fields.get("tcp_port"));
  const runId = fields.get("run_id");
  return {
    address,
    run_id: runId && /^[0-9a-f]{40}$/i.test(runId) ? runId.toLowerCase() : null,
    redis_version: fields.get("redis_version") ?? null,
    tcp_port: Number.isInteger(port) && port > 0 ? port : null,
  };
}
