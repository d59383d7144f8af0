// Unit tests for src/upstream/redis/endpoint.ts's redisAddress: what a connection needs from a
// stored (credential-free) endpoint. The parsing half is covered in test/upstream/catalog.unit.test.ts.
import { describe, expect, it } from "vitest";
import { redisAddress } from "../../../src/upstream/redis/endpoint";

describe("redisAddress", () => {
  it("reads host, port, TLS and database", () => {
    expect(redisAddress("redis://redis.internal:6380/3")).toEqual({ hostname: "redis.internal", port: 6380, tls: false, db: 3 });
    expect(redisAddress("rediss://redis.internal:6379")).toEqual({ hostname: "redis.internal", port: 6379, tls: true, db: 0 });
  });

  it("defaults the port to 6379 and the database to 0", () => {
    expect(redisAddress("redis://redis.internal")).toEqual({ hostname: "redis.internal", port: 6379, tls: false, db: 0 });
    expect(redisAddress("redis://redis.internal/")).toEqual({ hostname: "redis.internal", port: 6379, tls: false, db: 0 });
  });

  it("strips the brackets of an IPv6 host", () => {
    expect(redisAddress("redis://[::1]:7000/15")).toEqual({ hostname: "::1", port: 7000, tls: false, db: 15 });
  });

  it("parses an endpoint once and hands out the same frozen address after that", () => {
    const first = redisAddress("redis://cached.internal:6390/2");
    expect(redisAddress("redis://cached.internal:6390/2")).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(redisAddress("redis://cached.internal:6390/3")).not.toBe(first);
  });
});
