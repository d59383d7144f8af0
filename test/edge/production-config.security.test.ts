// A production Worker whose configuration lets instances reach loopback answers every request with
// a 500 that names the problem, on every face, instead of running half-safe.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clockedApp } from "../helpers/clocked-app";

const PROBLEM =
  'RedisGate configuration is invalid: ALLOWED_UPSTREAM_HOSTS: allows loopback hosts (127.0.0.1, localhost, ::1) with ENVIRONMENT "production"; remove them (only local development may reach loopback)';

const production = (hosts: string) => clockedApp(Date.now(), { ...env, ENVIRONMENT: "production", ALLOWED_UPSTREAM_HOSTS: hosts } as Env);

describe("production configuration", () => {
  it("answers the edge with 500 naming the loopback hosts", async () => {
    const app = production("127.0.0.1,localhost,::1,*.upstash.io");
    const res = await app.fetch("/redis/rdb_00000000000000000000", { method: "POST", body: '["PING"]' });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: `ERR ${PROBLEM}` });
  });

  it("answers the management API and health with 500 naming the problem", async () => {
    const app = production("127.0.0.1,localhost,::1,*.upstash.io");
    for (const path of ["/health", "/api/organizations"]) {
      const res = await app.fetch(path);
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({ success: false, message: PROBLEM, error: { code: "internal_error" } });
    }
  });

  it("serves a production configuration without loopback (control)", async () => {
    const res = await production("*.upstash.io").fetch("/health");
    expect(res.status).toBe(200);
  });
});
