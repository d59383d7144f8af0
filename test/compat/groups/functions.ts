// Redis 7 functions: FUNCTION LOAD of a Lua library, FCALL/FCALL_RO and FUNCTION LIST's deeply
// nested reply. Library and function names are unique per test (both are server-global), and
// each test deletes its own library instead of flushing everybody's.
import { expect, it } from "vitest";
import { type CompatContext, keyspace } from "../context";

function library() {
  const name = `compat_${crypto.randomUUID().replaceAll("-", "")}`;
  const code = [
    `#!lua name=${name}`,
    `redis.register_function('${name}_set', function(keys, args) redis.call('SET', keys[1], args[1]) return redis.call('GET', keys[1]) end)`,
    `redis.register_function{function_name='${name}_get', callback=function(keys, args) return {keys[1], redis.call('GET', keys[1]), #args} end, flags={'no-writes'}, description='reads one key'}`,
  ].join("\n");
  return { name, code, setter: `${name}_set`, getter: `${name}_get` };
}

export function functions(ctx: CompatContext) {
  it("FUNCTION LOAD, FCALL, FCALL_RO, FUNCTION LIST, FUNCTION DELETE", async () => {
    const redis = ctx.client();
    const k = keyspace();
    const lib = library();
    try {
      expect(await redis.functions.load({ code: lib.code })).toBe(lib.name);
      await ctx.expectRedisError(redis.functions.load({ code: lib.code }), `ERR Library '${lib.name}' already exists`);
      expect(await redis.functions.load({ code: lib.code, replace: true })).toBe(lib.name);

      expect(await redis.functions.call(lib.setter, [k("a")], ["stored"])).toBe("stored");
      expect(await redis.functions.call(lib.getter, [k("a")], ["x", "y"])).toEqual([k("a"), "stored", 2]);
      expect(await redis.functions.callRo(lib.getter, [k("a")])).toEqual([k("a"), "stored", 0]);
      await ctx.expectRedisError(
        redis.functions.callRo(lib.setter, [k("a")], ["x"]),
        "ERR Can not execute a script with write flag using *_ro command.",
      );

      const listed = await redis.functions.list({ libraryName: lib.name, withCode: true });
      expect(listed).toHaveLength(1);
      const [entry] = listed;
      expect(entry?.libraryName).toBe(lib.name);
      expect(entry?.engine).toBe("LUA");
      expect(entry?.libraryCode).toBe(lib.code);
      expect([...(entry?.functions ?? [])].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: lib.getter, description: "reads one key", flags: ["no-writes"] },
        { name: lib.setter, description: undefined, flags: [] },
      ]);
      expect(await redis.functions.list({ libraryName: `${lib.name}_nothing` })).toEqual([]);
    } finally {
      expect(await redis.functions.delete(lib.name)).toBe("OK");
    }
    await ctx.expectRedisError(redis.functions.call(lib.setter, [k("a")], ["x"]), "ERR Function not found");
    await ctx.expectRedisError(redis.functions.delete(lib.name), "ERR Library not found");
    // FUNCTION FLUSH would drop every library on the shared server: only its argument check runs.
    await ctx.expectRedisError(redis.exec(["FUNCTION", "FLUSH", "NOW"]), "ERR FUNCTION FLUSH only supports SYNC|ASYNC option", {
      single: true,
    });
  });
}
