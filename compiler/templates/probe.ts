// The probe syntax.ts parses: a function holding exactly Eta's body for one template (text
// appends, `__r += __e(code)` for values, exec code verbatim) and nothing else, with a map from
// each character of tag code back to its template line and column (parse.ts, locate.ts).

import type { Diagnostic } from "../diagnostics.js";
import type { SourceLoc } from "../router/ir.js";
import { LineIndex } from "./locate.js";
import { parsePrefixes } from "./options.js";
import type { EtaTag, TemplateConfig, TemplateIR } from "./ir.js";

export interface SyntaxContext {
  config: TemplateConfig;
  /** Where functionHeader is written. */
  headerLoc: SourceLoc;
  /** What plugins get as `env`. */
  env: object;
}

export interface Segment {
  start: number;
  end: number;
  /** The tag, or null for the config's functionHeader. */
  node: EtaTag | null;
  /** Inside a call (`__e(code)`): its brackets must balance within the tag. */
  wrapped: boolean;
}

export interface Probe {
  text: string;
  segments: Segment[];
}

/** Eta's body for one template: `__r += '...'` for text, `__r += __e(code)` for values, exec code as is. */
export function buildProbe(t: TemplateIR, config: TemplateConfig): Probe {
  const it = config.varName ?? "it";
  let text = `async function __probe(${it}: any, options?: any) {\n`;
  const segments: Segment[] = [];
  const add = (before: string, code: string, after: string, node: EtaTag | null) => {
    text += before;
    segments.push({ start: text.length, end: text.length + code.length, node, wrapped: before.endsWith("(") });
    text += code + after;
  };
  if (config.functionHeader) add("", config.functionHeader, "\n", null);
  const [fo, fc] = config.autoFilter ? ["__f(", ")"] : ["", ""];
  const [eo, ec] = config.autoEscape === false ? ["", ""] : ["__e(", ")"];
  for (const node of t.ast) {
    if (typeof node === "string") {
      text += `__r += '${node}';\n`;
      continue;
    }
    if (node.t === "e") add("", node.val, "\n", node);
    else if (node.t === "i") add(`__r += ${eo}${fo}`, node.val, `${fc}${ec};\n`, node);
    else if (node.t === "r") add(`__r += ${fo}`, node.val, `${fc};\n`, node);
  }
  text += "}\n";
  return { text, segments };
}

/** Maps probe offsets to template (or config) locations. */
export class Where {
  private readonly lines: LineIndex;

  constructor(private readonly t: TemplateIR, private readonly probe: Probe, private readonly ctx: SyntaxContext) {
    this.lines = new LineIndex(t.text);
  }

  /** The segment an offset falls in (its end included: an error right after the code is the tag's), else the one before. */
  segmentAt(offset: number): Segment | undefined {
    let best: Segment | undefined;
    for (const s of this.probe.segments) if (s.start <= offset) best = s;
    return best;
  }

  loc(offset: number): SourceLoc {
    const s = this.segmentAt(offset);
    if (!s) return { file: this.t.source, line: 1, column: 1 };
    if (s.node === null) {
      const before = this.probe.text.slice(s.start, Math.max(offset, s.start)).split("\n");
      return { ...this.ctx.headerLoc, line: this.ctx.headerLoc.line + before.length - 1 };
    }
    const at = this.fileOffset(offset);
    return at === null ? { file: this.t.source, line: s.node.lineNo ?? 1, column: s.node.column ?? 1 } : { file: this.t.source, ...this.lines.at(at) };
  }

  /** The template line with a caret under the offset's column, as Eta's parse errors show it. */
  excerpt(offset: number): string {
    const at = this.fileOffset(offset);
    return at === null ? "" : `\n${this.lines.excerpt(at)}`;
  }

  /** The offset in the template's text, or null (the functionHeader, a tag a plugin made). */
  private fileOffset(offset: number): number | null {
    const s = this.segmentAt(offset);
    const code = s?.node ? this.t.parsed.tagCode.get(s.node) : undefined;
    if (!s || code === undefined) return null;
    const k = Math.min(Math.max(offset - s.start, 0), s.end - s.start);
    const origin = this.t.parsed.origin;
    return origin[Math.min(code + k, origin.length - 1)];
  }

  /** `<%= … %>` for a value tag, `<% … %>` for exec code, "templates.functionHeader" for the header. */
  describe(node: EtaTag | null, config: TemplateConfig): string {
    if (node === null) return "templates.functionHeader";
    const [open, close] = config.tags ?? ["<%", "%>"];
    const p = parsePrefixes(config);
    const prefix = node.t === "i" ? p.interpolate : node.t === "r" ? p.raw : p.exec;
    return `${open}${prefix ?? ""} … ${close}`;
  }
}

export function hintFor(node: EtaTag | null, config: TemplateConfig): string {
  const [open, close] = config.tags ?? ["<%", "%>"];
  const p = parsePrefixes(config);
  if (node === null) return "functionHeader is JavaScript put at the top of every render function";
  if (node.t === "e") return "tag code is JavaScript spliced into the render function in order: a block opened in one tag is closed in a later one";
  return `${open}${p.interpolate ?? ""} ${close} and ${open}${p.raw ?? ""} ${close} hold one expression; statements go in ${open}${p.exec ?? ""} ${close}`;
}

export function problem(message: string, offset: number, node: EtaTag | null, where: Where, config: TemplateConfig, hint = hintFor(node, config)): Diagnostic {
  return { code: "TEMPLATE_SYNTAX", severity: "error", message: message + where.excerpt(offset), loc: where.loc(offset), hint };
}

export function describeLoc(loc: SourceLoc): string {
  return `${loc.line}:${loc.column}`;
}
