// Accounts and sessions: registration, login (rate limited, constant-time), logout and resolving
// a session token. Session tokens are random `rgs_` strings; D1 keeps only their SHA-256.

import { dummyPasswordHash, hashPassword, verifyPassword } from "../auth/password";
import { AppError } from "../errors";
import { sha256Hex } from "../lib/encoding";
import { newId, randomToken } from "../lib/ids";
import { type Db, isUniqueViolation } from "../storage/db";
import { deleteSession, findLiveSession, findUserByEmail, insertSession, insertUser, type UserRow } from "../storage/users";

export const SESSION_PREFIX = "rgs_";
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function presentUser(user: UserRow) {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    first_name: user.firstName,
    last_name: user.lastName,
    created_at: user.createdAt.toISOString(),
  };
}
export type PublicUser = ReturnType<typeof presentUser>;

export type Registration = {
  email: string;
  username: string;
  password: string;
  first_name?: string | undefined;
  last_name?: string | undefined;
};

/**
 * Creates an account. Email is compared case-insensitively (stored lower-cased).
 * @throws AppError conflict when the email or username is taken.
 */
export async function registerUser(db: Db, input: Registration): Promise<PublicUser> {
  const now = new Date();
  const user: UserRow = {
    id: newId("usr"),
    email: input.email.toLowerCase(),
    username: input.username,
    passwordHash: await hashPassword(input.password),
    firstName: input.first_name ?? null,
    lastName: input.last_name ?? null,
    disabledAt: null,
    isOperator: false,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await insertUser(db, user);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const field = /users\.email|users_email/.test(String((error as Error).cause ?? error)) ? "email" : "username";
    throw new AppError("conflict", field === "email" ? "An account with this email already exists." : "This username is taken.", [
      { path: field, message: "already in use" },
    ]);
  }
  return presentUser(user);
}

export type LoginLimiter = { limit(options: { key: string }): Promise<{ success: boolean }> };

/**
 * Verifies credentials and opens a session. Attempts are limited per account and per client IP;
 * an unknown email costs the same hash as a wrong password.
 * @throws AppError rate_limited (429) or unauthorized (401, one message for every failure).
 */
export async function login(
  db: Db,
  limiter: LoginLimiter,
  input: { email: string; password: string },
  client: { ip: string | null; userAgent: string | null },
): Promise<{ token: string; user: PublicUser; expiresAt: Date }> {
  const email = input.email.toLowerCase();
  const [byAccount, byIp] = await Promise.all([
    limiter.limit({ key: `account:${email}` }),
    limiter.limit({ key: `ip:${client.ip ?? "unknown"}` }),
  ]);
  if (!byAccount.success || !byIp.success) {
    throw new AppError("rate_limited", "Too many login attempts. Try again in a minute.", undefined, { "Retry-After": "60" });
  }
  const user = await findUserByEmail(db, email);
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !valid || user.disabledAt) throw new AppError("unauthorized", "Invalid email or password.");
  const token = `${SESSION_PREFIX}${randomToken(32)}`;
  const now = new Date();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await insertSession(db, {
    id: newId("ses"),
    userId: user.id,
    tokenHash: await sha256Hex(token),
    ip: client.ip,
    userAgent: client.userAgent?.slice(0, 512) ?? null,
    createdAt: now,
    expiresAt,
  });
  return { token, user: presentUser(user), expiresAt };
}

/** The user behind a live session token, or null for an unknown, expired or malformed one. */
export async function resolveSession(db: Db, token: string): Promise<UserRow | null> {
  if (!token.startsWith(SESSION_PREFIX) || token.length > 200) return null;
  const row = await findLiveSession(db, await sha256Hex(token), new Date());
  return row?.user ?? null;
}

/** Ends a session; unknown tokens are ignored (logout is idempotent). */
export async function logout(db: Db, token: string): Promise<void> {
  await deleteSession(db, await sha256Hex(token));
}
