// Connection-level commands the REST API keeps (PING, ECHO, TIME) and the SDK's view of a
// rejected token.
import { errors } from "@upstash/redis";
import { expect, it } from "vitest";
import { type CompatContext, keyspace, rejection } from "../context";

export function connection(ctx: CompatContext) {
  it("PING, ECHO and TIME", async () => {
    const redis = ctx.client();
    expect(await redis.ping()).toBe("PONG");
    expect(await redis.ping(["hello there"])).toBe("hello there");
    expect(await redis.echo("échø 🚀")).toBe("échø 🚀");
    const [seconds, micros] = await redis.time();
    expect(Math.abs(seconds - Date.now() / 1000)).toBeLessThan(120);
    expect(micros).toBeGreaterThanOrEqual(0);
    expect(micros).toBeLessThan(1_000_000);
  });

  it("a wrong token is refused with WRONGPASS and nothing runs", async () => {
    const k = keyspace();
    const stranger = ctx.client("rg_not-a-real-key");
    const error = await rejection(stranger.set(k("a"), "x"));
    expect(error).toBeInstanceOf(errors.UpstashError);
    expect((error as Error).message).toMatch(/^WRONGPASS /);
    expect(await ctx.client().exists(k("a"))).toBe(0);
  });
}
