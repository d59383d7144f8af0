// An unexpected failure is a 500 with the request id and one log line, and that line never holds
// what the failed query bound: here D1 really fails (the query names a table that does not exist)
// while registering, whose parameters are the email and the password's scrypt hash.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { unique } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";

/** The real D1, except that every query naming the users table names one that does not exist. */
function d1WithoutUsersTable(db: D1Database): D1Database {
  return new Proxy(db, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (property === "prepare") return (sql: string) => target.prepare(sql.replaceAll('"users"', '"users_gone"'));
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a database failure's log line", () => {
  it("says which query failed and why, and withholds its parameters (email, password hash)", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const app = clockedApp(Date.now(), { ...env, DB: d1WithoutUsersTable(env.DB) });
    const username = unique("user").replace("-", "_");
    const email = `${username}@example.test`;
    const res = await app.fetch("/auth/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, username, password: "correct horse battery" }),
    });
    expect(res.status).toBe(500);
    const requestId = res.headers.get("x-request-id");
    expect(await res.json()).toMatchObject({ success: false, error: { code: "internal_error", requestId } });

    const lines = logged.mock.calls.map((args) => args.map(String).join(" "));
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] as string);
    expect(line).toMatchObject({ level: "error", face: "management", requestId });
    expect(line.message).toMatch(
      /^Failed query: insert into "users" .* \(params withheld\) <- caused by: D1_ERROR: no such table: users_gone/,
    );
    expect(lines[0]).not.toContain(email);
    expect(lines[0]).not.toContain(username);
    expect(lines[0]).not.toMatch(/params:|scrypt/);
  });
});
