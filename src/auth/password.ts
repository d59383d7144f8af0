// Password hashing with scrypt (node:crypto under nodejs_compat), the strongest memory-hard KDF
// workerd offers natively. Parameters are stored with each hash so they can be raised later.

import { Buffer } from "node:buffer";
import { scrypt, timingSafeEqual } from "node:crypto";

/**
 * N=2^15, r=8, p=1: 32 MiB and ~2^15 * 8 * 128 bytes of work per hash. Stronger than PBKDF2 at
 * the 100,000-iteration cap production Workers impose, and within the 128 MiB isolate memory.
 * Measured cost per hash: see README "Passwords".
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 } as const;

const MAXMEM = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, keyLength, { N, r, p, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export type ScryptParams = { N: number; r: number; p: number; keyLength: number };

/** Hashes a password into `scrypt$N$r$p$salt$hash` (base64 parts) with today's parameters, or `params`. */
export async function hashPassword(password: string, params: ScryptParams = SCRYPT_PARAMS): Promise<string> {
  const { N, r, p, keyLength } = params;
  const salt = Buffer.from(crypto.getRandomValues(new Uint8Array(16)));
  const key = await derive(password, salt, N, r, p, keyLength);
  return ["scrypt", N, r, p, salt.toString("base64"), key.toString("base64")].join("$");
}

/**
 * Whether a stored hash was made with weaker parameters than today's: less memory (N·r), less work
 * (N·r·p) or a shorter key. Such a hash (made before they were raised) is hashed again at its
 * account's next sign-in, the only moment the password is known. A stronger one is kept, so rolling
 * back a deploy that raised them never weakens a hash.
 */
export function isWeakerHash(stored: string): boolean {
  const [, n, r, p, , hashB64] = stored.split("$");
  const [N, R, P] = [Number(n), Number(r), Number(p)];
  const keyLength = Buffer.from(hashB64 ?? "", "base64").length;
  const now = SCRYPT_PARAMS;
  return N * R < now.N * now.r || N * R * P < now.N * now.r * now.p || keyLength < now.keyLength;
}

/** Verifies a password against a stored hash in constant time; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltB64, hashB64] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, "base64");
  const actual = await derive(password, Buffer.from(saltB64, "base64"), Number(n), Number(r), Number(p), expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of a random password, compared against when the account does not exist (no timing oracle). */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}
