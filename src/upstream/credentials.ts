// Opens an instance's sealed upstream credentials where they are used: the edge (direct transport,
// streams, the upstash driver) or the pool object (pooled transport). Never logs or returns them.
import { deriveAeadKey, open } from "../lib/aead";
import type { SealedTarget, UpstreamTarget } from "./driver";
import type { UpstreamCredentials } from "./endpoint";

/** The aead purpose label under which upstream credentials are sealed (D1 and KV alike). */
export const CREDENTIALS_PURPOSE = "upstream-credentials";

/**
 * The target with its credentials opened under `master` (the ENCRYPTION_KEY bytes).
 * @throws when the sealed value was altered or sealed for another instance.
 */
export async function openTarget(master: Uint8Array, sealed: SealedTarget): Promise<UpstreamTarget> {
  let credentials: UpstreamCredentials | null = null;
  if (sealed.sealedCredentials) {
    const key = await deriveAeadKey(master, CREDENTIALS_PURPOSE);
    credentials = JSON.parse(await open(key, sealed.sealedCredentials, sealed.instanceId)) as UpstreamCredentials;
  }
  const { sealedCredentials: _sealed, transport: _transport, region: _region, ...target } = sealed;
  return { ...target, credentials };
}
