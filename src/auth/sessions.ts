// Sessions: random `rgs_` tokens of which D1 keeps only the SHA-256, their absolute and idle
// lifetimes, and resolving a token to its user. The management face's session check
// (./middleware.ts) and the account services both use it; signing out is a service (it is audited).
import { sha256Hex } from "../lib/encoding";
import { DAY_MS, MINUTE_MS } from "../lib/time";
import type { Db } from "../storage/db";
import { touchSession } from "../storage/sessions";
import { findLiveSession, type UserRow } from "../storage/users";

export const SESSION_PREFIX = "rgs_";
export const SESSION_TTL_MS = 7 * DAY_MS;
/** A session unused for this long is dead, whatever its absolute expiry. */
export const SESSION_IDLE_MS = DAY_MS;
/** last_seen_at is written at most this often per session (not on every request). */
const TOUCH_EVERY_MS = 5 * MINUTE_MS;

/**
 * The user and session behind a live session token, or null for an unknown, expired, idle or
 * malformed one. Marks the session seen (at most every few minutes).
 */
export async function resolveSession(db: Db, token: string, now = new Date()): Promise<{ user: UserRow; sessionId: string } | null> {
  if (!token.startsWith(SESSION_PREFIX) || token.length > 200) return null;
  const row = await findLiveSession(db, await sha256Hex(token), now, new Date(now.getTime() - SESSION_IDLE_MS));
  if (!row) return null;
  const seen = row.session.lastSeenAt ?? row.session.createdAt;
  if (now.getTime() - seen.getTime() > TOUCH_EVERY_MS) await touchSession(db, row.session.id, now);
  return { user: row.user, sessionId: row.session.id };
}
