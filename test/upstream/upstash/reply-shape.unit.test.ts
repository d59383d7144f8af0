// The upstash driver's element count of a JSON reply, before JSON.parse: what the redis driver
// counts at RESP array headers.
import { describe, expect, it } from "vitest";
import { jsonArrayElements, MAX_REPLY_DEPTH } from "../../../src/upstream/upstash/reply-shape";

const count = (json: string, batch = false, max = 1_000_000) => jsonArrayElements(new TextEncoder().encode(json), batch, max);

describe("jsonArrayElements", () => {
  it("counts every array's values, nested ones too, and nothing in objects or scalars", () => {
    expect(count('{"result":"a"}')).toBe(0);
    expect(count('{"result":[]}')).toBe(0);
    expect(count('{"result":[1,"two",null,-3.5e2,true]}')).toBe(5);
    expect(count('{"result":[["a",["b","c"]],{"x":[1]}]}')).toBe(2 + 2 + 2 + 1);
    expect(count(' { "result" : [ 1 , [ 2 , 3 ] ] } ')).toBe(4);
  });

  it("ignores brackets, commas and escaped quotes inside strings", () => {
    expect(count('{"result":["[1,2,3]","a\\",\\"b",","]}')).toBe(3);
  });

  it("does not count a pipeline's or transaction's own list of items", () => {
    expect(count('[{"result":"a"},{"result":[1,2]},{"error":"ERR x"}]', true)).toBe(2);
    expect(count('[{"result":"a"},{"result":[1,2]},{"error":"ERR x"}]', false)).toBe(5);
  });

  it("stops once past the limit, and counts a reply deeper than any real one as past it", () => {
    expect(count(`{"result":[${"1,".repeat(99)}1]}`, false, 10)).toBe(11);
    const deep = `{"result":${"[".repeat(MAX_REPLY_DEPTH + 1)}${"]".repeat(MAX_REPLY_DEPTH + 1)}}`;
    expect(count(deep, false, 10)).toBe(11);
  });
});
