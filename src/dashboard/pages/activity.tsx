// Activity pages: usage (requests and commands per day, drawn as SVG by the client) and the audit
// log. Markup only; src/dashboard/client/usage.ts and audit.ts fill them.
import type { FC } from "hono/jsx";
import { AppShell, PageHead } from "../layout";

export const UsagePage: FC<{ orgId: string }> = ({ orgId }) => (
  <AppShell info={{ title: "Usage", page: "usage", section: "usage", orgId }}>
    <PageHead title="Usage" lead="Requests and commands served by the edge, per day.">
      <div class="row">
        <div class="field" id="usage-series-field" hidden>
          <label for="usage-series">Show</label>
          <select id="usage-series" />
        </div>
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
    <PageHead title="Audit log" lead="Every change to this organization: who, what and when." />
    <section class="card" aria-label="Audit log">
      <div id="audit-view" />
      <button type="button" id="audit-more" class="button" hidden>
        Load older entries
      </button>
    </section>
  </AppShell>
);
