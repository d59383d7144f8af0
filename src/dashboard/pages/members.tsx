// The members page: who belongs to the organization and with which role; admins invite people with
// a one-time link and see and revoke pending invitations. Markup only; src/dashboard/client/pages/
// members.ts and invitations.ts make it work.
import type { FC } from "hono/jsx";
import { AppShell, Field, ForRole, PageHead, Status } from "../layout";

export const MembersPage: FC<{ orgId: string }> = ({ orgId }) => (
  <AppShell info={{ title: "Members", page: "members", section: "members", orgId }}>
    <PageHead
      title="Members"
      lead="People join by invitation. Owners manage roles. Admins invite and manage instances; members mint keys; viewers read."
    />
    <div id="invite-reveal-slot" />
    <div class="grid-2">
      <section class="card" aria-labelledby="members-title">
        <h2 id="members-title">People</h2>
        <Status id="member-status" />
        <div id="member-list" />
        <button type="button" id="member-more" class="button" hidden>
          Load more members
        </button>
      </section>
      <ForRole minimum="admin">
        <section class="card" aria-labelledby="invite-title">
          <h2 id="invite-title">Invite someone</h2>
          <form id="invite-form" method="post">
            <fieldset>
              <Field
                id="invite-email"
                label="Email"
                name="email"
                type="email"
                required
                maxlength={254}
                hint="You get a one-time link to pass on. Only a signed-in account with this email can accept it, within 7 days."
              />
              <div class="field">
                <label for="invite-role">Role</label>
                <select id="invite-role" name="role">
                  <option value="viewer">viewer — read only</option>
                  <option value="member" selected>
                    member — mint and revoke own keys
                  </option>
                  <option value="admin">admin — manage instances, keys and invitations</option>
                  <option value="owner" data-owner-only="">
                    owner — everything, including members
                  </option>
                </select>
              </div>
              <Status />
              <button type="submit" class="button primary">
                Create invitation link
              </button>
            </fieldset>
          </form>
        </section>
      </ForRole>
    </div>
    <ForRole minimum="admin">
      <section class="card" aria-labelledby="invitations-title">
        <h2 id="invitations-title">Pending invitations</h2>
        <Status id="invitation-status" />
        <div id="invitation-list" />
      </section>
    </ForRole>
  </AppShell>
);
