// The dashboard face: HTML pages under /, /login, /signup, /orgs, /invitations/accept and
// /o/:orgId/…; the browser bundle under /assets/ is served by Workers static assets. Pages carry no
// data and no secrets; the browser fetches /auth and /api.
// It must never register a route that shadows /api, /auth, /redis, /health, /version or /.well-known.

import { type Context, Hono } from "hono";
import type { HtmlEscapedString } from "hono/utils/html";
import type { AppEnv } from "../env";
import { describeErrorForLog } from "../lib/error-for-log";
import { RESET_PAGE_PATH } from "../services/operators";
import { assetManifest } from "./assets";
import { AppShell, AssetsContext, PageHead } from "./layout";
import type { SectionName } from "./page-names";
import { HomePage, LoginPage, OrgsPage, SignupPage } from "./pages/account";
import { AuditPage, UsagePage } from "./pages/activity";
import { ConsolePage, DataPage } from "./pages/console";
import { InstancePage, InstancesPage } from "./pages/instances";
import { AcceptInvitationPage } from "./pages/invitations";
import { KeysPage } from "./pages/keys";
import { MembersPage } from "./pages/members";
import { OperatorPage } from "./pages/operator";
import { AccountPage, ResetPasswordPage } from "./pages/profile";
import { SettingsPage } from "./pages/settings";

export const dashboard = new Hono<AppEnv>();

const ORG_ID = /^org_[a-z0-9]{20}$/;
const INSTANCE_ID = /^rdb_[a-z0-9]{20}$/;

/** Same-origin everything, no inline script or style, never framed, never cached (keys are revealed here). */
const PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "cache-control": "no-store",
};

async function render(c: Context<AppEnv>, page: HtmlEscapedString | Promise<HtmlEscapedString>, status: 200 | 404 = 200) {
  const assets = await assetManifest(c.env.ASSETS);
  const html = await (<AssetsContext.Provider value={assets}>{page}</AssetsContext.Provider>);
  return c.html(`<!doctype html>${html.toString()}`, status, PAGE_HEADERS);
}

const NotFoundPage = () => (
  <AppShell info={{ title: "Not found", page: "missing" }}>
    <PageHead title="Page not found" lead="There is nothing at this address." />
    <p>
      <a href="/">Back to the dashboard</a>
    </p>
  </AppShell>
);

// The dashboard's own error page: plain HTML with the request id, never the stack or the message.
dashboard.onError((error, c) => {
  const requestId = c.get("requestId");
  console.error(JSON.stringify({ level: "error", face: "dashboard", requestId, message: describeErrorForLog(error) }));
  const body = `<!doctype html><title>Something went wrong</title><h1>Something went wrong</h1><p>Quote request ${requestId} if you report it.</p>`;
  return c.html(body, 500, PAGE_HEADERS);
});

dashboard.get("/", (c) => render(c, <HomePage />));
dashboard.get("/login", (c) => render(c, <LoginPage />));
dashboard.get("/signup", (c) => render(c, <SignupPage />));
dashboard.get("/orgs", (c) => render(c, <OrgsPage />));
dashboard.get("/account", (c) => render(c, <AccountPage />));
dashboard.get("/operator", (c) => render(c, <OperatorPage />));
// Where an operator's reset link lands; the token is in the fragment, so it never reaches this route.
dashboard.get(RESET_PAGE_PATH, (c) => render(c, <ResetPasswordPage />));
dashboard.get("/invitations/accept", (c) => render(c, <AcceptInvitationPage />));

const SECTIONS = {
  instances: InstancesPage,
  keys: KeysPage,
  console: ConsolePage,
  data: DataPage,
  usage: UsagePage,
  members: MembersPage,
  audit: AuditPage,
  settings: SettingsPage,
} as const satisfies Partial<Record<SectionName, unknown>>;

dashboard.get("/o/:orgId", (c) => {
  const orgId = c.req.param("orgId");
  return ORG_ID.test(orgId) ? c.redirect(`/o/${orgId}/instances`) : render(c, <NotFoundPage />, 404);
});

dashboard.get("/o/:orgId/:section", (c) => {
  const { orgId, section } = c.req.param();
  const Page = Object.hasOwn(SECTIONS, section) ? SECTIONS[section as keyof typeof SECTIONS] : null;
  if (!Page || !ORG_ID.test(orgId)) return render(c, <NotFoundPage />, 404);
  return render(c, <Page orgId={orgId} />);
});

dashboard.get("/o/:orgId/instances/:instanceId", (c) => {
  const { orgId, instanceId } = c.req.param();
  if (!ORG_ID.test(orgId) || !INSTANCE_ID.test(instanceId)) return render(c, <NotFoundPage />, 404);
  return render(c, <InstancePage orgId={orgId} instanceId={instanceId} />);
});

dashboard.get("/o/*", (c) => render(c, <NotFoundPage />, 404));
