// The organization settings page: name, description and whether viewers read data (admins), plan
// and limits with today's usage against the quota (owners lower limits), and deleting the
// organization with its slug typed to confirm (owners). Markup only; src/dashboard/client/pages/settings.ts fills and wires it.
import type { FC } from "hono/jsx";
import { AppShell, Field, ForRole, PageHead, Status } from "../layout";

const LowerLimitsForm: FC = () => (
  <form id="limits-form" method="post">
    <h3>Lower your limits</h3>
    <p class="hint">Owners may set limits below the plan's, never above. Leave a field empty to use the plan's.</p>
    <Field id="limits-quota" label="Daily quota (commands)" name="quota" inputmode="numeric" />
    <fieldset class="field">
      <legend>Default rate limit per key</legend>
      <div class="row">
        <Field id="limits-requests" label="Requests" name="requests" inputmode="numeric" />
        <div class="field">
          <label for="limits-window">per</label>
          <select id="limits-window" name="window">
            <option value="1">second</option>
            <option value="60">minute</option>
          </select>
        </div>
      </div>
    </fieldset>
    <Status />
    <button type="submit" class="button primary">
      Save limits
    </button>
  </form>
);

export const SettingsPage: FC<{ orgId: string }> = ({ orgId }) => (
  <AppShell info={{ title: "Settings", page: "settings", section: "settings", orgId }}>
    <PageHead title="Settings" lead="The organization's name, plan and limits." />
    <div class="grid-2">
      <section class="card" aria-labelledby="plan-title">
        <h2 id="plan-title">Plan and limits</h2>
        <div id="plan-view" />
        <ForRole minimum="owner">
          <LowerLimitsForm />
        </ForRole>
      </section>
      <section class="card" aria-labelledby="general-title">
        <h2 id="general-title">Organization</h2>
        <div id="general-view" />
        <ForRole minimum="admin">
          <form id="rename-form" method="post">
            <Field id="rename-name" label="Name" name="name" required maxlength={100} autocomplete="organization" />
            <div class="field">
              <label for="rename-description">Description</label>
              <textarea id="rename-description" name="description" maxlength={500} rows={3} />
            </div>
            <label class="check">
              <input type="checkbox" name="viewer_data_access" /> Viewers may read data (read-only, in the console and the data browser)
            </label>
            <Status />
            <button type="submit" class="button primary">
              Save
            </button>
          </form>
        </ForRole>
      </section>
    </div>
    <ForRole minimum="owner">
      <section class="card danger-zone" aria-labelledby="delete-title">
        <h2 id="delete-title">Delete this organization</h2>
        <p id="delete-consequences">
          Its instances are detached, its API keys revoked at once, and its members lose access. This cannot be undone.
        </p>
        <form id="delete-form" method="post">
          <Field id="delete-slug" label="Type the organization's slug to confirm" name="slug" autocomplete="off" required />
          <Status />
          <button type="submit" class="button danger" disabled>
            Delete organization
          </button>
        </form>
      </section>
    </ForRole>
  </AppShell>
);
