// Pretty-prints JSON text by re-indenting it token by token: strings, numbers and literals are
// copied exactly as written, so 9007199254740993, a repeated key or 1e400 show as stored. Never
// JSON.parse-then-stringify here: that rounds big integers, drops repeated keys and nulls 1e400.

/** Where the JSON string starting at `from` (its opening quote) ends, just past the closing quote. */
function stringEnd(text: string, from: number): number {
  let i = from + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
  return i + 1;
}

const isSpace = (ch: string | undefined) => ch === " " || ch === "\t" || ch === "\n" || ch === "\r";

/** `text` (valid JSON) with each value on its own line, indented by `indent` per level; `{}` and `[]` stay short. */
export function indentJson(text: string, indent = "  "): string {
  let out = "";
  let depth = 0;
  const newline = () => `\n${indent.repeat(depth)}`;
  for (let i = 0; i < text.length; ) {
    const ch = text[i] as string;
    if (ch === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (isSpace(ch)) {
      i++;
    } else if (ch === "{" || ch === "[") {
      let j = i + 1;
      while (isSpace(text[j])) j++;
      if (text[j] === (ch === "{" ? "}" : "]")) {
        out += ch + text[j];
        i = j + 1;
        continue;
      }
      depth++;
      out += ch + newline();
      i++;
    } else if (ch === "}" || ch === "]") {
      depth--;
      out += newline() + ch;
      i++;
    } else {
      out += ch === "," ? `,${newline()}` : ch === ":" ? ": " : ch;
      i++;
    }
  }
  return out;
}
