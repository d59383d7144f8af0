// The page an invitation link opens (/invitations/accept#token=…): what is offered, and the button
// that accepts it. The token stays in the fragment, so it never reaches a server. Markup only;
// src/dashboard/client/pages/invitations.ts makes it work.
import type { FC } from "hono/jsx";
import { AppShell, PageHead } from "../layout";

export const AcceptInvitationPage: FC = () => (
  <AppShell info={{ title: "Invitation", page: "invitation" }}>
    <PageHead title="Invitation" lead="Someone invited you to join an organization on RedisGate." />
    <section class="card" aria-labelledby="invitation-title" aria-live="polite">
      <h2 id="invitation-title">Join an organization</h2>
      <div id="invitation-view">
        <p class="state state-loading" role="status">
          Reading the invitation…
        </p>
      </div>
    </section>
  </AppShell>
);
