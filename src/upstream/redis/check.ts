// Checks a redis-driver endpoint before an instance is saved: connect, AUTH, SELECT and PING one
// step at a time, so the 422 names the step that failed and quotes Redis's own answer (WRONGPASS,
// NOAUTH, an out-of-range database). Never throws; never puts credentials in a reason.
import type { CheckResult, UpstreamTarget } from "../driver";
import { authCommand, RedisConnection, UpstreamFailure, withDeadline } from "./connection";
import { redisAddress } from "./endpoint";
import { type Arg, RespError, RespSimple, type RespValue } from "./resp";

/** A target that opens a bare socket: no AUTH, no SELECT (the check sends them itself). */
function bareTarget(target: UpstreamTarget): UpstreamTarget {
  const url = new URL(target.endpoint);
  return { ...target, endpoint: `${url.protocol}//${url.host}`, credentials: null };
}

/** The commands that make a bare connection into the instance's own: AUTH, then SELECT. */
function setupCommands(target: UpstreamTarget): { step: string; command: Arg[] }[] {
  const { username, password } = target.credentials ?? {};
  const db = redisAddress(target.endpoint).db;
  const steps: { step: string; command: Arg[] }[] = [];
  if (password) steps.push({ step: "AUTH", command: authCommand(username, password) });
  if (db !== 0) steps.push({ step: `SELECT ${db}`, command: ["SELECT", String(db)] });
  return steps;
}

const describe = (reply: RespValue | undefined): string =>
  reply instanceof RespError ? reply.message : reply instanceof RespSimple ? reply.value : "an unexpected reply";

/** Why a connection could not be made or answered, in words that name the address only. */
export function transportReason(target: UpstreamTarget, error: unknown): string {
  const { hostname, port, tls } = redisAddress(target.endpoint);
  const where = `${hostname}:${port}`;
  if (error instanceof UpstreamFailure && error.kind === "timeout") return `${where} did not answer within ${target.timeoutMs} ms`;
  if (error instanceof UpstreamFailure && error.kind === "unreachable")
    return `cannot connect to ${where} (connection refused, host unreachable${tls ? " or no TLS there" : ""})`;
  if (error instanceof UpstreamFailure && error.kind === "auth") return `${where} rejected the credentials`;
  if (error instanceof UpstreamFailure) return `${where} closed the connection${tls ? " (is TLS enabled on that port?)" : ""}`;
  throw error;
}

/**
 * Proves the server answers through these credentials: each setup step must succeed and PING
 * must answer PONG, within the target's deadline. A failed AUTH stops before anything else runs.
 */
export async function checkRedisUpstream(target: UpstreamTarget): Promise<CheckResult> {
  let connection: RedisConnection | undefined;
  const run = async (): Promise<CheckResult> => {
    connection = await RedisConnection.open(bareTarget(target));
    for (const { step, command } of [...setupCommands(target), { step: "PING", command: ["PING"] }]) {
      const [reply] = await connection.exchange([command]);
      if (reply instanceof RespError) return { ok: false, reason: `${step} was refused: ${reply.message}` };
      if (step === "PING" && !(reply instanceof RespSimple && reply.value === "PONG"))
        return { ok: false, reason: `PING answered ${describe(reply)} instead of PONG` };
    }
    return { ok: true };
  };
  try {
    return await withDeadline(target, run(), () => connection?.close());
  } catch (error) {
    return { ok: false, reason: transportReason(target, error) };
  } finally {
    connection?.close();
  }
}
