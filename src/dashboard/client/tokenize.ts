// Splits a console command line into Redis arguments, like redis-cli: whitespace separates,
// "double" and 'single' quotes group, and a backslash escapes inside double quotes. Pure.

export type Tokens = { ok: true; args: string[] } | { ok: false; message: string };

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", '"': '"' };

export function tokenize(line: string): Tokens {
  const args: string[] = [];
  let current = "";
  let quote = "";
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] ?? "";
    if (quote === '"' && ch === "\\" && i + 1 < line.length) {
      const next = line[++i] ?? "";
      current += ESCAPES[next] ?? next;
    } else if (quote) {
      if (ch === quote) quote = "";
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) args.push(current);
      current = "";
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (quote) return { ok: false, message: `A ${quote === '"' ? "double" : "single"}-quoted argument is not closed.` };
  if (started) args.push(current);
  return { ok: true, args };
}

/** Quotes an argument for display so that tokenize() reads it back unchanged. */
export function quoteArg(arg: string): string {
  if (arg !== "" && !/[\s"'\\]/.test(arg)) return arg;
  return `"${arg
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/\n/g, "\\n")
    .replace(/\t/g, "\\t")
    .replace(/\r/g, "\\r")}"`;
}
