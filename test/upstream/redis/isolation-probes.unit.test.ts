// The redis driver's isolation probes, pure half: which commands are sent, how the server's
// answers become findings, how a server is identified and matched.
import { describe, expect, it } from "vitest";
import {
  channelProbe,
  connectionProbes,
  describeReply,
  failedFinding,
  findingFromReply,
  identityFromInfo,
  serverAddress,
} from "../../../src/upstream/redis/isolation-probes";
import { RespError, RespInteger, RespSimple } from "../../../src/upstream/redis/resp";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("the probes", () => {
  it("reach for a database other than the instance's own, SELECT last", () => {
    expect(connectionProbes(0).map((p) => p.command)).toEqual([
      ["INFO", "server"],
      ["CONFIG", "GET", "maxmemory"],
      ["EVAL", "return redis.call('SELECT', ARGV[1])", "0", "1"],
      ["SELECT", "1"],
    ]);
    expect(connectionProbes(5).at(-1)?.command).toEqual(["SELECT", "0"]);
  });

  it("subscribe to a pattern of their own, never `*`, so no PUBLISH is ever counted for them", () => {
    expect(channelProbe("n1").command).toEqual(["PSUBSCRIBE", "redisgate:isolation-probe:n1:*"]);
  });
});

describe("findings", () => {
  const [info, config, , select] = connectionProbes(0);
  if (!info || !config || !select) throw new Error("probes missing");

  it("an error reply is a refusal, quoted; anything else ran", () => {
    expect(findingFromReply(select, new RespError("NOPERM no"))).toEqual({
      name: "select_other_database",
      command: "SELECT 1",
      outcome: "refused",
      reply: "NOPERM no",
      risk: select.risk,
    });
    expect(findingFromReply(select, new RespSimple("OK"))).toMatchObject({ outcome: "allowed", reply: "OK" });
    expect(findingFromReply(config, [bytes("maxmemory"), bytes("0")])).toMatchObject({ outcome: "allowed", reply: "maxmemory 0" });
    expect(findingFromReply(info, bytes("# Server\r\nrun_id:x\r\n"))).toMatchObject({ reply: "(INFO server text; see the server fields)" });
  });

  it("no answer is a failure with the reason", () => {
    expect(failedFinding(select, "127.0.0.1:1 did not answer within 2000 ms")).toMatchObject({
      outcome: "failed",
      reply: "127.0.0.1:1 did not answer within 2000 ms",
    });
  });

  it("replies are shortened to 200 characters", () => {
    expect(describeReply(bytes("x".repeat(500)))).toBe(`${"x".repeat(200)}…`);
    expect(describeReply(null)).toBe("(nil)");
    expect(describeReply(new RespInteger("7"))).toBe("7");
  });
});

describe("the server's identity", () => {
  it("reads run_id, version and port from INFO server", () => {
    const text = "# Server\r\nredis_version:7.0.15\r\nrun_id:ABCDEF0123456789abcdef0123456789abcdef01\r\ntcp_port:6380\r\n";
    expect(identityFromInfo("h:6380", bytes(text))).toEqual({
      address: "h:6380",
      run_id: "abcdef0123456789abcdef0123456789abcdef01",
      redis_version: "7.0.15",
      tcp_port: 6380,
    });
  });

  it("knows nothing but the address when INFO was refused or malformed", () => {
    const unknown = { address: "h:1", run_id: null, redis_version: null, tcp_port: null };
    expect(identityFromInfo("h:1", new RespError("NOPERM"))).toEqual(unknown);
    expect(identityFromInfo("h:1", bytes("run_id:not-hex\r\ntcp_port:0\r\n"))).toEqual(unknown);
  });

  it("matches addresses lowercased, without a trailing dot, IPv6 in brackets", () => {
    expect(serverAddress({ hostname: "Redis.Example.COM.", port: 6379 })).toBe("redis.example.com:6379");
    expect(serverAddress({ hostname: "::1", port: 6379 })).toBe("[::1]:6379");
  });
});
