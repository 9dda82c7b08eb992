// A minimal line writer: the emitters format their own output (two-space indent, one statement
// per line) so generated files are byte-identical everywhere, independent of any formatter.

/** Each depth's indentation, made once (a router edit writes ~40,000 indented lines). */
const INDENTS: string[] = [];

export class Code {
  private readonly lines: string[] = [];
  private depth = 0;

  line(text = ""): this {
    this.lines.push(text === "" ? "" : (INDENTS[this.depth] ??= "  ".repeat(this.depth)) + text);
    return this;
  }

  /** Writes `open`, runs `body` one level deeper, then writes `close`. */
  block(open: string, body: () => void, close = "}"): this {
    this.line(open);
    this.depth++;
    body();
    this.depth--;
    return this.line(close);
  }

  indent(body: () => void): this {
    this.depth++;
    body();
    this.depth--;
    return this;
  }

  /** Writes `text`, lines already formatted (another Code's toString without its last newline), at the top level. */
  chunk(text: string): this {
    if (this.depth !== 0) throw new Error("Code.chunk: only at the top level");
    this.lines.push(text);
    return this;
  }

  toString(): string {
    return this.lines.join("\n") + "\n";
  }
}

/** A JavaScript string literal for `s` (double quotes, JSON escaping, stable). */
export function str(s: string): string {
  const json = JSON.stringify(s);
  // Most literals hold neither separator: one scan instead of two replacements.
  return LINE_SEPARATORS.test(json) ? json.replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029") : json;
}

const LINE_SEPARATORS = /[\u2028\u2029]/;

/** `s` as a property key: bare when it is an identifier, quoted otherwise. */
export function key(s: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? s : str(s);
}
