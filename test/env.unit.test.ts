// Unit tests for the configuration rules of src/env.ts that need no Worker.
import { describe, expect, it } from "vitest";
import { refusesSharedServers } from "../src/env";

describe("refusesSharedServers", () => {
  it("refuses shared servers by default in production only", () => {
    expect(refusesSharedServers({ ENVIRONMENT: "production", ALLOW_SHARED_UPSTREAM_SERVERS: undefined })).toBe(true);
    expect(refusesSharedServers({ ENVIRONMENT: "development", ALLOW_SHARED_UPSTREAM_SERVERS: undefined })).toBe(false);
    expect(refusesSharedServers({ ENVIRONMENT: "test", ALLOW_SHARED_UPSTREAM_SERVERS: undefined })).toBe(false);
  });

  it("follows the operator's ALLOW_SHARED_UPSTREAM_SERVERS in every environment", () => {
    expect(refusesSharedServers({ ENVIRONMENT: "production", ALLOW_SHARED_UPSTREAM_SERVERS: true })).toBe(false);
    expect(refusesSharedServers({ ENVIRONMENT: "test", ALLOW_SHARED_UPSTREAM_SERVERS: false })).toBe(true);
  });
});
