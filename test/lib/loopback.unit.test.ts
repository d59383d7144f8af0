// Which ALLOWED_UPSTREAM_HOSTS patterns reach the machine itself.
import { describe, expect, it } from "vitest";
import { isLoopbackPattern } from "../../src/lib/loopback";

describe("isLoopbackPattern", () => {
  it.each([
    "127.0.0.1",
    "127.255.0.9",
    "localhost",
    "LOCALHOST",
    "a.localhost",
    "::1",
    "[::1]",
    "0:0:0:0:0:0:0:1",
    "0.0.0.0",
    "::",
    "::ffff:127.0.0.1",
  ])("flags %s", (host) => expect(isLoopbackPattern(host)).toBe(true));
  it.each(["*.upstash.io", "redis.example.com", "128.0.0.1", "10.0.0.1", "localhost.example.com", "::2"])("passes %s", (host) =>
    expect(isLoopbackPattern(host)).toBe(false),
  );
});
