// The drizzle handle over D1 and the one helper that turns a UNIQUE violation into a conflict.
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../drizzle/schema";

export type Db = ReturnType<typeof createDb>;

export function createDb(d1: D1Database) {
  return drizzle(d1, { schema });
}

/** True when `error` (or its cause) is SQLite's UNIQUE constraint failure. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof Error && /UNIQUE constraint failed/i.test(e.message)) return true;
  }
  return false;
}

/** Opaque keyset cursor over (created_at, id), newest first. */
export function encodeCursor(createdAt: Date, id: string): string {
  return btoa(`${createdAt.getTime()}:${id}`).replaceAll("=", "");
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  try {
    const [ms, id] = atob(cursor).split(":");
    const n = Number(ms);
    if (!id || !Number.isSafeInteger(n)) return null;
    return { createdAt: new Date(n), id };
  } catch {
    return null;
  }
}
