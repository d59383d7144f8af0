// One warm Redis connection shared by many exchanges (RESP pipelining): each exchange is one
// contiguous write and its replies are the next N on the wire, so replies are matched in order.
// A caller that gave up (deadline) keeps its place in line: its replies are read and discarded.
// Each exchange has its own reply budget: a reply past it is skipped (never held) and comes back as
// RespTooLarge in its place, while the connection stays in step for the next. A new connection may send
// its AUTH in the same write as its first exchange (see authWithCommands in ./connection).
import type { UpstreamTarget } from "../driver";
import { type RedisConnection, refusedWithAuth, UpstreamFailure } from "./connection";
import type { Arg, ReplyBudget, RespValue } from "./resp";

/** One exchange waiting for its replies on a connection. */
type Waiter = {
  expected: number;
  replies: RespValue[];
  budget: ReplyBudget | null;
  sentAt: number;
  /**
   * Set when the caller stopped waiting (deadline): replies are still read, then dropped. It is still
   * settled, which the caller no longer hears but the pool's in-flight counters do.
   */
  abandoned: boolean;
  /** The connection's own AUTH went out ahead of this exchange's commands: its reply comes first. */
  authPending?: boolean;
  settle(outcome: { replies: RespValue[] } | { error: UpstreamFailure }): void;
};

export class SharedConnection {
  private readonly waiters: Waiter[] = [];
  private lastRead = Date.now();
  dead = false;
  /** Set when the instance's endpoint or credentials changed: takes no new work, closes when drained. */
  retired = false;
  lastUsed = Date.now();
  /** The reply to the AUTH sent ahead, until the first command's reply has been checked against it. */
  private authReply: RespValue | undefined;

  /**
   * `pendingAuth`: an AUTH this connection has not sent yet, written in the same write as its first
   * exchange (see authWithCommands in ./connection).
   */
  constructor(
    private readonly connection: RedisConnection,
    private readonly target: UpstreamTarget,
    private readonly onDead: (c: SharedConnection) => void,
    private pendingAuth: readonly Arg[] | null = null,
  ) {
    void this.readLoop();
  }

  /** Exchanges waiting on this connection (including abandoned ones still owed replies). */
  get load(): number {
    return this.waiters.length;
  }

  /** True when the oldest exchange here was abandoned: the server is slow on this connection. */
  get stalled(): boolean {
    return this.waiters[0]?.abandoned === true;
  }

  /**
   * Queues the exchange and writes it; settles once with its replies or a failure. A connection
   * already closed or retired (e.g. its instance's endpoint or credentials changed while it opened)
   * takes nothing: the exchange fails at once, unsent, saying it did not run.
   */
  send(commands: readonly (readonly Arg[])[], budget: ReplyBudget | null = null): { done: Promise<RespValue[]>; abandon(): void } {
    if (this.dead || this.retired) {
      return { done: Promise.reject(new UpstreamFailure("unreachable", unsentText(this.target, this.retired))), abandon: () => {} };
    }
    let waiter: Waiter | undefined;
    const done = new Promise<RespValue[]>((resolve, reject) => {
      waiter = {
        expected: commands.length,
        replies: [],
        budget,
        sentAt: Date.now(),
        abandoned: false,
        settle: (outcome) => ("error" in outcome ? reject(outcome.error) : resolve(outcome.replies)),
      };
    });
    const w = waiter as Waiter;
    const auth = this.pendingAuth;
    this.pendingAuth = null;
    w.authPending = auth !== null;
    this.waiters.push(w);
    // The parser reads replies only when asked, so the head's budget is in place before its first
    // reply (after the AUTH reply, which no exchange's budget counts).
    if (this.waiters.length === 1) this.connection.setReplyBudget(w.authPending ? null : w.budget);
    this.lastUsed = Date.now();
    // Writes are queued by the stream in call order, so the wire order is the waiters' order.
    this.connection.write(auth ? [auth, ...commands] : commands).catch((error) => this.fail(error));
    return { done, abandon: () => this.abandon(w) };
  }

  private abandon(waiter: Waiter): void {
    waiter.abandoned = true;
    // Silent: a reply has been owed for twice the deadline and nothing came. Measured from the later
    // of the last read and the oldest exchange's write: a connection idle before it was not silent.
    // Closing fails the exchanges still waiting here (never replayed); new ones get a fresh connection.
    const owedSince = Math.max(this.lastRead, this.waiters[0]?.sentAt ?? waiter.sentAt);
    if (!this.dead && Date.now() - owedSince >= 2 * this.target.timeoutMs) {
      this.fail(new UpstreamFailure("unreachable", silentText(this.target)), true);
    }
    this.closeIfDrained();
  }

  private async readLoop(): Promise<void> {
    try {
      for (;;) {
        const reply = await this.connection.nextReply();
        if (reply === undefined) throw new UpstreamFailure("unreachable", lostText(this.target));
        this.lastRead = Date.now();
        const head = this.waiters[0];
        if (!head) throw new UpstreamFailure("protocol", `ERR the upstream of instance ${this.target.instanceId} sent an unexpected reply`);
        if (head.authPending) {
          head.authPending = false;
          this.authReply = reply;
          this.connection.setReplyBudget(head.budget);
          continue;
        }
        if (this.authReply !== undefined) {
          // Refused (see refusedWithAuth): every exchange on this connection fails with the credentials' error.
          const refused = refusedWithAuth(this.target, this.authReply, reply);
          if (refused) return this.fail(refused, true);
          this.authReply = undefined;
        }
        head.replies.push(reply);
        if (head.replies.length === head.expected) {
          this.waiters.shift();
          this.connection.setReplyBudget(this.waiters[0]?.budget ?? null);
          // Settled even when abandoned: the caller already has its 504, and this releases its slot.
          head.settle({ replies: head.replies });
          this.closeIfDrained();
        }
      }
    } catch (error) {
      this.fail(error instanceof UpstreamFailure ? error : new UpstreamFailure("protocol", lostText(this.target)));
    }
  }

  /** Closes the connection and fails every exchange still waiting on it (they are never replayed). */
  fail(error: UpstreamFailure, keepText = false): void {
    if (this.dead) return;
    this.dead = true;
    this.connection.close();
    const failure = keepText ? error : new UpstreamFailure(error.kind, lostText(this.target));
    for (const w of this.waiters.splice(0)) w.settle({ error: failure });
    this.onDead(this);
  }

  /** Closes a retired or idle connection once nothing waits on it. */
  closeIfDrained(idleMs?: number): void {
    if (this.dead || this.waiters.length > 0) return;
    if (this.retired || (idleMs !== undefined && Date.now() - this.lastUsed >= idleMs)) {
      this.fail(new UpstreamFailure("unreachable", lostText(this.target)));
    }
  }
}

const lostText = (t: UpstreamTarget) =>
  `ERR lost the connection to the upstream of instance ${t.instanceId}; the command may have run and was not retried`;
const unsentText = (t: UpstreamTarget, retired: boolean) =>
  `ERR the connection to the upstream of instance ${t.instanceId} was closed before the command was sent${retired ? " (the instance's endpoint or credentials changed)" : ""}; the command did not run`;
const silentText = (t: UpstreamTarget) =>
  `ERR the upstream of instance ${t.instanceId} stopped answering; the connection was closed and the command was not retried`;
