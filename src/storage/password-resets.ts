// D1 queries for operator-issued password-reset links. Only the token's SHA-256 is stored; a link
// is used once (the use is a conditional update, so two uses at once cannot both succeed).
import { and, eq, gt, isNotNull, isNull, lte, or } from "drizzle-orm";
import { passwordResets } from "../../drizzle/schema";
import type { Db } from "./db";
import { assertAccountOpenStatement } from "./users";

export type PasswordResetRow = typeof passwordResets.$inferSelect;

/**
 * Stores a new reset for the user and, in the same batch, deletes their resets that can no longer be
 * used (used, or expired at the new one's creation), so a user's rows stay few however many are issued.
 * Fails (isAccountClosed) and stores nothing when the account is closed: no reset could ever be used.
 */
export async function insertPasswordReset(db: Db, row: typeof passwordResets.$inferInsert & { createdAt: Date }): Promise<void> {
  await db.batch([
    db
      .delete(passwordResets)
      .where(
        and(eq(passwordResets.userId, row.userId), or(isNotNull(passwordResets.usedAt), lte(passwordResets.expiresAt, row.createdAt))),
      ),
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

/** Marks a reset used, only if it still is not (a statement for the batch that sets the password). */
export function markPasswordResetUsedStatement(db: Db, id: string, at: Date) {
  return db
    .update(passwordResets)
    .set({ usedAt: at })
    .where(and(eq(passwordResets.id, id), isNull(passwordResets.usedAt)));
}
