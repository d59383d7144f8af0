// Classifies Redis commands for the edge's policy: what a read key may run, what needs the admin
// scope, which are scripts, and what RedisGate refuses because it would block or poison the upstream
// connection. Anything not listed is a data-changing command ("write"). Names are upper-case.
import type { Arg } from "../upstream/driver";

export type CommandClass = "read" | "powerful-read" | "write" | "script" | "admin" | "refused";

const READ = new Set(
  `GET GETRANGE SUBSTR MGET STRLEN GETBIT BITCOUNT BITPOS BITFIELD_RO LCS EXISTS TYPE TTL PTTL EXPIRETIME
  PEXPIRETIME DUMP TOUCH RANDOMKEY DBSIZE HGET HMGET HGETALL HKEYS HVALS HLEN HEXISTS HSTRLEN HRANDFIELD HSCAN
  HTTL HPTTL HEXPIRETIME HPEXPIRETIME LINDEX LLEN LRANGE LPOS SCARD SISMEMBER SMISMEMBER SMEMBERS SRANDMEMBER
  SINTER SINTERCARD SUNION SDIFF SSCAN ZCARD ZCOUNT ZLEXCOUNT ZRANGE ZRANGEBYSCORE ZRANGEBYLEX ZREVRANGE
  ZREVRANGEBYSCORE ZREVRANGEBYLEX ZRANK ZREVRANK ZSCORE ZMSCORE ZRANDMEMBER ZSCAN ZDIFF ZINTER ZUNION ZINTERCARD
  XRANGE XREVRANGE XLEN XREAD XINFO XPENDING GEODIST GEOHASH GEOPOS GEORADIUS_RO GEORADIUSBYMEMBER_RO GEOSEARCH
  PFCOUNT PING ECHO TIME LOLWUT COMMAND PUBSUB OBJECT MEMORY JSON.GET JSON.MGET
  JSON.TYPE JSON.STRLEN JSON.OBJLEN JSON.OBJKEYS JSON.ARRLEN JSON.ARRINDEX JSON.RESP`.split(/\s+/),
);

/** Reads Upstash's read-only token refuses too ("some powerful read commands (e.g. SCAN, KEYS)"). */
const POWERFUL_READ = new Set(["KEYS", "SCAN", "SORT_RO", "INFO"]);

const ADMIN = new Set(
  `CONFIG DEBUG SHUTDOWN REPLICAOF SLAVEOF MODULE ACL SAVE BGSAVE BGREWRITEAOF MIGRATE FAILOVER CLUSTER
  LATENCY SLOWLOG LASTSAVE SWAPDB MOVE READONLY READWRITE ASKING RESTORE RESTORE-ASKING PFSELFTEST PFDEBUG`.split(/\s+/),
);

/**
 * Lua and functions: the gateway cannot see what a script calls (a read-only script may still run
 * KEYS, SCAN or INFO), so every script command needs the write scope, and an instance can turn them off.
 */
const SCRIPT = new Set("EVAL EVALSHA EVAL_RO EVALSHA_RO FCALL FCALL_RO FUNCTION SCRIPT".split(" "));

const HOLDS_CONNECTION = "blocking commands would hold the connection open";

/** Blocking commands and what to send instead (README promises a replacement for each). */
const BLOCKING: Record<string, string> = {
  BLPOP: `${HOLDS_CONNECTION}; use LPOP instead (poll)`,
  BRPOP: `${HOLDS_CONNECTION}; use RPOP instead (poll)`,
  BLMOVE: `${HOLDS_CONNECTION}; use LMOVE instead (poll)`,
  BRPOPLPUSH: `${HOLDS_CONNECTION}; use LMOVE instead (poll)`,
  BLMPOP: `${HOLDS_CONNECTION}; use LMPOP instead (poll)`,
  BZPOPMIN: `${HOLDS_CONNECTION}; use ZPOPMIN instead (poll)`,
  BZPOPMAX: `${HOLDS_CONNECTION}; use ZPOPMAX instead (poll)`,
  BZMPOP: `${HOLDS_CONNECTION}; use ZMPOP instead (poll)`,
  WAIT: `${HOLDS_CONNECTION}; waiting for replicas is not offered over REST`,
  WAITAOF: `${HOLDS_CONNECTION}; waiting for the AOF is not offered over REST`,
};

const REFUSED: Record<string, string> = {
  WATCH: "use the /multi-exec endpoint for transactions",
  UNWATCH: "use the /multi-exec endpoint for transactions",
  MULTI: "use the /multi-exec endpoint for transactions",
  EXEC: "use the /multi-exec endpoint for transactions",
  DISCARD: "use the /multi-exec endpoint for transactions",
  SELECT: "the database is fixed by the instance's endpoint",
  AUTH: "the edge authenticates to the upstream itself",
  HELLO: "the REST API speaks RESP2 only",
  CLIENT: "connection state is managed by the edge",
  QUIT: "connection state is managed by the edge",
  RESET: "connection state is managed by the edge",
  SUBSCRIBE: "use the /subscribe/<channel> endpoint",
  PSUBSCRIBE: "use the /psubscribe/<pattern> endpoint",
  SSUBSCRIBE: "use the /subscribe/<channel> endpoint",
  UNSUBSCRIBE: "close the /subscribe stream instead",
  PUNSUBSCRIBE: "close the /psubscribe stream instead",
  SUNSUBSCRIBE: "close the /subscribe stream instead",
  MONITOR: "use the /monitor endpoint",
  SYNC: "replication is not offered over REST",
  PSYNC: "replication is not offered over REST",
  REPLCONF: "replication is not offered over REST",
};

/**
 * `SCRIPT DEBUG YES|SYNC` turns the connection's next EVAL into a Lua debugger session that answers
 * every later command on it (with SYNC, blocking the whole server meanwhile): on a pooled connection
 * that is every other key's request.
 */
const SCRIPT_DEBUG = "the Lua debugger would take over the upstream connection (and, with SYNC, the whole server)";

/** Subcommands that only read, for commands whose class depends on their first argument. */
const READ_SUBCOMMANDS: Record<string, Set<string>> = {
  XGROUP: new Set(["HELP"]),
};

function argText(arg: Arg | undefined): string {
  if (arg === undefined) return "";
  return (typeof arg === "string" ? arg : new TextDecoder().decode(arg)).toUpperCase();
}

/**
 * Whether an XREAD or XREADGROUP asks to block, read as Redis reads it: options come before
 * STREAMS (GROUP takes two values, COUNT and BLOCK one); what follows STREAMS are keys and ids,
 * so a key named "block" does not block. An unknown option makes Redis refuse the command.
 */
function blocksStreamRead(command: readonly Arg[]): boolean {
  for (let i = 1; i < command.length; ) {
    const option = argText(command[i]);
    if (option === "STREAMS") return false;
    if (option === "BLOCK") return true;
    i += option === "GROUP" ? 3 : option === "COUNT" ? 2 : 1;
  }
  return false;
}

export type Classification = { name: string; class: CommandClass; reason?: string };

/** Classifies one command (name plus arguments; some classes depend on an argument). */
export function classifyCommand(command: readonly Arg[]): Classification {
  const name = argText(command[0]);
  const refused = REFUSED[name];
  if (refused) return { name, class: "refused", reason: refused };
  const blocking = BLOCKING[name];
  if (blocking) return { name, class: "refused", reason: blocking };
  if ((name === "XREAD" || name === "XREADGROUP") && blocksStreamRead(command)) {
    return { name, class: "refused", reason: `${HOLDS_CONNECTION}; drop BLOCK and poll with ${name} instead` };
  }
  if (ADMIN.has(name)) return { name, class: "admin" };
  if (name === "SCRIPT" && argText(command[1]) === "DEBUG") return { name, class: "refused", reason: SCRIPT_DEBUG };
  if (SCRIPT.has(name)) return { name, class: "script" };
  if (name === "COPY" && command.some((a, i) => i > 2 && argText(a) === "DB")) return { name, class: "admin" };
  if (POWERFUL_READ.has(name)) return { name, class: "powerful-read" };
  if (READ.has(name)) return { name, class: "read" };
  const subcommands = READ_SUBCOMMANDS[name];
  if (subcommands) return { name, class: subcommands.has(argText(command[1])) ? "read" : "write" };
  return { name, class: "write" };
}
