// RESP2 encoding: commands in one exactly sized buffer, byte for byte what encoding each part on its
// own gives, for every kind of UTF-8 character, lone surrogates and binary arguments.
import { describe, expect, it } from "vitest";
import type { Arg } from "../../../src/upstream/redis/resp";
import { encodeCommands, utf8Length } from "../../../src/upstream/redis/resp-encode";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("encodeCommands", () => {
  /** The same commands encoded part by part: each header and argument through TextEncoder on its own. */
  function encodedPartByPart(commands: Arg[][]): string {
    const hex = (part: Uint8Array) => Buffer.from(part).toString("hex");
    let out = "";
    for (const command of commands) {
      out += hex(bytes(`*${command.length}\r\n`));
      for (const arg of command) {
        const data = typeof arg === "string" ? bytes(arg) : arg;
        out += hex(bytes(`$${data.byteLength}\r\n`)) + hex(data) + hex(bytes("\r\n"));
      }
    }
    return out;
  }

  // ASCII; 2-, 3- and 4-byte characters; lone surrogates (TextEncoder writes U+FFFD, 3 bytes), a high
  // one last or before a non-surrogate; lengths around the 9/10 and 99/100 digit boundaries.
  const tricky = [
    "",
    "a",
    "é",
    "€",
    "😀",
    "a😀b",
    "\ud83d",
    "x\ud83d",
    "\ude00y",
    "\ud83dz",
    "\ud83d\ud83d\ude00",
    "€".repeat(3),
    "x".repeat(9),
    "y".repeat(10),
    "ü".repeat(50),
  ];

  it("writes every argument's exact UTF-8 length and bytes, as encoding each on its own does", () => {
    for (const text of tricky) expect(utf8Length(text), JSON.stringify(text)).toBe(bytes(text).byteLength);
    const commands: Arg[][] = [
      ["SET", ...tricky],
      ["GET", new Uint8Array([0, 255, 13, 10, 36])],
      Array.from({ length: 12 }, (_, i) => `k${i}`),
      ["PING"],
    ];
    expect(Buffer.from(encodeCommands(commands)).toString("hex")).toBe(encodedPartByPart(commands));
  });

  it("encodes a hundred thousand one-byte arguments in one buffer of exactly their size", () => {
    const command: Arg[] = ["DEL", ...Array.from({ length: 100_000 }, () => "1")];
    const encoded = encodeCommands([command]);
    expect(encoded.byteLength).toBe(bytes(`*${command.length}\r\n$3\r\nDEL\r\n`).byteLength + 100_000 * "$1\r\n1\r\n".length);
    expect(Buffer.from(encoded).toString("hex")).toBe(encodedPartByPart([command]));
  });
});
