// The management API's error vocabulary: a closed set of codes, their HTTP statuses and the
// seed's envelope. The edge does not use this file; it speaks Upstash's { result } / { error }.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable_entity: 422,
  rate_limited: 429,
  internal_error: 500,
  upstream_error: 502,
  upstream_timeout: 504,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export type ValidationIssue = { path: string; message: string };

/** The one exception the management face throws; `onError` renders it as the envelope. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ValidationIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }
}

/** A successful envelope: `{ success, data, message?, timestamp }` plus optional extras (pagination). */
export function ok<T>(data: T, extra: { message?: string; pagination?: unknown } = {}) {
  return { success: true as const, data, ...extra, timestamp: new Date().toISOString() };
}

/** Renders an AppError as the seed's failure envelope. */
export function renderError(c: Context, error: AppError): Response {
  const requestId = (c.get("requestId") as string | undefined) ?? "req_unknown";
  const body = {
    success: false as const,
    data: null,
    message: error.message,
    error: { code: error.code, requestId, ...(error.issues ? { issues: error.issues } : {}) },
    timestamp: new Date().toISOString(),
  };
  return c.json(body, error.status, { "Cache-Control": "no-store", ...error.headers });
}
