// D1 queries for operator-issued password-reset links. Only the token's SHA-256 is stored; a link
// is used once, and an account has at most one live link: a newer link, a reset or a password
// change ends the others (the use is a conditional update, so two uses at once cannot both succeed).
import { and, eq, gt, isNull } from "drizzle-orm";
import { passwordResets } from "../../drizzle/schema";
import type { Db } from "./db";
import { assertAccountOpenStatement } from "./users";

export type PasswordResetRow = typeof passwordResets.$inferSelect;

/**
 * Stores a new reset for the user and, in the same batch, deletes every earlier one of theirs, used
 * or not: the newest link is the only one that works (an older link the operator sent elsewhere, or
 * that leaked, dies with it), and a user's rows stay one however many are issued.
 * Fails (isAccountClosed) and stores nothing when the account is closed: no reset could ever be used.
 */
export async function insertPasswordReset(db: Db, row: typeof passwordResets.$inferInsert & { createdAt: Date }): Promise<void> {
  await db.batch([
    db.delete(passwordResets).where(eq(passwordResets.userId, row.userId)),
    db.insert(passwordResets).values(row),
    assertAccountOpenStatement(db, row.userId),
  ]);
}

/** The unused, unexpired reset with this token hash. */
export async function findLivePasswordReset(db: Db, tokenHash: string, now: Date): Promise<PasswordResetRow | undefined> {
  return db
    .select()
    .from(passwordResets)
    .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
    .get();
}

/**
 * Marks every unused reset of the user used, in one statement (a reset claiming its link, or a
 * statement for the batch that changes the password): no link issued before a new password
 * survives it. Resolves, when run, to the ids it marked, so a reset knows whether its own link was
 * still unused (two uses at once, of one link or of two, cannot both win).
 */
export function markUserPasswordResetsUsedStatement(db: Db, userId: string, at: Date) {
  return db
    .update(passwordResets)
    .set({ usedAt: at })
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)))
    .returning({ id: passwordResets.id });
}
