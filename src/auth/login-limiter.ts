// LoginLimiter: a Durable Object (SQLite) that remembers failed sign-ins in sliding windows, one
// object per account (its (account, address) failures, its account-wide failures and the hashes
// of the devices trusted for it) and one per client address. Consistent across colos, unlike the
// rate-limit binding, which counts per colo in fixed windows.
import { DurableObject } from "cloudflare:workers";
import type { AppBindings } from "../env";

/** One sliding window: at most `limit` failures counted under `scope` in the last `windowMs`. */
export type WindowRule = { scope: string; limit: number; windowMs: number };

const TRUST_TTL_MS = 90 * 24 * 60 * 60 * 1000;
const KEEP_MS = 24 * 60 * 60 * 1000; // longer than every window: older failures are forgotten

export class LoginLimiter extends DurableObject<AppBindings> {
  constructor(ctx: DurableObjectState, env: AppBindings) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS failures (scope TEXT NOT NULL, at INTEGER NOT NULL)");
      ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS failures_scope_at ON failures (scope, at)");
      ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS trusted (hash TEXT PRIMARY KEY, until INTEGER NOT NULL)");
    });
  }

  /**
   * Admits one attempt: 0 when every rule allows another, and the attempt is then counted as a
   * failure under each rule's scope at once (one synchronous call, so attempts sent together are
   * admitted one by one); otherwise the seconds until every rule allows one, counting nothing. A
   * rule is full when it has `limit` failures in its window; it frees up when the oldest of those
   * leaves the window. Failures older than any window are forgotten.
   */
  admit(rules: WindowRule[], now: number): number {
    let wait = 0;
    for (const rule of rules) {
      const rows = this.ctx.storage.sql
        .exec<{ at: number }>(
          "SELECT at FROM failures WHERE scope = ? AND at > ? ORDER BY at DESC LIMIT ?",
          rule.scope,
          now - rule.windowMs,
          rule.limit,
        )
        .toArray();
      const oldest = rows.at(-1);
      if (rows.length >= rule.limit && oldest) wait = Math.max(wait, Math.ceil((oldest.at + rule.windowMs - now) / 1000));
    }
    if (wait > 0) return wait;
    for (const rule of rules) this.ctx.storage.sql.exec("INSERT INTO failures (scope, at) VALUES (?, ?)", rule.scope, now);
    this.ctx.storage.sql.exec("DELETE FROM failures WHERE at < ?", now - KEEP_MS);
    return 0;
  }

  /** Takes back an attempt admitted at `at` (it succeeded, or another object refused it): one failure under each scope. */
  release(scopes: string[], at: number): void {
    for (const scope of scopes) {
      this.ctx.storage.sql.exec(
        "DELETE FROM failures WHERE rowid = (SELECT rowid FROM failures WHERE scope = ? AND at = ? LIMIT 1)",
        scope,
        at,
      );
    }
  }

  /** Forgets the failures of one scope (a successful sign-in from that address). */
  clear(scope: string): void {
    this.ctx.storage.sql.exec("DELETE FROM failures WHERE scope = ?", scope);
  }

  /** Trusts a device (by its token's hash) for this account for 90 days. */
  trust(hash: string, now: number): void {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO trusted (hash, until) VALUES (?, ?)", hash, now + TRUST_TTL_MS);
    this.ctx.storage.sql.exec("DELETE FROM trusted WHERE until < ?", now);
  }

  isTrusted(hash: string, now: number): boolean {
    return this.ctx.storage.sql.exec("SELECT 1 FROM trusted WHERE hash = ? AND until > ?", hash, now).toArray().length > 0;
  }

  /**
   * Forgets every trusted device (the password changed or was reset) but `keep` (the hash of the
   * device that set the new password, or null), which is then trusted afresh for 90 days: in one
   * call, so no check sees the account with neither.
   */
  forgetDevices(keep: string | null, now: number): void {
    this.ctx.storage.sql.exec("DELETE FROM trusted");
    if (keep !== null) this.trust(keep, now);
  }
}
