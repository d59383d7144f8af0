// src/edge/parse.ts on numbers in a JSON body: each keeps the text it was written with. This needs
// JSON.parse's reviver to see a number's source text (V8 >= 11.4), so it runs in workerd, not in
// the unit project's Node (20 here), where it could only be skipped.
import { describe, expect, it } from "vitest";
import { parseEdgeCall } from "../../src/edge/parse";

const post = (rest: string, body: string) => parseEdgeCall("POST", rest, [], new TextEncoder().encode(body));
const bad = (error: string, status = 400) => ({ ok: false, status, error });
const command = (...args: unknown[]) => ({ ok: true, call: { kind: "command", command: args } });

describe("numbers", () => {
  it("runs where JSON.parse's reviver sees a number's source text", () => {
    let seen: unknown;
    JSON.parse("1", (_k, v, ctx?: { source?: string }) => {
      seen = ctx?.source;
      return v;
    });
    expect(seen).toBe("1");
  });

  it.each(["1.5", "1e+21", "18446744073709551615", "-0", "1E5", "0.10", "-9223372036854775808"])("keeps %s as written", (n) => {
    expect(post("", `["INCRBYFLOAT","k",${n}]`)).toEqual(command("INCRBYFLOAT", "k", n));
  });

  it("refuses a number as the command name", () => {
    expect(post("", '[1,"k"]')).toEqual(bad("ERR the request body: the command name must be a non-empty string"));
  });

  it("keeps numbers inside pipeline commands", () => {
    expect(post("/pipeline", '[["INCRBY","k",18446744073709551615]]')).toEqual({
      ok: true,
      call: { kind: "pipeline", commands: [["INCRBY", "k", "18446744073709551615"]] },
    });
  });
});
