// Unit tests for src/upstream/catalog.ts: host allow-listing and endpoint parsing for both drivers
// (credentials split off and masked, database numbers, tokens, https, queries and fragments).
import { describe, expect, it } from "vitest";
import { DRIVER_NAMES, driverSummary, hostAllowed, parseEndpoint } from "../../src/upstream/catalog";

const options = { allowedHosts: ["redis.internal", "*.upstash.io", "127.0.0.1", "::1"], allowPlainHttp: false };
const redis = (raw: string, token?: string) => parseEndpoint("redis", raw, token, options);
const TOKEN = "AXtoken0123456789";
const upstash = (raw: string, token: string | undefined = TOKEN, plain = false) =>
  parseEndpoint("upstash", raw, token, { ...options, allowPlainHttp: plain });
const refused = (path: string, message: string) => ({ ok: false, path, message });

describe("catalog", () => {
  it("names both drivers with a summary", () => {
    expect(DRIVER_NAMES).toEqual(["redis", "upstash"]);
    expect(driverSummary("redis")).toBe("a Redis server (redis:// or rediss://)");
    expect(driverSummary("upstash")).toBe("an Upstash database (REST URL + token)");
  });
});

describe("hostAllowed", () => {
  const patterns = ["redis.internal", "*.upstash.io", "::1"];

  it("matches an exact host, any case", () => {
    expect(hostAllowed("redis.internal", patterns)).toBe(true);
    expect(hostAllowed("REDIS.Internal", patterns)).toBe(true);
  });

  it("matches subdomains of a *. pattern at any depth, but not the bare domain or look-alikes", () => {
    expect(hostAllowed("eu1-abc.upstash.io", patterns)).toBe(true);
    expect(hostAllowed("a.b.upstash.io", patterns)).toBe(true);
    expect(hostAllowed("upstash.io", patterns)).toBe(false);
    expect(hostAllowed(".upstash.io", patterns)).toBe(false);
    expect(hostAllowed("evilupstash.io", patterns)).toBe(false);
    expect(hostAllowed("x.upstash.io.evil.com", patterns)).toBe(false);
    expect(hostAllowed("redis.internal.evil.com", patterns)).toBe(false);
    expect(hostAllowed("sub.redis.internal", patterns)).toBe(false);
  });

  it("matches an IPv6 host with or without brackets", () => {
    expect(hostAllowed("[::1]", patterns)).toBe(true);
    expect(hostAllowed("::1", patterns)).toBe(true);
    expect(hostAllowed("[::2]", patterns)).toBe(false);
  });

  it("allows nothing with no patterns", () => {
    expect(hostAllowed("redis.internal", [])).toBe(false);
  });
});

describe("parseEndpoint (both drivers)", () => {
  it("refuses what is not an absolute URL", () => {
    // "redis.internal:6379" parses as scheme "redis.internal:" with an empty host: refused for the host.
    expect(redis("redis.internal:6379")).toMatchObject({ ok: false, path: "endpoint" });
    expect(redis("not a url")).toEqual(refused("endpoint", "must be an absolute URL"));
    expect(upstash("/relative")).toEqual(refused("endpoint", "must be an absolute URL"));
    expect(upstash("")).toEqual(refused("endpoint", "must be an absolute URL"));
  });

  it("refuses a fragment", () => {
    expect(redis("redis://redis.internal#x")).toEqual(refused("endpoint", "must not have a query or fragment"));
    expect(upstash("https://x.upstash.io/#x")).toEqual(refused("endpoint", "must not have a query or fragment"));
  });

  it("refuses a host that is not allowed, naming it", () => {
    expect(redis("redis://evil.example:6379")).toEqual(refused("endpoint", "host evil.example is not in ALLOWED_UPSTREAM_HOSTS"));
    expect(upstash("https://upstash.io")).toEqual(refused("endpoint", "host upstash.io is not in ALLOWED_UPSTREAM_HOSTS"));
    expect(redis("redis://127.0.0.1.nip.io")).toEqual(refused("endpoint", "host 127.0.0.1.nip.io is not in ALLOWED_UPSTREAM_HOSTS"));
  });

  it("checks the real host, not what userinfo pretends", () => {
    expect(redis("redis://redis.internal@evil.example")).toEqual(refused("endpoint", "host evil.example is not in ALLOWED_UPSTREAM_HOSTS"));
  });
});

describe("redis endpoints", () => {
  it("adds the default port and has no credentials", () => {
    expect(redis("redis://redis.internal")).toEqual({ ok: true, endpoint: "redis://redis.internal:6379", credentials: null, hint: null });
  });

  it("keeps rediss, the port and the database", () => {
    expect(redis("rediss://redis.internal:6380/15")).toEqual({
      ok: true,
      endpoint: "rediss://redis.internal:6380/15",
      credentials: null,
      hint: null,
    });
  });

  it("splits off a password and masks it in the hint", () => {
    expect(redis("redis://:0123456789abcdefWXYZ@redis.internal/2")).toEqual({
      ok: true,
      endpoint: "redis://redis.internal:6379/2",
      credentials: { password: "0123456789abcdefWXYZ" },
      hint: "default:••••WXYZ",
    });
    expect(redis("redis://:short@redis.internal")).toMatchObject({ ok: true, hint: "default:••••" });
  });

  it("splits off a user, decoded, with or without a password", () => {
    expect(redis("redis://al%40ice:p%3Ass@redis.internal")).toMatchObject({
      ok: true,
      endpoint: "redis://redis.internal:6379",
      credentials: { username: "al@ice", password: "p:ss" },
      hint: "al@ice:••••",
    });
    expect(redis("redis://bob@redis.internal")).toMatchObject({ credentials: { username: "bob" }, hint: "bob:(no password)" });
  });

  it("refuses bad percent-encoding in the user or password instead of throwing", () => {
    const why = refused("endpoint", "must have valid percent-encoding in its user and password");
    expect(redis("redis://:%E0%A4%A@redis.internal")).toEqual(why);
    expect(redis("redis://%C0%AF:pw@redis.internal")).toEqual(why);
    expect(redis("redis://u:%@redis.internal")).toEqual(why);
  });

  it("never puts credentials in the endpoint", () => {
    const r = redis("redis://user:topsecretpassword1@redis.internal:7000/1");
    expect(r.ok && r.endpoint).toBe("redis://redis.internal:7000/1");
  });

  it("takes bracketed IPv6 hosts", () => {
    expect(redis("redis://[::1]:6380/3")).toMatchObject({ ok: true, endpoint: "redis://[::1]:6380/3" });
  });

  it.each(["/16", "/01", "/-1", "/a", "/1/2", "/ 1"])("refuses the database %s", (db) => {
    expect(redis(`redis://redis.internal${db}`)).toEqual(refused("endpoint", "database must be 0-15"));
  });

  it("accepts an empty path and databases 0-15", () => {
    expect(redis("redis://redis.internal/")).toMatchObject({ endpoint: "redis://redis.internal:6379" });
    expect(redis("redis://redis.internal/0")).toMatchObject({ endpoint: "redis://redis.internal:6379/0" });
    expect(redis("redis://redis.internal/9")).toMatchObject({ endpoint: "redis://redis.internal:6379/9" });
  });

  it("refuses a query, other schemes and any token", () => {
    expect(redis("redis://redis.internal/?db=1")).toEqual(refused("endpoint", "must not have a query or fragment"));
    expect(redis("https://redis.internal")).toEqual(refused("endpoint", "must start with redis:// or rediss://"));
    for (const token of ["tok", ""]) {
      expect(redis("redis://redis.internal", token)).toEqual(
        refused("token", "is only for the upstash driver; put Redis credentials in the URL"),
      );
    }
  });
});

describe("upstash endpoints", () => {
  it("keeps the origin and path without trailing slashes, and masks the token", () => {
    expect(upstash("https://eu1-abc.upstash.io/")).toEqual({
      ok: true,
      endpoint: "https://eu1-abc.upstash.io",
      credentials: { token: "AXtoken0123456789" },
      hint: "••••6789",
    });
    expect(upstash("https://eu1-abc.upstash.io:8443/base//")).toMatchObject({ endpoint: "https://eu1-abc.upstash.io:8443/base" });
    expect(upstash("https://eu1-abc.upstash.io:443")).toMatchObject({ endpoint: "https://eu1-abc.upstash.io" });
    expect(upstash("https://eu1-abc.upstash.io", "short")).toMatchObject({ hint: "••••" });
  });

  it("is https only unless plain http is allowed", () => {
    expect(upstash("http://eu1-abc.upstash.io")).toEqual(refused("endpoint", "must be an https:// URL"));
    expect(upstash("http://eu1-abc.upstash.io", "tok", true)).toMatchObject({ ok: true, endpoint: "http://eu1-abc.upstash.io" });
    expect(upstash("redis://eu1-abc.upstash.io", "tok", true)).toEqual(refused("endpoint", "must be an https:// URL"));
    expect(upstash("http://[::1]:8080/", "tok", true)).toMatchObject({ ok: true, endpoint: "http://[::1]:8080" });
  });

  it("refuses credentials in the URL and a query", () => {
    expect(upstash("https://user:pw@eu1-abc.upstash.io")).toEqual(refused("endpoint", "must not carry credentials; pass token"));
    expect(upstash("https://tok@eu1-abc.upstash.io")).toEqual(refused("endpoint", "must not carry credentials; pass token"));
    expect(upstash("https://eu1-abc.upstash.io/?_token=x")).toEqual(refused("endpoint", "must not have a query"));
  });

  it("requires a token", () => {
    expect(parseEndpoint("upstash", "https://eu1-abc.upstash.io", undefined, options)).toEqual(
      refused("token", "is required for the upstash driver"),
    );
    expect(upstash("https://eu1-abc.upstash.io", "")).toEqual(refused("token", "is required for the upstash driver"));
  });
});
