// A suspended organization is read-only, save what only reads or only takes access away: an owner
// whose key leaked (the usual reason for a suspension) can still identify and revoke it, remove
// the employee and revoke pending invitations, and a member can still leave, so on resume the
// leak stays shut. Everything else that writes stays refused.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, api, createInstance, createOrg, mintKey, signUp } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { addMember, invite } from "../helpers/invitations";
import { operator } from "../helpers/operator";
import { expectFailure, expectOk } from "./envelope";

let op: Account;
beforeAll(async () => {
  op = await operator();
});

const suspend = async (orgId: string) => expectOk(await api("POST", `/api/admin/organizations/${orgId}/suspend`, { token: op.token }));
const resume = async (orgId: string) => expectOk(await api("POST", `/api/admin/organizations/${orgId}/resume`, { token: op.token }));

/** An owner, a member who minted a key (the leak), a viewer, and an open invitation. */
async function suspendedTeam() {
  const [owner, member, viewer] = await Promise.all([signUp(), signUp(), signUp()]);
  const orgId = await createOrg(owner);
  const instance = await createInstance(owner, orgId);
  await addMember(owner, orgId, member, "member");
  await addMember(owner, orgId, viewer, "viewer");
  const leaked = await mintKey(member, orgId, { name: "leaked" });
  const kept = await mintKey(owner, orgId, { name: "kept" });
  const pending = await invite(owner, orgId, `pending-${crypto.randomUUID()}@example.test`, "member");
  await suspend(orgId);
  return { orgId, instance, owner, member, viewer, leaked, kept, invitationId: pending.invitation.id };
}

describe("a suspended organization", () => {
  it("lets the owner cut a leak off: identify and revoke the key, remove the member, revoke an invitation; a viewer may leave", async () => {
    const t = await suspendedTeam();
    const base = `/api/organizations/${t.orgId}` as const;
    const found = expectOk(await api("POST", `${base}/api-keys/identify`, { token: t.owner.token, body: { key: t.leaked.key } }));
    expect(found.id).toBe(t.leaked.api_key.id);
    const revoked = expectOk(await api("DELETE", `${base}/api-keys/${t.leaked.api_key.id}`, { token: t.owner.token }));
    expect(revoked.revoked_at).not.toBeNull();
    expect(await env.DIRECTORY.get(`v1:revoked:${t.leaked.api_key.id}`)).not.toBeNull();
    expectOk(await api("DELETE", `${base}/members/${t.member.userId}`, { token: t.owner.token }));
    expectOk(await api("DELETE", `${base}/invitations/${t.invitationId}`, { token: t.owner.token }));
    expectOk(await api("DELETE", `${base}/members/${t.viewer.userId}`, { token: t.viewer.token }));

    const members = expectOk(await api("GET", `${base}/members`, { token: t.owner.token }));
    expect(members.map((m) => m.user_id)).toEqual([t.owner.userId]);

    // On resume the leaked key stays dead and the kept one works again.
    await resume(t.orgId);
    const edge = clockedApp(Date.now() + 11_000); // past the edge's caches
    expect((await edge.redis(t.instance.id, t.leaked.key, ["PING"])).status).toBe(401);
    expect((await edge.redis(t.instance.id, t.kept.key, ["PING"])).status).toBe(200);
  });

  it("still refuses what writes: minting, renaming, role changes, inviting, and deleting the organization", async () => {
    const t = await suspendedTeam();
    const base = `/api/organizations/${t.orgId}` as const;
    const token = t.owner.token;
    const refused = await Promise.all([
      api("POST", `${base}/api-keys`, { token, body: { name: "new", scopes: ["read"] } }),
      api("PUT", `${base}/api-keys/${t.kept.api_key.id}`, { token, body: { name: "renamed" } }),
      api("POST", `${base}/api-keys/${t.kept.api_key.id}/roll`, { token }),
      api("PUT", base, { token, body: { name: "renamed" } }),
      api("PUT", `${base}/members/${t.member.userId}`, { token, body: { role: "admin" } }),
      api("POST", `${base}/invitations`, { token, body: { email: "someone@example.test", role: "viewer" } }),
      api("DELETE", base, { token }),
    ]);
    for (const res of refused) expectFailure(res, 403, "organization_suspended");
    expect(expectOk(await api("GET", base, { token })).name).toBe("Test Org");
  });
});
