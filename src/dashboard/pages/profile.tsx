// The signed-in account's own page (password, sessions, closing the account) and the page an
// operator's reset link opens. Markup only; src/dashboard/client/pages/profile.ts makes them work.
import type { FC } from "hono/jsx";
import { AppShell, AuthShell, Field, PageHead, Status } from "../layout";

const NewPasswordFields: FC<{ prefix: string }> = ({ prefix }) => (
  <>
    <Field
      id={`${prefix}-new`}
      label="New password"
      name="new_password"
      type="password"
      autocomplete="new-password"
      required
      minlength={8}
      maxlength={256}
      hint="At least 8 characters."
    />
    <Field id={`${prefix}-repeat`} label="Repeat the new password" name="repeat" type="password" autocomplete="new-password" required />
  </>
);

export const AccountPage: FC = () => (
  <AppShell info={{ title: "Your account", page: "account" }}>
    <PageHead title="Your account" lead="Your password, where you are signed in, what happened to the account, and closing it." />
    <div class="grid-2">
      <section class="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions</h2>
        <p class="hint">Every browser or script signed in to this account. Ending a session signs it out at once.</p>
        <Status id="session-status" />
        <div id="session-list" />
        <div class="actions">
          <button type="button" id="end-all-sessions" class="button danger">
            Sign out everywhere
          </button>
        </div>
      </section>
      <section class="card" aria-labelledby="password-title">
        <h2 id="password-title">Change password</h2>
        <form id="password-form" method="post">
          <Field
            id="password-current"
            label="Current password"
            name="current_password"
            type="password"
            autocomplete="current-password"
            required
          />
          <NewPasswordFields prefix="password" />
          <p class="hint">Your other sessions end; this one stays signed in.</p>
          <Status />
          <button type="submit" class="button primary">
            Change password
          </button>
        </form>
      </section>
    </div>
    <section class="card" aria-labelledby="activity-title">
      <h2 id="activity-title">Security activity</h2>
      <p class="hint">Sign-ins and sign-outs, password changes and resets, and sessions ended on this account, newest first.</p>
      <Status id="activity-status" />
      <div id="activity-list" />
      <div class="actions">
        <button type="button" id="activity-more" class="button" hidden>
          Load more activity
        </button>
      </div>
    </section>
    <section class="card danger-zone" aria-labelledby="close-title">
      <h2 id="close-title">Close your account</h2>
      <p>
        You are signed out everywhere, leave every organization, and every API key you created is revoked. An organization whose only owner
        you are must get another owner, or be deleted, first. Your current password is required. This cannot be undone.
      </p>
      <form id="close-form" method="post">
        <Field id="close-email" label="Type your email to confirm" name="email" type="email" autocomplete="off" required />
        <Field
          id="close-password"
          label="Your current password"
          name="current_password"
          type="password"
          autocomplete="current-password"
          required
        />
        <Status />
        <button type="submit" class="button danger">
          Close my account
        </button>
      </form>
    </section>
  </AppShell>
);

export const ResetPasswordPage: FC = () => (
  <AuthShell info={{ title: "Set a new password", page: "reset" }}>
    <h1>Set a new password</h1>
    <div id="reset-view">
      <p>An operator gave you this link. It works once, for an hour; every session of the account ends when the password is set.</p>
      <form id="reset-form" method="post">
        <NewPasswordFields prefix="reset" />
        <Status />
        <button type="submit" class="button primary">
          Set password
        </button>
      </form>
    </div>
    <p>
      <a href="/login">Back to sign in</a>
    </p>
  </AuthShell>
);
