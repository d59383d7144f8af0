// Transactions (POST /multi-exec): results in order, runtime errors per item, queue-time errors
// discarding the whole transaction as a non-2xx, and concurrent transactions never interfering.
import { errors, type Redis } from "@upstash/redis";
import { expect, it } from "vitest";
import { type CompatContext, keyspace, rejection } from "../context";

const NOT_AN_INTEGER = "ERR value is not an integer or out of range";
const EXECABORT = "EXECABORT Transaction discarded because of previous errors.";

/** Queues a raw command on a transaction. The SDK has no public method for arbitrary commands
 * in a pipeline, so this goes through its internal `chain` with the shape Pipeline.exec reads. */
function queueRaw(tx: ReturnType<Redis["multi"]>, command: string[]): void {
  (tx as unknown as { chain(c: { command: string[]; deserialize(x: unknown): unknown }): void }).chain({
    command,
    deserialize: (x) => x,
  });
}

export function transactions(ctx: CompatContext) {
  it("multi() runs atomically and returns every result in order", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const results = await redis
      .multi()
      .set(k("n"), 10)
      .incrby(k("n"), 5)
      .get(k("n"))
      .rpush(k("l"), "a", "b")
      .lrange(k("l"), 0, -1)
      .hset(k("h"), { f: 1.5 })
      .hgetall(k("h"))
      .exec();
    expect(results).toEqual(["OK", 15, 15, 2, ["a", "b"], 1, { f: "1.5" }]);
  });

  it("a runtime error fails only its own item (Redis semantics); keepErrors shows it", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const results = await redis.multi().set(k("s"), "text").incr(k("s")).set(k("after"), "ran").exec({ keepErrors: true });
    expect(results[0]).toEqual({ result: "OK", error: undefined });
    expect(results[1]?.error).toBe(NOT_AN_INTEGER);
    expect(results[1]?.result).toBeUndefined();
    expect(results[2]).toEqual({ result: "OK", error: undefined });
    const error = await rejection(redis.multi().get(k("s")).incr(k("s")).exec());
    expect((error as Error).message).toBe(`Command 2 [ incr ] failed: ${NOT_AN_INTEGER}`);
  });

  it("a queue-time error (unknown command, wrong arity) discards the whole transaction", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const unknown = redis.multi().set(k("a"), "must-not-be-written");
    queueRaw(unknown, ["NOSUCHCMD", "x"]);
    const error = await rejection(unknown.exec());
    expect(error).toBeInstanceOf(errors.UpstashError);
    expect((error as Error).message.startsWith(EXECABORT)).toBe(true);
    expect((error as Error).message).toContain("unknown command 'NOSUCHCMD'");

    const arity = redis.multi().set(k("b"), "must-not-be-written");
    queueRaw(arity, ["GET"]);
    const arityError = await rejection(arity.exec());
    expect(arityError).toBeInstanceOf(errors.UpstashError);
    expect((arityError as Error).message.startsWith(EXECABORT)).toBe(true);
    expect((arityError as Error).message).toContain("wrong number of arguments for 'get' command");
    expect(await redis.exists(k("a"), k("b"))).toBe(0);
  });

  it("concurrent multi() calls never interfere", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const runs = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        redis
          .multi()
          .incr(k("shared"))
          .set(k(`own:${i}`), `v${i}`)
          .get(k(`own:${i}`))
          .incr(k("shared"))
          .exec(),
      ),
    );
    for (const [i, [first, set, own, second]] of runs.entries()) {
      expect([set, own]).toEqual(["OK", `v${i}`]);
      // Atomicity: nothing ran between a transaction's two INCRs.
      expect(second).toBe((first as number) + 1);
    }
    const firsts = runs.map(([first]) => first as number).sort((a, b) => a - b);
    expect(firsts).toEqual(Array.from({ length: 12 }, (_, i) => 2 * i + 1));
    expect(await redis.get(k("shared"))).toBe(24);
  });
}
