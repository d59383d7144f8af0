// Prefixed random identifiers (usr_, org_, key_, rdb_, req_, ...) and random secrets.
import { toBase64Url } from "./encoding";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A prefixed id with 20 base-36 characters (~103 bits) of randomness, e.g. `org_k3j…`. */
export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  let out = `${prefix}_`;
  for (const b of bytes) out += ALPHABET[b % 36];
  return out;
}

/** `n` random bytes as base64url, for secrets such as session tokens. */
export function randomToken(n = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(n)));
}
