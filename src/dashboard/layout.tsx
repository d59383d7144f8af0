// The dashboard's HTML frame: the document head (the bundle's hashed stylesheet and script, served
// by Workers static assets), the signed-in shell with the organization navigation, the sign-in
// frame and shared form parts.
import { createContext, type FC, type PropsWithChildren, useContext } from "hono/jsx";
import type { AssetManifest } from "./assets";
import { type PageName, SECTIONS, type SectionName } from "./page-names";

/** The bundle's URLs for the page being rendered (set by index.tsx). */
export const AssetsContext = createContext<AssetManifest>({ "app.js": "/assets/missing.js", "app.css": "/assets/missing.css" });

export type PageInfo = {
  title: string;
  /** Which client page module starts (`<body data-page>`). */
  page: PageName;
  /** The organization section to highlight and keep when switching organizations. */
  section?: SectionName;
  orgId?: string;
  instanceId?: string;
};

const ConfirmDialog: FC = () => (
  <dialog id="confirm-dialog" aria-labelledby="confirm-title" aria-describedby="confirm-body">
    <form method="dialog">
      <h2 id="confirm-title" data-title="">
        Are you sure?
      </h2>
      <p id="confirm-body" data-body="" />
      <div class="actions">
        <button type="submit" value="cancel" class="button" data-cancel="">
          Cancel
        </button>
        <button type="submit" value="confirm" class="button danger" data-confirm="">
          Confirm
        </button>
      </div>
    </form>
  </dialog>
);

export const Document: FC<PropsWithChildren<{ info: PageInfo }>> = ({ info, children }) => {
  const assets = useContext(AssetsContext);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{`${info.title} · RedisGate`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={assets["app.css"]} />
        <script type="module" src={assets["app.js"]} />
      </head>
      <body data-page={info.page} data-section={info.section} data-org={info.orgId} data-instance={info.instanceId}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        {children}
        <div id="toast" class="toast" role="status" aria-live="polite" hidden />
        <ConfirmDialog />
      </body>
    </html>
  );
};

const NoScript: FC = () => (
  <noscript>
    <p class="status status-error">The RedisGate dashboard needs JavaScript. The management API works without it.</p>
  </noscript>
);

/** The frame of every signed-in page. */
export const AppShell: FC<PropsWithChildren<{ info: PageInfo }>> = ({ info, children }) => (
  <Document info={info}>
    <header class="topbar">
      <a class="brand" href="/">
        RedisGate
      </a>
      <label>
        <span class="sr-only">Organization</span>
        <select id="org-switch">
          <option value="">Loading…</option>
        </select>
      </label>
      <div class="user">
        <span id="user-email" />
        <a class="topbar-link" href="/operator" id="operator-link" hidden>
          Operator
        </a>
        <a class="topbar-link" href="/account" aria-current={info.page === "account" ? "page" : undefined}>
          Account
        </a>
        <button type="button" id="sign-out" class="button small ghost">
          Sign out
        </button>
      </div>
    </header>
    {info.orgId ? (
      <nav class="tabs" aria-label="Organization sections">
        {SECTIONS.map(({ section, label }) => (
          <a href={`/o/${info.orgId}/${section}`} aria-current={section === info.section ? "page" : undefined}>
            {label}
          </a>
        ))}
      </nav>
    ) : null}
    <main id="main" class="container">
      <NoScript />
      {children}
    </main>
  </Document>
);

/** The frame of the sign-in and sign-up pages. */
export const AuthShell: FC<PropsWithChildren<{ info: PageInfo }>> = ({ info, children }) => (
  <Document info={info}>
    <main id="main" class="auth">
      <div class="card auth-card">
        <span class="brand">RedisGate</span>
        <NoScript />
        {children}
      </div>
    </main>
  </Document>
);

export const PageHead: FC<PropsWithChildren<{ title: string; lead?: string; id?: string }>> = ({ title, lead, id, children }) => (
  <div class="page-head">
    <div>
      <h1 id={id}>{title}</h1>
      {lead ? <p>{lead}</p> : null}
    </div>
    {children}
  </div>
);

type FieldProps = {
  id: string;
  label: string;
  name: string;
  type?: string;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  placeholder?: string;
  pattern?: string;
  inputmode?: "numeric" | "text" | "email";
  minlength?: number;
  maxlength?: number;
  value?: string;
};

/** A labelled input; the hint is tied to it with aria-describedby. */
export const Field: FC<FieldProps> = ({ id, label, hint, type = "text", ...input }) => (
  <div class="field">
    <label for={id}>{label}</label>
    <input id={id} type={type} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
    {hint ? (
      <p class="hint" id={`${id}-hint`}>
        {hint}
      </p>
    ) : null}
  </div>
);

/**
 * One field, any narrowing fields given as children, and a Find button (named for what it finds);
 * the browser code loads the list again on submit, sending every field that has a value.
 */
export const SearchForm: FC<{ id: string; label: string; name: string; type?: string; finds: string; children?: unknown }> = ({
  id,
  label,
  name,
  type,
  finds,
  children,
}) => (
  <form id={id} method="post" class="row search-row">
    <Field id={`${id}-${name}`} label={label} name={name} type={type} autocomplete="off" />
    {children}
    <div class="button-field">
      <button type="submit" class="button" aria-label={`Find ${finds}`}>
        Find
      </button>
    </div>
  </form>
);

/** A slug input with the API's own rule (lower-case letters, digits, inner hyphens; 2-63 long). */
export const SlugField: FC<{ id: string; hint?: string }> = ({ id, hint }) => (
  <Field id={id} label="Slug" name="slug" required minlength={2} maxlength={63} pattern="[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?" hint={hint} />
);

/** The region where the client writes a form's error or success message. */
export const Status: FC<{ id?: string }> = ({ id }) => <p id={id} class="status" data-status="" hidden />;

/** Content for `minimum` and above: the client removes it for lower roles (viewers never see forms they cannot use). */
export const ForRole: FC<PropsWithChildren<{ minimum: "member" | "admin" | "owner" }>> = ({ minimum, children }) => (
  <div data-min-role={minimum} hidden>
    {children}
  </div>
);
