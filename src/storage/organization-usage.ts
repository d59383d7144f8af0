// D1's copy of each organization's usage on its latest UTC day, written by the organization's
// UsageMeter when it flushes (src/meter/usage-meter.ts). The meter stays the exact record; this copy
// lets the operators' list show and rank every organization's day without calling every meter.

/** One organization's figures for one UTC day. */
export type DayUsage = { day: string; requests: number; commands: number };

/**
 * Stores `usage` unless D1 already holds a later day's (a flush that arrives late), and nothing for
 * an organization that no longer exists.
 */
export async function recordOrganizationUsage(d1: D1Database, orgId: string, usage: DayUsage, at: number): Promise<void> {
  await d1
    .prepare(
      `INSERT INTO organization_usage (organization_id, day, requests, commands, updated_at)
       SELECT id, ?, ?, ?, ? FROM organizations WHERE id = ?
       ON CONFLICT (organization_id) DO UPDATE SET day = excluded.day, requests = excluded.requests,
         commands = excluded.commands, updated_at = excluded.updated_at
       WHERE excluded.day >= organization_usage.day`,
    )
    .bind(usage.day, usage.requests, usage.commands, at, orgId)
    .run();
}
