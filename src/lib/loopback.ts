// Recognises upstream host patterns that point at the machine running the code (loopback, the
// unspecified address): fine for local development, never for a production deployment.

const IPV4_LOOPBACK = /^127(\.\d{1,3}){3}$/;

/** True when an ALLOWED_UPSTREAM_HOSTS pattern names a loopback or unspecified address. */
export function isLoopbackPattern(pattern: string): boolean {
  const host = pattern
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (IPV4_LOOPBACK.test(host) || host === "0.0.0.0") return true;
  if (host === "::1" || host === "::" || host === "0:0:0:0:0:0:0:1") return true;
  return host.startsWith("::ffff:") && (IPV4_LOOPBACK.test(host.slice(7)) || host.slice(7) === "0.0.0.0");
}

/** The loopback patterns in a list, in order. */
export function loopbackPatterns(patterns: readonly string[]): string[] {
  return patterns.filter(isLoopbackPattern);
}
