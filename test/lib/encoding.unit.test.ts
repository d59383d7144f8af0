// Unit tests for src/lib/encoding.ts: base64, base64url, hex, lenient UTF-8 and SHA-256.
// timingSafeEqualStrings is only tested for unequal lengths: equal lengths call
// crypto.subtle.timingSafeEqual, a Workers extension that Node does not have.
import { describe, expect, it } from "vitest";
import { decodeUtf8, fromBase64, sha256Hex, timingSafeEqualStrings, toBase64, toBase64Url, toHex, utf8 } from "../../src/lib/encoding";

describe("base64", () => {
  it("encodes exact values with padding", () => {
    expect(toBase64(new Uint8Array([]))).toBe("");
    expect(toBase64(utf8.encode("f"))).toBe("Zg==");
    expect(toBase64(utf8.encode("foob"))).toBe("Zm9vYg==");
    expect(toBase64(new Uint8Array([0xfb, 0xff]))).toBe("+/8=");
  });

  it("encodes only the viewed bytes of a subarray", () => {
    const whole = new Uint8Array([1, 2, 0x66, 0x6f, 0x6f, 9, 9]);
    expect(toBase64(whole.subarray(2, 5))).toBe("Zm9v");
  });

  it("round-trips every byte value", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromBase64(toBase64(all))).toEqual(all);
  });

  it("decodes to a Uint8Array of exactly the decoded length", () => {
    const out = fromBase64("Zm9vYg==");
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Array.from(out)).toEqual([0x66, 0x6f, 0x6f, 0x62]);
  });

  it("base64url has no padding and uses - and _", () => {
    expect(toBase64Url(new Uint8Array([0xfb, 0xff]))).toBe("-_8");
    expect(toBase64Url(new Uint8Array([0xfb, 0xff, 0x01]).subarray(0, 2))).toBe("-_8");
  });
});

describe("toHex", () => {
  it("writes two lower-case digits per byte, of the viewed bytes only", () => {
    expect(toHex(new Uint8Array([0, 15, 16, 255]))).toBe("000f10ff");
    expect(toHex(new Uint8Array([1, 2, 3]).subarray(1))).toBe("0203");
  });
});

describe("decodeUtf8", () => {
  it("decodes valid UTF-8", () => {
    expect(decodeUtf8(utf8.encode("h€llo 😀"))).toBe("h€llo 😀");
  });

  it("replaces invalid sequences with U+FFFD", () => {
    expect(decodeUtf8(new Uint8Array([0x61, 0xff, 0x62]))).toBe("a\uFFFDb");
    expect(decodeUtf8(new Uint8Array([0xe2, 0x82]))).toBe("\uFFFD");
  });

  it("keeps a leading byte order mark", () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toBe("\uFEFFa");
  });
});

describe("sha256Hex", () => {
  it("hashes UTF-8 text", async () => {
    expect(await sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("timingSafeEqualStrings", () => {
  it("is false for different byte lengths, including same-length text of different byte length", () => {
    expect(timingSafeEqualStrings("abc", "abcd")).toBe(false);
    expect(timingSafeEqualStrings("", "a")).toBe(false);
    expect(timingSafeEqualStrings("é", "e")).toBe(false);
  });
});
