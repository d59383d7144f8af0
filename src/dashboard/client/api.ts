// The management API as the browser sees it: JSON in, the `{ success, data, message }` envelope
// out, failures as values with the API's own message. A 401 on a signed-in page goes to /login.

export type ApiOk<T> = { ok: true; status: number; data: T; message: string | null; nextCursor: string | null };
export type ApiFail = { ok: false; status: number; message: string; code: string };
export type ApiResult<T> = ApiOk<T> | ApiFail;

type Envelope<T> = {
  success?: boolean;
  data?: T;
  message?: string;
  pagination?: { next_cursor?: string | null };
  error?: { code?: string; issues?: { path: string; message: string }[] };
};

function describe(body: Envelope<unknown> | null, status: number): { message: string; code: string } {
  const base = typeof body?.message === "string" ? body.message : `The server answered with status ${status}.`;
  const code = typeof body?.error?.code === "string" ? body.error.code : `http_${status}`;
  // Validation failures name the offending fields; other messages already say what went wrong.
  const issues = code === "invalid_request" && Array.isArray(body?.error?.issues) ? body.error.issues : [];
  const detail = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
  return { message: detail ? `${base} (${detail})` : base, code };
}

/** Set once this page has gone to /login after a 401. */
let leaving = false;

// Pages for people who are not signed in: a 401 there is the form's answer, not a lost session.
const AUTH_PAGES = new Set(["login", "signup", "reset"]);

/**
 * How long a GET may go unanswered before it is sent once more. Reads are safe to repeat, and a
 * page whose first read hangs (a stalled connection or proxy) would otherwise wait forever; the
 * slowest read the API has, an instance's health, answers within the upstream deadline (10 s).
 * Writes are never repeated: they may have run.
 */
export const READ_DEADLINE_MS = 12_000;

/** A GET is sent at most twice, each time given READ_DEADLINE_MS; other methods once, unbounded. */
async function send(method: string, path: string, init: RequestInit): Promise<Response> {
  if (method !== "GET") return fetch(path, { ...init, method });
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(path, { ...init, method, signal: AbortSignal.timeout(READ_DEADLINE_MS) });
    } catch (error) {
      if (attempt === 2 || (error as Error).name !== "TimeoutError") throw error;
    }
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await send(method, path, { headers, body: body === undefined ? null : JSON.stringify(body) });
  } catch (error) {
    const message =
      (error as Error).name === "TimeoutError"
        ? "RedisGate did not answer in time. Try again in a moment."
        : "Could not reach RedisGate. Check your connection and try again.";
    return { ok: false, status: 0, code: "network", message };
  }
  let json: Envelope<T> | null = null;
  try {
    json = (await res.json()) as Envelope<T>;
  } catch {
    // not JSON: described by its status below
  }
  if (res.status === 401 && !AUTH_PAGES.has(document.body.dataset.page ?? "") && !leaving) {
    // Once per page: a second assign (another load refused at the same time) would abort the first.
    leaving = true;
    // The fragment rides along outside `next` (an invitation link keeps its token; no server sees it).
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}${location.hash}`);
  }
  if (!res.ok || json?.success !== true) return { ok: false, status: res.status, ...describe(json, res.status) };
  return {
    ok: true,
    status: res.status,
    data: json.data as T,
    message: json.message ?? null,
    nextCursor: json.pagination?.next_cursor ?? null,
  };
}

/** `api` that throws the API's message, for handlers wrapped by `onSubmit`. */
export async function must<T>(method: string, path: string, body?: unknown): Promise<ApiOk<T>> {
  const result = await api<T>(method, path, body);
  if (!result.ok) throw new Error(result.message);
  return result;
}

/** Most pages `listPages` follows by default: 1,000 rows at 100 a page. */
export const MAX_LIST_PAGES = 10;

/**
 * A list route's rows, following `next_cursor` 100 at a time for at most `maxPages` pages.
 * `more`: rows remain past the last page read. A failure answers what the API said.
 */
export async function listPages<T>(
  path: string,
  maxPages = MAX_LIST_PAGES,
): Promise<{ ok: true; items: T[]; more: boolean } | { ok: false; message: string }> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const [route, search = ""] = path.split("?");
    const query = new URLSearchParams(search);
    query.set("limit", "100");
    if (cursor) query.set("cursor", cursor);
    const result: ApiResult<T[]> = await api<T[]>("GET", `${route}?${query}`);
    if (!result.ok) return { ok: false, message: result.message };
    items.push(...result.data);
    cursor = result.nextCursor;
    if (!cursor) return { ok: true, items, more: false };
  }
  return { ok: true, items, more: true };
}
