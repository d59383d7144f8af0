// Activity pages: usage (today against the quota, per-day chart drawn by the client) and the audit
// log with its filters. Markup only; client/pages/usage.ts and audit.ts fill them.
import type { FC } from "hono/jsx";
import { AppShell, PageHead } from "../layout";

export const UsagePage: FC<{ orgId: string }> = ({ orgId }) => (
  <AppShell info={{ title: "Usage", page: "usage", section: "usage", orgId }}>
    <PageHead title="Usage" lead="Requests and commands served by the edge, per UTC day.">
      <div class="row">
        <div class="field">
          <label for="usage-days">Period</label>
          <select id="usage-days">
            <option value="7">Last 7 days</option>
            <option value="30" selected>
              Last 30 days
            </option>
            <option value="90">Last 90 days</option>
          </select>
        </div>
      </div>
    </PageHead>
    <section class="card" aria-label="Usage">
      <div id="usage-view" />
    </section>
  </AppShell>
);

export const AuditPage: FC<{ orgId: string }> = ({ orgId }) => (
  <AppShell info={{ title: "Audit log", page: "audit", section: "audit", orgId }}>
    <PageHead title="Audit log" lead="Every change to this organization and every console session: who, what and when." />
    <section class="card" aria-label="Audit log">
      <form id="audit-filters" class="audit-filters" method="post">
        <div class="field">
          <label for="audit-actor">Who</label>
          <select id="audit-actor" name="actor">
            <option value="">anyone</option>
          </select>
        </div>
        <div class="field">
          <label for="audit-action">Action</label>
          <select id="audit-action" name="action">
            <option value="">any action</option>
          </select>
        </div>
        <div class="field">
          <label for="audit-resource">Resource</label>
          <select id="audit-resource" name="resource">
            <option value="">any resource</option>
          </select>
        </div>
      </form>
      <div id="audit-view" />
      <button type="button" id="audit-more" class="button" hidden>
        Load older entries
      </button>
    </section>
  </AppShell>
);
