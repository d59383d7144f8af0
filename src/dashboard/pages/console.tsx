// The console and data browser pages: both run on the signed-in person's session (the client
// mints a five-minute key per instance). Markup only; client/pages/console.ts and data.ts work them.
import type { FC } from "hono/jsx";
import { AppShell, Field, PageHead, Status } from "../layout";

const SessionNote: FC<{ id: string }> = ({ id }) => <p id={id} class="note" role="status" />;

export const ConsolePage: FC<{ orgId: string }> = ({ orgId }) => (
  <AppShell info={{ title: "Console", page: "console", section: "console", orgId }}>
    <PageHead title="Console" lead="Run Redis commands on your session; what you may run follows your role." />
    <div id="console-main" class="console-grid">
      <section class="card" aria-labelledby="console-title">
        <h2 id="console-title">Run a command</h2>
        <form id="console-form" method="post" autocomplete="off">
          <div class="field">
            <label for="console-instance">Instance</label>
            <select id="console-instance" name="instance" />
          </div>
          <SessionNote id="console-session" />
          <div class="row">
            <Field id="console-command" label="Command" name="command" placeholder='SET greeting "hello world"' />
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
      <section class="card" aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <p class="hint">Click a command to edit it again, or press ↑ in the command field.</p>
        <ol id="console-history" class="history" />
      </section>
    </div>
  </AppShell>
);

export const DataPage: FC<{ orgId: string }> = ({ orgId }) => (
  <AppShell info={{ title: "Data browser", page: "data", section: "data", orgId }}>
    <PageHead title="Data browser" lead="Keys, types, expiry and values of an instance, on your session." />
    <div id="data-main">
      <div class="field">
        <label for="data-instance">Instance</label>
        <select id="data-instance" />
      </div>
      <SessionNote id="data-session" />
      <div class="grid-2">
        <section class="card" aria-labelledby="keys-title">
          <h2 id="keys-title">Keys</h2>
          <p id="key-count" class="key-count" />
          <form id="scan-form" method="post" hidden>
            <div class="row">
              <Field id="scan-pattern" label="Pattern" name="pattern" value="*" hint="SCAN MATCH pattern, e.g. user:*" />
              <div class="field">
                <label for="scan-type">Type</label>
                <select id="scan-type" name="type" />
              </div>
              <div class="field button-field">
                <button type="submit" class="button">
                  Scan
                </button>
              </div>
            </div>
            <Status />
          </form>
          <form id="lookup-form" method="post" hidden>
            <div class="row">
              <Field id="lookup-key" label="Key name" name="key" hint="Read-only sessions open keys by name." />
              <div class="field button-field">
                <button type="submit" class="button">
                  Open
                </button>
              </div>
            </div>
            <Status />
          </form>
          <div id="key-table" />
          <button type="button" id="load-more" class="button" hidden>
            Load more
          </button>
        </section>
        <div>
          <section class="card" aria-label="Key details" id="key-panel" aria-live="polite" />
          <section class="card" aria-labelledby="add-key-title" hidden>
            <h2 id="add-key-title">Add a key</h2>
            <form id="add-key-form" method="post" autocomplete="off">
              <div class="row">
                <Field id="add-key" label="Key" name="key" required />
                <div class="field">
                  <label for="add-type">Type</label>
                  <select id="add-type" name="type" />
                </div>
              </div>
              <div id="add-field">
                <Field id="add-field-name" label="Field" name="field" />
              </div>
              <Field id="add-value" label="Value (or member)" name="value" required />
              <div id="add-score">
                <Field id="add-score-value" label="Score" name="score" type="number" />
              </div>
              <Field id="add-ttl" label="Expire in (seconds, optional)" name="ttl" type="number" />
              <Status />
              <button type="submit" class="button primary">
                Add key
              </button>
            </form>
          </section>
        </div>
      </div>
    </div>
  </AppShell>
);
