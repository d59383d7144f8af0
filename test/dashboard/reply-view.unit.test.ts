// How the console shows replies: INFO in sections, JSON pretty-printed, hashes and sorted sets as
// tables, errors marked, everything else never hidden.
import { describe, expect, it } from "vitest";
import { parseInfo, prettyJson, viewReply } from "../../src/dashboard/client/reply-view";

describe("viewReply", () => {
  it("splits INFO into titled sections of name/value rows", () => {
    const info = "# Server\r\nredis_version:7.0.15\r\nos:Linux\r\n\r\n# Clients\r\nconnected_clients:3\r\n# Empty\r\n";
    expect(viewReply(["info"], { result: info })).toEqual({
      kind: "sections",
      sections: [
        {
          title: "Server",
          rows: [
            ["redis_version", "7.0.15"],
            ["os", "Linux"],
          ],
        },
        { title: "Clients", rows: [["connected_clients", "3"]] },
      ],
    });
    expect(parseInfo("used_memory:1024")).toEqual([{ title: "Info", rows: [["used_memory", "1024"]] }]);
  });
  it("pretty-prints JSON strings once, not double-escaped", () => {
    expect(viewReply(["GET", "j"], { result: '{"a":[1,2],"b":"x"}' })).toEqual({
      kind: "text",
      text: '{\n  "a": [\n    1,\n    2\n  ],\n  "b": "x"\n}',
      json: true,
    });
    expect(viewReply(["GET", "s"], { result: "{not json" })).toEqual({ kind: "text", text: "{not json", json: false });
    expect(prettyJson("42")).toBeNull();
  });
  it("pretty-prints JSON by re-indenting its text: big integers, repeated keys and 1e400 stay as stored", () => {
    const stored = '{"id":9007199254740993,"a":1,"a":2,"e":1e400}';
    expect(prettyJson(stored)).toBe('{\n  "id": 9007199254740993,\n  "a": 1,\n  "a": 2,\n  "e": 1e400\n}');
    // Strings keep their escapes (a quote, a backslash, \u sequences), empty containers stay short.
    expect(prettyJson(' [ "q\\"{,:}", "\\\\", "\\u00e9" , {} , [ ] , -0.50E+2, true, null ] ')).toBe(
      '[\n  "q\\"{,:}",\n  "\\\\",\n  "\\u00e9",\n  {},\n  [],\n  -0.50E+2,\n  true,\n  null\n]',
    );
    expect(prettyJson('{"a": [1, 2')).toBeNull();
  });
  it("shows HGETALL and scored sorted-set replies as tables", () => {
    expect(viewReply(["HGETALL", "h"], { result: ["f1", "v1", "f2", "v2"] })).toEqual({
      kind: "table",
      headers: ["Field", "Value"],
      rows: [
        ["f1", "v1"],
        ["f2", "v2"],
      ],
    });
    expect(viewReply(["zrange", "z", "0", "-1", "withscores"], { result: ["a", "1", "b", "2.5"] })).toEqual({
      kind: "table",
      headers: ["Member", "Score"],
      rows: [
        ["a", "1"],
        ["b", "2.5"],
      ],
    });
    expect(viewReply(["ZRANGE", "z", "0", "-1"], { result: ["a", "b"] })).toEqual({ kind: "list", items: ["a", "b"] });
  });
  it("marks errors and shows nil, integers and nested arrays", () => {
    expect(viewReply(["GET"], { error: "ERR wrong number of arguments for 'get' command" })).toEqual({
      kind: "error",
      message: "ERR wrong number of arguments for 'get' command",
    });
    expect(viewReply(["GET", "missing"], { result: null })).toEqual({ kind: "nil" });
    expect(viewReply(["INCR", "n"], { result: 7 })).toEqual({ kind: "number", value: 7 });
    expect(viewReply(["SCAN", "0"], { result: ["0", ["a", "b"]] })).toEqual({
      kind: "text",
      text: '[\n  "0",\n  [\n    "a",\n    "b"\n  ]\n]',
      json: true,
    });
  });
});
