// What the data browser sends to read, size and write a key of each Redis type, and how it reads
// the replies back. Pure: commands in, rows out; the page does the sending and the drawing. Key
// names, fields, members and values are Bulks (redis-bytes.ts): bytes that are not UTF-8 stay bytes.
import { type Bulk, isBinary, showBulk } from "./redis-bytes";

export const KEY_TYPES = ["string", "hash", "list", "set", "zset", "stream"] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export function isKeyType(type: string): type is KeyType {
  return (KEY_TYPES as readonly string[]).includes(type);
}

/** How many items a preview shows before "and N more". */
export const PREVIEW = 100;

/** How many stream entries a page shows (entries are wider than items). */
export const STREAM_PAGE = 20;

/**
 * How much of a string too large to read whole is previewed (GETRANGE): fits the smallest reply
 * limit an instance may set (1 KiB, with RESP's framing).
 */
export const STRING_PREVIEW_BYTES = 1000;

export function stringPreviewCommand(key: Bulk): Bulk[] {
  return ["GETRANGE", key, "0", String(STRING_PREVIEW_BYTES - 1)];
}

/**
 * Where a page of a value starts: a SCAN cursor (hashes, sets), an index (lists, sorted sets) or
 * the stream id to read back from ("+" first, then "(<id>", the entries before it).
 */
export type Position = string;

export function firstPosition(type: KeyType): Position {
  return type === "stream" ? "+" : "0";
}

/** The command that reads the page of a key's value starting at `from` (the first page by default). */
export function readCommand(type: KeyType, key: Bulk, from: Position = firstPosition(type)): Bulk[] {
  const end = () => String(Number(from) + PREVIEW - 1);
  switch (type) {
    case "string":
      return ["GET", key];
    case "hash":
      return ["HSCAN", key, from, "COUNT", String(PREVIEW)];
    case "list":
      return ["LRANGE", key, from, end()];
    case "set":
      return ["SSCAN", key, from, "COUNT", String(PREVIEW)];
    case "zset":
      return ["ZRANGE", key, from, end(), "WITHSCORES"];
    case "stream":
      return ["XREVRANGE", key, from, "-", "COUNT", String(STREAM_PAGE)];
  }
}

/**
 * Where the page after this one starts, or null when this page was the last: the cursor SCAN
 * answered, the next index while a full page came back, or just before the oldest entry shown.
 * `rows` are this page's previewRows.
 */
export function nextPosition(type: KeyType, from: Position, result: unknown, rows: Bulk[][]): Position | null {
  switch (type) {
    case "string":
      return null;
    case "hash":
    case "set": {
      const cursor = Array.isArray(result) ? String(result[0]) : "0";
      return cursor === "0" ? null : cursor;
    }
    case "list":
    case "zset":
      return rows.length < PREVIEW ? null : String(Number(from) + PREVIEW);
    case "stream": {
      const oldest = rows.at(-1)?.[0]; // a stream id: ASCII text
      return rows.length < STREAM_PAGE || typeof oldest !== "string" ? null : `(${oldest}`;
    }
  }
}

/** The command that counts a key's items (bytes for a string), for read keys that may not run MEMORY USAGE. */
export function lengthCommand(type: KeyType, key: Bulk): Bulk[] {
  const verb = { string: "STRLEN", hash: "HLEN", list: "LLEN", set: "SCARD", zset: "ZCARD", stream: "XLEN" }[type];
  return [verb, key];
}

export function lengthUnit(type: KeyType): string {
  return type === "string" ? "bytes" : type === "stream" ? "entries" : type === "hash" ? "fields" : "items";
}

/**
 * Rows of a preview reply: [field, value] for hashes, [member, score] for sorted sets, [item] else;
 * each cell exactly as Redis holds it. A stream entry's fields are one cell of text to read.
 */
export function previewRows(type: KeyType, result: unknown): Bulk[][] {
  const text = (v: unknown): Bulk => (typeof v === "string" || isBinary(v) ? v : JSON.stringify(v));
  const pairs = (items: unknown[]) => {
    const rows: Bulk[][] = [];
    for (let i = 0; i + 1 < items.length; i += 2) rows.push([text(items[i]), text(items[i + 1])]);
    return rows;
  };
  if (type === "string") return [[text(result)]];
  if (!Array.isArray(result)) return [];
  if (type === "hash" || type === "set") {
    const items = Array.isArray(result[1]) ? (result[1] as unknown[]) : [];
    return type === "hash" ? pairs(items) : items.map((v) => [text(v)]);
  }
  if (type === "zset") return pairs(result);
  if (type === "stream") {
    return result.map((entry) => {
      const [id, fields] = Array.isArray(entry) ? entry : [entry, []];
      const shown = Array.isArray(fields) ? pairs(fields).map(([f, v]) => `${showBulk(f ?? "")}=${showBulk(v ?? "")}`) : [];
      return [text(id), shown.join("  ")];
    });
  }
  return result.map((v) => [text(v)]);
}

export type NewValue =
  | { type: "string"; value: string }
  | { type: "hash"; field: string; value: string }
  | { type: "list"; value: string }
  | { type: "set"; value: string }
  | { type: "zset"; member: string; score: string }
  | { type: "stream"; field: string; value: string };

/** The command that writes one item (a whole string, one field, member or entry) to `key`. */
export function writeCommand(key: Bulk, input: NewValue): Bulk[] {
  switch (input.type) {
    case "string":
      return ["SET", key, input.value, "KEEPTTL"];
    case "hash":
      return ["HSET", key, input.field, input.value];
    case "list":
      return ["RPUSH", key, input.value];
    case "set":
      return ["SADD", key, input.value];
    case "zset":
      return ["ZADD", key, input.score, input.member];
    case "stream":
      return ["XADD", key, "*", input.field, input.value];
  }
}

/** The command that removes one item shown in a preview row (a list item: listRemoval). */
export function removeItemCommand(type: KeyType, key: Bulk, row: Bulk[]): Bulk[] | null {
  const item = row[0] ?? "";
  if (type === "hash") return ["HDEL", key, item];
  if (type === "set") return ["SREM", key, item];
  if (type === "zset") return ["ZREM", key, item];
  if (type === "stream") return ["XDEL", key, item];
  return null;
}

/**
 * Removing the list item at `index` and no other equal one: `mark` (a transaction: read the item,
 * put a value no list holds in its place), then `remove` the mark when the item read was the one
 * shown, or `restore` the item read where the mark is when the list changed meanwhile. Every step
 * finds its place by the mark, so writes between them move nothing.
 */
export function listRemoval(key: string, index: number, mark = `redisgate:removing:${crypto.randomUUID()}`) {
  const at = String(index);
  return {
    mark: [
      ["LINDEX", key, at],
      ["LSET", key, at, mark],
    ],
    remove: ["LREM", key, "1", mark],
    restore: (read: Bulk): Bulk[][] => [
      ["LINSERT", key, "BEFORE", mark, read],
      ["LREM", key, "1", mark],
    ],
  };
}

/** The command that sets (seconds > 0) or clears (null) a key's expiry. */
export function ttlCommand(key: Bulk, seconds: number | null): Bulk[] {
  return seconds === null ? ["PERSIST", key] : ["EXPIRE", key, String(Math.floor(seconds))];
}

/** A NewValue from a form's fields (value, field, member, score); score must be a number. */
export function newValueFrom(type: KeyType, f: { value: string; field: string; member: string; score: string }): NewValue {
  switch (type) {
    case "string":
    case "list":
    case "set":
      return { type, value: f.value };
    case "hash":
    case "stream":
      return { type, field: f.field, value: f.value };
    case "zset":
      if (f.score.trim() === "" || !Number.isFinite(Number(f.score))) throw new Error("The score must be a number.");
      return { type, member: f.member, score: f.score.trim() };
  }
}
