// API-key scopes as one level: read < write < admin, each including the ones below. Pure.
import type { Scope } from "../../auth/api-key-token";

export const LEVELS = [
  { level: "read", label: "Read", hint: "Read commands only (not KEYS, SCAN, SORT_RO or INFO)." },
  { level: "write", label: "Read and write", hint: "Reads, writes and scripts (EVAL, FCALL…) where the instance allows scripts." },
  {
    level: "admin",
    label: "Admin",
    hint: "Also admin commands (CONFIG, FLUSHALL as FLUSHDB, …) on instances that allow them. Admins and owners only.",
  },
] as const satisfies readonly { level: Scope; label: string; hint: string }[];

const RANK: Record<Scope, number> = { read: 0, write: 1, admin: 2 };

/** The highest level among a key's scopes (keys minted before levels may list several). */
export function levelOf(scopes: readonly string[]): Scope {
  let best: Scope = "read";
  for (const s of scopes) if (s in RANK && RANK[s as Scope] > RANK[best]) best = s as Scope;
  return best;
}

export function levelLabel(level: Scope): string {
  return LEVELS.find((l) => l.level === level)?.label ?? level;
}
