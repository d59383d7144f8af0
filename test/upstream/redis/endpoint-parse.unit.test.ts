// The redis driver's endpoint parser (pure): scheme, default port and database number are kept.
import { describe, expect, it } from "vitest";
import { parseRedisEndpoint } from "../../../src/upstream/redis/endpoint";

const parse = (url: string) => parseRedisEndpoint(new URL(url), undefined, { allowedHosts: ["localhost"], allowPlainHttp: false });

describe("parseRedisEndpoint", () => {
  it("keeps the rediss scheme and fills in the default port", () => {
    expect(parse("rediss://localhost")).toEqual({ ok: true, endpoint: "rediss://localhost:6379", credentials: null, hint: null });
  });

  it("keeps the database number", () => {
    expect(parse("redis://localhost:7000/3")).toMatchObject({ ok: true, endpoint: "redis://localhost:7000/3" });
  });
});
