// D1 queries for users and their sessions. Session tokens are stored only as SHA-256 hashes.
import { and, eq, exists, isNotNull, isNull, not, notExists, type SQL, sql } from "drizzle-orm";
import { memberships, sessions, users } from "../../drizzle/schema";
import { afterRow, type Db, type Direction, failDeploymentBatchIf, isBatchGuardFailure, type PageAfter, pageOrder } from "./db";

export type UserRow = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

export async function insertUser(db: Db, user: NewUser): Promise<void> {
  await db.insert(users).values(user);
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.email, email)).get();
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.id, id)).get();
}

/**
 * Replaces the stored hash of the same password with a stronger one, only if it is still `from`: a
 * password changed meanwhile is never put back.
 */
export async function upgradePasswordHash(db: Db, userId: string, from: string, to: string): Promise<void> {
  await db
    .update(users)
    .set({ passwordHash: to })
    .where(and(eq(users.id, userId), eq(users.passwordHash, from)));
}

/**
 * A session that still signs its user in at `now`: not expired, and used (last seen, or created if
 * never seen) after `idleSince`. The one definition the sign-in, the list and the clean-up share.
 */
export const sessionLiveAt = (now: Date, idleSince: Date): SQL =>
  sql`(${sessions.expiresAt} > ${now.getTime()} AND COALESCE(${sessions.lastSeenAt}, ${sessions.createdAt}) > ${idleSince.getTime()})`;

/**
 * Stores a new session and, in the same batch, deletes the user's sessions that can no longer sign
 * anyone in (not live at its creation). So a user's rows are their live sessions and the new one,
 * however often they sign in.
 */
/** Inserts a session, pruning the account's sessions that are no longer live (for one batch). */
export function insertSessionStatements(db: Db, session: typeof sessions.$inferInsert & { createdAt: Date }, idleSince: Date) {
  return [
    db.delete(sessions).where(and(eq(sessions.userId, session.userId), not(sessionLiveAt(session.createdAt, idleSince)))),
    db.insert(sessions).values(session),
  ] as const;
}

/**
 * The live session with this token hash and its user: not expired, not idle since before
 * `idleSince` (last seen, or created if never seen), user not disabled.
 */
export async function findLiveSession(db: Db, tokenHash: string, now: Date, idleSince: Date) {
  const row = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), sessionLiveAt(now, idleSince)))
    .get();
  if (!row || row.user.disabledAt) return undefined;
  return row;
}

/**
 * An operator is an account marked so and not closed: the one definition the count, the guard and
 * the bootstrap share. (Closing an account clears the mark; accounts closed before it did keep it.)
 */
const enabledOperator = and(eq(users.isOperator, true), isNull(users.disabledAt));

/** Makes a user an operator, or not. */
export function setOperatorStatement(db: Db, userId: string, isOperator: boolean) {
  return db.update(users).set({ isOperator, updatedAt: new Date() }).where(eq(users.id, userId));
}

/**
 * A batch statement that fails (isNoOperatorLeft) when no operator remains. Appended to a batch that
 * demotes an operator or closes their account, it makes the last-operator check and the write one
 * atomic step: two operators demoting each other at once cannot both win.
 */
export function assertOperatorRemainsStatement(db: Db) {
  return failDeploymentBatchIf(db, notExists(db.select({ id: users.id }).from(users).where(enabledOperator)));
}

/** True when a batch failed on assertOperatorRemainsStatement: no operator was left. */
export const isNoOperatorLeft = isBatchGuardFailure;

/**
 * A batch statement that fails (isAccountClosed) when the account `userId` is closed. Appended to a
 * write that only makes sense for an open account (a promotion, a reset link), it makes the check and
 * the write one atomic step: an account closed at the same moment gets neither.
 */
export function assertAccountOpenStatement(db: Db, userId: string) {
  return failDeploymentBatchIf(
    db,
    exists(
      db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.id, userId), isNotNull(users.disabledAt))),
    ),
  );
}

/** True when a batch failed on assertAccountOpenStatement: the account was closed. */
export const isAccountClosed = isBatchGuardFailure;

/**
 * A batch statement that fails (isPasswordChanged) unless the account `userId` is open and still has
 * `passwordHash`. Appended to a new session, it makes "the password checked is still the password"
 * and the insert one atomic step: a password change or reset either commits first (and the session
 * is never written) or after (and its deletion of every session takes this one too).
 */
export function assertPasswordUnchangedStatement(db: Db, userId: string, passwordHash: string) {
  return failDeploymentBatchIf(
    db,
    notExists(
      db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.id, userId), eq(users.passwordHash, passwordHash), isNull(users.disabledAt))),
    ),
  );
}

/** True when a batch failed on assertPasswordUnchangedStatement: the password changed or the account closed. */
export const isPasswordChanged = isBatchGuardFailure;

/**
 * Makes `userId` the first operator, in one statement that changes nothing once any operator
 * exists (two bootstraps at once cannot both win). Resolves to the number of rows changed.
 */
export async function promoteFirstOperator(db: Db, userId: string): Promise<number> {
  const anyOperator = db.select({ id: users.id }).from(users).where(enabledOperator);
  const result = await db
    .update(users)
    .set({ isOperator: true, updatedAt: new Date() })
    .where(and(eq(users.id, userId), notExists(anyOperator)))
    .run();
  return result.meta.changes ?? 0;
}

/** How many operators (accounts not closed) the deployment has. */
export async function countOperators(db: Db): Promise<number> {
  const rows = await db.select({ id: users.id }).from(users).where(enabledOperator).all();
  return rows.length;
}

/**
 * Disables an account: marks the user disabled (and no longer an operator), ends every session,
 * leaves every organization.
 */
export function disableUserStatements(db: Db, userId: string, now: Date) {
  return [
    db.update(users).set({ disabledAt: now, isOperator: false, updatedAt: now }).where(eq(users.id, userId)),
    db.delete(sessions).where(eq(sessions.userId, userId)),
    db.delete(memberships).where(eq(memberships.userId, userId)),
  ] as const;
}

/**
 * Accounts oldest first (or newest, `desc`), keyset-paginated, optionally only the one with `email` (stored lower-cased),
 * for the operators' account list.
 */
export async function listUsers(db: Db, limit: number, after?: PageAfter, email?: string, order: Direction = "asc") {
  const page = afterRow(users.createdAt, users.id, after, order);
  return db
    .select()
    .from(users)
    .where(and(page, email === undefined ? undefined : eq(users.email, email)))
    .orderBy(...pageOrder(users.createdAt, users.id, order))
    .limit(limit)
    .all();
}
