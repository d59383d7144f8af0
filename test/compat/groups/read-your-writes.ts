// Read-your-writes: the SDK stores the `upstash-sync-token` of every response and sends it back.
// Like the SDK's own tests, these check that the token starts empty and changes after each
// write, pipeline, transaction and script, and that a token moved to another client is accepted.
import { expect, it } from "vitest";
import { type CompatContext, keyspace } from "../context";

export function readYourWrites(ctx: CompatContext) {
  it("the sync token goes from empty to a new value after SET, pipeline, multi, script and reads", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const seen: string[] = [redis.readYourWritesSyncToken ?? ""];
    expect(seen[0]).toBe("");
    const step = () => {
      const token = redis.readYourWritesSyncToken ?? "";
      expect(token).not.toBe("");
      expect(seen).not.toContain(token);
      seen.push(token);
    };
    await redis.set(k("a"), "1");
    step();
    await redis.set(k("a"), "2");
    step();
    await redis.pipeline().set(k("b"), 1).incr(k("b")).exec();
    step();
    await redis.multi().incr(k("b")).get(k("b")).exec();
    step();
    expect(await redis.eval("return redis.call('INCR', KEYS[1])", [k("b")], [])).toBe(4);
    step();
    await redis.createScript(`return redis.call('GET', KEYS[1]) -- ${crypto.randomUUID()}`).exec([k("a")], []);
    step();
    expect(await redis.get(k("a"))).toBe(2);
    step();
  });

  it("each call of a Promise.all updates the token", async () => {
    const redis = ctx.client();
    const k = keyspace();
    await redis.set(k("seed"), 0);
    const before = redis.readYourWritesSyncToken;
    const tokens = await Promise.all(
      Array.from({ length: 5 }, (_, i) => redis.set(k(`p${i}`), i).then(() => redis.readYourWritesSyncToken ?? "")),
    );
    for (const token of tokens) {
      expect(token).not.toBe("");
      expect(token).not.toBe(before);
    }
    expect(redis.readYourWritesSyncToken).not.toBe(before);
  });

  it("a token handed to another client is accepted and replaced", async () => {
    const writer = ctx.client();
    const reader = ctx.client();
    const k = keyspace();
    await writer.set(k("a"), "written");
    const token = writer.readYourWritesSyncToken ?? "";
    reader.readYourWritesSyncToken = token;
    expect(await reader.get(k("a"))).toBe("written");
    expect(reader.readYourWritesSyncToken).not.toBe("");
    expect(reader.readYourWritesSyncToken).not.toBe(token);
    // Garbage tokens are ignored, not rejected.
    reader.readYourWritesSyncToken = "garbage, not a token";
    expect(await reader.get(k("a"))).toBe("written");
  });
}
