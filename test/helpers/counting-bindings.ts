// Real bindings that count what a request asks of them, or refuse what production would, for the
// limits miniflare does not enforce: a Worker invocation may run 50 D1 queries on the Free plan (1,000
// on Paid), make 1,000 KV operations and 50 subrequests on the Free plan, and Workers KV takes one
// write a second to the same key. Every call that is not refused reaches the real binding.
/** `binding` with the named methods passed through `around` (given the method's name, the real call and its arguments). */
function intercepting<T extends object>(
  binding: T,
  methods: readonly string[],
  around: (method: string, call: (...args: unknown[]) => unknown, args: unknown[]) => unknown,
): T {
  return new Proxy(binding, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      const call = (...args: unknown[]) => value.apply(target, args);
      if (typeof property === "string" && methods.includes(property)) return (...args: unknown[]) => around(property, call, args);
      return value.bind(target);
    },
  });
}

function counting<T extends object>(binding: T, methods: readonly string[]) {
  const counter = { calls: 0 };
  const counted = intercepting(binding, methods, (_method, call, args) => {
    counter.calls += 1;
    return call(...args);
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

/**
 * KV as production limits it: a write (put or delete) to a key written less than a second ago is
 * refused the way the Workers binding refuses it (thrown, "429 Too Many Requests"); `refused`
 * counts them.
 */
export function sameKeyWriteLimit(kv: KVNamespace) {
  const lastWrite = new Map<string, number>();
  const counter = { refused: 0 };
  const limited = intercepting(kv, ["put", "delete"], async (method, call, args) => {
    const key = String(args[0]);
    const now = Date.now();
    if (now - (lastWrite.get(key) ?? Number.NEGATIVE_INFINITY) < 1_000) {
      counter.refused += 1;
      throw new Error(`KV ${method.toUpperCase()} failed: 429 Too Many Requests`);
    }
    lastWrite.set(key, now);
    return call(...args);
  });
  return { binding: limited, counter };
}

/**
 * A Durable Object namespace whose objects cannot be reached: every call on one of its stubs
 * rejects, as a call to an object that is down (or, with `overloaded`, one shedding load) does.
 * The namespace itself is real.
 */
export function unreachableObjects<T extends object>(namespace: T, options: { overloaded?: boolean; silent?: boolean } = {}): T {
  // workerd marks the error of an object that refused work for load with `overloaded: true`.
  const fault = () => Object.assign(new Error("Durable Object unreachable (test fault)"), options.overloaded ? { overloaded: true } : {});
  return intercepting(namespace, ["get"], (_method, call, args) => {
    const stub = call(...args) as object;
    return new Proxy(stub, {
      get(target, property) {
        const value = Reflect.get(target, property);
        if (typeof value !== "function") return value;
        // silent: a call that never answers (an object stuck, or a message lost on the way).
        if (options.silent) return () => new Promise(() => {});
        return async () => {
          throw fault();
        };
      },
    });
  });
}

/**
 * KV whose first write (put or delete) to `key` goes through `first` (given the method and the real
 * write): another request landing between a writer's read of D1 and its write, or a write that fails
 * as a KV outage would. Later writes, and writes to other keys, reach the binding as they are.
 */
export function onFirstWrite(
  kv: KVNamespace,
  key: string,
  first: (method: string, write: () => Promise<unknown>) => Promise<unknown>,
): KVNamespace {
  let seen = false;
  return intercepting(kv, ["put", "delete"], (method, call, args) => {
    if (seen || String(args[0]) !== key) return call(...args);
    seen = true;
    return first(method, async () => call(...args));
  });
}

/**
 * D1 whose first batch runs only after `first` has: another request landing between a writer's read
 * of D1 (and the checks it made on what it read) and its batch. Later batches, and every other
 * query, reach the binding as they are.
 */
export function beforeFirstBatch(db: D1Database, first: () => Promise<unknown>): D1Database {
  let seen = false;
  return intercepting(db, ["batch"], async (_method, call, args) => {
    if (!seen) {
      seen = true;
      await first();
    }
    return call(...args);
  });
}
