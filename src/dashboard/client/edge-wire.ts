// How one command travels to the edge, binary-safely: the JSON body form while every argument is
// text; otherwise the path form, whose raw body is the one argument that is not UTF-8 (the only
// binary-safe way the contract has) and whose query string carries the arguments after it. Pure.
import { type Bulk, isBinary } from "./redis-bytes";

export type EdgeRequest = { path: string; body: string | Uint8Array<ArrayBuffer>; contentType: string } | { error: string };

const onlyText = (args: readonly Bulk[]): args is string[] => args.every((a) => !isBinary(a));

/** Whether every command can go in one JSON pipeline or transaction. */
export function allText(commands: readonly (readonly Bulk[])[]): commands is string[][] {
  return commands.every(onlyText);
}

/**
 * The request for `args`, or why it cannot be sent. The path form: `/<cmd>/<args before>` with
 * each segment URL-encoded (never "", "." or "..", which a URL drops or resolves), the raw body,
 * then `?<arg>&<arg>` (an empty argument as "=": the edge appends a name and a non-empty value).
 * @see shared/UPSTASH-REST.md §1 (path-form rules)
 */
export function commandRequest(args: readonly Bulk[]): EdgeRequest {
  if (onlyText(args)) return { path: "", body: JSON.stringify(args), contentType: "application/json" };
  const at = args.findIndex(isBinary);
  const before = args.slice(0, at);
  const after = args.slice(at + 1);
  const body = args[at] as Uint8Array<ArrayBuffer>;
  const cannot = "it holds more than one name or value that is not UTF-8, and the REST API takes one such argument per command";
  if (!onlyText(after) || at === 0) return { error: `This command cannot be sent: ${cannot}.` };
  if (!onlyText(before) || before.some((a) => a === "" || a === "." || a === "..")) {
    return { error: "This command cannot be sent: a name before the binary argument is empty, “.” or “..”." };
  }
  if (after.includes("_token")) return { error: "This command cannot be sent: an argument after the binary one is “_token”." };
  const query = after.map((a) => (a === "" ? "=" : encodeURIComponent(a))).join("&");
  const path = `/${before.map(encodeURIComponent).join("/")}${query ? `?${query}` : ""}`;
  return { path, body, contentType: "application/octet-stream" };
}
