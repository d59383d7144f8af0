import { describe, expect, it } from "vitest";
import { tenant } from "../helpers/api";
import { sdkClient } from "../helpers/sdk";

describe("smoke", () => {
  it("SET then GET through the official client", async () => {
    const t = await tenant();
    const redis = sdkClient(t.url, t.key, { autoPipeline: false });
    const key = `smoke:${crypto.randomUUID()}`;
    expect(await redis.set(key, "v")).toBe("OK");
    expect(await redis.get(key)).toBe("v");
  });
});
