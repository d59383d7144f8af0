// Assertions on the management API's envelope: `{ success, data, message?, timestamp }` and the
// failure shape `{ success: false, data: null, message, error: { code, requestId, issues? } }`.
import { expect } from "vitest";
import type { ErrorCode, ValidationIssue } from "../../src/errors";
import type { ApiResult } from "../helpers/api";
import type { Reply } from "../helpers/api-types";

function expectTimestamp(value: unknown) {
  expect(typeof value).toBe("string");
  expect(Number.isNaN(Date.parse(value as string))).toBe(false);
}

/** Asserts a success envelope with exactly `status` and returns its `data`, typed by the route. */
export function expectOk<T>(res: ApiResult<Reply<T>>, status = 200): T {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { success: true } });
  expect(res.body).not.toHaveProperty("error");
  expectTimestamp(res.body.timestamp);
  return res.body.data;
}

/**
 * Asserts a failure envelope with exactly `status` and `code`, the request id of the response
 * header, and a helpful message. Returns the validation issues (empty when there are none).
 */
export function expectFailure(res: ApiResult<Reply<unknown>>, status: number, code: ErrorCode): ValidationIssue[] {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  const requestId = res.headers.get("x-request-id");
  expect(requestId).toMatch(/^req_[a-z0-9]{20}$/);
  const { issues, ...error } = res.body.error ?? { code: undefined };
  expect(error).toEqual({ code, requestId });
  expect(res.body).toEqual({
    success: false,
    data: null,
    message: expect.any(String),
    error: res.body.error,
    timestamp: expect.any(String),
  });
  expect(res.body.message?.length).toBeGreaterThan(10);
  expectTimestamp(res.body.timestamp);
  expect(res.headers.get("cache-control")).toBe("no-store");
  if (issues === undefined) return [];
  expect(issues).toEqual(expect.arrayContaining([{ path: expect.any(String), message: expect.any(String) }]));
  return issues;
}

/** Asserts a 400 invalid_request whose issues name `path`. */
export function expectInvalid(res: ApiResult<Reply<unknown>>, path: string) {
  const issues = expectFailure(res, 400, "invalid_request");
  expect(issues.map((i) => i.path)).toContain(path);
}
