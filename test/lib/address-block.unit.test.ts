// Unit tests for src/lib/address-block.ts: which addresses a per-address limit counts as one client.
import { describe, expect, it } from "vitest";
import { addressBlock } from "../../src/lib/address-block";

describe("addressBlock", () => {
  it("keeps an IPv4 address as it is", () => {
    expect(addressBlock("192.0.2.1")).toBe("192.0.2.1");
    expect(addressBlock("10.0.0.255")).toBe("10.0.0.255");
  });

  it("maps every address of one IPv6 /64 to the same key, whatever its text form", () => {
    const key = "2001:db8:0:1::/64";
    for (const address of [
      "2001:db8:0:1::1",
      "2001:db8:0:1:ffff:ffff:ffff:ffff",
      "2001:0DB8:0000:0001:0000:0000:0000:0042",
      "2001:db8::1:0:0:0:42",
      "2001:db8:0:1:a:b:c:d",
      "2001:db8:0:1::",
      "2001:db8:0:1::1%eth0",
    ]) {
      expect(addressBlock(address), address).toBe(key);
    }
  });

  it("tells different /64s apart", () => {
    expect(addressBlock("2001:db8:0:2::1")).toBe("2001:db8:0:2::/64");
    expect(addressBlock("2001:db8:1:1::1")).toBe("2001:db8:1:1::/64");
    expect(addressBlock("::1")).toBe("0:0:0:0::/64");
  });

  it("maps an IPv4-mapped IPv6 address to its IPv4 address, in either text form", () => {
    expect(addressBlock("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(addressBlock("::FFFF:c000:0201")).toBe("192.0.2.1");
    expect(addressBlock("0:0:0:0:0:ffff:192.0.2.1")).toBe("192.0.2.1");
  });

  it("reads a dotted IPv4 tail of another IPv6 address as its last two groups", () => {
    expect(addressBlock("64:ff9b::192.0.2.1")).toBe("64:ff9b:0:0::/64");
  });

  it("returns text that is no address as it is (lower-cased), never throwing", () => {
    expect(addressBlock("unknown")).toBe("unknown");
    expect(addressBlock("1:2:3")).toBe("1:2:3");
    expect(addressBlock("1::2::3")).toBe("1::2::3");
    expect(addressBlock("::ffff:300.0.0.1")).toBe("::ffff:300.0.0.1");
    expect(addressBlock("1:2:3:4:5:6:7:8:9")).toBe("1:2:3:4:5:6:7:8:9");
    expect(addressBlock("g::1")).toBe("g::1");
  });
});
