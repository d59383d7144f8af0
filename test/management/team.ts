// One organization with a member of every role, plus an outsider who owns another organization:
// the cast of the role and cross-tenant tests. Built through the public API only.
import { type Account, createOrg, signUp } from "../helpers/api";
import { addMember, type Role } from "../helpers/invitations";

export { addMember, type Role };

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

export async function team(): Promise<Team> {
  const [owner, admin, member, viewer, outsider] = await Promise.all([signUp(), signUp(), signUp(), signUp(), signUp()]);
  const [orgId, outsiderOrgId] = await Promise.all([createOrg(owner), createOrg(outsider)]);
  await addMember(owner, orgId, admin, "admin");
  await addMember(owner, orgId, member, "member");
  await addMember(owner, orgId, viewer, "viewer");
  return { orgId, owner, admin, member, viewer, outsider, outsiderOrgId };
}
