// The API keys page: mint a key with one scope level (revealed once by the client), list keys with
// creator, dates and limits, hide revoked ones, edit (rename, rate limit, daily quota), roll and
// revoke. Markup only; src/dashboard/client/pages/keys.ts makes it work. No key string is ever rendered on the server.
import type { FC } from "hono/jsx";
import { LEVELS } from "../client/scope-level";
import { AppShell, Field, ForRole, PageHead, SearchForm, Status } from "../layout";

const EXPIRY: [days: number, label: string][] = [
  [7, "7 days"],
  [30, "30 days"],
  [90, "90 days"],
  [365, "1 year"],
  [3650, "10 years"],
];

/** What a roll does with the old key: `keep`, seconds until it stops by itself (`?retire_old_in=`), or `now`. */
const OLD_KEY: [value: string, label: string][] = [
  ["keep", "keeps working until I revoke it"],
  ["3600", "stops by itself in 1 hour"],
  ["86400", "stops by itself in 1 day"],
  ["604800", "stops by itself in 7 days"],
  ["now", "stops now"],
];

const RollDialog: FC = () => (
  <dialog id="key-roll-dialog" aria-labelledby="key-roll-title">
    <form id="key-roll-form" method="dialog">
      <h2 id="key-roll-title">Roll key</h2>
      <p>A new key with the same name, scope, instances, limits and lifetime is minted and shown once.</p>
      <div class="field">
        <label for="key-roll-old">The old key</label>
        <select id="key-roll-old" name="old">
          {OLD_KEY.map(([value, label]) => (
            <option value={value}>{label}</option>
          ))}
        </select>
        <p class="hint">
          While it works, your applications can switch to the new key without a gap; it counts toward the plan's key cap until it stops.
        </p>
      </div>
      <div class="actions">
        <button type="submit" value="cancel" class="button" formnovalidate>
          Cancel
        </button>
        <button type="submit" value="roll" class="button primary">
          Mint the replacement
        </button>
      </div>
    </form>
  </dialog>
);

const EditDialog: FC = () => (
  <dialog id="key-edit-dialog" aria-labelledby="key-edit-title">
    <form id="key-edit-form" method="post">
      <h2 id="key-edit-title">Edit key</h2>
      <Field id="key-edit-name" label="Name" name="name" required maxlength={100} />
      <fieldset class="field">
        <legend>Rate limit</legend>
        <div class="row">
          <Field id="key-edit-requests" label="Requests" name="requests" type="number" />
          <div class="field">
            <label for="key-edit-window">per</label>
            <select id="key-edit-window" name="window">
              <option value="1">second</option>
              <option value="60">minute</option>
            </select>
          </div>
        </div>
        <p class="hint" id="key-edit-org-rate" />
      </fieldset>
      <Field id="key-edit-quota" label="Daily quota (commands)" name="quota" inputmode="numeric" />
      <p class="hint" id="key-edit-org-quota" />
      <Status />
      <div class="actions">
        <button type="button" class="button" id="key-edit-cancel">
          Cancel
        </button>
        <button type="submit" class="button primary">
          Save
        </button>
      </div>
    </form>
  </dialog>
);

export const KeysPage: FC<{ orgId: string }> = ({ orgId }) => (
  <AppShell info={{ title: "API keys", page: "keys", section: "keys", orgId }}>
    <PageHead title="API keys" lead="Keys are the tokens applications pass to @upstash/redis or curl. Each is shown only once." />
    <div id="reveal-slot" />
    <section class="card" aria-labelledby="keys-title">
      <h2 id="keys-title">Keys</h2>
      <label class="check toolbar-check">
        <input type="checkbox" id="hide-revoked" checked /> Hide revoked keys
      </label>
      <SearchForm id="key-search" label="Find a key by name or prefix, or paste a whole key" name="q" finds="keys" />
      <Status id="key-status" />
      <div id="key-list" />
      <button type="button" id="key-more" class="button" hidden>
        Load more keys
      </button>
    </section>
    <ForRole minimum="member">
      <section class="card" aria-labelledby="mint-title">
        <h2 id="mint-title">Mint a key</h2>
        <form id="key-form" method="post">
          <Field id="key-name" label="Name" name="name" required maxlength={100} hint="Where it is used, e.g. “checkout service (prod)”." />
          <fieldset class="field level">
            <legend>Scope</legend>
            {LEVELS.map(({ level, label, hint }) => (
              <label class="check" data-level={level}>
                <input type="radio" name="level" value={level} checked={level === "write"} />
                <span>
                  {label}
                  <span class="hint">{hint}</span>
                </span>
              </label>
            ))}
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
        </form>
      </section>
      <EditDialog />
      <RollDialog />
    </ForRole>
  </AppShell>
);
