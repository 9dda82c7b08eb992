// Where things are in a template file. Eta's parser gives no positions (only a tag's line,
// with `debug`, counted in the text *after* rmWhitespace), so this module re-runs Eta's own
// tag scan with the same regular expressions (eta 4.6 src/parse.ts) and keeps offsets, and
// replays rmWhitespace with a map back to the file. Eta's AST stays the authority for what a
// tag contains; these offsets only say where it is (compiler/build/templates.ts pairs the two and drops a
// position when they disagree, e.g. a node a processAST plugin added).

/** Text and, for each of its offsets (and its end), the offset in the source it came from. */
export interface MappedText {
  text: string;
  origin: number[];
}

export function identity(text: string): MappedText {
  // A plain loop: Array.from with a callback was 3% of a rebuild of 500 templates (bench:build --profile).
  const origin = new Array<number>(text.length + 1);
  for (let i = 0; i <= text.length; i++) origin[i] = i;
  return { text, origin };
}

/** `text.replace(re, replacement)`, remembering where each character of the result came from. */
function replaceTracked(src: MappedText, re: RegExp, replacement: string): MappedText {
  const out: string[] = [];
  const origin: number[] = [];
  let last = 0;
  for (const m of src.text.matchAll(re)) {
    for (let i = last; i < m.index; i++) (out.push(src.text[i]), origin.push(src.origin[i]));
    for (const ch of replacement) (out.push(ch), origin.push(src.origin[m.index]));
    last = m.index + m[0].length;
  }
  for (let i = last; i < src.text.length; i++) (out.push(src.text[i]), origin.push(src.origin[i]));
  origin.push(src.origin[src.text.length]);
  return { text: out.join(""), origin };
}

/** Eta's rmWhitespace (the same two replacements), mapped back to the text it was given. */
export function removeWhitespace(text: string): MappedText {
  return replaceTracked(replaceTracked(identity(text), /[\r\n]+/g, "\n"), /^\s+|\s+$/gm, "");
}

/** A tag as Eta's scan finds it: its type (Eta's `t`), its code, and offsets in the scanned text. */
export interface TagPosition {
  t: string;
  val: string;
  /** Where the opening tag starts (Eta counts the tag's line from here). */
  open: number;
  /** Where the code (`val`) starts. */
  code: number;
}

/** The part of Eta's (merged) config the scan reads. */
export interface ScanConfig {
  tags: [string, string];
  parse: { exec?: string; interpolate?: string; raw?: string };
  customTags: Record<string, unknown>;
}

const TEMPLATE_LITERAL = /`(?:\\[\s\S]|\${(?:[^{}]|{(?:[^{}]|{[^}]*})*})*}|(?!\${)[^\\`])*`/g;
const SINGLE_QUOTED = /'(?:\\[\s\w"'\\`]|[^\n\r'\\])*?'/g;
const DOUBLE_QUOTED = /"(?:\\[\s\w"'\\`]|[^\n\r"\\])*?"/g;
const escapeRegExp = (s: string) => s.replace(/[.*+\-?^${}()|[\]\\]/g, "\\$&");

/**
 * Every tag of `text`, in order, found exactly as Eta's parse loop finds them. Runs only on text
 * Eta parsed without an error, so an unclosed string or comment cannot happen here.
 */
export function locateTags(text: string, config: ScanConfig): TagPosition[] {
  const p = config.parse;
  const custom = Object.keys(config.customTags);
  const prefixes = [p.exec, p.interpolate, p.raw, ...custom].reduce<string>((acc, x) => (acc && x ? acc + "|" + escapeRegExp(x) : x ? escapeRegExp(x) : acc), "");
  const open = new RegExp(escapeRegExp(config.tags[0]) + "(-|_)?\\s*(" + prefixes + ")?\\s*", "g");
  const close = new RegExp("'|\"|`|\\/\\*|(\\s*(-|_)?" + escapeRegExp(config.tags[1]) + ")", "g");
  const out: TagPosition[] = [];
  let m: RegExpExecArray | null;
  while ((m = open.exec(text))) {
    const code = m.index + m[0].length;
    const prefix = m[2] || "";
    close.lastIndex = code;
    let c: RegExpExecArray | null;
    let found = false;
    while ((c = close.exec(text))) {
      if (c[1]) {
        const t = prefix === p.exec ? "e" : prefix === p.raw ? "r" : prefix === p.interpolate ? "i" : custom.includes(prefix) ? prefix : "";
        out.push({ t, val: text.slice(code, c.index), open: m.index, code });
        open.lastIndex = close.lastIndex;
        found = true;
        break;
      }
      const skip = c[0] === "/*" ? null : c[0] === "'" ? SINGLE_QUOTED : c[0] === '"' ? DOUBLE_QUOTED : TEMPLATE_LITERAL;
      if (skip === null) {
        const end = text.indexOf("*/", close.lastIndex);
        if (end === -1) return out;
        close.lastIndex = end;
      } else {
        skip.lastIndex = c.index;
        if (!skip.exec(text)) return out;
        close.lastIndex = skip.lastIndex;
      }
    }
    if (!found) return out;
  }
  return out;
}

/** Line and column (1-based) of offsets in a text, lines broken at CRLF, CR or LF as editors do. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (const m of text.matchAll(/\r\n|\r|\n/g)) this.starts.push(m.index + m[0].length);
  }

  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }

  /** The text of a line (1-based), without its line break. */
  lineText(line: number): string {
    const start = this.starts[line - 1] ?? this.text.length;
    const end = line < this.starts.length ? this.starts[line] : this.text.length;
    return this.text.slice(start, end).replace(/\r?\n$|\r$/, "");
  }

  /**
   * Eta's excerpt: the line, then a caret under the column. Tabs before the column are kept in
   * the caret line, so the caret lines up in a terminal (Eta pads with spaces only).
   */
  excerpt(offset: number): string {
    const { line, column } = this.at(offset);
    const text = this.lineText(line);
    return `  ${text}\n  ${text.slice(0, column - 1).replace(/[^\t]/g, " ")}^`;
  }
}

/** The offset in `text` of Eta's "line L col C" (Eta counts lines at "\n" only). */
export function offsetOfEtaPosition(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf("\n", offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + column - 1, text.length);
}
