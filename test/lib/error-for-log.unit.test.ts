// Unit tests for src/lib/error-for-log.ts: a log line says why a query failed, never what it bound.
import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { describeErrorForLog } from "../../src/lib/error-for-log";

const EMAIL = "alice@example.test";
const HASH = "scrypt$16384$8$1$c2FsdA$aGFzaA";

describe("describeErrorForLog", () => {
  it("keeps a failed query's SQL and the database's reason, and withholds its bound parameters", () => {
    const cause = new Error("D1_ERROR: no such table: users: SQLITE_ERROR");
    const error = new DrizzleQueryError('select "id" from "users" where "email" = ? and "password_hash" = ?', [EMAIL, HASH], cause);
    expect(error.message).toContain(EMAIL); // what drizzle would have put in the log
    const text = describeErrorForLog(error);
    expect(text).toBe(
      'Failed query: select "id" from "users" where "email" = ? and "password_hash" = ? (params withheld)' +
        " <- caused by: D1_ERROR: no such table: users: SQLITE_ERROR",
    );
  });

  it("withholds the value D1's type error quotes, in the error and in its cause", () => {
    const inner = new Error(`Type 'object' not supported for value '${EMAIL}'`);
    const outer = new Error(`D1_TYPE_ERROR: Type 'object' not supported for value '${EMAIL}'`, { cause: inner });
    expect(describeErrorForLog(outer)).toBe(
      "D1_TYPE_ERROR: Type 'object' not supported for value (withheld) <- caused by: Type 'object' not supported for value (withheld)",
    );
  });

  it("a params line spanning many lines goes whole", () => {
    const error = new Error(`Failed query: insert into "sessions" values (?, ?)\nparams: ses_1,${HASH}\n${EMAIL}`);
    expect(describeErrorForLog(error)).toBe('Failed query: insert into "sessions" values (?, ?) (params withheld)');
  });

  it("keeps an ordinary message, names a thrown non-Error by its type, and stops at a cause cycle's depth limit", () => {
    expect(describeErrorForLog(new Error("meter unreachable"))).toBe("meter unreachable");
    expect(describeErrorForLog(`secret ${EMAIL}`)).toBe("a thrown string");
    expect(describeErrorForLog(new Error("outer", { cause: { token: EMAIL } }))).toBe("outer <- caused by: a thrown object");
    const loop = new Error("loop");
    loop.cause = loop;
    expect(describeErrorForLog(loop).split(" <- caused by: ")).toHaveLength(5);
  });
});
