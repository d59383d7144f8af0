// @ts-check
// Every browser scenario, in the order they run. A new area adds its `*.e2e.mjs` module here; each
// scenario builds its own account and organization, so any subset runs alone (`vitest -t`).
import { accountScenarios } from "./account.e2e.mjs";
import { consoleScenarios } from "./console.e2e.mjs";
import { dataScenarios } from "./data.e2e.mjs";
import { dataValueScenarios } from "./data-values.e2e.mjs";
import { instanceScenarios } from "./instance.e2e.mjs";
import { invitationScenarios } from "./invitations.e2e.mjs";
import { keyScenarios } from "./keys.e2e.mjs";
import { memberScenarios } from "./members.e2e.mjs";
import { lostReadScenarios, pageScenarios } from "./pages.e2e.mjs";
import { usageScenarios } from "./usage.e2e.mjs";

/** @type {import("./world.mjs").Scenario[]} */
export const scenarios = [
  ...pageScenarios,
  ...consoleScenarios,
  ...dataScenarios,
  ...dataValueScenarios,
  ...keyScenarios,
  ...memberScenarios,
  ...accountScenarios,
  ...instanceScenarios,
  ...usageScenarios,
  // These two run at the same time (`alongside`): the lost read only waits out its deadline.
  ...invitationScenarios,
  ...lostReadScenarios,
];
