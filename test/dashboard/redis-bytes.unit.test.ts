// The dashboard holds Redis strings as their exact bytes: base64 replies decoded, bytes that are
// not UTF-8 shown escaped, and commands carrying them sent so that the edge reads back those bytes.
import { describe, expect, it } from "vitest";
import { commandRequest } from "../../src/dashboard/client/edge-wire";
import { bulkFromPrefix, decodeReply, showBulk } from "../../src/dashboard/client/redis-bytes";
import { previewRows } from "../../src/dashboard/client/redis-value";
import { viewReply } from "../../src/dashboard/client/reply-view";
import { parseEdgeCall } from "../../src/edge/parse";

const gzip = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x0a, 0x5c, 0x22]);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

/** What the edge makes of a request built by commandRequest: its parsed arguments. */
function edgeArgs(args: (string | Uint8Array<ArrayBuffer>)[]): unknown {
  const request = commandRequest(args);
  if ("error" in request) return request.error;
  const url = new URL(`https://gate.test/redis/rdb_1${request.path}`);
  const rest = url.pathname.replace(/^\/redis\/rdb_1/, "");
  const query = [...url.searchParams].filter(([k]) => k !== "_token");
  const body = typeof request.body === "string" ? new TextEncoder().encode(request.body) : request.body;
  const parsed = parseEdgeCall("POST", rest, query, body);
  return parsed.ok && parsed.call.kind === "command" ? parsed.call.command : parsed;
}

describe("redis bytes", () => {
  it("decodes base64 replies to text when UTF-8 and to bytes when not; a top-level OK is plain", () => {
    expect(decodeReply(b64(gzip))).toEqual(gzip);
    expect(decodeReply(b64(new TextEncoder().encode("héllo")))).toBe("héllo");
    expect(decodeReply("OK")).toBe("OK");
    expect(decodeReply(["T0s=", b64(gzip), 3, null])).toEqual(["OK", gzip, 3, null]);
  });
  it("shows bytes escaped as redis-cli does, marked as not UTF-8", () => {
    expect(showBulk(gzip)).toBe('\\x1f\\x8b\\x08\\x00\\xff\\n\\\\\\" (not UTF-8)');
    expect(showBulk("plain")).toBe("plain");
    expect(previewRows("hash", ["0", [gzip, "v"]])).toEqual([[gzip, "v"]]);
    expect(viewReply(["GET", "k"], { result: gzip })).toEqual({ kind: "text", text: showBulk(gzip), json: false });
    expect(viewReply(["SMEMBERS", "k"], { result: [gzip, "a"] })).toEqual({ kind: "list", items: [showBulk(gzip), "a"] });
  });
  it("reads a preview cut inside a UTF-8 character as text", () => {
    const cut = new TextEncoder().encode("café").subarray(0, 4);
    expect(bulkFromPrefix(new Uint8Array(cut))).toBe("caf");
    expect(bulkFromPrefix(gzip)).toEqual(gzip);
  });
});

describe("commands with bytes that are not UTF-8", () => {
  it("go as JSON while every argument is text", () => {
    expect(commandRequest(["SET", "k", "v"])).toEqual({ path: "", body: '["SET","k","v"]', contentType: "application/json" });
  });
  it("reach the edge as exactly the same arguments, the binary one as the raw body", () => {
    for (const args of [
      ["DEL", gzip],
      ["EXPIRE", gzip, "60"],
      ["SET", gzip, "", "KEEPTTL"],
      ["SET", gzip, "a&b=c+d %2F/é", "KEEPTTL"],
      ["HDEL", "users/1 é?#", gzip],
      ["HSCAN", gzip, "0", "COUNT", "100"],
    ]) {
      expect(edgeArgs(args)).toEqual(args);
    }
  });
  it("are refused when they cannot travel: two binary arguments, or a name the URL would drop", () => {
    expect(edgeArgs(["HDEL", gzip, gzip])).toMatch(/more than one name or value that is not UTF-8/);
    expect(edgeArgs(["HDEL", "..", gzip])).toMatch(/empty, “.” or “..”/);
    expect(edgeArgs(["HDEL", "", gzip])).toMatch(/empty, “.” or “..”/);
  });
});
