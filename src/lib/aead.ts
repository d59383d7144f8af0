// Authenticated encryption of small secrets: AES-256-GCM under a key derived with HKDF-SHA-256
// from a master secret and a purpose label. Output is base64(version || iv || ciphertext+tag).
import { fromBase64, toBase64, utf8 } from "./encoding";

const VERSION = 1;
const IV_BYTES = 12;
const keys = new Map<string, Promise<CryptoKey>>();

/** Derives (once per isolate, per master secret and purpose) the AES-GCM key for `purpose`. */
export function deriveAeadKey(master: Uint8Array, purpose: string): Promise<CryptoKey> {
  const cacheKey = `${purpose}:${toBase64(master)}`;
  let key = keys.get(cacheKey);
  if (!key) {
    key = (async () => {
      const ikm = await crypto.subtle.importKey("raw", master, "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: utf8.encode(`redisgate:${purpose}:v${VERSION}`) },
        ikm,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
    keys.set(cacheKey, key);
  }
  return key;
}

/** Encrypts `plaintext`, binding it to `context` (additional data, e.g. the owning record's id). */
export async function seal(key: CryptoKey, plaintext: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: utf8.encode(context) }, key, utf8.encode(plaintext)),
  );
  const out = new Uint8Array(1 + IV_BYTES + ct.byteLength);
  out[0] = VERSION;
  out.set(iv, 1);
  out.set(ct, 1 + IV_BYTES);
  return toBase64(out);
}

/** Decrypts what `seal` produced with the same key and context; throws if anything was altered. */
export async function open(key: CryptoKey, sealed: string, context: string): Promise<string> {
  const bytes = fromBase64(sealed);
  if (bytes[0] !== VERSION || bytes.byteLength < 1 + IV_BYTES + 16) throw new Error("sealed value has an unknown format");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: bytes.subarray(1, 1 + IV_BYTES), additionalData: utf8.encode(context) },
    key,
    bytes.subarray(1 + IV_BYTES),
  );
  return new TextDecoder().decode(plain);
}
