// A byte-level count of a JSON reply's array elements before JSON.parse builds anything from it,
// so an upstream's reply is held to the instance's element limit as the redis driver holds RESP.
// Pure; it does not validate JSON (JSON.parse does, afterwards).

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_ARRAY = 91;
const OPEN_OBJECT = 123;
const CLOSE_ARRAY = 93;
const CLOSE_OBJECT = 125;
const COLON = 58;
const WHITESPACE = new Set([32, 9, 10, 13]);

/** Deeper than any reply a client could use; JSON.parse itself would run out of stack long before. */
export const MAX_REPLY_DEPTH = 512;

/**
 * The values that start directly inside a JSON array, summed over every array of `body`: what the
 * redis driver counts at each RESP array header. `batch`: the top-level array is a pipeline's or
 * transaction's list of items, which does not count. Stops once past `max` (returning more than
 * it), and a body nested deeper than MAX_REPLY_DEPTH counts as past it.
 */
export function jsonArrayElements(body: Uint8Array, batch: boolean, max: number): number {
  // Whether each open container is an array; a value may start next when `expecting`.
  const arrays: boolean[] = [];
  let expecting = false;
  let inString = false;
  let escaped = false;
  let count = 0;
  for (let i = 0; i < body.byteLength; i++) {
    const b = body[i] as number;
    if (inString) {
      if (escaped) escaped = false;
      else if (b === BACKSLASH) escaped = true;
      else if (b === QUOTE) inString = false;
      continue;
    }
    if (WHITESPACE.has(b) || b === COLON) continue;
    if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
      arrays.pop();
      expecting = false;
      continue;
    }
    if (b === COMMA) {
      expecting = arrays.at(-1) === true;
      continue;
    }
    if (expecting) {
      expecting = false;
      if (!(batch && arrays.length === 1) && ++count > max) return count;
    }
    if (b === QUOTE) inString = true;
    else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      if (arrays.push(b === OPEN_ARRAY) > MAX_REPLY_DEPTH) return max + 1;
      expecting = b === OPEN_ARRAY;
    }
  }
  return count;
}
