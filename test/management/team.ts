// One organization with a member of every role, plus an outsider who owns another organization:
// the cast of the role and cross-tenant tests. Built through the public API only.
import { type Account, api, createOrg, signUp } from "../helpers/api";

export type Role = "owner" | "admin" | "member" | "viewer";

export type Team = {
  orgId: string;
  owner: Account;
  admin: Account;
  member: Account;
  viewer: Account;
  /** Not a member of `orgId`; owns `outsiderOrgId`. */
  outsider: Account;
  outsiderOrgId: string;
};

/** Adds an existing account to an organization with a role (as `owner`). */
export async function addMember(owner: Account, orgId: string, account: Account, role: Role): Promise<void> {
  const res = await api("POST", `/api/organizations/${orgId}/members`, { token: owner.token, body: { email: account.email, role } });
  if (res.status !== 201) throw new Error(`add member failed: ${JSON.stringify(res.body)}`);
}

export async function team(): Promise<Team> {
  const [owner, admin, member, viewer, outsider] = await Promise.all([signUp(), signUp(), signUp(), signUp(), signUp()]);
  const [orgId, outsiderOrgId] = await Promise.all([createOrg(owner), createOrg(outsider)]);
  await addMember(owner, orgId, admin, "admin");
  await addMember(owner, orgId, member, "member");
  await addMember(owner, orgId, viewer, "viewer");
  return { orgId, owner, admin, member, viewer, outsider, outsiderOrgId };
}
