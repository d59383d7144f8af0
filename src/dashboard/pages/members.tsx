// The members page: who belongs to the organization and with which role; owners add existing
// users by email. Markup only; src/dashboard/client/members.ts makes it work.
import type { FC } from "hono/jsx";
import { AppShell, Field, ForRole, PageHead, Status } from "../layout";

export const MembersPage: FC<{ orgId: string }> = ({ orgId }) => (
  <AppShell info={{ title: "Members", page: "members", section: "members", orgId }}>
    <PageHead title="Members" lead="Owners manage members. Admins manage instances; members mint keys; viewers read." />
    <div class="grid-2">
      <section class="card" aria-labelledby="members-title">
        <h2 id="members-title">People</h2>
        <Status id="member-status" />
        <div id="member-list" />
      </section>
      <ForRole minimum="owner">
        <section class="card" aria-labelledby="invite-title">
          <h2 id="invite-title">Add a member</h2>
          <form id="member-form" method="post">
            <fieldset>
              <Field id="member-email" label="Email" name="email" type="email" required hint="They need a RedisGate account already." />
              <div class="field">
                <label for="member-role">Role</label>
                <select id="member-role" name="role">
                  <option value="viewer">viewer — read only</option>
                  <option value="member" selected>
                    member — mint and revoke own keys
                  </option>
                  <option value="admin">admin — manage instances and keys</option>
                  <option value="owner">owner — everything, including members</option>
                </select>
              </div>
              <Status />
              <button type="submit" class="button primary">
                Add member
              </button>
            </fieldset>
          </form>
        </section>
      </ForRole>
    </div>
  </AppShell>
);
