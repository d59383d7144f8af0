// How the upstash driver writes a command for Upstash's REST API: a JSON array when every argument
// is text, else the path form (arguments in the path and query, one binary value as the raw body).
// Pure; it decides nothing about policy or limits.
import type { Arg } from "../driver";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The command as a JSON array, or null when an argument is not valid UTF-8 (it must travel raw). */
export function argsToJson(command: Arg[]): string | null {
  const out: string[] = [];
  for (const arg of command) {
    if (typeof arg === "string") out.push(arg);
    else {
      try {
        out.push(strictUtf8.decode(arg));
      } catch {
        return null;
      }
    }
  }
  return JSON.stringify(out);
}

/** Arguments after the body as Upstash's path form reads them: `?a=b&c` means a, b, c. */
export function toQuery(args: string[]): string {
  const pairs: string[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const [k, v] = [args[i] as string, args[i + 1]];
    pairs.push(v === undefined ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  }
  return pairs.length ? `?${pairs.join("&")}` : "";
}
