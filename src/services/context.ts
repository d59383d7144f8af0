// What every use-case receives: storage handles, parsed config and who is acting (for the audit log).
import type { AppBindings, Config } from "../env";
import { getConfig } from "../env";
import { AppError } from "../errors";
import type { MeterNamespace } from "../meter/client";
import { createDb, type Db, decodeCursor, encodeCursor } from "../storage/db";
import type { OutboxNamespace } from "../storage/directory-outbox";

export type Actor = { userId: string; ip: string | null; userAgent: string | null; requestId: string };

export type ServiceContext = {
  db: Db;
  kv: KVNamespace;
  /** The directory's outbox: KV writes past what one request may make. */
  outbox: OutboxNamespace;
  meter: MeterNamespace;
  config: Config;
  actor: Actor;
};

export type { Role } from "../auth/roles";

/** The database handle for a request's bindings (faces never open D1 themselves). */
export function openDb(env: Pick<AppBindings, "DB">): Db {
  return createDb(env.DB);
}

/** What a use-case needs before anyone is signed in (a reset link): the storage handles and config. */
export type StorageContext = Omit<ServiceContext, "actor">;

/** The storage handles and config for the Worker's bindings. */
export function createStorageContext(env: AppBindings): StorageContext {
  return { db: openDb(env), kv: env.DIRECTORY, outbox: env.DIRECTORY_OUTBOX, meter: env.USAGE_METER, config: getConfig(env) };
}

/** Everything a use-case needs, for the Worker's bindings and the acting user. */
export function createServiceContext(env: AppBindings, actor: Actor): ServiceContext {
  return { ...createStorageContext(env), actor };
}

export type Page<T> = { items: T[]; nextCursor: string | null };
/** A list's direction by creation (`desc`: newest first), as storage pages it. */
export type { Direction } from "../storage/db";

/** Parses an opaque list cursor; a malformed one is a 400, not silently the first page. */
export function parseCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const after = decodeCursor(cursor);
  if (!after) throw new AppError("invalid_request", "The cursor is malformed; pass back next_cursor unchanged.");
  return after;
}

/** Turns `limit + 1` fetched rows into a page and the cursor of the next one. */
export function toPage<R extends { createdAt: Date; id: string }, T>(rows: R[], limit: number, present: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(present),
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}
