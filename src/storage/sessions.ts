// D1 queries for one account's sessions beyond sign-in: listing, ending, touching, and the password
// writes that end sessions with them. Session tokens are stored only as SHA-256 hashes.
import { and, desc, eq, ne } from "drizzle-orm";
import { sessions, users } from "../../drizzle/schema";
import type { Db } from "./db";
import { sessionLiveAt } from "./users";

export type SessionRow = typeof sessions.$inferSelect;

/** The user's sessions that are neither expired nor idle past `idleSince`, newest first. */
export async function listLiveSessions(db: Db, userId: string, now: Date, idleSince: Date): Promise<SessionRow[]> {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), sessionLiveAt(now, idleSince)))
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .all();
}

/** Ends one of the user's sessions; resolves to the number of rows removed (0: not theirs). */
export async function hasUserSession(db: Db, userId: string, sessionId: string): Promise<boolean> {
  const row = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.id, sessionId)))
    .get();
  return row !== undefined;
}

/** Deletes the session with this token hash, whoever's it is (signing out; an unknown hash deletes nothing). */
export function deleteSessionStatement(db: Db, tokenHash: string) {
  return db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

export function deleteUserSessionStatement(db: Db, userId: string, sessionId: string) {
  return db.delete(sessions).where(and(eq(sessions.userId, userId), eq(sessions.id, sessionId)));
}

export function deleteUserSessionsStatement(db: Db, userId: string, exceptId?: string) {
  return db.delete(sessions).where(and(eq(sessions.userId, userId), exceptId ? ne(sessions.id, exceptId) : undefined));
}

export async function touchSession(db: Db, sessionId: string, at: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, sessionId));
}

export function updatePasswordStatement(db: Db, userId: string, passwordHash: string) {
  return db.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, userId));
}
