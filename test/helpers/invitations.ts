// Joining an organization the only way there is: an admin or owner invites the email, the invited
// account accepts with the token. Through the real API, like every other factory.
import type { PublicInvitation } from "../../src/services/invitations";
import { type Account, api } from "./api";

export type Role = "owner" | "admin" | "member" | "viewer";

/** Invites `email` as `role`; returns the invitation and its one-time token. */
export async function invite(inviter: Account, orgId: string, email: string, role: Role) {
  const res = await api("POST", `/api/organizations/${orgId}/invitations`, { token: inviter.token, body: { email, role } });
  if (res.status !== 201) throw new Error(`invite failed: ${JSON.stringify(res.body)}`);
  return res.body.data as { invitation: PublicInvitation; token: string; accept_url: string };
}

/** Makes `account` a member with `role`: `inviter` invites, `account` accepts. */
export async function addMember(inviter: Account, orgId: string, account: Account, role: Role): Promise<void> {
  const { token } = await invite(inviter, orgId, account.email, role);
  const res = await api("POST", "/api/invitations/accept", { token: account.token, body: { token } });
  if (res.status !== 200) throw new Error(`accept failed: ${JSON.stringify(res.body)}`);
}
