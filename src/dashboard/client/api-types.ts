// The management API's public shapes, imported (types only) from the services that produce them,
// so the browser cannot drift from the server. Nothing here reaches the bundle.
export type { Scope } from "../../auth/api-key-token";
export type { InstanceResponse as PublicInstance } from "../../management/instance-routes";
export type { DailyUsage, UsageReport } from "../../meter/usage-meter";
export type { PublicAccountActivity } from "../../services/account-audit";
export type { PublicSession } from "../../services/account-lifecycle";
export type { PublicUser } from "../../services/accounts";
export type { PublicApiKey } from "../../services/api-keys";
export type { PublicAuditEntry } from "../../services/audit";
export type { ConsoleKey } from "../../services/console-keys";
export type { Role } from "../../services/context";
export type { InstanceHealth } from "../../services/instance-health";
export type { PublicIsolation } from "../../services/instance-isolation";
export type { InstanceDetail } from "../../services/instances";
export type { CreatedInvitation, InvitationPreview, PublicInvitation } from "../../services/invitations";
export type { PublicMember } from "../../services/members";
export type { IssuedReset, OperatorAccount, OperatorOrganization } from "../../services/operators";
export type { OrganizationDetail, PublicOrganization } from "../../services/organizations";
