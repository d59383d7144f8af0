// The pooled transport (the default for `redis` instances): each exchange is an RPC to one of the
// instance's RedisPool objects, named `${instanceId}:${region ?? "auto"}:${shard}` (a location hint
// acts only on an object's first use, so the region is part of the name). Shard picked at random,
// except that exchanges carrying scripts go to shard 0, so one object holds the instance's script
// SHA1 map (SCRIPT LOAD then EVALSHA with the client's SHA1 works whatever the isolate).
import type { SealedTarget } from "../driver";
import { UpstreamFailure } from "./connection";
import type { PoolOutcome, RedisPool } from "./pool-object";
import { type Arg, RespParser, type RespValue } from "./resp";
import { carriesScript } from "./script-flags";
import { runawayKind } from "./script-kill";
import type { RedisTransport } from "./transport";

/** Pool objects per (instance, region): a hot instance spreads over them. */
export const POOL_SHARDS = 2;

/** Slack on top of the pool's own deadline, so the pool (not this backstop) answers a slow Redis. */
const BACKSTOP_MS = 1_000;

/**
 * How long to wait for the pool: its deadline, plus (for a script) the kill it then runs on a side
 * connection under a deadline of its own, plus slack.
 */
const backstopMs = (timeoutMs: number, commands: readonly (readonly Arg[])[]) =>
  (runawayKind(commands) ? 2 * timeoutMs : timeoutMs) + BACKSTOP_MS;

/** The name of one of an instance's pool objects. */
export const poolName = (instanceId: string, region: string | null, shard: number) => `${instanceId}:${region ?? "auto"}:${shard}`;

export class PooledTransport implements RedisTransport {
  private readonly ids: DurableObjectId[] = [];

  constructor(
    private readonly target: SealedTarget,
    private readonly pools: DurableObjectNamespace<RedisPool>,
    private readonly shards = POOL_SHARDS,
  ) {}

  /** A stub for one shard. Ids are cached; stubs are not (a stub belongs to the request that made it). */
  private stub(shard: number): DurableObjectStub<RedisPool> {
    const { instanceId, region } = this.target;
    let id = this.ids[shard];
    if (!id) {
      id = this.pools.idFromName(poolName(instanceId, region, shard));
      this.ids[shard] = id;
    }
    return region ? this.pools.get(id, { locationHint: region }) : this.pools.get(id);
  }

  async exchange(commands: readonly (readonly Arg[])[]): Promise<RespValue[]> {
    const stub = this.stub(carriesScript(commands) ? 0 : Math.floor(Math.random() * this.shards));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const backstop = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new UpstreamFailure(
              "timeout",
              `ERR the connection pool of instance ${this.target.instanceId} did not answer in time; the command may have run and was not retried`,
            ),
          ),
        backstopMs(this.target.timeoutMs, commands),
      );
    });
    let outcome: PoolOutcome;
    try {
      outcome = await Promise.race([stub.exchange(this.target, commands as Arg[][]), backstop]);
    } catch (error) {
      if (error instanceof UpstreamFailure) throw error;
      // Not retried, not sent directly instead: the pool may already have written the command.
      const overloaded = (error as { overloaded?: boolean }).overloaded === true;
      throw new UpstreamFailure(
        overloaded ? "busy" : "unreachable",
        `ERR the connection pool of instance ${this.target.instanceId} is unavailable; the command may have run and was not retried`,
      );
    } finally {
      clearTimeout(timer);
    }
    if (!outcome.ok) throw new UpstreamFailure(outcome.kind, outcome.message);
    return decodeReplies(outcome.replies, commands.length, this.target.instanceId);
  }
}

function decodeReplies(bytes: Uint8Array, count: number, instanceId: string): RespValue[] {
  const parser = new RespParser();
  parser.push(bytes);
  const replies: RespValue[] = [];
  while (replies.length < count) {
    const reply = parser.next();
    if (reply === undefined) throw new UpstreamFailure("protocol", `ERR the connection pool of instance ${instanceId} sent a short reply`);
    replies.push(reply);
  }
  return replies;
}
