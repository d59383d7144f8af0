// A byte-level look at a JSON request body before JSON.parse builds anything from it: how many
// items the top-level array holds, how many values its deepest level holds in all, and how deep it
// nests, respecting strings and their escapes.
// Pure. It does not validate JSON (JSON.parse does, afterwards); it only bounds the work.

/** `maxValues` counts the values that start at depth `maxDepth` (a command's arguments), over the whole body. */
export type ShapeLimits = { maxDepth: number; maxItems: number; maxValues: number };

/**
 * `item` is the 0-based index of the top-level item, `inner` the index inside it, where the body
 * first went too deep (-1 where there is none).
 */
export type ShapeResult =
  | { ok: true; items: number }
  | { ok: false; reason: "depth"; item: number; inner: number }
  | { ok: false; reason: "items" }
  | { ok: false; reason: "values" };

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN = new Set([91, 123]); // [ {
const CLOSE = new Set([93, 125]); // ] }
const WHITESPACE = new Set([32, 9, 10, 13]);
const COLON = 58;

/** Scans `body`, stopping at the first limit it passes; never allocates per item. */
export function scanJsonShape(body: Uint8Array, limits: ShapeLimits): ShapeResult {
  let depth = 0;
  let inString = false;
  let escaped = false;
  // Per depth (1 and 2): the index of the current item, and whether a value may start next.
  const index = [-1, -1, -1];
  const expecting = [true, false, false];
  let values = 0;
  for (let i = 0; i < body.byteLength; i++) {
    const b = body[i] as number;
    if (inString) {
      if (escaped) escaped = false;
      else if (b === BACKSLASH) escaped = true;
      else if (b === QUOTE) inString = false;
      continue;
    }
    if (WHITESPACE.has(b) || b === COLON) continue;
    if (CLOSE.has(b)) {
      depth--;
      continue;
    }
    if (b === COMMA) {
      if (depth >= 1 && depth <= 2) expecting[depth] = true;
      continue;
    }
    // Anything else starts a value (or is garbage JSON.parse will refuse).
    if (depth >= 1 && depth <= 2 && expecting[depth]) {
      expecting[depth] = false;
      index[depth] = (index[depth] as number) + 1;
      if (depth === 1 && (index[1] as number) + 1 > limits.maxItems) return { ok: false, reason: "items" };
      if (depth === limits.maxDepth && ++values > limits.maxValues) return { ok: false, reason: "values" };
    }
    if (b === QUOTE) inString = true;
    else if (OPEN.has(b)) {
      depth++;
      if (depth > limits.maxDepth)
        return { ok: false, reason: "depth", item: index[1] as number, inner: depth > 2 ? (index[2] as number) : -1 };
      if (depth <= 2) {
        index[depth] = -1;
        expecting[depth] = true;
      }
    }
  }
  return { ok: true, items: (index[1] as number) + 1 };
}
