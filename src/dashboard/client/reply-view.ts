// Turns a Redis reply into something readable, as data the console draws: INFO in sections, JSON
// strings pretty-printed, hashes and sorted sets as tables, errors marked. Pure: no DOM.
import { indentJson } from "./json-indent";
import { isBinary, showBulk } from "./redis-bytes";

export type ReplyView =
  | { kind: "error"; message: string }
  | { kind: "nil" }
  | { kind: "text"; text: string; json: boolean }
  | { kind: "number"; value: number }
  | { kind: "sections"; sections: { title: string; rows: [string, string][] }[] }
  | { kind: "table"; headers: string[]; rows: string[][] }
  | { kind: "list"; items: string[] };

/**
 * A string holding a JSON object or array, pretty-printed with every token as written (see
 * json-indent.ts); null when it is not one. JSON.parse only checks that it is JSON.
 */
export function prettyJson(text: string): string | null {
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed)) return null;
  try {
    JSON.parse(trimmed);
  } catch {
    return null;
  }
  return indentJson(trimmed);
}

/** INFO's text ("# Server\r\nredis_version:7.0\r\n…") as titled sections of name/value rows. */
export function parseInfo(text: string): { title: string; rows: [string, string][] }[] {
  const sections: { title: string; rows: [string, string][] }[] = [];
  let current: { title: string; rows: [string, string][] } | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith("#")) {
      current = { title: line.replace(/^#\s*/, ""), rows: [] };
      sections.push(current);
    } else if (line.includes(":")) {
      if (!current) {
        current = { title: "Info", rows: [] };
        sections.push(current);
      }
      const at = line.indexOf(":");
      current.rows.push([line.slice(0, at), line.slice(at + 1)]);
    }
  }
  return sections.filter((s) => s.rows.length > 0);
}

/** JSON text of a reply holding bytes that are not UTF-8 (Bulks, redis-bytes.ts): those shown escaped. */
const jsonText = (v: unknown, space?: number) => JSON.stringify(v, (_k, x: unknown) => (isBinary(x) ? showBulk(x) : x), space);

const show = (v: unknown): string => (v === null ? "(nil)" : typeof v === "string" || isBinary(v) ? showBulk(v) : jsonText(v));

function pairs(items: unknown[]): string[][] {
  const rows: string[][] = [];
  for (let i = 0; i + 1 < items.length; i += 2) rows.push([show(items[i]), show(items[i + 1])]);
  return rows;
}

const PAIR_TABLES: Record<string, [string, string]> = {
  HGETALL: ["Field", "Value"],
  CONFIG: ["Parameter", "Value"],
};

/** Whether a ZRANGE-family command asked for scores (so the flat reply alternates member, score). */
function withScores(args: string[]): boolean {
  return args.some((a) => a.toUpperCase() === "WITHSCORES");
}

/**
 * The view of `result` for the command `args` (the Upstash-shaped `{ result }` or `{ error }`).
 * Unknown shapes fall back to JSON text, so nothing is ever hidden.
 */
export function viewReply(args: string[], reply: { result?: unknown; error?: string }): ReplyView {
  if (reply.error !== undefined) return { kind: "error", message: reply.error };
  const result = reply.result;
  const command = (args[0] ?? "").toUpperCase();
  if (result === null || result === undefined) return { kind: "nil" };
  if (typeof result === "number") return { kind: "number", value: result };
  if (isBinary(result)) return { kind: "text", text: showBulk(result), json: false };
  if (typeof result === "string") {
    if (command === "INFO" && result.includes("\n")) return { kind: "sections", sections: parseInfo(result) };
    const json = prettyJson(result);
    return json ? { kind: "text", text: json, json: true } : { kind: "text", text: result, json: false };
  }
  if (Array.isArray(result)) {
    const pair = PAIR_TABLES[command];
    if (pair && result.length % 2 === 0) return { kind: "table", headers: [...pair], rows: pairs(result) };
    if (/^Z(REV)?RANGE(BYSCORE|BYLEX)?$|^ZRANGESTORE$|^ZPOP(MIN|MAX)$|^ZUNION$|^ZINTER$|^ZDIFF$/.test(command)) {
      const scored = withScores(args) || command.startsWith("ZPOP");
      if (scored && result.length % 2 === 0) return { kind: "table", headers: ["Member", "Score"], rows: pairs(result) };
    }
    if (result.every((v) => v === null || typeof v !== "object" || isBinary(v))) return { kind: "list", items: result.map(show) };
  }
  return { kind: "text", text: jsonText(result, 2), json: true };
}
