// The API keys page: mint a key (revealed once by the client), list keys, revoke. Markup only;
// src/dashboard/client/keys.ts makes it work. No key string is ever rendered on the server.
import type { FC } from "hono/jsx";
import { AppShell, Field, PageHead, RoleNote, Status } from "../layout";

const EXPIRY: [days: number, label: string][] = [
  [7, "7 days"],
  [30, "30 days"],
  [90, "90 days"],
  [365, "1 year"],
  [3650, "10 years"],
];

export const KeysPage: FC<{ orgId: string }> = ({ orgId }) => (
  <AppShell info={{ title: "API keys", page: "keys", section: "keys", orgId }}>
    <PageHead title="API keys" lead="Keys are the tokens applications pass to @upstash/redis or curl. Each is shown only once." />
    <div id="reveal-slot" />
    <section class="card" aria-labelledby="keys-title">
      <h2 id="keys-title">Keys</h2>
      <Status id="key-status" />
      <div id="key-list" />
    </section>
    <section class="card" aria-labelledby="mint-title">
      <h2 id="mint-title">Mint a key</h2>
      <form id="key-form" method="post">
        <fieldset data-min-role="member">
          <RoleNote />
          <Field id="key-name" label="Name" name="name" required maxlength={100} hint="Where it is used, e.g. “checkout service (prod)”." />
          <fieldset class="field">
            <legend>Scopes</legend>
            <div class="checks">
              <label class="check">
                <input type="checkbox" name="scope_read" checked /> read
              </label>
              <label class="check">
                <input type="checkbox" name="scope_write" checked /> write
              </label>
              <label class="check">
                <input type="checkbox" name="scope_admin" /> admin
              </label>
            </div>
            <p class="hint">Write includes read; admin (admins and owners only) adds admin commands where the instance allows them.</p>
          </fieldset>
          <fieldset class="field">
            <legend>Instances</legend>
            <div id="key-instances" class="checks" />
            <p class="hint">Tick none to allow every instance of the organization.</p>
          </fieldset>
          <div class="field">
            <label for="key-expiry">Expires in</label>
            <select id="key-expiry" name="expires_in">
              {EXPIRY.map(([days, label]) => (
                <option value={String(days)} selected={days === 365}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <Status />
          <button type="submit" class="button primary">
            Mint key
          </button>
        </fieldset>
      </form>
    </section>
  </AppShell>
);
