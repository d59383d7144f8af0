// Accounts: registration and login (rate limited, constant-time), each of which opens a session. What a
// session is, and how a token resolves to one, lives in auth/sessions.ts.

import { admitPasswordCheck, type LimitedClient, type LimiterNamespace, recordLoginSuccess } from "../auth/login-guard";
import { dummyPasswordHash, hashPassword, isWeakerHash, verifyPassword } from "../auth/password";
import { SESSION_IDLE_MS, SESSION_PREFIX, SESSION_TTL_MS } from "../auth/sessions";
import { AppError } from "../errors";
import { sha256Hex } from "../lib/encoding";
import { newId, randomToken } from "../lib/ids";
import { type Db, isUniqueViolation } from "../storage/db";
import {
  assertPasswordUnchangedStatement,
  findUserByEmail,
  insertSessionStatements,
  insertUser,
  isPasswordChanged,
  type UserRow,
  upgradePasswordHash,
} from "../storage/users";
import { accountAuditStatement } from "./account-audit";

export const DEVICE_PREFIX = "rgd_";
/** The one answer to every failed sign-in: unknown email, wrong password, closed account, a password changed meanwhile. */
const INVALID_CREDENTIALS = "Invalid email or password.";

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
async function registerUser(db: Db, input: Registration): Promise<UserRow> {
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
  return user;
}

export type LoginClient = { ip: string | null; userAgent: string | null; deviceToken: string | null; requestId?: string | null };

/** A signed-in account: its session token and expiry, and the device token for the trusted-device cookie. */
export type SignedIn = { token: string; user: PublicUser; expiresAt: Date; deviceToken: string };

/**
 * Creates an account and signs it in, as a sign-in with its password would: a session, and this
 * browser trusted for the account. The password is hashed once, not again to sign in.
 * @throws AppError conflict when the email or username is taken.
 */
export async function register(db: Db, guard: LimiterNamespace, input: Registration, client: LoginClient): Promise<SignedIn> {
  const user = await registerUser(db, input);
  const opened = await openSession(db, guard, user, await identify(user.email, client), client, "account.register");
  return { ...opened, user: presentUser(user) };
}

/**
 * Verifies credentials and opens a session. Failures are limited per (account, address), per
 * address and per account (src/auth/login-guard.ts); a browser trusted for the account is not
 * stopped by the account-wide limit. An unknown email costs the same hash as a wrong password.
 * @returns the session and the device token to keep in the trusted-device cookie.
 * @throws AppError rate_limited (429 with Retry-After) or unauthorized (401, one message for every failure).
 */
export async function login(
  db: Db,
  guard: LimiterNamespace,
  input: { email: string; password: string },
  client: LoginClient,
): Promise<SignedIn> {
  const email = input.email.toLowerCase();
  const who = await identify(email, client);
  const now = Date.now();
  const check = await admitPasswordCheckOrRefuse(guard, who, now, "Too many failed sign-ins.");
  const user = await findUserByEmail(db, email);
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !valid || user.disabledAt) throw new AppError("unauthorized", INVALID_CREDENTIALS);
  const opened = await openSession(db, guard, user, who, client, "account.sign_in", now, check.passed);
  if (isWeakerHash(user.passwordHash)) await upgradePasswordHash(db, user.id, user.passwordHash, await hashPassword(input.password));
  return { ...opened, user: presentUser(user) };
}

/**
 * Admits one password check within the sign-in limits (src/auth/login-guard.ts), counted as a
 * failure until `passed()` is called.
 * @throws AppError rate_limited (429 with Retry-After) while a limit is full: `refusal` and the wait.
 */
export async function admitPasswordCheckOrRefuse(guard: LimiterNamespace, who: LimitedClient, now: number, refusal: string) {
  const { retryAfter, passed } = await admitPasswordCheck(guard, who, now);
  if (retryAfter > 0) {
    throw new AppError("rate_limited", `${refusal} Try again in ${retryAfter} s.`, undefined, { "Retry-After": String(retryAfter) });
  }
  return { passed };
}

/** Who is signing in, as the login limiter counts them: the account's email, the address and the trusted-device token (when well-formed) with its hash. */
export async function identify(email: string, client: LoginClient) {
  const deviceToken = client.deviceToken?.startsWith(DEVICE_PREFIX) && client.deviceToken.length < 100 ? client.deviceToken : null;
  return { email, ip: client.ip ?? "unknown", deviceToken, deviceHash: deviceToken ? await sha256Hex(deviceToken) : null };
}

/**
 * Opens a session for an account whose password was just proven (sign-in) or set (registration),
 * clears this address's failures on the account and trusts the browser's device token (a new one
 * when it brought none). The session and its audit row are written only if the account still has
 * the password hash that was checked and is open, checked in the same D1 batch: a sign-in that
 * read the old hash while the password changed (or was reset, or the account closed) would
 * otherwise outlive the change that ended every session. Such a sign-in writes nothing, trusts no
 * device, leaves its check counted as a failure (`passed` is called only once the session exists)
 * and gets the answer of a wrong password.
 * @throws AppError unauthorized when the password hash changed, or the account closed, since it was read.
 */
async function openSession(
  db: Db,
  guard: LimiterNamespace,
  user: Pick<UserRow, "id" | "passwordHash">,
  who: Awaited<ReturnType<typeof identify>>,
  client: LoginClient,
  action: "account.register" | "account.sign_in",
  now = Date.now(),
  passed: () => Promise<void> = async () => {},
): Promise<Omit<SignedIn, "user">> {
  const token = `${SESSION_PREFIX}${randomToken(32)}`;
  const created = new Date(now);
  const expiresAt = new Date(now + SESSION_TTL_MS);
  const sessionId = newId("ses");
  const session = {
    id: sessionId,
    userId: user.id,
    tokenHash: await sha256Hex(token),
    ip: client.ip,
    userAgent: client.userAgent?.slice(0, 512) ?? null,
    createdAt: created,
    expiresAt,
    lastSeenAt: created,
  };
  await db
    .batch([
      ...insertSessionStatements(db, session, new Date(now - SESSION_IDLE_MS)),
      accountAuditStatement(db, user.id, action, client, { session_id: sessionId }),
      assertPasswordUnchangedStatement(db, user.id, user.passwordHash),
    ])
    .catch((error: unknown) => {
      if (isPasswordChanged(error)) throw new AppError("unauthorized", INVALID_CREDENTIALS);
      throw error;
    });
  await passed();
  const device = who.deviceToken ?? `${DEVICE_PREFIX}${randomToken(32)}`;
  await recordLoginSuccess(guard, who, await sha256Hex(device), now);
  return { token, expiresAt, deviceToken: device };
}
