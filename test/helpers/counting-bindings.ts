// Real bindings that count what a request asks of them, for the per-invocation budgets miniflare does
// not enforce: a Worker invocation may run 50 D1 queries on the Free plan (1,000 on Paid), make 1,000
// KV operations and 50 subrequests on the Free plan. Every call still reaches the real binding; only
// the named methods are counted.
function counting<T extends object>(binding: T, methods: readonly string[]) {
  const counter = { calls: 0 };
  const counted = new Proxy(binding, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      if (typeof property === "string" && methods.includes(property)) {
        return (...args: unknown[]) => {
          counter.calls += 1;
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
  return { binding: counted, counter };
}

/** D1, counting the statements prepared (one per query, in a batch or not). */
export const countingD1 = (db: D1Database) => counting(db, ["prepare"]);

/** KV, counting writes and deletions. */
export const countingKvWrites = (kv: KVNamespace) => counting(kv, ["put", "delete"]);

/** A Durable Object namespace, counting the stubs taken (one per object a request calls). */
export const countingStubs = <T extends Rpc.DurableObjectBranded | undefined>(namespace: DurableObjectNamespace<T>) =>
  counting(namespace, ["get"]);
