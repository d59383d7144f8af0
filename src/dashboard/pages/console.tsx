// The console page: run one Redis command against an instance with a pasted key, and browse keys
// (SCAN, TYPE, TTL, value). Markup only; src/dashboard/client/console.ts talks to /redis/<id>.
import type { FC } from "hono/jsx";
import { AppShell, Field, PageHead, Status } from "../layout";

export const ConsolePage: FC<{ orgId: string }> = ({ orgId }) => (
  <AppShell info={{ title: "Console", page: "console", section: "console", orgId }}>
    <PageHead title="Console" lead="Commands go to the edge exactly as @upstash/redis sends them; you see the raw reply." />
    <div id="console-main">
      <section class="card" aria-labelledby="console-title">
        <h2 id="console-title">Run a command</h2>
        <form id="console-form" method="post" autocomplete="off">
          <div class="row">
            <div class="field">
              <label for="console-instance">Instance</label>
              <select id="console-instance" name="instance" />
            </div>
            <Field
              id="console-key"
              label="API key"
              name="key"
              type="password"
              autocomplete="off"
              required
              hint="Paste a key minted for this organization. It stays in this field only and is never stored."
            />
          </div>
          <div class="row">
            <Field id="console-command" label="Command" name="command" placeholder='SET greeting "hello world"' required />
            <div class="field button-field">
              <button type="submit" class="button primary">
                Run
              </button>
            </div>
          </div>
          <Status />
        </form>
        <h3 id="log-title">Replies</h3>
        <ol id="console-log" class="log" aria-labelledby="log-title" aria-live="polite">
          <li class="state">Replies appear here, newest first.</li>
        </ol>
      </section>
      <section class="card" aria-labelledby="browse-title">
        <h2 id="browse-title">Browse keys</h2>
        <form id="browse-form" method="post">
          <div class="row">
            <Field id="browse-pattern" label="Pattern" name="pattern" value="*" hint="SCAN MATCH pattern, e.g. user:*" />
            <div class="field button-field">
              <button type="submit" class="button">
                Scan
              </button>
            </div>
          </div>
          <Status />
        </form>
        <div class="grid-2">
          <div id="browse-keys" />
          <div id="browse-detail" aria-live="polite" />
        </div>
      </section>
    </div>
  </AppShell>
);
