// One TCP (or TLS, for rediss://) connection to a Redis server through cloudflare:sockets, with a
// deadline for the whole exchange. A Worker cannot share sockets between requests, so the direct
// transport opens one per request; the pool object (pool.ts) keeps these open and shares them.
import { connect } from "cloudflare:sockets";
import { type UpstreamTarget, upstreamFailureText } from "../driver";
import { redisAddress } from "./endpoint";
import { type Arg, type ReplyBudget, RespError, RespParser, type RespValue } from "./resp";
import { encodeCommands } from "./resp-encode";

/**
 * `busy`: the pool's in-flight caps are reached (503 with Retry-After; nothing was sent);
 * `too_large`: the pool object's answer would pass what one RPC message may carry (400). A reply
 * past the request's own budget is not a failure: it comes back as a RespTooLarge reply in its
 * place (read and dropped, so the connection is still in step), and the driver answers for it.
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

/**
 * The budget for replies no request owns: AUTH, SELECT and PING at set-up, and anything a server
 * sends unasked. They are a few bytes; a server that sends more cannot make the Worker hold it.
 */
const SET_UP_BUDGET: ReplyBudget = { bytes: 64 * 1024, elements: 64 };

export class RedisConnection {
  private readonly parser = new RespParser();
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private closed = false;
  private readonly budget: ReplyBudget;
  private eachReply = false;

  readonly instanceId: string;

  /** `db`: the database the endpoint names (SELECTed at set-up unless 0). */
  private constructor(
    private readonly socket: Socket,
    private readonly target: UpstreamTarget,
    private readonly db: number,
  ) {
    this.instanceId = target.instanceId;
    this.budget = { bytes: target.maxReplyBytes, elements: target.maxReplyElements };
    this.reader = socket.readable.getReader();
    this.writer = socket.writable.getWriter();
    this.parser.setBudget(SET_UP_BUDGET);
  }

  /**
   * Connects and, when the instance has credentials or a database number, authenticates and
   * selects it before any client command is written: a failed AUTH must never let commands run.
   * `selectDatabase: false` skips SELECT (Redis refuses it while a script runs; SCRIPT KILL needs none).
   */
  static async open(target: UpstreamTarget, options: { selectDatabase?: boolean } = {}): Promise<RedisConnection> {
    const connection = await RedisConnection.connect(target);
    try {
      await connection.setUp(options);
    } catch (error) {
      connection.close();
      throw error;
    }
    return connection;
  }

  /**
   * A stream's connection (SUBSCRIBE, MONITOR): connected, set up, with `command` written and each
   * reply budgeted on its own. When AUTH went in the same write (see writeFirst), the command's first
   * reply is read here, so a refused AUTH still fails before the stream starts; that reply is
   * returned for the stream to pass on (undefined otherwise).
   */
  static async openStream(target: UpstreamTarget, command: Arg[]): Promise<{ connection: RedisConnection; first?: RespValue }> {
    const connection = await RedisConnection.connect(target);
    connection.budgetEachReply();
    try {
      const checkFirst = await connection.writeFirst([command]);
      if (!checkFirst) return { connection };
      const first = await connection.nextReply();
      if (first === undefined) throw connection.closedByServer();
      checkFirst(first);
      return { connection, first };
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  /** A connected socket that is not yet the instance's own: no AUTH, no SELECT. */
  static async connect(target: UpstreamTarget): Promise<RedisConnection> {
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
    return new RedisConnection(socket, target, endpoint.db);
  }

  /**
   * AUTH, then SELECT, each answered before anything else is written. Logging in as an ACL user on
   * a server not yet known to refuse unauthenticated commands, a PING goes first in the same write:
   * its `NOAUTH` teaches `authWithCommands` that AUTH may share the commands' write from now on.
   */
  async setUp(options: { selectDatabase?: boolean } = {}): Promise<void> {
    const { password } = this.target.credentials ?? {};
    const probe = password !== undefined && !logsInAsDefault(this.target) && !refusesAnonymous(this.target);
    const setup: Arg[][] = password ? [this.auth(password)] : [];
    if (this.db !== 0 && options.selectDatabase !== false) setup.push(["SELECT", String(this.db)]);
    if (setup.length === 0) return;
    const replies = await this.exchange(probe ? [["PING"], ...setup] : setup);
    if (probe) learnRefusesAnonymous(this.target, replies.shift() as RespValue);
    const failed = replies.findIndex((r) => r instanceof RespError);
    if (failed < 0) return;
    if (password !== undefined && failed === 0) throw credentialsRejected(this.target);
    throw new UpstreamFailure("protocol", `ERR the upstream of instance ${this.instanceId} refused to select database ${this.db}`);
  }

  private auth(password: string): Arg[] {
    return authCommand(this.target.credentials?.username, password);
  }

  /**
   * A fresh connection's only exchange (the direct transport's request): set up, then `commands`,
   * with AUTH in the same write when `authWithCommands` allows it.
   */
  async setUpAndExchange(commands: readonly (readonly Arg[])[]): Promise<RespValue[]> {
    return this.readReplies(commands.length, await this.writeFirst(commands));
  }

  /**
   * Writes a fresh connection's first commands. When `authWithCommands` allows it, AUTH goes in the
   * same write and its reply is read here; the check returned must then see the first command's
   * reply (`refusedWithAuth`). Otherwise the set-up is answered first, and there is nothing to check.
   */
  private async writeFirst(commands: readonly (readonly Arg[])[]): Promise<((first: RespValue) => void) | undefined> {
    const auth = authWithCommands(this.target);
    if (!auth) {
      await this.setUp();
      await this.write(commands);
      return undefined;
    }
    await this.write([auth, ...commands]);
    const authReply = await this.nextReply();
    if (authReply === undefined) throw this.closedByServer();
    return (first) => {
      const refused = refusedWithAuth(this.target, authReply, first);
      if (refused) throw refused;
    };
  }

  /**
   * Writes all commands in one write, then reads exactly one reply per command, all of them under
   * one reply budget (the target's bytes and elements per request): a reply that passes it comes
   * back as RespTooLarge, as does every one after it (the budget is spent).
   */
  async exchange(commands: readonly (readonly Arg[])[]): Promise<RespValue[]> {
    await this.write(commands);
    return this.readReplies(commands.length);
  }

  /** Reads `count` replies under one reply budget; `checkFirst` may refuse the exchange at its first reply. */
  private async readReplies(count: number, checkFirst?: (first: RespValue) => void): Promise<RespValue[]> {
    const replies: RespValue[] = [];
    this.parser.setBudget(this.budget);
    while (replies.length < count) {
      const reply = await this.nextReply();
      if (reply === undefined) throw this.closedByServer();
      if (replies.length === 0) checkFirst?.(reply);
      replies.push(reply);
    }
    this.parser.setBudget(SET_UP_BUDGET);
    return replies;
  }

  private closedByServer(): UpstreamFailure {
    return new UpstreamFailure("protocol", `ERR the upstream of instance ${this.instanceId} closed the connection`);
  }

  /**
   * Starts a budget for the replies that follow (null: the set-up budget, for replies no request
   * owns); a shared connection sets one per exchange, as each exchange's first reply comes up.
   */
  setReplyBudget(budget: ReplyBudget | null): void {
    this.parser.setBudget(budget ?? SET_UP_BUDGET);
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

/** AUTH as `username`, or as the server's default user when there is none. */
export function authCommand(username: string | undefined, password: string): Arg[] {
  return username ? ["AUTH", username, password] : ["AUTH", password];
}

/**
 * The AUTH that may go in the same write as the commands after it, or null when the set-up must be
 * answered first. Only on database 0: a failed SELECT would leave the connection on database 0, so
 * with a database each set-up step is answered first. It may:
 * - when the instance logs in as the server's default user (a password and no user name, or the
 *   user "default"). A connection starts as the default user, so whether or not AUTH succeeds, the
 *   commands can only run as the user AUTH names;
 * - when it logs in as an ACL user and this isolate has seen the server refuse a command from a
 *   connection that had not authenticated (`NOAUTH`, learned by `setUp`): its default user needs a
 *   password or is off, so if AUTH fails, the commands are refused too and nothing runs.
 * `refusedWithAuth` reads the outcome.
 */
export function authWithCommands(target: UpstreamTarget): Arg[] | null {
  const { username, password } = target.credentials ?? {};
  if (!password || redisAddress(target.endpoint).db !== 0) return null;
  if (!logsInAsDefault(target) && !refusesAnonymous(target)) return null;
  return authCommand(username, password);
}

const credentialsRejected = (target: UpstreamTarget) => new UpstreamFailure("auth", upstreamFailureText.rejected(target));

/**
 * After an AUTH sent with the commands: the `auth` failure to answer, or null when the commands ran
 * as the instance's user. AUTH failed and the first command was refused unauthenticated (`NOAUTH`):
 * nothing ran. AUTH failed and the commands were not refused: the server wants no password from its
 * default user. For a default-user login, that is the instance's user, and the replies are the
 * answer. For an ACL user, the server changed since this isolate learned it refused anonymous
 * commands: the commands ran as its default user, open to anyone who can reach it. The caller still
 * answers the credentials' failure, and the set-up is answered first from then on.
 */
export function refusedWithAuth(target: UpstreamTarget, authReply: RespValue, first: RespValue): UpstreamFailure | null {
  if (!(authReply instanceof RespError)) return null;
  if (isNoAuth(first)) return credentialsRejected(target);
  if (logsInAsDefault(target)) return null;
  ANONYMOUS_REFUSED.delete(serverOf(target));
  return credentialsRejected(target);
}

/** Redis's refusal of a command from a connection that has not authenticated. */
const isNoAuth = (reply: RespValue) => reply instanceof RespError && reply.message.startsWith("NOAUTH");

/** True when the instance logs in as the server's default user (a password with no user name, or "default"). */
function logsInAsDefault(target: UpstreamTarget): boolean {
  const username = target.credentials?.username;
  return username === undefined || username === "default";
}

/**
 * Servers (`host:port`) this isolate has seen answer `NOAUTH` to a command sent before AUTH: their
 * default user cannot run commands unauthenticated. Forgotten when one no longer does.
 */
const ANONYMOUS_REFUSED = new Set<string>();
const MAX_SERVERS = 1024;

function serverOf(target: UpstreamTarget): string {
  const { hostname, port } = redisAddress(target.endpoint);
  return `${hostname}:${port}`;
}

function refusesAnonymous(target: UpstreamTarget): boolean {
  return ANONYMOUS_REFUSED.has(serverOf(target));
}

/** Records what a PING sent before AUTH says about the server. */
function learnRefusesAnonymous(target: UpstreamTarget, pingReply: RespValue): void {
  const server = serverOf(target);
  if (!isNoAuth(pingReply)) {
    ANONYMOUS_REFUSED.delete(server);
    return;
  }
  if (ANONYMOUS_REFUSED.size >= MAX_SERVERS) ANONYMOUS_REFUSED.clear();
  ANONYMOUS_REFUSED.add(server);
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
 * Runs `work` on a fresh connection under one deadline covering connect and work. On a miss the
 * socket is closed, even one still connecting, so a Redis that answers late leaves no connection
 * behind. Otherwise it is closed when `work` ends, unless `keep` hands a successful one to the caller.
 */
async function onFreshSocket<T>(target: UpstreamTarget, work: (c: RedisConnection) => Promise<T>, keep = false): Promise<T> {
  let connection: RedisConnection | undefined;
  let late = false;
  const run = async () => {
    connection = await RedisConnection.connect(target);
    if (late) connection.close();
    return work(connection);
  };
  let kept = false;
  try {
    const result = await withDeadline(target, run(), () => {
      late = true;
      connection?.close();
    });
    kept = keep;
    return result;
  } finally {
    if (!kept) connection?.close();
  }
}

/**
 * A connection kept open by the caller: connected and, unless `setUp` is false (the caller sends
 * AUTH with its first commands), set up, under the target's deadline (see onFreshSocket).
 */
export function openWithinDeadline(target: UpstreamTarget, setUp = true): Promise<RedisConnection> {
  return onFreshSocket(
    target,
    async (c) => {
      if (setUp) await c.setUp();
      return c;
    },
    true,
  );
}

/** Runs `work` on a fresh connection, authenticated and on its database, under the target's deadline. */
export function withConnection<T>(target: UpstreamTarget, work: (c: RedisConnection) => Promise<T>): Promise<T> {
  return onFreshSocket(target, async (c) => {
    await c.setUp();
    return work(c);
  });
}

/** One exchange on a fresh connection (see `setUpAndExchange`), under the target's deadline. */
export function exchangeOnce(target: UpstreamTarget, commands: readonly (readonly Arg[])[]): Promise<RespValue[]> {
  return onFreshSocket(target, (c) => c.setUpAndExchange(commands));
}
