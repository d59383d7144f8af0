// Unit tests for src/lib/aead.ts: sealing round-trips, and any other key, context or byte fails.
import { describe, expect, it } from "vitest";
import { deriveAeadKey, open, seal } from "../../src/lib/aead";
import { fromBase64, toBase64 } from "../../src/lib/encoding";

const master = Uint8Array.from({ length: 32 }, (_, i) => i);
const otherMaster = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);

function flip(sealed: string, at: number): string {
  const bytes = Uint8Array.from(fromBase64(sealed));
  bytes[at] = (bytes[at] as number) ^ 0x01;
  return toBase64(bytes);
}

describe("aead", () => {
  it("round-trips text under the same key and context", async () => {
    const key = await deriveAeadKey(master, "credentials");
    for (const text of ["", "p@ss:w/rd", "h€llo 😀", "x".repeat(10_000)]) {
      expect(await open(key, await seal(key, text, "inst_1"), "inst_1")).toBe(text);
    }
  });

  it("writes version 1, a 12-byte IV and a 16-byte tag", async () => {
    const key = await deriveAeadKey(master, "credentials");
    const bytes = fromBase64(await seal(key, "abcde", "c"));
    expect(bytes[0]).toBe(1);
    expect(bytes.byteLength).toBe(1 + 12 + 5 + 16);
  });

  it("uses a fresh IV each time", async () => {
    const key = await deriveAeadKey(master, "credentials");
    const a = await seal(key, "same", "c");
    const b = await seal(key, "same", "c");
    expect(a).not.toBe(b);
    expect(fromBase64(a).subarray(1, 13)).not.toEqual(fromBase64(b).subarray(1, 13));
  });

  it("derives the key once per master secret and purpose", () => {
    expect(deriveAeadKey(master, "p1")).toBe(deriveAeadKey(master, "p1"));
    expect(deriveAeadKey(master, "p1")).not.toBe(deriveAeadKey(master, "p2"));
    expect(deriveAeadKey(master, "p1")).not.toBe(deriveAeadKey(otherMaster, "p1"));
  });

  it("fails under another context", async () => {
    const key = await deriveAeadKey(master, "credentials");
    const sealed = await seal(key, "secret", "inst_1");
    await expect(open(key, sealed, "inst_2")).rejects.toThrow();
    await expect(open(key, sealed, "")).rejects.toThrow();
  });

  it("fails under another purpose or another master secret", async () => {
    const sealed = await seal(await deriveAeadKey(master, "credentials"), "secret", "c");
    await expect(open(await deriveAeadKey(master, "sessions"), sealed, "c")).rejects.toThrow();
    await expect(open(await deriveAeadKey(otherMaster, "credentials"), sealed, "c")).rejects.toThrow();
  });

  it("fails when any byte of the IV, ciphertext or tag is altered", async () => {
    const key = await deriveAeadKey(master, "credentials");
    const sealed = await seal(key, "secret", "c");
    const length = fromBase64(sealed).byteLength;
    for (const at of [1, 12, 13, 13 + 5, length - 1]) {
      await expect(open(key, flip(sealed, at), "c")).rejects.toThrow();
    }
  });

  it("refuses an unknown version or a value too short to hold an IV and a tag", async () => {
    const key = await deriveAeadKey(master, "credentials");
    const sealed = await seal(key, "secret", "c");
    const unknown = "sealed value has an unknown format";
    await expect(open(key, flip(sealed, 0), "c")).rejects.toThrow(unknown);
    await expect(open(key, "", "c")).rejects.toThrow(unknown);
    await expect(open(key, toBase64(fromBase64(sealed).subarray(0, 28)), "c")).rejects.toThrow(unknown);
    await expect(open(key, "not base64 at all!", "c")).rejects.toThrow(unknown);
  });
});
