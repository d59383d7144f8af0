// The console's command tokenizer: redis-cli quoting, escapes and the errors it reports.
import { describe, expect, it } from "vitest";
import { quoteArg, tokenize } from "../../src/dashboard/client/tokenize";

describe("tokenize", () => {
  it("splits on whitespace and keeps quoted spaces", () => {
    expect(tokenize('  SET greeting "hello world"  ')).toEqual({ ok: true, args: ["SET", "greeting", "hello world"] });
    expect(tokenize("SET k 'it''s'")).toEqual({ ok: true, args: ["SET", "k", "its"] });
  });
  it("reads escapes inside double quotes only", () => {
    expect(tokenize('SET k "a\\nb\\t\\"c\\\\"')).toEqual({ ok: true, args: ["SET", "k", 'a\nb\t"c\\'] });
    expect(tokenize("SET k 'a\\nb'")).toEqual({ ok: true, args: ["SET", "k", "a\\nb"] });
  });
  it("keeps empty quoted arguments and JSON", () => {
    expect(tokenize('SET k ""')).toEqual({ ok: true, args: ["SET", "k", ""] });
    expect(tokenize(`SET j '{"a": [1, 2]}'`)).toEqual({ ok: true, args: ["SET", "j", '{"a": [1, 2]}'] });
  });
  it("reports an unclosed quote and returns nothing for a blank line", () => {
    expect(tokenize('SET k "open')).toEqual({ ok: false, message: "A double-quoted argument is not closed." });
    expect(tokenize("SET k 'open")).toEqual({ ok: false, message: "A single-quoted argument is not closed." });
    expect(tokenize("   ")).toEqual({ ok: true, args: [] });
  });
  it("quoteArg is read back unchanged", () => {
    for (const arg of ["plain", "", "two words", 'say "hi"', "back\\slash", "line\nbreak", "tab\there"]) {
      const quoted = quoteArg(arg);
      expect(tokenize(`X ${quoted}`)).toEqual({ ok: true, args: ["X", arg] });
    }
    expect(quoteArg("plain")).toBe("plain");
  });
});
