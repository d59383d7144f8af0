// @ts-check
// `npm run keys:generate`: prints a fresh Ed25519 signing key as a JWK (and, with the current set
// on stdin or as an argument, the new set with the key appended), for `wrangler secret put`.
import { generateSigningJwk } from "./local-secrets.mjs";

const jwk = generateSigningJwk(process.argv[2]);
console.log(JSON.stringify(jwk));
console.error(
  [
    "",
    'Append this key to the "keys" array of API_KEY_SIGNING_KEYS and store the whole set:',
    "  npx wrangler secret put API_KEY_SIGNING_KEYS",
    'The last key (or the one marked "active": true) signs new API keys; every key in the set verifies.',
  ].join("\n"),
);
