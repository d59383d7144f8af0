// The dashboard's page names, shared by the server (it renders `<body data-page>`) and the browser
// (it starts that page's module). Pure: no DOM, no Workers types. A new page adds its name here and
// TypeScript then asks for its server markup and its browser module.
export const PAGE_NAMES = [
  "home",
  "login",
  "signup",
  "orgs",
  "instances",
  "instance",
  "keys",
  "console",
  "data",
  "usage",
  "members",
  "audit",
  "settings",
  "account",
  "operator",
  "reset",
  "invitation",
  "missing",
] as const;
export type PageName = (typeof PAGE_NAMES)[number];

/** The organization sections, in the order of the navigation. */
export const SECTIONS = [
  { section: "instances", label: "Instances" },
  { section: "keys", label: "API keys" },
  { section: "console", label: "Console" },
  { section: "data", label: "Data browser" },
  { section: "usage", label: "Usage" },
  { section: "members", label: "Members" },
  { section: "audit", label: "Audit log" },
  { section: "settings", label: "Settings" },
] as const satisfies readonly { section: PageName; label: string }[];
export type SectionName = (typeof SECTIONS)[number]["section"];
