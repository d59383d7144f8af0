// The operators' page: every organization with plan, limits, members and today's usage (set the
// plan and limits, suspend, resume) and every account (one-time reset links, promote and demote
// operators). Markup only; src/dashboard/client/pages/operator.ts fills it. The API admits operators only.
import type { FC } from "hono/jsx";
import { PLAN_NAMES } from "../../meter/plans";
import { AppShell, Field, PageHead, SearchForm, Status } from "../layout";

const PlanDialog: FC = () => (
  <dialog id="plan-dialog" aria-labelledby="plan-dialog-title">
    <form id="plan-form" method="post">
      <h2 id="plan-dialog-title">Plan and limits</h2>
      <p class="wrap" id="plan-dialog-org" />
      <div class="field">
        <label for="plan-plan">Plan</label>
        <select id="plan-plan" name="plan">
          {PLAN_NAMES.map((plan) => (
            <option value={plan}>{plan}</option>
          ))}
        </select>
        <p class="hint" id="plan-plan-hint" />
      </div>
      <Field id="plan-quota" label="Daily quota override (commands)" name="quota" inputmode="numeric" hint="Empty: the plan's quota." />
      <fieldset class="field">
        <legend>Rate limit override per key</legend>
        <div class="row">
          <Field id="plan-requests" label="Requests" name="requests" inputmode="numeric" />
          <div class="field">
            <label for="plan-window">per</label>
            <select id="plan-window" name="window">
              <option value="1">second</option>
              <option value="60">minute</option>
            </select>
          </div>
        </div>
        <p class="hint">Empty: the plan's rate. Owners may set lower limits of their own, never higher.</p>
      </fieldset>
      <fieldset class="field">
        <legend>Caps override</legend>
        <div class="row">
          <Field id="plan-instances" label="Instances" name="instances" inputmode="numeric" />
          <Field id="plan-keys" label="Live API keys" name="keys" inputmode="numeric" />
        </div>
        <p class="hint">Empty: the plan's cap. A cap below what the organization holds removes nothing; it refuses new ones.</p>
      </fieldset>
      <Status />
      <div class="actions">
        <button type="button" class="button" id="plan-cancel">
          Cancel
        </button>
        <button type="submit" class="button primary">
          Save plan
        </button>
      </div>
    </form>
  </dialog>
);

/**
 * The order of an operator list, by creation: newest first here (the API's default is oldest);
 * organizations may also be ranked by today's commands.
 */
const OrderField: FC<{ id: string; busiest?: boolean }> = ({ id, busiest }) => (
  <div class="field narrow">
    <label for={id}>Order</label>
    <select id={id} name="order">
      <option value="newest">newest first</option>
      <option value="oldest">oldest first</option>
      {busiest ? <option value="busiest">busiest today</option> : null}
    </select>
  </div>
);

export const OperatorPage: FC = () => (
  <AppShell info={{ title: "Operator", page: "operator" }}>
    <PageHead title="Operator" lead="Every organization and account on this deployment. Each action here is in the operators' audit log." />
    <section class="card" aria-labelledby="op-orgs-title">
      <h2 id="op-orgs-title">Organizations</h2>
      <SearchForm id="op-org-search" label="Find an organization by name, slug or id" name="q" finds="organizations">
        <div class="field narrow">
          <label for="op-org-plan">Plan</label>
          <select id="op-org-plan" name="plan">
            <option value="">any</option>
            {PLAN_NAMES.map((plan) => (
              <option value={plan}>{plan}</option>
            ))}
          </select>
        </div>
        <div class="field narrow">
          <label for="op-org-suspended">Status</label>
          <select id="op-org-suspended" name="suspended">
            <option value="">any</option>
            <option value="false">active</option>
            <option value="true">suspended</option>
          </select>
        </div>
        <OrderField id="op-org-order" busiest />
      </SearchForm>
      <Status id="op-org-status" />
      <div id="op-org-list" />
      <button type="button" id="op-org-more" class="button" hidden>
        Load more organizations
      </button>
    </section>
    <section class="card" aria-labelledby="op-accounts-title">
      <h2 id="op-accounts-title">Accounts</h2>
      <SearchForm id="op-account-search" label="Find an account by email" name="email" type="email" finds="accounts">
        <OrderField id="op-account-order" />
      </SearchForm>
      <div id="op-reset-slot" />
      <Status id="op-account-status" />
      <div id="op-account-list" />
      <button type="button" id="op-account-more" class="button" hidden>
        Load more accounts
      </button>
    </section>
    <PlanDialog />
  </AppShell>
);
