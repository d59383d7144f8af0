// The dashboard's one browser entry: forms never submit natively, the shell starts, then the module
// of the page named by `<body data-page>` runs; `data-ready` tells tests the page is wired.
import type { PageName } from "../page-names";
import { $ } from "./elements";
import { state } from "./feedback";
import { auditPage } from "./pages/audit";
import { consolePage } from "./pages/console";
import { dataPage } from "./pages/data";
import { instancePage, instancesPage } from "./pages/instances";
import { invitationPage } from "./pages/invitations";
import { keysPage } from "./pages/keys";
import { membersPage } from "./pages/members";
import { operatorPage } from "./pages/operator";
import { accountPage, resetPage } from "./pages/profile";
import { homePage, loginPage, orgsPage, signupPage } from "./pages/session";
import { settingsPage } from "./pages/settings";
import { usagePage } from "./pages/usage";
import { startShell } from "./shell";

const PAGES: Record<PageName, () => Promise<void> | void> = {
  home: homePage,
  login: loginPage,
  signup: signupPage,
  orgs: orgsPage,
  instances: instancesPage,
  instance: instancePage,
  keys: keysPage,
  console: consolePage,
  data: dataPage,
  usage: usagePage,
  members: membersPage,
  audit: auditPage,
  settings: settingsPage,
  account: accountPage,
  operator: operatorPage,
  reset: resetPage,
  invitation: invitationPage,
  missing: () => {},
};

document.addEventListener("submit", (event) => {
  if ((event.target as HTMLFormElement | null)?.getAttribute("method") !== "dialog") event.preventDefault();
});
startShell();
const start = PAGES[document.body.dataset.page as PageName];
Promise.resolve()
  .then(() => start?.())
  .catch((error: Error) => state($("#main"), "error", `This page could not be loaded: ${error.message}`))
  .finally(() => {
    document.body.dataset.ready = "true";
  });
