// The KV directory: the edge's read model, written by the management side after D1 succeeds.
//
// Keys (binding DIRECTORY):
//   v1:instance:<instanceId>  -> InstanceRecord JSON (below). No expiration; deleted with the instance.
//   v1:revoked:<keyId>        -> {"revoked_at": ISO-8601}: the key is refused. With "retires": true it
//                                 is refused only from that (later) instant: a key kept for a while after a
//                                 roll. Expires at the key's own `exp` (KV needs >= 60 s ahead, so never
//                                 sooner than that): after exp the JWT is dead anyway.
// Upstream credentials inside a record are sealed (src/lib/aead.ts, purpose "upstream-credentials",
// context = instance id) and only opened inside the edge.
import { z } from "zod";
import { DRIVER_NAMES } from "../upstream/catalog";
import { DEFAULT_TRANSPORT, LOCATION_HINTS, TRANSPORT_NAMES } from "../upstream/placement";
import { type InstanceRow, limitFields } from "./instances";

export { CREDENTIALS_PURPOSE } from "../upstream/credentials";

export const INSTANCE_RECORD_VERSION = 1;

const workLimit = z.number().int().positive().nullable().default(null);

export const InstanceRecordSchema = z.object({
  v: z.literal(INSTANCE_RECORD_VERSION),
  id: z.string(),
  organization_id: z.string(),
  driver: z.enum(DRIVER_NAMES),
  endpoint: z.string(),
  credentials: z.string().nullable(),
  disabled: z.boolean(),
  /** The organization is suspended by an operator (absent in older records: not suspended). */
  suspended: z.boolean().default(false),
  allow_admin: z.boolean(),
  /** Absent in records written before the setting existed: scripts were allowed then. */
  allow_scripts: z.boolean().default(true),
  // Work-limit overrides (null: the deployment's default). Records written before they existed
  // have none of them (max_request_bytes came first), so each defaults to null and old records still parse.
  max_request_bytes: workLimit,
  max_pipeline_commands: workLimit,
  max_reply_bytes: workLimit,
  max_reply_elements: workLimit,
  max_streams_per_key: workLimit,
  max_streams_per_instance: workLimit,
  max_stream_seconds: workLimit,
  /** Absent in records written before transports existed: those parse as the defaults. */
  transport: z.enum(TRANSPORT_NAMES).default(DEFAULT_TRANSPORT),
  region: z.enum(LOCATION_HINTS).nullable().default(null),
  updated_at: z.string(),
});
export type InstanceRecord = z.infer<typeof InstanceRecordSchema>;
/** What the management side writes (the defaulted fields may be given or not). */
export type InstanceRecordInput = z.input<typeof InstanceRecordSchema>;

/** The edge's record of an instance; `suspended` mirrors its organization's operator suspension. */
export function toInstanceRecord(row: InstanceRow, suspended: boolean): InstanceRecord {
  return {
    v: INSTANCE_RECORD_VERSION,
    id: row.id,
    organization_id: row.organizationId,
    driver: row.driver,
    endpoint: row.endpoint,
    credentials: row.credentialsCiphertext,
    disabled: row.disabled,
    suspended,
    allow_admin: row.allowAdmin,
    allow_scripts: row.allowScripts,
    ...limitFields(row),
    transport: row.transport,
    region: row.region,
    updated_at: row.updatedAt.toISOString(),
  };
}

const RevocationSchema = z.object({ revoked_at: z.string(), retires: z.literal(true).optional() });

export const instanceKey = (id: string) => `v1:instance:${id}`;
export const revokedKey = (keyId: string) => `v1:revoked:${keyId}`;

/** Writes (or replaces) an instance's record, once: its writer (the outbox's sync) tries a refused one again with a fresh row. */
export async function putInstanceRecord(kv: KVNamespace, record: InstanceRecordInput): Promise<void> {
  await kv.put(instanceKey(record.id), JSON.stringify(InstanceRecordSchema.parse(record)));
}

/** The ids of every instance record in KV (one list call per 1,000), for the repair command. */
export async function listInstanceRecordIds(kv: KVNamespace): Promise<string[]> {
  const prefix = instanceKey("");
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await kv.list({ prefix, ...(cursor ? { cursor } : {}) });
    for (const key of page.keys) ids.push(key.name.slice(prefix.length));
    if (page.list_complete) return ids;
    cursor = page.cursor;
  }
}

export async function deleteInstanceRecord(kv: KVNamespace, id: string): Promise<void> {
  await untilWritten(() => kv.delete(instanceKey(id)));
}

/**
 * The waits before trying a write again that Workers KV refused because the key was written less
 * than a second ago (it takes one write a second per key and throws "429 Too Many Requests"). Two
 * changes within a second are ordinary: a roll then a revoke, a suspend then a resume.
 */
const SAME_KEY_WAITS_MS = [1_100, 2_200];

/** Whether `error` is Workers KV refusing a write to a key written less than a second ago. */
export function isSameKeyWriteRefusal(error: unknown): boolean {
  return error instanceof Error && /\b429\b|too many requests/i.test(error.message);
}

/** Waits before try `attempt` (1, 2) of writes KV refused (isSameKeyWriteRefusal); false when no try is left. */
export async function waitToWriteAgain(attempt: number): Promise<boolean> {
  const wait = SAME_KEY_WAITS_MS[attempt - 1];
  if (wait === undefined) return false;
  await new Promise((resolve) => setTimeout(resolve, wait));
  return true;
}

/** Runs `write` until KV takes it, waiting out the one-write-a-second limit per key up to twice. */
async function untilWritten(write: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isSameKeyWriteRefusal(error) || !(await waitToWriteAgain(attempt + 1))) throw error;
    }
  }
}

/**
 * Reads an instance record. A value that does not match the schema is treated as absent and
 * reported through `onInvalid`, so a bad write can never crash the edge.
 */
export async function getInstanceRecord(
  kv: KVNamespace,
  id: string,
  onInvalid: (detail: string) => void = () => {},
): Promise<InstanceRecord | null> {
  const raw = await kv.get(instanceKey(id), "json");
  if (raw === null) return null;
  const parsed = InstanceRecordSchema.safeParse(raw);
  if (!parsed.success) {
    onInvalid(`instance record ${id} is malformed: ${parsed.error.issues[0]?.message ?? "unknown"}`);
    return null;
  }
  return parsed.data;
}

/**
 * Marks a key revoked until its expiry (KV refuses expirations under 60 s away): at once, or from
 * `revokedAt` when that is later than now. An immediate revocation never depends on the edge's
 * clock agreeing with this one.
 */
export async function putRevocation(kv: KVNamespace, keyId: string, revokedAt: Date, keyExpiresAt: Date): Promise<void> {
  await untilWritten(async () => {
    await putMarker(kv, keyId, { revokedAt, expiresAt: keyExpiresAt });
  });
}

/** When a key is refused from and when it expires, as D1 has them. */
export type Revocation = { revokedAt: Date; expiresAt: Date };

/** Puts the marker for `revocation` once; true when it retires the key later rather than at once. */
async function putMarker(kv: KVNamespace, keyId: string, revocation: Revocation): Promise<boolean> {
  const now = Date.now();
  const expiration = Math.max(Math.ceil(revocation.expiresAt.getTime() / 1000), Math.ceil(now / 1000) + 60);
  const at = revocation.revokedAt.toISOString();
  const retires = revocation.revokedAt.getTime() > now;
  await kv.put(revokedKey(keyId), JSON.stringify(retires ? { revoked_at: at, retires: true } : { revoked_at: at }), { expiration });
  return retires;
}

/** Rounds of syncRevocation: more than a roll racing a revoke needs (refused, then changed). */
const REVOCATION_ROUNDS = 5;

/**
 * Writes the marker of a key that may retire later (a roll's old key) from D1 as it is: `first`,
 * as the caller read it, then `reread` before each try again. A revoke landing between the read
 * and the write makes an immediate marker that this write must not replace: so a write KV refuses
 * (one a second per key) is made again from a fresh read, never from the stale value, and a
 * retiring marker that landed is checked against D1 and written again if D1 has changed meanwhile.
 * An immediate marker is final (a revoked key is never un-revoked) and is not checked.
 */
export async function syncRevocation(
  kv: KVNamespace,
  keyId: string,
  first: Revocation,
  reread: () => Promise<Revocation | null>,
): Promise<void> {
  let current: Revocation | null = first;
  let refusals = 0;
  for (let round = 0; current !== null; round++) {
    if (round === REVOCATION_ROUNDS) throw new Error(`the revocation of ${keyId} kept changing while it was written`);
    let retires: boolean;
    try {
      retires = await putMarker(kv, keyId, current);
    } catch (error) {
      if (!isSameKeyWriteRefusal(error) || !(await waitToWriteAgain(++refusals))) throw error;
      current = await reread();
      continue;
    }
    if (!retires) return;
    const now: Revocation | null = await reread();
    if (now?.revokedAt.getTime() === current.revokedAt.getTime()) return;
    current = now;
  }
}

/**
 * When the key is refused from (milliseconds; 0 for at once), or null when it has no marker. A
 * marker that does not parse refuses the key at once: the safe side.
 */
export async function revokedFrom(kv: KVNamespace, keyId: string): Promise<number | null> {
  const raw = await kv.get(revokedKey(keyId), "json");
  if (raw === null) return null;
  const parsed = RevocationSchema.safeParse(raw);
  if (!parsed.success || !parsed.data.retires) return 0;
  const at = Date.parse(parsed.data.revoked_at);
  return Number.isNaN(at) ? 0 : at;
}
