// The block of addresses one client holds, named by one string: what a per-address counter keys on.
// Pure; keeps no address and logs none.

const IPV6_GROUPS = 8;
const HEXTET = /^[0-9a-f]{1,4}$/;
const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The block `address` belongs to: an IPv4 address as it is; an IPv6 address as its /64 prefix in
 * one canonical text (`2001:db8:0:1::/64`: lower case, no leading zeros, "::" expanded), since
 * every IPv6 client gets at least a /64 and can send from any address in it; an IPv4-mapped IPv6
 * address (`::ffff:192.0.2.1`) as its IPv4 address. Text that is neither is returned as it is.
 * @see https://www.rfc-editor.org/rfc/rfc6177 (a /64 or more for every end site)
 * @see https://www.rfc-editor.org/rfc/rfc4291#section-2.2 (IPv6 text forms)
 */
export function addressBlock(address: string): string {
  const text = address.trim().toLowerCase();
  if (!text.includes(":")) return text;
  const groups = ipv6Groups(text.split("%")[0] ?? "");
  if (!groups) return text;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address in text form (with "::" and a dotted IPv4 tail), or null when it is not one. */
function ipv6Groups(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parts = (half: string | undefined) => (half ? half.split(":") : []);
  const head = parts(halves[0]);
  const tail = parts(halves[1]);
  const last = (tail.length > 0 ? tail : head).at(-1) ?? "";
  const dotted = DOTTED.exec(last);
  if (dotted) {
    const bytes = dotted.slice(1).map(Number);
    if (bytes.some((b) => b > 255)) return null;
    const [a = 0, b = 0, c = 0, d = 0] = bytes;
    (tail.length > 0 ? tail : head).splice(-1, 1, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  if ([...head, ...tail].some((g) => !HEXTET.test(g))) return null;
  const missing = IPV6_GROUPS - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const zeros = Array.from({ length: halves.length === 1 ? 0 : missing }, () => "0");
  return [...head, ...zeros, ...tail].map((g) => Number.parseInt(g, 16));
}
