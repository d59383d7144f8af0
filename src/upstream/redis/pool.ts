// The connection pool a RedisPool object holds for one instance: a few warm, authenticated
// connections (AUTH/SELECT once each; when authWithCommands allows it, AUTH goes in the same write
// as the first exchange instead of before it) shared by concurrent exchanges, with caps on requests and
// bytes in flight (a full pool refuses at once: 503, never an unbounded queue).
import { type UpstreamTarget, upstreamFailureText } from "../driver";
import { authWithCommands, openWithinDeadline, UpstreamFailure } from "./connection";
import type { Arg, ReplyBudget, RespValue } from "./resp";
import { SharedConnection } from "./shared-connection";

export type PoolLimits = {
  /** Connections per pool object (an instance has several objects: shards). */
  maxConnections: number;
  /** Exchanges in flight per object, abandoned ones included until their replies are read. */
  maxRequests: number;
  /** Request bytes in flight per object (a single larger request still runs when it is alone). */
  maxBytes: number;
  /** An unused connection is closed after this long. */
  idleMs: number;
};

export const POOL_LIMITS: PoolLimits = { maxConnections: 4, maxRequests: 1_000, maxBytes: 24 * 1024 * 1024, idleMs: 60_000 };

/** A pool for one instance; `fingerprint` (endpoint + sealed credentials) retires old connections. */
export class ConnectionPool {
  private connections: SharedConnection[] = [];
  private opening: Promise<SharedConnection> | null = null;
  private fingerprint = "";
  private requests = 0;
  private bytes = 0;

  constructor(private readonly limits: PoolLimits = POOL_LIMITS) {}

  /** Requests and bytes in flight, and open connections (for tests and the bench). */
  stats() {
    return { requests: this.requests, bytes: this.bytes, connections: this.connections.length };
  }

  /**
   * Runs one exchange on a shared connection under the target's deadline and reply budget.
   * @throws UpstreamFailure: busy (caps reached; nothing sent), timeout (the reply will be read and
   * dropped; nothing is sent when no connection was ready before the deadline), too_large (a reply went past the target's budget; it was skipped, the connection lives on),
   * unreachable/auth/protocol (the connection failed; the exchange is never replayed).
   */
  async exchange(target: UpstreamTarget, fingerprint: string, commands: readonly (readonly Arg[])[], size: number): Promise<RespValue[]> {
    // A request larger than the byte cap alone (it is within the instance's own request limit) runs
    // when nothing else is in flight; refusing it would answer "retry shortly" to what never fits.
    if (this.requests >= this.limits.maxRequests || (this.requests > 0 && this.bytes + size > this.limits.maxBytes)) {
      throw new UpstreamFailure(
        "busy",
        `ERR the connection pool of instance ${target.instanceId} is full (${this.requests} requests in flight); retry shortly`,
      );
    }
    this.retireIfChanged(fingerprint);
    this.requests += 1;
    this.bytes += size;
    let abandon = () => {};
    let expired = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        expired = true;
        abandon();
        reject(new UpstreamFailure("timeout", upstreamFailureText.timeout(target)));
      }, target.timeoutMs);
    });
    const work = (async () => {
      const connection = await this.acquire(target);
      // A connection found only after the deadline: the caller already has its 504, so nothing is sent.
      if (expired) throw new UpstreamFailure("timeout", upstreamFailureText.timeout(target));
      const budget: ReplyBudget = { bytes: target.maxReplyBytes, elements: target.maxReplyElements };
      const sent = connection.send(commands, budget);
      abandon = sent.abandon;
      return sent.done;
    })();
    // Counted until the replies are read (or the connection fails), not until the caller gives up.
    work.then(this.release(size), this.release(size));
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private release(size: number) {
    return () => {
      this.requests -= 1;
      this.bytes -= size;
    };
  }

  private retireIfChanged(fingerprint: string): void {
    if (fingerprint === this.fingerprint) return;
    this.fingerprint = fingerprint;
    for (const c of this.connections) {
      c.retired = true;
      c.closeIfDrained();
    }
    this.connections = [];
    this.opening = null;
  }

  /** The least-loaded healthy connection; opens another (up to the cap) when all are busy or stalled. */
  private async acquire(target: UpstreamTarget): Promise<SharedConnection> {
    for (const c of this.connections) c.closeIfDrained(this.limits.idleMs);
    const healthy = this.connections.filter((c) => !c.dead && !c.stalled);
    const best = healthy.reduce<SharedConnection | undefined>((a, c) => (a && a.load <= c.load ? a : c), undefined);
    if (best && (best.load === 0 || this.connections.length >= this.limits.maxConnections)) return best;
    if (!best && this.connections.length >= this.limits.maxConnections) {
      // Every connection is stalled: use the least loaded; its deadline still answers the caller.
      const any = this.connections.reduce((a, c) => (a.load <= c.load ? a : c));
      return any;
    }
    if (!this.opening) {
      const fingerprint = this.fingerprint;
      // Cleared only if still the current one: a fingerprint change may have started another since.
      const opening = this.open(target, fingerprint).finally(() => {
        if (this.opening === opening) this.opening = null;
      });
      this.opening = opening;
    }
    if (best) {
      this.opening.catch(() => {}); // a warm-up that fails is reported to the next caller that needs it
      return best;
    }
    return this.opening;
  }

  private async open(target: UpstreamTarget, fingerprint: string): Promise<SharedConnection> {
    const auth = authWithCommands(target);
    const raw = await openWithinDeadline(target, !auth);
    const shared = new SharedConnection(
      raw,
      target,
      (dead) => {
        this.connections = this.connections.filter((c) => c !== dead);
      },
      auth,
    );
    if (fingerprint !== this.fingerprint) {
      shared.retired = true;
      shared.closeIfDrained();
      return shared;
    }
    this.connections.push(shared);
    return shared;
  }
}
