// An instance's isolation: running its driver's probes when it is attached, re-pointed or
// re-checked; the one-server-per-organization policy (refused in production, a warning elsewhere);
// and the report as the API shows it, with other organizations' instances on the same server
// counted when it is read, never named.
import { refusesSharedServers } from "../env";
import { AppError } from "../errors";
import { isBatchGuardFailure } from "../storage/db";
import { assertServerUnsharedStatement, countOtherOrganizationsOnServer, type InstanceRow, type ServerSharing } from "../storage/instances";
import type { DriverName } from "../upstream/catalog";
import type { UpstreamTarget } from "../upstream/driver";
import type { ProbeFinding, ServerIdentity } from "../upstream/isolation";
import { DRIVERS } from "../upstream/table";
import type { ServiceContext } from "./context";

export type IsolationColumns = Pick<InstanceRow, "serverAddress" | "serverRunId" | "isolationReport" | "isolationCheckedAt">;

const NOT_PROBED: IsolationColumns = { serverAddress: null, serverRunId: null, isolationReport: null, isolationCheckedAt: null };

const WHY_ONE_SERVER =
  "One Redis server per organization is the isolation boundary: Redis ACLs cannot confine a user to a database number, " +
  "and Lua scripts, KEYS/SCAN, FLUSHDB, functions and pub/sub reach past key patterns.";

/** Runs the driver's isolation probes (after its check passed); drivers without probes record nothing. */
export async function probeIsolation(driver: DriverName, target: UpstreamTarget): Promise<IsolationColumns> {
  const probe = DRIVERS[driver].probe;
  if (!probe) return NOT_PROBED;
  const findings = await probe(target);
  return {
    serverAddress: findings.server.address,
    serverRunId: findings.server.run_id,
    isolationReport: findings,
    isolationCheckedAt: new Date(),
  };
}

async function sharingOf(ctx: ServiceContext, orgId: string, columns: IsolationColumns): Promise<ServerSharing> {
  if (!columns.serverAddress) return { instances: 0, organizations: 0 };
  return countOtherOrganizationsOnServer(ctx.db, orgId, { address: columns.serverAddress, runId: columns.serverRunId });
}

function serverTaken(address: string | null): AppError {
  const message = "this Redis server is already used by another organization";
  return new AppError(
    "unprocessable_entity",
    `The Redis server at ${address} is already used by another organization. ${WHY_ONE_SERVER} ` +
      "Use a Redis server of your own, or ask the operator of this deployment to set ALLOW_SHARED_UPSTREAM_SERVERS=true.",
    [{ path: "endpoint", message }],
  );
}

/**
 * The one-server-per-organization policy for a newly attached or re-pointed upstream, as part of the
 * batch that stores it, so two organizations attaching one server at once cannot both get it. Add
 * the statements to the batch and pass its failure through `refusedIfTaken`: in production it is a
 * 422 when another organization already uses the server, unless the operator set
 * ALLOW_SHARED_UPSTREAM_SERVERS=true.
 */
export function serverGuard(ctx: ServiceContext, orgId: string, columns: Partial<IsolationColumns>) {
  const address = columns.serverAddress ?? null;
  const statements =
    address && refusesSharedServers(ctx.config)
      ? [assertServerUnsharedStatement(ctx.db, orgId, { address, runId: columns.serverRunId ?? null })]
      : [];
  const refusedIfTaken = (error: unknown): never => {
    throw isBatchGuardFailure(error) ? serverTaken(address) : error;
  };
  return { statements, refusedIfTaken };
}

export type PublicIsolation = {
  checked_at: string;
  server: ServerIdentity;
  /** True when any probe ran: the credentials reach past their own database. */
  reaches_beyond_database: boolean;
  summary: string;
  probes: ProbeFinding[];
  shared_server: { other_organizations: number; other_instances: number; matched_by: string; note: string };
};

function summarise(probes: ProbeFinding[]): string {
  const allowed = probes.filter((p) => p.outcome === "allowed").map((p) => p.name);
  const failed = probes.filter((p) => p.outcome === "failed").map((p) => p.name);
  if (allowed.length > 0) return `These credentials reach beyond their database: the server allowed ${allowed.join(", ")}.`;
  if (failed.length > 0) return `No probe was allowed, but ${failed.join(", ")} got no answer; run the isolation check again.`;
  return "The server refused every probe. The probes cannot see key-pattern overlaps, module commands or a server behind a proxy.";
}

function sharedWarning(ctx: ServiceContext, address: string, sharing: ServerSharing): string {
  const policy =
    ctx.config.ALLOW_SHARED_UPSTREAM_SERVERS === true
      ? "This deployment's operator allows shared servers (ALLOW_SHARED_UPSTREAM_SERVERS=true)."
      : "A production deployment refuses this unless its operator sets ALLOW_SHARED_UPSTREAM_SERVERS=true.";
  return (
    `The Redis server at ${address} is also used by ${sharing.organizations} other organization(s) ` +
    `(${sharing.instances} instance(s)). ${WHY_ONE_SERVER} ${policy}`
  );
}

/**
 * The instance's isolation report as of now: the stored findings plus a fresh count of other
 * organizations' instances on the same server (their names and ids are never shown), and the
 * warnings a tenant should see. Null for drivers without probes.
 */
export async function describeIsolation(
  ctx: ServiceContext,
  row: InstanceRow,
): Promise<{ isolation: PublicIsolation | null; warnings: string[] }> {
  const report = row.isolationReport;
  if (!report || !row.isolationCheckedAt) {
    const missing = DRIVERS[row.driver].probe ? ["This instance has no isolation report yet: run its isolation check."] : [];
    return { isolation: null, warnings: missing };
  }
  const sharing = await sharingOf(ctx, row.organizationId, row);
  const isolation: PublicIsolation = {
    checked_at: row.isolationCheckedAt.toISOString(),
    server: report.server,
    reaches_beyond_database: report.probes.some((p) => p.outcome === "allowed"),
    summary: summarise(report.probes),
    probes: report.probes,
    shared_server: {
      other_organizations: sharing.organizations,
      other_instances: sharing.instances,
      matched_by: report.server.run_id ? "the same host:port or the same Redis run_id" : "the same host:port",
      note: "Counts only: other organizations' names and instance ids are never shown.",
    },
  };
  return { isolation, warnings: sharing.organizations > 0 ? [sharedWarning(ctx, report.server.address, sharing)] : [] };
}
