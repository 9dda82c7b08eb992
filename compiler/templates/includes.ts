// Includes verified at build (issue 14): an `include`, `includeAsync` or `layout` whose name is
// a string literal resolves now, against the table of templates, exactly as the runtime will
// (runtime/templates/registry.ts `resolve`: relative to the including template, a leading "/"
// from the root, `@name`, the default extension added to a name with none, nothing outside the
// root), or it is a TEMPLATE_NOT_FOUND diagnostic at the literal with the nearest names.
//
// Phoenix names templates without the engine's extension (`render("show.html")`), so when Eta's
// rule finds no file, two more are tried, here only (at run time nothing is guessed):
//   - the name plus ".eta" (`./_row.html` → `_row.html.eta`);
//   - for a name with no extension at all, the one template `name.<format>.eta`
//     (`./_row` → `_row.html.eta`); two formats are TEMPLATE_AMBIGUOUS.
// The literal is then rewritten to the file's name (`"./_row.html"` → `"./_row.html.eta"`), so
// the runtime's resolution, and the emitter's direct calls (compiler/emit/templates/render.ts), find it.
//
// Calls are found as TypeScript parses them, in each template's probe (probe.ts: Eta's body with
// every character of tag code mapped to its template line and column): a method `x.include(...)`,
// a name in a string or a comment, or a name that is not a literal is not a call site. Relative
// names in a named template (`@card`) resolve from whoever includes it, so only its "/" and "@"
// names can be checked here; the rest stay for the runtime, as every dynamic name does.

import { posix } from "node:path";
import { ts } from "ts-morph";
import type { Diagnostic } from "../diagnostics.js";
import { nearest } from "../_suggest.js";
import { TemplateRegistry } from "../../runtime/templates/registry.js";
import { buildProbe, Where, type Probe } from "./probe.js";
import type { EtaTag, TemplateConfig, TemplateIR } from "./ir.js";

const CALLEES = new Set(["include", "includeAsync", "layout"]);
const MENTIONS = /(?<![\w$.])(?:include|includeAsync|layout)\s*\(/;

/** A call with a literal name: the literal's range in its tag's code, and its value. */
export interface IncludeSite {
  callee: string;
  node: EtaTag;
  start: number;
  end: number;
  /** The literal as written, quotes included. */
  literal: string;
  name: string;
  /** Offset of the literal in the probe, for its location. */
  at: number;
  /** The whole call's range in its tag's code, or null when it leaves the tag (a slot in its data). */
  call: { start: number; end: number } | null;
  /** Its data argument as include-data.ts can pass it on (see `IncludeData`). */
  data: IncludeData;
}

/**
 * An include's data, as the call writes it: none (`include("x")`), an object literal of plain
 * `key: value` / `key` members whose keys are therefore known here (`insertAt`: where, in the
 * tag's code, after its last member, more members can be written), or anything else (null).
 */
export type IncludeData = { keys: string[]; start: number; end: number; insertAt: number } | "none" | null;

export type Resolution =
  | { ok: true; file: string; rewrite: string | null }
  | { ok: false; kind: "missing" | "outside"; looked: string | null }
  | { ok: false; kind: "ambiguous"; candidates: string[] };

export interface IncludeContext {
  config: TemplateConfig;
  /** The templates folder, relative to the project root (`app/templates`), for messages. */
  templatesDir: string;
  /** Every template's registry key, when `templates` are some of them (default: theirs). */
  table?: ReadonlySet<string>;
}

/**
 * Checks every literal include of every template; a name found only by the Phoenix-style rules is
 * rewritten in the tag code (in place: the node keeps its identity and its position).
 */
export function checkIncludes(templates: readonly TemplateIR[], ctx: IncludeContext): Diagnostic[] {
  const ext = ctx.config.defaultExtension ?? ".eta";
  const table = ctx.table ?? new Set(templates.map((t) => t.file));
  const out: Diagnostic[] = [];
  for (const t of templates) {
    const sites = includeSites(t, ctx.config);
    // Right to left, so a rewrite leaves the offsets of the sites before it in the tag alone.
    for (const site of [...sites].reverse()) {
      // A named template's relative names depend on its includer: the runtime resolves them.
      if (t.named && !/^[@/]/.test(site.name)) continue;
      const r = resolveInclude(site.name, t.named ? null : t.file, table, ext);
      if (r.ok) {
        if (r.rewrite !== null) rewrite(site, r.rewrite);
        continue;
      }
      out.push(diagnose(site, r, t, table, ctx, ext));
    }
  }
  return out.reverse();
}

/** The call sites with a literal name in a template's tag code, in source order. */
export function includeSites(t: TemplateIR, config: TemplateConfig): IncludeSite[] {
  if (!t.ast.some((n) => typeof n !== "string" && MENTIONS.test(n.val))) return [];
  const probe = buildProbe(t, config);
  return callsIn(probe).flatMap((c) => {
    const node = probe.segments[c.segment].node;
    return node ? [{ ...c, node }] : [];
  });
}

type Call = Omit<IncludeSite, "node"> & { segment: number };

// A rebuild after one edit parses the probes of every other template again: their calls are
// kept by probe text, which alone decides them (bounded, as syntax.ts's cache: a dev server lives long).
const CALLS_CACHE_LIMIT = 10_000;
const callsCache = new Map<string, Call[]>();

function callsIn(probe: Probe): Call[] {
  const { text } = probe;
  const cached = callsCache.get(text);
  if (cached) return cached;
  const sf = ts.createSourceFile("probe.ts", text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: Call[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && CALLEES.has(node.expression.text)) {
      const arg = node.arguments[0];
      if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) {
        const start = arg.getStart(sf);
        const end = arg.getEnd();
        // Within one tag's code (not the functionHeader's): where the literal can be rewritten.
        const index = probe.segments.findIndex((s) => s.node && s.start <= start && end <= s.end);
        const segment = probe.segments[index];
        if (segment) {
          const callStart = node.getStart(sf), callEnd = node.getEnd();
          const call = segment.start <= callStart && callEnd <= segment.end ? { start: callStart - segment.start, end: callEnd - segment.start } : null;
          const data = node.arguments.length === 1 ? "none" : node.arguments.length === 2 ? literalData(node.arguments[1], sf, segment.start) : null;
          out.push({ callee: node.expression.text, segment: index, start: start - segment.start, end: end - segment.start, literal: text.slice(start, end), name: arg.text, at: start, call, data });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (callsCache.size >= CALLS_CACHE_LIMIT) callsCache.clear();
  callsCache.set(text, out);
  return out;
}

/**
 * The keys of an object literal whose members are only `key: value` and `key` with a static key
 * (an identifier or a string literal; not `__proto__`, which sets the prototype), else null:
 * a spread, a computed key, a method or an accessor could give keys only the run knows.
 */
function literalData(arg: ts.Expression, sf: ts.SourceFile, offset: number): IncludeData {
  if (!ts.isObjectLiteralExpression(arg)) return null;
  const keys: string[] = [];
  for (const p of arg.properties) {
    if (ts.isShorthandPropertyAssignment(p) && !p.objectAssignmentInitializer) keys.push(p.name.text);
    else if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) keys.push(p.name.text);
    else return null;
  }
  if (keys.includes("__proto__") || new Set(keys).size !== keys.length) return null;
  const last = arg.properties[arg.properties.length - 1];
  const start = arg.getStart(sf);
  return { keys, start: start - offset, end: arg.getEnd() - offset, insertAt: (last ? last.getEnd() : start + 1) - offset };
}

/**
 * What `name`, included from `from` (a template file; null: from the root), means: the runtime's
 * resolution, then the Phoenix-style names (see the top). `rewrite` is the name to write instead,
 * when the runtime would not find the file by the one written.
 */
export function resolveInclude(name: string, from: string | null, table: ReadonlySet<string>, ext: string): Resolution {
  const registry = new TemplateRegistry(ext);
  if (name.startsWith("@")) return table.has(name) ? { ok: true, file: name, rewrite: null } : { ok: false, kind: "missing", looked: null };
  const resolve = (n: string): string | null => {
    try {
      return registry.resolve(n, from);
    } catch {
      return null;
    }
  };
  const file = resolve(name);
  if (file === null) return { ok: false, kind: "outside", looked: null };
  if (table.has(file)) return { ok: true, file, rewrite: null };
  // Eta refuses a file whose path under the root starts with ".." (`./..x` at the root): the
  // runtime's table holds it, so the guesses must not find it either.
  const fits = (f: string | null): f is string => f !== null && table.has(f) && !f.startsWith("..");
  if (!name.endsWith(".eta")) {
    const withEta = resolve(name + ".eta");
    if (fits(withEta)) return { ok: true, file: withEta, rewrite: name + ".eta" };
  }
  if (posix.extname(name) === "") {
    const base = file.slice(0, file.length - ext.length) + ".";
    const formats = [...table].filter((f) => fits(f) && f.startsWith(base) && /^[^./]+\.eta$/.test(f.slice(base.length))).sort();
    if (formats.length === 1) return { ok: true, file: formats[0], rewrite: name + formats[0].slice(base.length - 1) };
    if (formats.length > 1) return { ok: false, kind: "ambiguous", candidates: formats };
  }
  return { ok: false, kind: "missing", looked: file };
}

function rewrite(site: IncludeSite, name: string): void {
  const q = site.literal[0];
  const plain = site.literal === q + site.name + q && !name.includes(q) && !name.includes("\\");
  const literal = plain ? q + name + q : JSON.stringify(name);
  site.node.val = site.node.val.slice(0, site.start) + literal + site.node.val.slice(site.end);
}

function diagnose(site: IncludeSite, r: Exclude<Resolution, { ok: true }>, t: TemplateIR, table: ReadonlySet<string>, ctx: IncludeContext, ext: string): Diagnostic {
  const where = new Where(t, buildProbe(t, ctx.config), { config: ctx.config, headerLoc: { file: t.source, line: 1, column: 1 }, env: {} });
  const loc = where.loc(site.at);
  const call = `${site.callee}(${site.literal})`;
  const dir = ctx.templatesDir;
  if (r.kind === "ambiguous") {
    const formats = r.candidates.map((f) => asWritten(f, site.name, t));
    return { code: "TEMPLATE_AMBIGUOUS", severity: "error", message: `${call} could be ${formats.join(" or ")}`, loc, hint: `name one with its format: ${formats.map((f) => JSON.stringify(f.replace(/\.eta$/, ""))).join(" or ")}` };
  }
  if (r.kind === "outside") {
    return { code: "TEMPLATE_NOT_FOUND", severity: "error", message: `${call} names a file outside the templates folder (${dir})`, loc, hint: `names resolve from the including template's folder, and a leading "/" from ${dir}; nothing outside it can be included` };
  }
  if (site.name.startsWith("@")) {
    const named = [...table].filter((f) => f.startsWith("@")).sort();
    const near = nearest(site.name, named);
    return { code: "TEMPLATE_NOT_FOUND", severity: "error", message: `${call}: no template is named ${site.name}`, loc, hint: near ? `did you mean ${JSON.stringify(near)}?` : `named templates come from templates.named and templates.namedDir in fawkes.config.ts${named.length ? ` (there are: ${named.join(", ")})` : " (there are none)"}` };
  }
  const looked = r.looked!;
  const files = [...table].filter((f) => !f.startsWith("@")).sort();
  // Compared without the engine's extension, so that a name written without it is near its file.
  const strip = (f: string) => (f.endsWith(".eta") ? f.slice(0, -4) : f.endsWith(ext) ? f.slice(0, -ext.length) : f);
  const byStripped = new Map(files.map((f) => [strip(f), f]));
  const near = nearest(strip(looked), [...byStripped.keys()], Math.max(2, Math.floor(posix.basename(looked).length / 4)));
  const folder = posix.dirname(looked);
  const siblings = files.filter((f) => posix.dirname(f) === folder);
  const hint = near
    ? `did you mean ${JSON.stringify(asWritten(byStripped.get(near)!, site.name, t))}?`
    : siblings.length
      ? `${dir}/${folder === "." ? "" : folder + "/"} has: ${siblings.slice(0, 8).map((f) => posix.basename(f)).join(", ")}${siblings.length > 8 ? ", ..." : ""}`
      : `there are no templates in ${dir}/${folder === "." ? "" : folder + "/"}`;
  return { code: "TEMPLATE_NOT_FOUND", severity: "error", message: `${call}: no template ${dir}/${looked}`, loc, hint };
}

/** A template file named the way `written` names files: relative to the includer (`./x`, `x`, `../x`) or from the root (`/x`). */
function asWritten(file: string, written: string, t: TemplateIR): string {
  if (written.startsWith("/") || t.named) return "/" + file;
  const rel = posix.relative(posix.dirname(t.file), file);
  return written.startsWith("./") && !rel.startsWith("../") ? "./" + rel : rel;
}
