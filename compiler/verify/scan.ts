// Finding the `p` literals: which files, and which tagged templates are the fawkes `p`.
//
// Files: every source file under the app folder (the router's folder, `app/` by default) and
// every project file the router imports, minus node_modules, dot-folders, `.d.ts` and the out
// dir. A file is parsed only when its text imports "fawkes" and holds a backtick: most files
// cost one regular-expression test.
//
// Binding: the candidates go into one TypeScript program with no lib and no module resolution
// (parse and bind only, no type checking), and each tag's identifier is resolved by the
// checker, so scoping is TypeScript's own: `import { p as path } from "fawkes"` is checked as
// `path`, `import * as F from "fawkes"` as `F.p`, and a `p` declared in a nearer scope (a
// parameter, `const p = ...`, `for (const p of ...)`) is not the import and is not checked.

import { readdirSync, readFileSync, statSync, type Dirent } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { ts } from "ts-morph";
import type { SourceLoc } from "../router/ir.js";
import { VERBS, type PathLiteralIR } from "./ir.js";

const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const IMPORTS_FAWKES = /\bfrom\s*["']fawkes["']/;
const MAX_TEXT = 80;

/** A file to scan: `name` is what diagnostics call it (relative to the root). */
export interface ScanSource {
  name: string;
  text: string;
  /** Maps an offset in `text` to its location; default: line and column in `text`. */
  locate?: (offset: number) => SourceLoc;
}

/** The app's source files that may hold `p` literals (absolute paths, sorted). */
export function listAppSources(root: string, appDir: string, outDir: string, extra: readonly string[]): string[] {
  const out = resolve(root, outDir);
  const found = new Set<string>();
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      return;
    }
    for (const entry of entries) {
      const name = entry.name;
      const p = join(dir, name);
      if (name.startsWith(".") || name === "node_modules" || p === out) continue;
      // The entry's type from the listing; only a link is stat'ed (followed). A stat per entry
      // was most of this walk: app/ holds the 500 templates of bench:build's app (issue 10).
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        try {
          isDir = statSync(p).isDirectory();
        } catch {
          continue; // a dangling link: nothing to check
        }
      }
      if (isDir) walk(p);
      else if (SOURCE.test(name) && !name.endsWith(".d.ts")) found.add(p);
    }
  };
  walk(resolve(root, appDir));
  for (const f of extra) {
    const inside = relative(root, f);
    if (SOURCE.test(f) && !f.endsWith(".d.ts") && !inside.startsWith("..") && !inside.split(sep).includes("node_modules") && !f.startsWith(out + sep)) found.add(f);
  }
  return [...found].sort();
}

/** Reads the files and keeps those whose text may hold a `p` literal. */
export function readCandidates(root: string, files: readonly string[]): ScanSource[] {
  const out: ScanSource[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, "utf8");
    } catch {
      continue;
    }
    if (text.includes("`") && IMPORTS_FAWKES.test(text)) out.push({ name: relative(root, f).split(sep).join("/"), text });
  }
  return out;
}

/** Every tagged template of the sources whose tag is the fawkes `p` (or `p.<verb>`), in source order. */
export function findPathLiterals(sources: readonly ScanSource[]): PathLiteralIR[] {
  if (!sources.length) return [];
  const options: ts.CompilerOptions = { noLib: true, noResolve: true, types: [], allowJs: true, noEmit: true, target: ts.ScriptTarget.Latest, jsx: ts.JsxEmit.Preserve };
  const files = new Map<string, ts.SourceFile>();
  // Virtual names: a template's probe is no file, and two sources must not collide.
  sources.forEach((s, i) => files.set(`/__fawkes_verify/${i}${extensionOf(s.name)}`, ts.createSourceFile(`/__fawkes_verify/${i}${extensionOf(s.name)}`, s.text, ts.ScriptTarget.Latest, true, scriptKind(s.name))));
  const host = ts.createCompilerHost(options);
  host.getSourceFile = (name) => files.get(name);
  host.fileExists = (name) => files.has(name);
  host.readFile = (name) => files.get(name)?.text;
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  const checker = program.getTypeChecker();
  const out: PathLiteralIR[] = [];
  [...files.values()].forEach((sf, i) => {
    const source = sources[i];
    const locate = source.locate ?? ((offset: number) => {
      const { line, character } = sf.getLineAndCharacterOfPosition(offset);
      return { file: source.name, line: line + 1, column: character + 1 };
    });
    const visit = (node: ts.Node): void => {
      if (ts.isTaggedTemplateExpression(node)) {
        const lit = literalOf(node, checker, locate, source.name);
        if (lit) out.push(lit);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  });
  return out;
}

function literalOf(node: ts.TaggedTemplateExpression, checker: ts.TypeChecker, locate: (offset: number) => SourceLoc, source: string): PathLiteralIR | null {
  const chain: string[] = [];
  let e: ts.Expression = node.tag;
  while (ts.isPropertyAccessExpression(e)) {
    chain.unshift(e.name.text);
    e = e.expression;
  }
  if (!ts.isIdentifier(e)) return null;
  const rest = fawkesP(e, chain, checker);
  if (rest === null) return null;
  const verb = rest.length === 1 && (VERBS as readonly string[]).includes(rest[0]) ? rest[0].toUpperCase() : null;
  const t = node.template;
  const pieces: ts.TemplateLiteralLikeNode[] = ts.isNoSubstitutionTemplateLiteral(t) ? [t] : [t.head, ...t.templateSpans.map((s) => s.literal)];
  const written = node.getText().replace(/\s+/g, " ");
  return {
    source,
    text: written.length > MAX_TEXT ? written.slice(0, MAX_TEXT - 1) + "…" : written,
    strings: pieces.map(cooked),
    verb,
    unknownVerb: rest.length > 0 && verb === null ? rest.join(".") : null,
    loc: locate(node.getStart()),
    pieceLocs: pieces.map((piece) => locate(piece.getStart() + 1)),
    tagRange: [node.tag.getStart(), node.tag.getEnd()],
  };
}

/** The properties after `p` when `id` is the fawkes import (`p`, or `F` of `import * as F`), else null. */
function fawkesP(id: ts.Identifier, chain: string[], checker: ts.TypeChecker): string[] | null {
  const decl = checker.getSymbolAtLocation(id)?.declarations?.[0];
  if (!decl) return null;
  if (ts.isImportSpecifier(decl) && !decl.isTypeOnly && !decl.parent.parent.isTypeOnly) {
    const imported = (decl.propertyName ?? decl.name).text;
    return imported === "p" && fromFawkes(decl.parent.parent.parent) ? chain : null;
  }
  if (ts.isNamespaceImport(decl) && !decl.parent.isTypeOnly) {
    return chain[0] === "p" && fromFawkes(decl.parent.parent) ? chain.slice(1) : null;
  }
  return null;
}

const fromFawkes = (d: ts.ImportDeclaration | ts.JSDocImportTag) => ts.isImportDeclaration(d) && ts.isStringLiteral(d.moduleSpecifier) && d.moduleSpecifier.text === "fawkes";

/** The cooked text of a piece; undefined for an invalid escape, as a tagged template receives it. */
function cooked(piece: ts.TemplateLiteralLikeNode): string | undefined {
  // TokenFlags.ContainsInvalidEscape (2048), internal to TypeScript's public typings.
  const flags = (piece as { templateFlags?: number }).templateFlags ?? 0;
  return flags & 2048 ? undefined : piece.text;
}

function extensionOf(name: string): string {
  const m = /\.(?:[cm]?[jt]s|[jt]sx)$/.exec(name);
  return m ? m[0] : ".ts";
}

function scriptKind(name: string): ts.ScriptKind {
  if (name.endsWith("x")) return name.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.JSX;
  return /\.[cm]?js$/.test(name) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
}
