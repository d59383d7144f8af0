// Types shared by the dashboard's client modules: the `Ui` toolkit every page receives and the
// management API's JSON shapes as the browser sees them. Type-only: nothing here reaches the browser.
import type { DriverName } from "../../upstream/catalog";
import type { Doc, El, Win } from "./dom";

export type Role = "owner" | "admin" | "member" | "viewer";

export type ApiOk<T> = { ok: true; status: number; data: T; message: string | null; nextCursor: string | null };
export type ApiFail = { ok: false; status: number; message: string; code: string };
export type ApiResult<T> = ApiOk<T> | ApiFail;

export type Org = { id: string; name: string; slug: string; role: Role; plan: string };
export type User = { id: string; email: string; username: string };
export type Instance = {
  id: string;
  name: string;
  slug: string;
  driver: DriverName;
  endpoint: string;
  credential_hint: string | null;
  disabled: boolean;
  allow_admin: boolean;
  rest_url: string;
  created_at: string;
};
export type ApiKey = {
  id: string;
  name: string;
  key_prefix: string;
  scopes: string[];
  instance_ids: string[] | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
};
export type Member = { user_id: string; email: string; username: string; role: Role; joined_at: string };
export type AuditEntry = {
  id: string;
  actor_user_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  request_id: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
};
/** The usage report exactly as the UsageMeter produces it (a type only: nothing server-side ships). */
export type Usage = import("../../meter/usage-meter").UsageReport;
export type UsagePoint = import("../../meter/usage-meter").DailyUsage;

export type Child = El | string | null | undefined | false;
export type Props = Record<string, string | number | boolean | null | undefined | ((event: import("./dom").DomEvent) => void)>;

/** The toolkit every page module receives: `createUi` builds the core, `withShell` adds the rest. */
export type Ui = UiCore & UiShell;

export type UiCore = {
  doc: Doc;
  win: Win;
  /** The organization in the URL (`/o/:orgId/...`), or null on account pages. */
  orgId: string | null;
  api<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>>;
  /** `api` that throws the API's message on failure, for handlers wrapped by `onSubmit`. */
  must<T>(method: string, path: string, body?: unknown): Promise<ApiOk<T>>;
  h(tag: string, props?: Props | null, ...children: Child[]): El;
  svg(tag: string, attrs?: Record<string, string | number>, ...children: Child[]): El;
  $(selector: string, root?: El): El;
  /** Writes a message into a form's or section's `[data-status]` region (role=alert for errors). */
  say(root: El, message: string, kind?: "error" | "ok" | "info"): void;
  /** Replaces a container's content with a loading, empty or error state. */
  state(container: El, kind: "loading" | "empty" | "error", message: string): void;
  toast(message: string): void;
  confirm(title: string, body: string, action: string): Promise<boolean>;
  copyButton(label: string, text: () => string): El;
  field(form: El, name: string): string;
  /** Wires a form: disables it while `handler` runs and shows a thrown error's message. */
  onSubmit(form: El, handler: () => Promise<void>): void;
  when(iso: string | null): string;
  table(headers: string[], rows: Child[][]): El;
};

export type UiShell = {
  /** The signed-in user's role in the current organization (after `loadOrg`). */
  role: Role | null;
  can(minimum: Role): boolean;
  loadOrg(): Promise<Org | null>;
  instances(): Promise<Instance[]>;
};

export type Page = (ui: Ui) => Promise<void> | void;
