// The real D1 binding, counting the statements a request prepares: a Worker invocation may run 50 D1
// queries on the Free plan (1,000 on Paid), which miniflare does not enforce. Queries still run on
// the real database; only `prepare` is observed.
export function countingD1(db: D1Database) {
  const counter = { statements: 0 };
  const binding = new Proxy(db, {
    get(target, property) {
      if (property === "prepare") {
        return (query: string) => {
          counter.statements += 1;
          return target.prepare(query);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { binding, counter };
}
