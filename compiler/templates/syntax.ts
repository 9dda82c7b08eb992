// Build-time JavaScript checks of template code, with TypeScript's scanner and parser. Tag code
// is spliced into the render function as text, so it can only be parsed as a whole; but the
// generated function wraps it (a try/catch, helpers), and an error found in that wrapper reads
// as nonsense ("'try' expected" for an extra `}`). So each template is checked in a *probe*: a
// function holding exactly Eta's body (text appends, `__r += __e(code)`, exec code verbatim)
// and nothing else, in which every character of tag code maps back to its template line and
// column (probe.ts):
//
// 1. brackets first (brackets.ts): `{ ( [` and `${` are matched across the template's tags, so
//    a missing or extra `}` is reported at the brace itself;
// 2. then the probe is parsed, and each error is placed in the tag it falls in.
//
// A template whose probe is clean can still break the module (a processFnString plugin, the
// config's functionHeader): the whole module is parsed last, as before, with originOf.
//
// Also here: `await` found as the parser sees it (not in strings, comments or nested functions).

import { ts } from "ts-morph";
import type { Diagnostic } from "../diagnostics.js";
import { bracketErrors } from "./brackets.js";
import { buildProbe, hintFor, Where, type Probe, type Segment, type SyntaxContext } from "./probe.js";
import type { EtaAst, TemplateConfig, TemplateIR } from "./ir.js";

export type { SyntaxContext };

const ORIGIN = /\/\/ (\S+):(\d+)$/;
const HEADER = /^\/\/ (\S+)$/;

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

/** TypeScript's parse errors in the probe, each in the tag it falls in (one per template line). */
function parseErrors(probe: Probe, where: Where, config: TemplateConfig): Diagnostic[] {
  const parseDiagnostics = probeParseErrors(probe.text);
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

// A rebuild after one template edit parses the same 499 other probes again: their parse errors
// (none, mostly) are kept by text, which alone decides them. Bounded, since a dev server lives long.
const PROBE_CACHE_LIMIT = 10_000;
const probeCache = new Map<string, ProbeError[]>();
type ProbeError = Pick<ts.DiagnosticWithLocation, "start" | "messageText">;

function probeParseErrors(text: string): ProbeError[] {
  const cached = probeCache.get(text);
  if (cached) return cached;
  // No parent pointers: only the parse diagnostics are read.
  const sf = ts.createSourceFile("probe.ts", text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found = ((sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? []).map((d) => ({ start: d.start, messageText: d.messageText }));
  if (probeCache.size >= PROBE_CACHE_LIMIT) probeCache.clear();
  probeCache.set(text, found);
  return found;
}

/** Where a `//` comment starts in the segment's code, or null. */
function lineComment(s: Segment, text: string): number | null {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text, undefined, s.start, s.end - s.start);
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.SingleLineCommentTrivia) return scanner.getTokenStart();
  }
  return null;
}

/** Syntax errors in a generated templates module itself (`file`, for the message), each at the template line it comes from (see the top). */
export function moduleSyntaxErrors(file: string, moduleText: string): Diagnostic[] {
  const sf = parseModule(file, moduleText);
  const parseDiagnostics = (sf as unknown as { parseDiagnostics: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const lines = moduleText.split("\n");
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of parseDiagnostics) {
    const { line } = sf.getLineAndCharacterOfPosition(d.start);
    const loc = originOf(lines, line, file);
    const key = `${loc.file}:${loc.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      code: "TEMPLATE_SYNTAX",
      severity: "error",
      message: `${ts.flattenDiagnosticMessageText(d.messageText, " ")} in the generated render function (${file.slice(file.lastIndexOf("/") + 1)} line ${line + 1})`,
      loc,
      hint: "the template's own code parses: a plugin's processFnString or the config's functionHeader made the generated code invalid",
    });
  }
  return out;
}

// The last text parsed of each module (each template has its own). An edit to one template
// changes its module only: the others are the same text and their parse is reused; the edited
// one goes through TypeScript's incremental parser (what editors run on every keystroke), which
// reparses the changed range and reuses the rest.
const lastModules = new Map<string, { text: string; sf: ts.SourceFile }>();

function parseModule(file: string, text: string): ts.SourceFile {
  const previous = lastModules.get(file);
  let sf: ts.SourceFile;
  if (previous === undefined) {
    sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  } else if (previous.text === text) {
    sf = previous.sf;
  } else {
    const old = previous.text;
    let start = 0;
    const shorter = Math.min(old.length, text.length);
    while (start < shorter && old.charCodeAt(start) === text.charCodeAt(start)) start++;
    let oldEnd = old.length;
    let newEnd = text.length;
    while (oldEnd > start && newEnd > start && old.charCodeAt(oldEnd - 1) === text.charCodeAt(newEnd - 1)) oldEnd--, newEnd--;
    sf = ts.updateSourceFile(previous.sf, text, { span: { start, length: oldEnd - start }, newLength: newEnd - start });
  }
  lastModules.set(file, { text, sf });
  return sf;
}

/**
 * The template line a line of templates.gen.ts (0-based index) belongs to: its own trailing
 * `// <template>:<line>` comment, or the nearest one above. Shared by the syntax and type checks.
 */
export function originOf(lines: string[], index: number, file = "templates.gen.ts"): Diagnostic["loc"] {
  for (let i = index; i >= 0; i--) {
    const m = ORIGIN.exec(lines[i]);
    if (m) return { file: m[1], line: Number(m[2]), column: 1 };
    const h = HEADER.exec(lines[i]);
    if (h && h[1].includes("/")) return { file: h[1], line: 1, column: 1 };
  }
  return { file, line: index + 1, column: 1 };
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
