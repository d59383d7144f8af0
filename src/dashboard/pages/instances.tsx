// Instance pages: the list with the attach form, and one instance with its connection panel (facts,
// health, snippets), its transport and limits, its isolation report and settings (rename, command
// settings, rotate credentials, re-run the isolation check, disable, delete). Markup only;
// client/instances.ts fills it.
import type { FC } from "hono/jsx";
import { DRIVER_NAMES, driverSummary } from "../../upstream/catalog";
import { LOCATION_HINT_NAMES, LOCATION_HINTS, TRANSPORT_NAMES, TRANSPORT_SUMMARIES } from "../../upstream/placement";
import { AppShell, Field, ForRole, PageHead, SlugField, Status } from "../layout";

/** How a `redis` instance is reached: the transport and the pool's region hint (both forms use it). */
const PlacementFields: FC<{ idPrefix: string }> = ({ idPrefix }) => (
  <div class="row" data-placement="">
    <div class="field">
      <label for={`${idPrefix}-transport`}>Connections</label>
      <select id={`${idPrefix}-transport`} name="transport">
        {TRANSPORT_NAMES.map((transport) => (
          <option value={transport}>
            {transport} — {TRANSPORT_SUMMARIES[transport]}
          </option>
        ))}
      </select>
    </div>
    <div class="field">
      <label for={`${idPrefix}-region`}>Pool region</label>
      <select id={`${idPrefix}-region`} name="region" aria-describedby={`${idPrefix}-region-hint`}>
        <option value="">Automatic (near where it is first used)</option>
        {LOCATION_HINTS.map((hint) => (
          <option value={hint}>
            {LOCATION_HINT_NAMES[hint]} ({hint})
          </option>
        ))}
      </select>
      <p class="hint" id={`${idPrefix}-region-hint`}>
        Where the pooled connections are held: choose the region of your Redis server. A best-effort hint, by continent.
      </p>
    </div>
  </div>
);

export const InstancesPage: FC<{ orgId: string }> = ({ orgId }) => (
  <AppShell info={{ title: "Redis instances", page: "instances", section: "instances", orgId }}>
    <PageHead title="Redis instances" lead="Each instance is an upstream Redis that RedisGate serves over HTTPS." />
    <section class="card" aria-labelledby="instances-title">
      <h2 id="instances-title">Instances</h2>
      <div id="instance-list" />
    </section>
    <ForRole minimum="admin">
      <section class="card" aria-labelledby="instance-new-title">
        <h2 id="instance-new-title">Attach a Redis instance</h2>
        <form id="instance-form" method="post" autocomplete="off">
          <fieldset>
            <div class="row">
              <Field id="instance-name" label="Name" name="name" required maxlength={100} />
              <SlugField id="instance-slug" />
              <div class="field">
                <label for="instance-driver">Driver</label>
                <select id="instance-driver" name="driver">
                  {DRIVER_NAMES.map((driver) => (
                    <option value={driver}>
                      {driver} — {driverSummary(driver)}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <Field
              id="instance-endpoint"
              label="Endpoint"
              name="endpoint"
              required
              maxlength={2048}
              hint="For redis, credentials may go in the URL (redis://user:password@host:6379/0)."
            />
            <PlacementFields idPrefix="instance" />
            <div id="token-field" hidden>
              <Field id="instance-token" label="Upstash REST token" name="token" type="password" autocomplete="off" required />
            </div>
            <p class="hint">Credentials are encrypted at rest and never shown again, not even to you.</p>
            <label class="check">
              <input type="checkbox" name="allow_admin" /> Allow admin commands (CONFIG, DEBUG, SAVE, MIGRATE, CLUSTER…) for keys with the
              admin scope
            </label>
            <Status />
            <button type="submit" class="button primary">
              Attach instance
            </button>
          </fieldset>
        </form>
      </section>
    </ForRole>
  </AppShell>
);

export const InstancePage: FC<{ orgId: string; instanceId: string }> = ({ orgId, instanceId }) => (
  <AppShell info={{ title: "Redis instance", page: "instance", section: "instances", orgId, instanceId }}>
    <p>
      <a href={`/o/${orgId}/instances`}>← All instances</a>
    </p>
    <PageHead title="Redis instance" id="instance-name">
      <div class="actions">
        <a class="button" href={`/o/${orgId}/console?instance=${instanceId}`}>
          Open in console
        </a>
        <a class="button" href={`/o/${orgId}/data?instance=${instanceId}`}>
          Browse data
        </a>
      </div>
    </PageHead>
    <div class="grid-2">
      <section class="card" aria-labelledby="connection-title">
        <h2 id="connection-title">Connection</h2>
        <div id="instance-view" />
      </section>
      <ForRole minimum="admin">
        <section class="card" aria-labelledby="settings-title">
          <h2 id="settings-title">Settings</h2>
          <fieldset>
            <form id="rename-form" method="post">
              <Field id="rename-name" label="Name" name="name" required maxlength={100} />
              <Status />
              <button type="submit" class="button">
                Rename
              </button>
            </form>
            <h3>Commands</h3>
            <form id="permissions-form" method="post">
              <label class="check">
                <input type="checkbox" name="allow_admin" /> Allow admin commands (CONFIG, DEBUG, SAVE…) for admin keys
              </label>
              <label class="check">
                <input type="checkbox" name="allow_scripts" /> Allow scripts (EVAL, EVALSHA, FCALL, FUNCTION, SCRIPT) for write keys
              </label>
              <Status />
              <button type="submit" class="button">
                Save command settings
              </button>
            </form>
            <h3>Rotate credentials</h3>
            <form id="rotate-form" method="post" autocomplete="off">
              <div id="rotate-redis" hidden>
                <Field
                  id="rotate-redis-url"
                  label="New Redis URL with credentials"
                  name="redis_url"
                  type="password"
                  hint="redis://user:new-password@host:6379 — typed hidden, sent once, never shown again."
                />
              </div>
              <div id="rotate-upstash" hidden>
                <Field id="rotate-upstash-url" label="New REST URL (optional)" name="upstash_url" type="url" />
                <Field id="rotate-token" label="New Upstash REST token" name="token" type="password" />
              </div>
              <Status />
              <button type="submit" class="button">
                Rotate credentials
              </button>
            </form>
          </fieldset>
        </section>
        <section class="card" id="instance-actions" aria-labelledby="danger-title">
          <h2 id="danger-title">Availability</h2>
          <fieldset>
            <Status />
            <div class="actions">
              <button type="button" id="toggle-instance" class="button">
                Disable instance
              </button>
              <button type="button" id="delete-instance" class="button danger">
                Delete instance
              </button>
            </div>
          </fieldset>
        </section>
      </ForRole>
    </div>
    <section class="card" aria-labelledby="limits-title">
      <h2 id="limits-title">Transport and limits</h2>
      <p class="hint">
        What one request may do on this instance. An empty override takes this deployment's default; the operator sets the range.
      </p>
      <div id="limits-view" />
      <ForRole minimum="admin">
        <form id="limits-form" method="post">
          <fieldset>
            <PlacementFields idPrefix="limits" />
            <div id="limit-fields" class="limit-fields" />
            <Status />
            <button type="submit" class="button">
              Save transport and limits
            </button>
          </fieldset>
        </form>
      </ForRole>
    </section>
    <section class="card isolation" aria-labelledby="isolation-title">
      <h2 id="isolation-title">Isolation</h2>
      <p class="hint">What this instance's credentials can reach beyond its own database, probed when it was attached or last checked.</p>
      <div id="isolation-view" />
      <ForRole minimum="admin">
        <form id="isolation-form" method="post">
          <div id="isolation-actions">
            <Status />
            <button type="submit" class="button">
              Re-run the isolation check
            </button>
          </div>
        </form>
      </ForRole>
    </section>
  </AppShell>
);
