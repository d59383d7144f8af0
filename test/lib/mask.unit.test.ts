// Unit tests for src/lib/mask.ts: what of a secret is ever shown.
import { describe, expect, it } from "vitest";
import { maskSecret } from "../../src/lib/mask";

describe("maskSecret", () => {
  it("shows the last four characters of a secret of 16 or more", () => {
    expect(maskSecret("0123456789abcdef")).toBe("••••cdef");
    expect(maskSecret(`${"x".repeat(200)}tail`)).toBe("••••tail");
  });

  it("shows nothing of a shorter secret", () => {
    expect(maskSecret("0123456789abcde")).toBe("••••");
    expect(maskSecret("ab")).toBe("••••");
    expect(maskSecret("")).toBe("••••");
  });
});
