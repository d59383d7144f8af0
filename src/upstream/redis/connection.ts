// One TCP (or TLS, for rediss://) connection to a Redis server through cloudflare:sockets, with a
// deadline for the whole exchange. A Worker cannot share sockets between requests, so the direct
// transport opens one per request; the pool object (pool.ts) keeps these open and shares them.
import { connect } from "cloudflare:sockets";
import { type UpstreamTarget, upstreamFailureText } from "../driver";
import { redisAddress } from "./endpoint";
import { type Arg, encodeCommands, type ReplyBudget, RespError, RespParser, RespTooLarge, type RespValue } from "./resp";

/**
 * `busy`: the pool's in-flight caps are reached (503 with Retry-After; nothing was sent);
 * `too_large`: a reply went past the request's budget (400); it was read and dropped, so the
 * connection is still in step.
 */
export type FailureKind = "unreachable" | "timeout" | "auth" | "protocol" | "busy" | "too_large";

/** A transport-level failure; the message names the instance, never its credentials. */
export class UpstreamFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

export class RedisConnection {
  private readonly parser = new RespParser();
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private closed = false;
  private readonly budget: ReplyBudget;
  private eachReply = false;

  private constructor(
    private readonly socket: Socket,
    readonly instanceId: string,
    target: UpstreamTarget,
  ) {
    this.budget = { bytes: target.maxReplyBytes, elements: target.maxReplyElements };
    this.reader = socket.readable.getReader();
    this.writer = socket.writable.getWriter();
  }

  /**
   * Connects and, when the instance has credentials or a database number, authenticates and
   * selects it before any client command is written: a failed AUTH must never let commands run.
   * `selectDatabase: false` skips SELECT (Redis refuses it while a script runs; SCRIPT KILL needs none).
   */
  static async open(target: UpstreamTarget, options: { selectDatabase?: boolean } = {}): Promise<RedisConnection> {
    const endpoint = redisAddress(target.endpoint);
    let socket: Socket;
    try {
      socket = connect(
        { hostname: endpoint.hostname, port: endpoint.port },
        { secureTransport: endpoint.tls ? "on" : "off", allowHalfOpen: false },
      );
      // `closed` rejects too when the connection fails; unobserved, that is an uncaught rejection.
      socket.closed.catch(() => {});
      await socket.opened;
    } catch {
      throw new UpstreamFailure("unreachable", upstreamFailureText.unreachable(target));
    }
    const connection = new RedisConnection(socket, target.instanceId, target);
    const setup: Arg[][] = [];
    const { username, password } = target.credentials ?? {};
    if (password) setup.push(username ? ["AUTH", username, password] : ["AUTH", password]);
    if (endpoint.db !== 0 && options.selectDatabase !== false) setup.push(["SELECT", String(endpoint.db)]);
    if (setup.length > 0) {
      try {
        const replies = await connection.exchange(setup);
        const failed = replies.findIndex((r) => r instanceof RespError);
        if (failed >= 0) {
          const isAuth = password !== undefined && failed === 0;
          throw new UpstreamFailure(
            isAuth ? "auth" : "protocol",
            isAuth
              ? upstreamFailureText.rejected(target)
              : `ERR the upstream of instance ${target.instanceId} refused to select database ${endpoint.db}`,
          );
        }
      } catch (error) {
        connection.close();
        throw error;
      }
    }
    return connection;
  }

  /**
   * Writes all commands in one write, then reads exactly one reply per command, all of them under
   * one reply budget (the target's bytes and elements per request).
   * @throws UpstreamFailure("too_large") after reading every reply when one went past the budget.
   */
  async exchange(commands: readonly (readonly Arg[])[]): Promise<RespValue[]> {
    await this.write(commands);
    const replies: RespValue[] = [];
    this.parser.setBudget(this.budget);
    while (replies.length < commands.length) {
      const reply = await this.nextReply();
      if (reply === undefined)
        throw new UpstreamFailure("protocol", `ERR the upstream of instance ${this.instanceId} closed the connection`);
      replies.push(reply);
    }
    this.parser.setBudget(null);
    const over = replies.find((r) => r instanceof RespTooLarge);
    if (over) throw new UpstreamFailure("too_large", over.message);
    return replies;
  }

  /**
   * Starts a budget for the replies that follow (null: unlimited); a shared connection sets one per
   * exchange, as each exchange's first reply comes up.
   */
  setReplyBudget(budget: ReplyBudget | null): void {
    this.parser.setBudget(budget);
  }

  /** Budgets each following reply on its own (a stream's messages), with the target's limits. */
  budgetEachReply(): void {
    this.eachReply = true;
  }

  async write(commands: readonly (readonly Arg[])[]): Promise<void> {
    try {
      await this.writer.write(encodeCommands(commands));
    } catch {
      throw new UpstreamFailure("unreachable", `ERR lost the connection to the upstream of instance ${this.instanceId}`);
    }
  }

  /** The next complete reply, or undefined when the server closed the connection. */
  async nextReply(): Promise<RespValue | undefined> {
    if (this.eachReply) this.parser.setBudget(this.budget);
    for (;;) {
      const ready = this.parser.next();
      if (ready !== undefined) return ready;
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await this.reader.read();
      } catch {
        if (this.closed) return undefined;
        throw new UpstreamFailure("unreachable", `ERR lost the connection to the upstream of instance ${this.instanceId}`);
      }
      if (chunk.done) return undefined;
      this.parser.push(chunk.value);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close().catch(() => {});
  }
}

/** Races `work` against the target's deadline; a miss runs `onTimeout` and becomes UpstreamFailure("timeout"). */
export async function withDeadline<T>(target: UpstreamTarget, work: Promise<T>, onTimeout: () => void = () => {}): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new UpstreamFailure("timeout", upstreamFailureText.timeout(target)));
    }, target.timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `work` on a fresh connection under one deadline covering connect and exchange; the
 * connection is always closed.
 */
export async function withConnection<T>(target: UpstreamTarget, work: (c: RedisConnection) => Promise<T>): Promise<T> {
  let connection: RedisConnection | undefined;
  const run = async () => {
    connection = await RedisConnection.open(target);
    return work(connection);
  };
  try {
    return await withDeadline(target, run(), () => connection?.close());
  } finally {
    connection?.close();
  }
}
