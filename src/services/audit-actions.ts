// Every action an organization's audit log records: the services may write only these, and the
// dashboard's audit filter offers exactly these. Pure data, so the browser bundle may import it.
export const AUDIT_ACTIONS = [
  "organization.create",
  "organization.update",
  "organization.limits_update",
  "organization.delete",
  "invitation.create",
  "invitation.revoke",
  "member.join",
  "member.role_change",
  "member.remove",
  "user.disable",
  "instance.create",
  "instance.update",
  "instance.credentials_rotate",
  "instance.isolation_check",
  "instance.delete",
  "api_key.create",
  "api_key.roll",
  "api_key.update",
  "api_key.limits_update",
  "api_key.revoke",
  "console.session",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
