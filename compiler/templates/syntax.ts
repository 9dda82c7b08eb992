// Build-time JavaScript checks of template code, with TypeScript's scanner and parser. Tag code
// is spliced into the render function as text, so it can only be parsed as a whole; but the
// generated function wraps it (a try/catch, helpers), and an error found in that wrapper reads
// as nonsense ("'try' expected" for an extra `}`). So each template is checked in a *probe*: a
// function holding exactly Eta's body (text appends, `__r += __e(code)`, exec code verbatim)
// and nothing else, in which every character of tag code maps back to its template line and
// column (parse.ts/locate.ts):
//
// 1. brackets first: `{ ( [` and `${` are matched across the template's exec tags (and within
//    each `<%= %>` tag), so a missing or extra `}` is reported at the brace itself;
// 2. then the probe is parsed, and each error is placed in the tag it falls in.
//
// A template whose probe is clean can still break the module (a processFnString plugin, the
// config's functionHeader): the whole module is parsed last, as before, with originOf.
//
// Also here: `await` found as the parser sees it (not in strings, comments or nested functions).

import { ts } from "ts-morph";
import type { Diagnostic } from "../diagnostics.js";
import type { SourceLoc } from "../router/ir.js";
import { LineIndex } from "./locate.js";
import { parsePrefixes } from "./options.js";
import type { EtaAst, EtaTag, TemplateConfig, TemplateIR } from "./ir.js";

const ORIGIN = /\/\/ (\S+):(\d+)$/;
const HEADER = /^\/\/ (\S+)$/;

interface Segment {
  start: number;
  end: number;
  /** The tag, or null for the config's functionHeader. */
  node: EtaTag | null;
  /** Inside a call (`__e(code)`): its brackets must balance within the tag. */
  wrapped: boolean;
}

interface Probe {
  text: string;
  segments: Segment[];
}

export interface SyntaxContext {
  config: TemplateConfig;
  /** Where functionHeader is written. */
  headerLoc: SourceLoc;
  /** What plugins get as `env`. */
  env: object;
}

/** Syntax errors in the templates' code, each at its template line and column. */
export function templateSyntaxErrors(templates: readonly TemplateIR[], ctx: SyntaxContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const t of templates) {
    const probe = buildProbe(t, ctx.config);
    // Eta parses the code *after* processFnString (a plugin may turn `@@num@@` into code). When
    // one changes this template's code, its offsets are gone: the module check decides (originOf).
    if (rewrittenByPlugins(probe, ctx)) continue;
    const where = new Where(t, probe, ctx);
    const found = bracketErrors(probe, where, ctx.config) ?? parseErrors(probe, where, ctx.config);
    for (const d of found) {
      // The functionHeader is in every template: report it once.
      const key = `${d.loc.file}:${d.loc.line}:${d.message}`;
      if (!seen.has(key)) (seen.add(key), out.push(d));
    }
  }
  return out;
}

/** Eta's body for one template: `__r += '...'` for text, `__r += __e(code)` for values, exec code as is. */
function buildProbe(t: TemplateIR, config: TemplateConfig): Probe {
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

function rewrittenByPlugins(probe: Probe, ctx: SyntaxContext): boolean {
  const plugins = (ctx.config.plugins ?? []).filter((p) => p.processFnString);
  if (!plugins.length) return false;
  const start = probe.text.indexOf("{\n") + 2;
  const body = probe.text.slice(start, probe.text.length - 2);
  let next = body;
  for (const p of plugins) {
    try {
      const r = p.processFnString!(next, ctx.env);
      if (typeof r === "string") next = r;
    } catch {
      // Reported by the emitter, which runs the plugin on the real function.
    }
  }
  return next !== body;
}

/** Maps probe offsets to template (or config) locations. */
class Where {
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

function hintFor(node: EtaTag | null, config: TemplateConfig): string {
  const [open, close] = config.tags ?? ["<%", "%>"];
  const p = parsePrefixes(config);
  if (node === null) return "functionHeader is JavaScript put at the top of every render function";
  if (node.t === "e") return "tag code is JavaScript spliced into the render function in order: a block opened in one tag is closed in a later one";
  return `${open}${p.interpolate ?? ""} ${close} and ${open}${p.raw ?? ""} ${close} hold one expression; statements go in ${open}${p.exec ?? ""} ${close}`;
}

const OPENERS: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.OpenBraceToken]: "{",
  [ts.SyntaxKind.OpenParenToken]: "(",
  [ts.SyntaxKind.OpenBracketToken]: "[",
};
const CLOSERS: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.CloseBraceToken]: "}",
  [ts.SyntaxKind.CloseParenToken]: ")",
  [ts.SyntaxKind.CloseBracketToken]: "]",
};
const PAIR: Record<string, string> = { "{": "}", "(": ")", "[": "]", "${": "}" };

/** After these a `/` divides; after anything else it starts a regular expression. */
const ENDS_EXPRESSION = new Set([
  ts.SyntaxKind.Identifier, ts.SyntaxKind.NumericLiteral, ts.SyntaxKind.BigIntLiteral, ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral, ts.SyntaxKind.TemplateTail, ts.SyntaxKind.RegularExpressionLiteral,
  ts.SyntaxKind.CloseParenToken, ts.SyntaxKind.CloseBracketToken, ts.SyntaxKind.CloseBraceToken,
  ts.SyntaxKind.ThisKeyword, ts.SyntaxKind.SuperKeyword, ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword,
  ts.SyntaxKind.NullKeyword, ts.SyntaxKind.PlusPlusToken, ts.SyntaxKind.MinusMinusToken,
]);

interface Open {
  bracket: string;
  offset: number;
  node: EtaTag | null;
  /** Opened in a tag that must balance by itself. */
  own: boolean;
}

/**
 * Unbalanced brackets, or null when every bracket is matched. Tags share one stack, since a
 * block spans tags (even `<%~ include("@w", { body: capture(() => { %>...<% }) }) %>`, as in
 * Eta's tests); a tag whose code sits inside a call (`__e(code)`) and the functionHeader must
 * each balance on their own.
 */
function bracketErrors(probe: Probe, where: Where, config: TemplateConfig): Diagnostic[] | null {
  const shared: Open[] = [];
  for (const s of probe.segments) {
    const own = s.node === null || s.wrapped;
    const stack = own ? [] : shared;
    const problem = scanBrackets(probe.text, s, stack);
    if (problem) return [problem(where, config)];
    if (own && stack.length) return [unclosed(stack[stack.length - 1], where, config)];
  }
  return shared.length ? [unclosed(shared[shared.length - 1], where, config)] : null;
}

type Problem = (where: Where, config: TemplateConfig) => Diagnostic;

function scanBrackets(text: string, s: Segment, stack: Open[]): Problem | null {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text, undefined, s.start, s.end - s.start);
  let previous = ts.SyntaxKind.Unknown;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    const at = scanner.getTokenStart();
    if ((kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) && !ENDS_EXPRESSION.has(previous)) kind = scanner.reScanSlashToken();
    if (kind === ts.SyntaxKind.CloseBraceToken && stack.at(-1)?.bracket === "${") {
      kind = scanner.reScanTemplateToken(false);
      if (kind === ts.SyntaxKind.TemplateTail) stack.pop();
    } else if (kind === ts.SyntaxKind.TemplateHead) {
      stack.push({ bracket: "${", offset: at, node: s.node, own: s.wrapped || s.node === null });
    } else if (OPENERS[kind]) {
      stack.push({ bracket: OPENERS[kind]!, offset: at, node: s.node, own: s.wrapped || s.node === null });
    } else if (CLOSERS[kind]) {
      const bracket = CLOSERS[kind]!;
      const open = stack.pop();
      if (!open) return (where, config) => problem(`\`${bracket}\` closes nothing: no bracket is open here`, at, s.node, where, config, `an extra ${bracket}, or the tag that opens it is missing or comes later`);
      if (PAIR[open.bracket] !== bracket) {
        return (where, config) => ({
          ...problem(`\`${bracket}\` where \`${PAIR[open.bracket]}\` was expected: the \`${open.bracket}\` at ${describeLoc(where.loc(open.offset))} is still open`, at, s.node, where, config),
          related: [{ message: `\`${open.bracket}\` opened here`, loc: where.loc(open.offset) }],
        });
      }
    }
    previous = kind;
  }
  return null;
}

function unclosed(open: Open, where: Where, config: TemplateConfig): Diagnostic {
  const [o, c] = config.tags ?? ["<%", "%>"];
  const close = PAIR[open.bracket];
  return problem(
    `\`${open.bracket}\` is never closed`,
    open.offset,
    open.node,
    where,
    config,
    !open.own ? `close it in a later tag: ${o}${parsePrefixes(config).exec ?? ""} ${close} ${c}` : open.node === null ? undefined : `${where.describe(open.node, config)} holds one expression: close it within the same tag`,
  );
}

function problem(message: string, offset: number, node: EtaTag | null, where: Where, config: TemplateConfig, hint = hintFor(node, config)): Diagnostic {
  return { code: "TEMPLATE_SYNTAX", severity: "error", message: message + where.excerpt(offset), loc: where.loc(offset), hint };
}

function describeLoc(loc: SourceLoc): string {
  return `${loc.line}:${loc.column}`;
}

/** TypeScript's parse errors in the probe, each in the tag it falls in (one per template line). */
function parseErrors(probe: Probe, where: Where, config: TemplateConfig): Diagnostic[] {
  const sf = ts.createSourceFile("probe.ts", probe.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const parseDiagnostics = (sf as unknown as { parseDiagnostics: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const out: Diagnostic[] = [];
  const lines = new Set<number>();
  for (const d of parseDiagnostics) {
    const segment = where.segmentAt(d.start);
    const node = segment?.node ?? null;
    // `__e(it.x // note)`: the comment swallows the closing parenthesis the code is wrapped in
    // (in Eta too). Said as such, at the comment, rather than as the "',' expected" it causes.
    const comment = segment?.wrapped ? lineComment(segment, probe.text) : null;
    const at = comment ?? d.start;
    const loc = where.loc(at);
    if (lines.has(loc.line)) continue; // the rest of a line cascades from its first error
    lines.add(loc.line);
    const tag = where.describe(node, config);
    const message = comment !== null
      ? `a // comment in ${tag} comments out the closing parenthesis its value is wrapped in`
      : `${ts.flattenDiagnosticMessageText(d.messageText, " ").replace(/\.$/, "")} in the code of ${tag}`;
    const hint = comment !== null ? "use a /* */ comment, or move the comment into a tag of its own (Eta fails the same way)" : hintFor(node, config);
    out.push({ code: "TEMPLATE_SYNTAX", severity: "error", message: message + where.excerpt(at), loc, hint });
  }
  return out;
}

/** Where a `//` comment starts in the segment's code, or null. */
function lineComment(s: Segment, text: string): number | null {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text, undefined, s.start, s.end - s.start);
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.SingleLineCommentTrivia) return scanner.getTokenStart();
  }
  return null;
}

/** Syntax errors in the generated module itself, each at the template line it comes from (see the top). */
export function moduleSyntaxErrors(moduleText: string): Diagnostic[] {
  const sf = ts.createSourceFile("templates.gen.ts", moduleText, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const parseDiagnostics = (sf as unknown as { parseDiagnostics: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const lines = moduleText.split("\n");
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of parseDiagnostics) {
    const { line } = sf.getLineAndCharacterOfPosition(d.start);
    const loc = originOf(lines, line);
    const key = `${loc.file}:${loc.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      code: "TEMPLATE_SYNTAX",
      severity: "error",
      message: `${ts.flattenDiagnosticMessageText(d.messageText, " ")} in the generated render function (templates.gen.ts line ${line + 1})`,
      loc,
      hint: "the template's own code parses: a plugin's processFnString or the config's functionHeader made the generated code invalid",
    });
  }
  return out;
}

/**
 * The template line a line of templates.gen.ts (0-based index) belongs to: its own trailing
 * `// <template>:<line>` comment, or the nearest one above. Shared by the syntax and type checks.
 */
export function originOf(lines: string[], index: number): Diagnostic["loc"] {
  for (let i = index; i >= 0; i--) {
    const m = ORIGIN.exec(lines[i]);
    if (m) return { file: m[1], line: Number(m[2]), column: 1 };
    const h = HEADER.exec(lines[i]);
    if (h && h[1].includes("/")) return { file: h[1], line: 1, column: 1 };
  }
  return { file: "templates.gen.ts", line: index + 1, column: 1 };
}

/** Does the template's own code `await` (outside nested functions), so it must be async? */
export function usesAwait(ast: EtaAst): boolean {
  const body = ast
    .map((n) => (typeof n === "string" ? "" : n.t === "e" ? n.val : `(${n.val});`))
    .join("\n");
  if (!/\bawait\b/.test(body)) return false;
  const sf = ts.createSourceFile("probe.ts", `async function __probe() {\n${body}\n}`, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const probe = sf.statements[0];
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    const isAwait = ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier !== undefined);
    if (isAwait && nearestFunction(node) === probe) found = true;
    ts.forEachChild(node, visit);
  };
  visit(probe);
  return found;
}

function nearestFunction(node: ts.Node): ts.Node | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n;
  return undefined;
}
