// Turns an HTTP request under /redis/<instanceId> into commands, following the Upstash REST
// contract (shared/UPSTASH-REST.md §1): JSON body form, path form, /pipeline, /multi-exec and the
// streaming endpoints. Pure: returns a tagged result, never throws for bad input.
import type { Arg } from "../upstream/driver";
import { scanJsonShape } from "./json-shape";

export type EdgeCall =
  | { kind: "command"; command: Arg[] }
  | { kind: "pipeline"; commands: Arg[][] }
  | { kind: "transaction"; commands: Arg[][] }
  | { kind: "subscribe" | "psubscribe"; targets: string[] }
  | { kind: "monitor" };

export type ParseFailure = { ok: false; status: 400 | 405; error: string };
export type ParseResult = { ok: true; call: EdgeCall } | ParseFailure;

const fail = (error: string, status: 400 | 405 = 400): ParseFailure => ({ ok: false, status, error });

/** A JSON number, kept as it was written. */
class JsonNumber {
  constructor(readonly source: string) {}
}

/** JSON.parse keeping each number as its source text, so 1.5, 1e+21 and 2^64-1 pass exactly. */
function parseJsonKeepingNumbers(text: string): unknown {
  return JSON.parse(text, (_key, value, context?: { source?: string }) =>
    typeof value === "number" && context?.source !== undefined ? new JsonNumber(context.source) : value,
  );
}

function toArgs(value: unknown, where: string): Arg[] | string {
  if (!Array.isArray(value)) return `ERR ${where} must be a JSON array of command arguments`;
  if (value.length === 0) return `ERR ${where} is an empty command`;
  const args: Arg[] = [];
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v === "string") args.push(v);
    else if (typeof v === "boolean") args.push(v ? "true" : "false");
    else if (v instanceof JsonNumber) args.push(v.source);
    else
      return `ERR ${where}: argument ${i} must be a string, number or boolean, not ${v === null ? "null" : Array.isArray(v) ? "an array" : typeof v}`;
  }
  if (typeof value[0] !== "string" || value[0] === "") return `ERR ${where}: the command name must be a non-empty string`;
  return args;
}

/** How deep each body form nests: a command is a flat array, a pipeline an array of them. */
const BODY_DEPTH = { command: 1, pipeline: 2, transaction: 2 } as const;
type BodyForm = keyof typeof BODY_DEPTH;

/**
 * Arguments per request, over all its commands. Each costs the edge tens of bytes to parse however
 * short it is, so a body within the size limit (a 10 MiB body holds five million `1,`) could
 * otherwise take hundreds of MB of an isolate that other requests share; 250,000 is about as much
 * as the request and reply byte limits allow (~10 MB), and a 1,000-command auto-pipeline of SADDs
 * with 200 members each still fits.
 */
export const MAX_REQUEST_ARGUMENTS = 250_000;

/** Refuses, before JSON.parse builds a thing, a body that nests deeper than its form or holds too many commands or arguments. */
function checkShape(body: Uint8Array, form: BodyForm, maxCommands: number): ParseFailure | null {
  const shape = scanJsonShape(body, {
    maxDepth: BODY_DEPTH[form],
    maxItems: form === "command" ? Number.POSITIVE_INFINITY : maxCommands,
    maxValues: MAX_REQUEST_ARGUMENTS,
  });
  if (shape.ok) return null;
  if (shape.reason === "items") {
    return fail(`ERR the ${form} has more than ${maxCommands} commands, this instance's limit per request; send it in parts`);
  }
  if (shape.reason === "values") {
    return fail(`ERR the ${form} has more than ${MAX_REQUEST_ARGUMENTS} arguments in all, the limit per request; send it in parts`);
  }
  const where = form === "command" ? `argument ${shape.item}` : `command ${shape.item + 1}: argument ${shape.inner}`;
  const shapeText = form === "command" ? "a command is a flat JSON array" : `a ${form} is a JSON array of flat arrays`;
  return fail(`ERR ${where} must be a string, number or boolean, not an array or object (${shapeText})`);
}

function parseBody(body: Uint8Array | null, form: BodyForm, maxCommands: number): unknown | ParseFailure {
  if (!body || body.byteLength === 0) return fail("ERR the request body is empty; send a JSON array");
  const refused = checkShape(body, form, maxCommands);
  if (refused) return refused;
  try {
    return parseJsonKeepingNumbers(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body));
  } catch (error) {
    return fail(`ERR the request body is not valid JSON: ${(error as Error).message}`);
  }
}

const isFailure = (v: unknown): v is ParseFailure => typeof v === "object" && v !== null && (v as ParseFailure).ok === false;

function parseBatch(body: Uint8Array | null, kind: "pipeline" | "transaction", maxCommands: number): ParseResult {
  const parsed = parseBody(body, kind, maxCommands);
  if (isFailure(parsed)) return parsed;
  if (!Array.isArray(parsed)) return fail(`ERR the ${kind} body must be a JSON array of commands`);
  if (parsed.length === 0) return fail(`ERR the ${kind} is empty`);
  const commands: Arg[][] = [];
  for (let i = 0; i < parsed.length; i++) {
    const args = toArgs(parsed[i], `command ${i + 1}`);
    if (typeof args === "string") return fail(args);
    commands.push(args);
  }
  return { ok: true, call: { kind, commands } };
}

function decodeSegments(segments: string[]): string[] | ParseFailure {
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    try {
      out.push(decodeURIComponent(segments[i] as string));
    } catch {
      return fail(`ERR path segment ${i + 1} has invalid percent-encoding`);
    }
  }
  return out;
}

const ALLOWED_METHODS = new Set(["GET", "HEAD", "POST", "PUT"]);

/** The 405 text for a method the REST API does not take, or null when it is allowed. */
export function methodRefusal(method: string): string | null {
  return ALLOWED_METHODS.has(method) ? null : `ERR method ${method} is not allowed; use GET, HEAD, POST or PUT`;
}

/**
 * @param method HTTP method (OPTIONS is answered before parsing)
 * @param rest   the raw path after /redis/<instanceId>, e.g. "/set/foo/bar" or "//pipeline"
 * @param query  query parameters other than _token, in order
 * @param body   the raw body (already size-limited), or null
 * @param maxCommands the most commands a pipeline or transaction may hold (counted before parsing)
 */
export function parseEdgeCall(
  method: string,
  rest: string,
  query: [string, string][],
  body: Uint8Array | null,
  maxCommands = 1_000, // the official SDK's auto-pipeline size, the floor of every instance's limit
): ParseResult {
  const refused = methodRefusal(method);
  if (refused) return fail(refused, 405);
  const raw = rest.replace(/^\/+/, "").replace(/\/$/, "");
  const segments = raw === "" ? [] : raw.split("/");
  const decoded = decodeSegments(segments);
  if (isFailure(decoded)) return decoded;
  const head = decoded[0]?.toLowerCase();

  if (head === "pipeline" && decoded.length === 1) return parseBatch(body, "pipeline", maxCommands);
  if (head === "multi-exec" && decoded.length === 1) return parseBatch(body, "transaction", maxCommands);
  if (head === "subscribe" || head === "psubscribe") {
    const targets = decoded.slice(1);
    if (targets.length === 0 || targets.some((t) => t === ""))
      return fail(`ERR ${head} needs a ${head === "subscribe" ? "channel" : "pattern"} in the path`);
    return { ok: true, call: { kind: head, targets } };
  }
  if (head === "monitor" && decoded.length === 1) return { ok: true, call: { kind: "monitor" } };

  if (decoded.length === 0) {
    if (method !== "POST" && method !== "PUT") return fail("ERR no command given; POST a JSON array or use /<command>/<args>");
    const parsed = parseBody(body, "command", maxCommands);
    if (isFailure(parsed)) return parsed;
    const args = toArgs(parsed, "the request body");
    return typeof args === "string" ? fail(args) : { ok: true, call: { kind: "command", command: args } };
  }

  const command: Arg[] = [...decoded];
  if ((method === "POST" || method === "PUT") && body && body.byteLength > 0) command.push(body);
  for (const [k, v] of query) {
    command.push(k);
    if (v !== "") command.push(v);
  }
  return { ok: true, call: { kind: "command", command } };
}
