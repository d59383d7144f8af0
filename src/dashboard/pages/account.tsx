// Account pages: sign in, sign up, the home redirect and the organization list with its create
// form. Markup only; src/dashboard/client/session.ts makes them work.
import type { FC } from "hono/jsx";
import { AppShell, AuthShell, Field, PageHead, SlugField, Status } from "../layout";

export const LoginPage: FC = () => (
  <AuthShell info={{ title: "Sign in", page: "login" }}>
    <h1>Sign in</h1>
    <form id="login-form" method="post">
      <Field id="login-email" label="Email" name="email" type="email" autocomplete="email" required />
      <Field id="login-password" label="Password" name="password" type="password" autocomplete="current-password" required />
      <Status />
      <button type="submit" class="button primary">
        Sign in
      </button>
    </form>
    <p>
      New to RedisGate? <a href="/signup">Create an account</a>
    </p>
  </AuthShell>
);

export const SignupPage: FC = () => (
  <AuthShell info={{ title: "Create an account", page: "signup" }}>
    <h1>Create an account</h1>
    <form id="signup-form" method="post">
      <Field id="signup-email" label="Email" name="email" type="email" autocomplete="email" required />
      <Field
        id="signup-username"
        label="Username"
        name="username"
        autocomplete="username"
        required
        minlength={3}
        maxlength={32}
        pattern="[A-Za-z0-9_.\-]+"
        hint="3 to 32 letters, digits, '_', '.' or '-'."
      />
      <Field
        id="signup-password"
        label="Password"
        name="password"
        type="password"
        autocomplete="new-password"
        required
        minlength={8}
        hint="At least 8 characters."
      />
      <Field
        id="signup-password2"
        label="Repeat the password"
        name="password_confirm"
        type="password"
        autocomplete="new-password"
        required
      />
      <Status />
      <button type="submit" class="button primary">
        Create account
      </button>
    </form>
    <p>
      Already have an account? <a href="/login">Sign in</a>
    </p>
  </AuthShell>
);

export const HomePage: FC = () => (
  <AppShell info={{ title: "Dashboard", page: "home" }}>
    <p class="state state-loading" role="status">
      Opening your dashboard…
    </p>
  </AppShell>
);

export const OrgsPage: FC = () => (
  <AppShell info={{ title: "Organizations", page: "orgs" }}>
    <PageHead title="Organizations" lead="Instances, keys and members belong to an organization." />
    <div class="grid-2">
      <section class="card" aria-labelledby="orgs-title">
        <h2 id="orgs-title">Your organizations</h2>
        <div id="org-list" />
      </section>
      <section class="card" aria-labelledby="org-new-title">
        <h2 id="org-new-title">New organization</h2>
        <form id="org-form" method="post">
          <Field id="org-name" label="Name" name="name" required maxlength={100} autocomplete="organization" />
          <SlugField id="org-slug" hint="Lower-case letters, digits and inner hyphens; unique across RedisGate." />
          <Status />
          <button type="submit" class="button primary">
            Create organization
          </button>
        </form>
      </section>
    </div>
  </AppShell>
);
