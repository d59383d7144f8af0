// The management face's envelope: `{ success, data, message?, timestamp }`, failures with
// `error: { code, requestId, issues? }`, and the face's own error and not-found handlers.

import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { requireUser } from "../auth/middleware";
import { AppError } from "../errors";
import { describeErrorForLog } from "../lib/error-for-log";
import { registeredRoutes } from "./route";

/** A list route's page: its limit, and the cursor of the next page (null on the last). */
export type Pagination = { limit: number; next_cursor: string | null };

/** A successful envelope: `{ success, data, message?, timestamp }` plus optional extras (pagination). */
export function ok<T>(data: T, extra: { message?: string; pagination?: Pagination } = {}) {
  return { success: true as const, data, ...extra, timestamp: new Date().toISOString() };
}

/** The failure envelope of an AppError: `{ success: false, data: null, message, error, timestamp }`. */
export function failure(error: AppError, requestId: string) {
  return {
    success: false as const,
    data: null,
    message: error.message,
    error: { code: error.code, requestId, ...(error.issues ? { issues: error.issues } : {}) },
    timestamp: new Date().toISOString(),
  };
}
export type Failure = ReturnType<typeof failure>;

/** Renders an AppError as the seed's failure envelope. */
export function renderError(c: Context, error: AppError): Response {
  const requestId = (c.get("requestId") as string | undefined) ?? "req_unknown";
  return c.json(failure(error, requestId), error.status, { "Cache-Control": "no-store", ...error.headers });
}

/** The management face's error handler: AppErrors as themselves, anything else as a logged 500. */
export const renderManagementError: ErrorHandler = (error, c) => {
  if (error instanceof AppError) return renderError(c, error);
  const requestId = c.get("requestId");
  console.error(JSON.stringify({ level: "error", face: "management", requestId, message: describeErrorForLog(error) }));
  return renderError(c, new AppError("internal_error", "Something went wrong on our side. Quote the request id if you report it."));
};

/**
 * No route matched: a 405 with `Allow` for a known path and another method (after the session
 * check when that path is private, so strangers learn nothing), else a 404.
 */
export const renderNotFound: NotFoundHandler = async (c) => {
  const path = new URL(c.req.url).pathname;
  const routes = registeredRoutes.filter((spec) => new RegExp(`^${spec.path.replace(/:[A-Za-z]+/g, "[^/]+")}$`).test(path));
  if (routes.length === 0) return renderError(c, new AppError("not_found", `No route for ${c.req.method} ${path}.`));
  try {
    if (routes.some((spec) => spec.auth)) await requireUser(c as never, async () => {});
  } catch (error) {
    return renderManagementError(error as Error, c);
  }
  const allow = [...new Set(routes.map((spec) => spec.method.toUpperCase()))].join(", ");
  return renderError(
    c,
    new AppError("method_not_allowed", `${c.req.method} is not allowed on ${path}; use ${allow}.`, undefined, { Allow: allow }),
  );
};
