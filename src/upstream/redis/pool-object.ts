// RedisPool: the Durable Object that holds an instance's warm connections, one object per
// (instance, region, shard). It opens the sealed credentials itself (they never cross RPC in the
// clear), runs exchanges on its pool, and hands replies back as RESP bytes (classes do not survive RPC).
// Holding the connections, it also translates Upstash script flags (its own SHA1 map) and stops a
// runaway script from a side connection (the shared one is busy with it).
import { DurableObject } from "cloudflare:workers";
import { fromBase64 } from "../../lib/encoding";
import { openTarget } from "../credentials";
import type { SealedTarget, UpstreamTarget } from "../driver";
import { type FailureKind, UpstreamFailure } from "./connection";
import { ConnectionPool, POOL_LIMITS } from "./pool";
import type { Arg } from "./resp";
import { encodeReply, utf8Length } from "./resp-encode";
import { exchangeWithScripts } from "./script-exchange";
import { ScriptShaMap } from "./script-flags";
import { withScriptKill } from "./script-kill";

/** RPC messages are capped (32 MiB); a reply past this is refused rather than breaking the call. */
export const MAX_POOL_REPLY_BYTES = 30 * 1024 * 1024;

/** The outcome of one exchange: every reply as RESP bytes, or the failure to report. */
export type PoolOutcome = { ok: true; replies: Uint8Array } | { ok: false; kind: FailureKind; message: string };

export class RedisPool extends DurableObject<Env> {
  private readonly pool: ConnectionPool;
  private opened: { fingerprint: string; target: Promise<UpstreamTarget> } | null = null;
  /** Client-to-server script SHA1s for the scripts this object translated. */
  private readonly scriptShas = new ScriptShaMap();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // REDIS_POOL_MAX_REQUESTS: optional var (default POOL_LIMITS.maxRequests); tests lower it.
    const max = Number((env as { REDIS_POOL_MAX_REQUESTS?: string }).REDIS_POOL_MAX_REQUESTS);
    this.pool = new ConnectionPool(Number.isInteger(max) && max > 0 ? { ...POOL_LIMITS, maxRequests: max } : POOL_LIMITS);
  }

  /** Runs one exchange (a command, a pipeline, or MULTI...EXEC as one contiguous write). */
  async exchange(sealed: SealedTarget, commands: Arg[][]): Promise<PoolOutcome> {
    const fingerprint = `${sealed.endpoint}\n${sealed.sealedCredentials ?? ""}\n${sealed.timeoutMs}`;
    try {
      // The reply caps travel with each request (an instance's limits may change without a new fingerprint).
      const target = {
        ...(await this.target(sealed, fingerprint)),
        maxReplyBytes: sealed.maxReplyBytes,
        maxReplyElements: sealed.maxReplyElements,
      };
      const replies = await exchangeWithScripts(commands, this.scriptShas, (sent) =>
        withScriptKill(target, sent, () => this.pool.exchange(target, fingerprint, sent, sizeOf(sent))),
      );
      const bytes = concat(replies.flatMap((r) => encodeReply(r)));
      if (bytes.byteLength > MAX_POOL_REPLY_BYTES) {
        return { ok: false, kind: "too_large", message: `ERR the reply exceeds ${MAX_POOL_REPLY_BYTES} bytes` };
      }
      return { ok: true, replies: bytes };
    } catch (error) {
      if (error instanceof UpstreamFailure) return { ok: false, kind: error.kind, message: error.message };
      throw error;
    }
  }

  /** In-flight figures and open connections (tests and the bench read them). */
  stats() {
    return this.pool.stats();
  }

  private target(sealed: SealedTarget, fingerprint: string): Promise<UpstreamTarget> {
    if (this.opened?.fingerprint !== fingerprint) {
      const target = openTarget(fromBase64(this.env.ENCRYPTION_KEY.trim()), sealed);
      target.catch(() => {
        if (this.opened?.target === target) this.opened = null;
      });
      this.opened = { fingerprint, target };
    }
    return this.opened.target;
  }
}

/** The arguments' bytes as they go on the wire (UTF-8), as the pool's byte cap counts them. */
function sizeOf(commands: Arg[][]): number {
  let n = 0;
  for (const c of commands) for (const a of c) n += typeof a === "string" ? utf8Length(a) : a.byteLength;
  return n;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
