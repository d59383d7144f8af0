// Unit tests for src/edge/commands.ts: the class of representative commands (read, powerful read,
// write, admin, refused), including classes that depend on an argument.
import { describe, expect, it } from "vitest";
import { classifyCommand } from "../../src/edge/commands";

const cls = (...args: (string | Uint8Array)[]) => classifyCommand(args).class;

describe("classifyCommand", () => {
  it.each([
    "GET",
    "MGET",
    "EXISTS",
    "TTL",
    "HGETALL",
    "LRANGE",
    "SMEMBERS",
    "ZRANGE",
    "XRANGE",
    "XREAD",
    "PFCOUNT",
    "PING",
    "DBSIZE",
    "JSON.GET",
    "GEOSEARCH",
  ])("%s is a read", (name) => {
    expect(classifyCommand([name, "k"])).toEqual({ name, class: "read" });
  });

  it.each(["KEYS", "SCAN", "SORT_RO", "INFO"])("%s is a powerful read", (name) => {
    expect(classifyCommand([name, "*"])).toEqual({ name, class: "powerful-read" });
  });

  it.each(["SET", "DEL", "INCR", "HSET", "LPUSH", "ZADD", "XADD", "XREADGROUP", "SORT", "EXPIRE", "PUBLISH", "FLUSHDB", "COPY", "RENAME"])(
    "%s is a write",
    (name) => {
      expect(classifyCommand([name, "k", "v"])).toEqual({ name, class: "write" });
    },
  );

  it("classes an unknown command as a write (never as a read)", () => {
    expect(cls("NOSUCHCOMMAND")).toBe("write");
    expect(cls("__proto__")).toBe("write");
    expect(cls("constructor")).toBe("write");
    expect(classifyCommand([])).toEqual({ name: "", class: "write" });
  });

  it.each([
    "CONFIG",
    "DEBUG",
    "SWAPDB",
    "MOVE",
    "MIGRATE",
    "SHUTDOWN",
    "ACL",
    "MODULE",
    "REPLICAOF",
    "SLAVEOF",
    "BGSAVE",
    "CLUSTER",
    "FAILOVER",
  ])("%s is an admin command", (name) => {
    expect(classifyCommand([name, "x"])).toEqual({ name, class: "admin" });
  });

  it("upper-cases the name, whether text or bytes", () => {
    expect(classifyCommand(["get", "k"])).toEqual({ name: "GET", class: "read" });
    expect(classifyCommand([new TextEncoder().encode("cOnFiG"), "GET", "*"])).toEqual({ name: "CONFIG", class: "admin" });
  });

  it("classes COPY ... DB <n> as admin (it reaches another database), other COPYs as writes", () => {
    expect(cls("COPY", "a", "b", "DB", "1")).toBe("admin");
    expect(cls("COPY", "a", "b", "REPLACE", "db", "1")).toBe("admin");
    expect(cls("COPY", "a", "b", new TextEncoder().encode("Db"), "1")).toBe("admin");
    expect(cls("COPY", "a", "b")).toBe("write");
    expect(cls("COPY", "a", "b", "REPLACE")).toBe("write");
    // Keys named "db" are not the DB option.
    expect(cls("COPY", "db", "b")).toBe("write");
    expect(cls("COPY", "a", "DB")).toBe("write");
  });

  it.each([
    ["WATCH", "use the /multi-exec endpoint for transactions"],
    ["MULTI", "use the /multi-exec endpoint for transactions"],
    ["EXEC", "use the /multi-exec endpoint for transactions"],
    ["DISCARD", "use the /multi-exec endpoint for transactions"],
    ["SELECT", "the database is fixed by the instance's endpoint"],
    ["AUTH", "the edge authenticates to the upstream itself"],
    ["HELLO", "the REST API speaks RESP2 only"],
    ["CLIENT", "connection state is managed by the edge"],
    ["QUIT", "connection state is managed by the edge"],
    ["RESET", "connection state is managed by the edge"],
    ["SUBSCRIBE", "use the /subscribe/<channel> endpoint"],
    ["PSUBSCRIBE", "use the /psubscribe/<pattern> endpoint"],
    ["SSUBSCRIBE", "use the /subscribe/<channel> endpoint"],
    ["UNSUBSCRIBE", "close the /subscribe stream instead"],
    ["MONITOR", "use the /monitor endpoint"],
    ["SYNC", "replication is not offered over REST"],
    ["PSYNC", "replication is not offered over REST"],
  ])("refuses the connection-state command %s", (name, reason) => {
    expect(classifyCommand([name.toLowerCase()])).toEqual({ name, class: "refused", reason });
  });

  it("refuses SCRIPT DEBUG in any case (the Lua debugger would take over a shared connection), and classes other SCRIPT subcommands as scripts", () => {
    const reason = "the Lua debugger would take over the upstream connection (and, with SYNC, the whole server)";
    expect(classifyCommand(["SCRIPT", "DEBUG", "YES"])).toEqual({ name: "SCRIPT", class: "refused", reason });
    expect(classifyCommand(["script", new TextEncoder().encode("debug"), "sync"])).toEqual({ name: "SCRIPT", class: "refused", reason });
    expect(cls("SCRIPT", "EXISTS", "debug")).toBe("script");
    expect(cls("SCRIPT", "FLUSH")).toBe("script");
  });

  it.each(["BLPOP", "BRPOP", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZMPOP", "BRPOPLPUSH", "WAIT"])("refuses the blocking command %s", (name) => {
    expect(cls(name, "k", "0")).toBe("refused");
  });

  it("refuses XREAD and XREADGROUP with BLOCK in any case, and allows them without", () => {
    expect(cls("XREAD", "BLOCK", "0", "STREAMS", "s", "$")).toBe("refused");
    expect(cls("xread", "count", "1", "block", "10", "streams", "s", "0")).toBe("refused");
    expect(cls("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")).toBe("refused");
    expect(cls("XREAD", "COUNT", "1", "STREAMS", "s", "0")).toBe("read");
    expect(cls("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")).toBe("write");
  });

  it("reads BLOCK only where Redis does, among the options before STREAMS: keys and ids named block are fine", () => {
    expect(cls("XREAD", "STREAMS", "block", "0")).toBe("read");
    expect(cls("XREAD", "COUNT", "1", "STREAMS", "BLOCK", "s", "0", "0")).toBe("read");
    expect(cls("XREADGROUP", "GROUP", "block", "block", "STREAMS", "s", ">")).toBe("write");
    // A group or consumer named STREAMS does not end the options: the BLOCK after it still counts.
    expect(cls("XREADGROUP", "GROUP", "STREAMS", "c", "BLOCK", "0", "STREAMS", "s", ">")).toBe("refused");
    expect(cls("XREADGROUP", "GROUP", "g", "STREAMS", "NOACK", "BLOCK", "0", "STREAMS", "s", ">")).toBe("refused");
    // COUNT takes the next word as its value, as Redis does (which then refuses the non-integer).
    expect(cls("XREAD", "COUNT", "BLOCK", "STREAMS", "s", "0")).toBe("read");
  });

  it("classes XGROUP HELP as a read and other XGROUP subcommands as writes", () => {
    expect(cls("XGROUP", "help")).toBe("read");
    expect(cls("XGROUP", "CREATE", "s", "g", "$")).toBe("write");
    expect(cls("XGROUP", "DESTROY", "s", "g")).toBe("write");
    expect(cls("XGROUP")).toBe("write");
  });
});
