// An account's lifecycle after sign-up: change the password (ends every other session), sign out,
// list and end sessions, and reset the password through an operator-issued one-time link (ends them all).
import { forgetTrustedDevices, type LimiterNamespace } from "../auth/login-guard";
import { hashPassword, verifyPassword } from "../auth/password";
import { SESSION_IDLE_MS } from "../auth/sessions";
import { AppError } from "../errors";
import { sha256Hex } from "../lib/encoding";
import { revokeConsoleKeysCreatedByStatement } from "../storage/api-keys";
import type { Db } from "../storage/db";
import { findLivePasswordReset, markUserPasswordResetsUsedStatement } from "../storage/password-resets";
import {
  deleteSessionStatement,
  deleteUserSessionStatement,
  deleteUserSessionsStatement,
  hasUserSession,
  listLiveSessions,
  updatePasswordStatement,
} from "../storage/sessions";
import { findUserById } from "../storage/users";
import { type AccountClient, accountAuditStatement, sessionAccountAuditStatement } from "./account-audit";
import { admitPasswordCheckOrRefuse, identify, type LoginClient } from "./accounts";
import type { ServiceContext, StorageContext } from "./context";
import { revocations, writeMarkers } from "./directory-writes";
import { RESET_PREFIX } from "./operators";

/** The acting user's live sessions, newest first; `current` marks the one making this request. */
export async function listSessions(ctx: ServiceContext, currentSessionId: string) {
  const now = new Date();
  const rows = await listLiveSessions(ctx.db, ctx.actor.userId, now, new Date(now.getTime() - SESSION_IDLE_MS));
  return rows.map((s) => ({
    id: s.id,
    created_at: s.createdAt.toISOString(),
    last_seen_at: (s.lastSeenAt ?? s.createdAt).toISOString(),
    expires_at: s.expiresAt.toISOString(),
    ip: s.ip,
    user_agent: s.userAgent,
    current: s.id === currentSessionId,
  }));
}

export type PublicSession = Awaited<ReturnType<typeof listSessions>>[number];

/**
 * Signs out the session with `token`: deleted, and the sign-out recorded in its account's activity
 * in the same batch, only if the session was live (an unknown, expired or already ended token
 * changes nothing and writes nothing: signing out is idempotent).
 */
export async function signOut(db: Db, token: string, client: AccountClient): Promise<void> {
  const tokenHash = await sha256Hex(token);
  await db.batch([
    sessionAccountAuditStatement(db, tokenHash, new Date(), "account.sign_out", client),
    deleteSessionStatement(db, tokenHash),
  ]);
}

/** Ends one of the acting user's sessions. @throws not_found for any other id (someone else's too). */
export async function endSession(ctx: ServiceContext, sessionId: string): Promise<void> {
  if (!(await hasUserSession(ctx.db, ctx.actor.userId, sessionId))) throw new AppError("not_found", "Session not found.");
  await ctx.db.batch([
    deleteUserSessionStatement(ctx.db, ctx.actor.userId, sessionId),
    accountAuditStatement(ctx.db, ctx.actor.userId, "account.session_end", ctx.actor, { session_id: sessionId }),
  ]);
}

/**
 * Signs the acting user out everywhere, this session included, and revokes the console keys their
 * sessions minted (D1 and the edge's markers): a five-minute admin key must not outlive the sign-out.
 */
export async function endAllSessions(ctx: ServiceContext): Promise<void> {
  const now = new Date();
  const [, revoked] = await ctx.db.batch([
    deleteUserSessionsStatement(ctx.db, ctx.actor.userId),
    revokeConsoleKeysCreatedByStatement(ctx.db, ctx.actor.userId, now),
    accountAuditStatement(ctx.db, ctx.actor.userId, "account.sessions_end", ctx.actor),
  ]);
  await writeMarkers(ctx, revocations(revoked, now));
}

/**
 * Checks the acting user's current password before a change only the password may make (changing
 * it, closing the account), within the sign-in limits: a stolen session gets no more guesses at the
 * password than a sign-in form. A wrong one counts as a failed sign-in; a right one is taken back.
 * @throws invalid_request (field `current_password`) when it is wrong (not a 401: the session is
 *   fine); rate_limited (429 with Retry-After) while the limits are full, even for the right one.
 */
export async function confirmCurrentPassword(ctx: ServiceContext, guard: LimiterNamespace, password: string, client: LoginClient) {
  const notCorrect = new AppError("invalid_request", "The current password is not correct.", [
    { path: "current_password", message: "is not correct" },
  ]);
  const user = await findUserById(ctx.db, ctx.actor.userId);
  if (!user) throw notCorrect;
  const who = await identify(user.email, client);
  const check = await admitPasswordCheckOrRefuse(guard, who, Date.now(), "Too many wrong passwords.");
  if (!(await verifyPassword(password, user.passwordHash))) throw notCorrect;
  await check.passed();
  return { user, who };
}

/**
 * Changes the password after checking the current one, within the sign-in limits (a stolen session
 * gets no more guesses at the password than a sign-in form); every other session ends, so do the
 * console keys of every session (this one's too: the console mints another), every reset link
 * issued before stops working, and no device stays trusted for sign-in limits but this
 * request's (its rg_device token, when it sent one).
 * @throws invalid_request when the current password is wrong (not a 401: the session is fine);
 *   rate_limited (429 with Retry-After) while the limits are full.
 */
export async function changePassword(
  ctx: ServiceContext,
  guard: LimiterNamespace,
  currentSessionId: string,
  input: { current_password: string; new_password: string },
  client: LoginClient,
): Promise<void> {
  const { user, who } = await confirmCurrentPassword(ctx, guard, input.current_password, client);
  const hash = await hashPassword(input.new_password);
  const now = new Date();
  const [, , revoked] = await ctx.db.batch([
    updatePasswordStatement(ctx.db, user.id, hash),
    deleteUserSessionsStatement(ctx.db, user.id, currentSessionId),
    revokeConsoleKeysCreatedByStatement(ctx.db, user.id, now),
    markUserPasswordResetsUsedStatement(ctx.db, user.id, now),
    accountAuditStatement(ctx.db, user.id, "account.password_change", ctx.actor),
  ]);
  await writeMarkers(ctx, revocations(revoked, now));
  await forgetTrustedDevices(guard, user.email, who.deviceHash, Date.now());
}

/**
 * Sets a new password through an operator-issued reset token: valid for an hour, used once
 * (the use is claimed before the password changes, so two uses at once cannot both win); every
 * session of the account ends, and so do its console keys and every other link of the account; no device stays trusted
 * for sign-in limits but this request's (its rg_device token, when it sent one).
 * @throws unauthorized for an unknown, used or expired token (one answer for all).
 */
export async function resetPassword(
  storage: StorageContext,
  guard: LimiterNamespace,
  input: { token: string; new_password: string },
  client: LoginClient,
): Promise<void> {
  const db = storage.db;
  const refused = new AppError("unauthorized", "This reset link is invalid, used or expired. Ask the operator for a new one.");
  if (!input.token.startsWith(RESET_PREFIX)) throw refused;
  const now = new Date();
  const reset = await findLivePasswordReset(db, await sha256Hex(input.token), now);
  const user = reset && (await findUserById(db, reset.userId));
  if (!reset || !user || user.disabledAt) throw refused;
  // Claims every live link of the account at once: this one must be among them, and no other link
  // outlives the reset (nor can another one be used at the same moment).
  const claimed = await markUserPasswordResetsUsedStatement(db, user.id, now).all();
  if (!claimed.some((row) => row.id === reset.id)) throw refused;
  const hash = await hashPassword(input.new_password);
  const [, , revoked] = await db.batch([
    updatePasswordStatement(db, user.id, hash),
    deleteUserSessionsStatement(db, user.id),
    revokeConsoleKeysCreatedByStatement(db, user.id, now),
    accountAuditStatement(db, user.id, "account.password_reset", client, { reset_id: reset.id }),
  ]);
  await writeMarkers(storage, revocations(revoked, now));
  await forgetTrustedDevices(guard, user.email, (await identify(user.email, client)).deviceHash, Date.now());
}
