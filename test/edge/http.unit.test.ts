// Unit tests for src/edge/http.ts: token extraction, the reply-format headers and size-limited
// body reading (declared and streamed).
import { describe, expect, it } from "vitest";
import { extractToken, readLimitedBody, replyFormat } from "../../src/edge/http";

const url = (q = "") => new URL(`https://gate.test/redis/i1/get/k${q}`);

describe("extractToken", () => {
  it("takes a Bearer token, any case of the scheme, surrounding spaces trimmed", () => {
    expect(extractToken("Bearer abc.def", url())).toBe("abc.def");
    expect(extractToken("bearer   abc  ", url())).toBe("abc");
    expect(extractToken("BEARER\tabc", url())).toBe("abc");
  });

  it("prefers the header over ?_token=", () => {
    expect(extractToken("Bearer fromHeader", url("?_token=fromQuery"))).toBe("fromHeader");
  });

  it("falls back to ?_token= when the header is absent or not a single Bearer token", () => {
    expect(extractToken(null, url("?_token=q1"))).toBe("q1");
    expect(extractToken("Basic dXNlcjpwdw==", url("?_token=q2"))).toBe("q2");
    expect(extractToken("Bearer a b", url("?_token=q3"))).toBe("q3");
    expect(extractToken("Bearer ", url("?_token=q4"))).toBe("q4");
    expect(extractToken("xBearer abc", url("?_token=q5"))).toBe("q5");
  });

  it("is null when there is no token anywhere", () => {
    expect(extractToken(null, url())).toBeNull();
    expect(extractToken("Basic abc", url())).toBeNull();
  });

  it("decodes the query token and returns an empty one as empty", () => {
    expect(extractToken(null, url("?_token=a%2Bb"))).toBe("a+b");
    expect(extractToken(null, url("?_token="))).toBe("");
  });
});

describe("replyFormat", () => {
  const h = (init: Record<string, string>) => new Headers(init);

  it("is json by default and base64 when asked, any case", () => {
    expect(replyFormat(h({}))).toBe("json");
    expect(replyFormat(h({ "upstash-encoding": "base64" }))).toBe("base64");
    expect(replyFormat(h({ "Upstash-Encoding": "BASE64" }))).toBe("base64");
    expect(replyFormat(h({ "upstash-encoding": "hex" }))).toBe("json");
  });

  it("takes upstash-response-format json or resp2, any case", () => {
    expect(replyFormat(h({ "upstash-response-format": "json" }))).toBe("json");
    expect(replyFormat(h({ "upstash-response-format": "RESP2" }))).toBe("resp2");
    expect(replyFormat(h({ "upstash-response-format": "json", "upstash-encoding": "base64" }))).toBe("base64");
  });

  it("also reads the SDK's misspelled upstash-reponse-format header", () => {
    expect(replyFormat(h({ "upstash-reponse-format": "resp2" }))).toBe("resp2");
  });

  it("lets the correctly spelled header win over the misspelled one", () => {
    expect(replyFormat(h({ "upstash-response-format": "json", "upstash-reponse-format": "resp2" }))).toBe("json");
  });

  it.each(["xml", "", "resp3", "json2"])("refuses the format %j", (f) => {
    expect(replyFormat(h({ "upstash-response-format": f }))).toEqual({ error: "ERR Upstash-Response-Format must be json or resp2" });
  });

  it("refuses resp2 with base64 (either header spelling)", () => {
    const error = { error: "ERR Upstash-Response-Format: resp2 cannot be combined with Upstash-Encoding: base64" };
    expect(replyFormat(h({ "upstash-response-format": "resp2", "upstash-encoding": "base64" }))).toEqual(error);
    expect(replyFormat(h({ "upstash-reponse-format": "resp2", "upstash-encoding": "Base64" }))).toEqual(error);
  });
});

/** A POST whose body arrives in the given chunks, with no content-length; counts pulls and cancels. */
function streamed(chunks: Uint8Array[]) {
  const seen = { pulls: 0, cancelled: false };
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      seen.pulls++;
      if (i < chunks.length) controller.enqueue(chunks[i++] as Uint8Array);
      else controller.close();
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  const request = new Request("https://gate.test/", { method: "POST", body, duplex: "half" } as RequestInit);
  return { request, seen };
}

describe("readLimitedBody", () => {
  it("is null for a request without a body", async () => {
    expect(await readLimitedBody(new Request("https://gate.test/"), 10)).toEqual({ ok: true, body: null });
  });

  it("reads a body up to and including the limit", async () => {
    const r = await readLimitedBody(new Request("https://gate.test/", { method: "POST", body: "abc" }), 3);
    expect(r).toEqual({ ok: true, body: new TextEncoder().encode("abc") });
  });

  it("refuses a body one byte over the limit", async () => {
    expect(await readLimitedBody(new Request("https://gate.test/", { method: "POST", body: "abcd" }), 3)).toEqual({ ok: false });
  });

  it("reads an empty body as zero bytes", async () => {
    const r = await readLimitedBody(new Request("https://gate.test/", { method: "POST", body: "" }), 3);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.body?.byteLength ?? 0).toBe(0);
  });

  it("refuses a declared content-length over the limit without reading the body", async () => {
    const { request, seen } = streamed([new Uint8Array(1)]);
    request.headers.set("content-length", "11");
    expect(await readLimitedBody(request, 10)).toEqual({ ok: false });
    expect(seen.pulls).toBeLessThanOrEqual(1);
    expect(seen.cancelled).toBe(false);
  });

  it("joins several chunks that fit", async () => {
    const { request } = streamed([new Uint8Array([1, 2]), new Uint8Array([3]), new Uint8Array([4, 5])]);
    expect(await readLimitedBody(request, 5)).toEqual({ ok: true, body: new Uint8Array([1, 2, 3, 4, 5]) });
  });

  it("stops reading and cancels the stream as soon as a streamed body passes the limit", async () => {
    const chunk = new Uint8Array(4);
    const { request, seen } = streamed(Array.from({ length: 1000 }, () => chunk));
    expect(await readLimitedBody(request, 10)).toEqual({ ok: false });
    expect(seen.cancelled).toBe(true);
    expect(seen.pulls).toBeLessThan(10);
  });

  it("is not fooled by a content-length smaller than the streamed body", async () => {
    const { request } = streamed([new Uint8Array(6), new Uint8Array(6)]);
    request.headers.set("content-length", "2");
    expect(await readLimitedBody(request, 10)).toEqual({ ok: false });
  });

  it("reads a body framed by its content-length in one go", async () => {
    const request = new Request("https://gate.test/", { method: "POST", body: "abc", headers: { "content-length": "3" } });
    expect(await readLimitedBody(request, 3)).toEqual({ ok: true, body: new TextEncoder().encode("abc") });
  });

  // workerd hands the Worker both headers and the chunked body, whatever length was declared.
  it("streams under the bound when transfer-encoding comes with a small content-length", async () => {
    const chunk = new Uint8Array(4);
    const { request, seen } = streamed(Array.from({ length: 1000 }, () => chunk));
    request.headers.set("content-length", "2");
    request.headers.set("transfer-encoding", "chunked");
    expect(await readLimitedBody(request, 10)).toEqual({ ok: false });
    expect(seen.cancelled).toBe(true);
    expect(seen.pulls).toBeLessThan(10);
  });
});
