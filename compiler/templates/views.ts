// View modules: the functions a template calls by their bare names, as a Phoenix view's (or
// HTML module's) functions are called in its templates. `app/views/user.ts` is the view `user`:
// its exports are in scope in `app/templates/user/**`; the shared module (Phoenix's
// `html_helpers`, `app/views/shared.ts` by default) is in scope in every template, a view's own
// export winning over a shared one of the same name.
//
// Everything is decided here, at build time: the export names are read from each module's
// syntax with TypeScript's parser (nothing is run), and the generated module imports exactly
// the exports its templates use (compiler/emit/templates/modules.ts), each render function binding the ones its code
// mentions (scopeLines). tsc over the generated module checks the calls, at the template line.

import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { ts } from "ts-morph";
import type { Diagnostic } from "../diagnostics.js";
import { importSpecifier, listFilesSorted } from "../paths.js";
import type { SourceLoc } from "../router/ir.js";
import type { Locate, TemplateConfig, TemplateIR } from "./ir.js";

export interface ViewModuleIR {
  /** `user`, `admin/review`; "" for the shared module. */
  view: string;
  /** The module's file, relative to the project root (posix). */
  source: string;
  /** The import specifier, relative to the output directory. */
  specifier: string;
  /** Each export a template can call, with where it is declared. */
  exports: Map<string, SourceLoc>;
}

/** What templates have in scope besides their assigns: view modules, `Routes`. */
export interface TemplateScope {
  views: Map<string, ViewModuleIR>;
  shared: ViewModuleIR | null;
  /** The generated `Routes` (helpers.gen.ts) exists: the app has a router. */
  routes: boolean;
}

export const DEFAULT_VIEWS_DIR = "app/views";
const MODULE_EXT = /\.(m|c)?[jt]sx?$/;

/**
 * Names every render function already has (Eta's helpers, the generated code's locals, what
 * Fawkes gives templates), each with what it is: a view export of the same name would hide it.
 */
export function reservedNames(config: TemplateConfig): Map<string, string> {
  return new Map([
    [config.varName ?? "it", "the template's data (templates.varName)"],
    ["options", "the render options Eta passes every template"],
    ["include", "Eta's include(name, data)"],
    ["includeAsync", "Eta's includeAsync(name, data)"],
    ["layout", "Eta's layout(name, data)"],
    [config.outputFunctionName ?? "output", "Eta's output function (templates.outputFunctionName)"],
    ["capture", "Eta's capture(fn)"],
    ["captureAsync", "Eta's captureAsync(fn)"],
    ["block", "Eta's block(name, fn)"],
    ["blockAsync", "Eta's blockAsync(name, fn)"],
    ["p", "the verified-path tag p`/users/${id}`"],
    ["Routes", "the app's path helpers (Routes.userPath)"],
    ["csrfToken", "Fawkes's csrfToken()"],
    ["getFlash", "Fawkes's getFlash(key)"],
    ["c", "the components (c.link, c.form)"],
    ["inner", "a component's inner slot"],
    ["slot", "a component's slot(s) renderer"],
    ["arguments", "a name strict mode does not allow to bind"],
    ["eval", "a name strict mode does not allow to bind"],
  ]);
}

/** The view a template belongs to: its folder under the templates root (`user/show.html.eta` → `user`), or null. */
export function viewOf(t: TemplateIR): string | null {
  if (t.named) return null;
  const i = t.file.lastIndexOf("/");
  return i < 0 ? null : t.file.slice(0, i);
}

/** Reads every view module under the views folder and the shared module, with their diagnostics. */
export function readViewModules(
  root: string,
  outDir: string,
  config: TemplateConfig,
  locate: Locate,
): { views: Map<string, ViewModuleIR>; shared: ViewModuleIR | null; diagnostics: Diagnostic[]; inputs: string[] } {
  const viewsRel = config.viewsDir ?? DEFAULT_VIEWS_DIR;
  const viewsDir = resolve(root, viewsRel);
  const diagnostics: Diagnostic[] = [];
  const inputs: string[] = [];
  if (config.viewsDir !== undefined && (!existsSync(viewsDir) || !statSync(viewsDir).isDirectory())) {
    diagnostics.push({ code: "CONFIG_VIEWS_NOT_FOUND", severity: "error", message: `templates.viewsDir: ${config.viewsDir} is not a folder`, loc: locate(["viewsDir"]) });
  }
  const sharedRel = config.htmlHelpers ?? `${viewsRel.replace(/\/+$/, "")}/shared.ts`;
  const sharedAbs = resolve(root, sharedRel);
  let shared: ViewModuleIR | null = null;
  if (existsSync(sharedAbs) && statSync(sharedAbs).isFile()) {
    shared = readOne(root, outDir, sharedAbs, "", config, diagnostics);
    inputs.push(sharedAbs);
  } else if (config.htmlHelpers !== undefined) {
    diagnostics.push({ code: "CONFIG_VIEWS_NOT_FOUND", severity: "error", message: `templates.htmlHelpers: ${config.htmlHelpers} does not exist`, loc: locate(["htmlHelpers"]) });
  }
  const views = new Map<string, ViewModuleIR>();
  for (const abs of listModules(viewsDir)) {
    if (abs === sharedAbs) continue;
    const view = relative(viewsDir, abs).split(sep).join("/").replace(MODULE_EXT, "");
    const other = views.get(view);
    if (other) {
      diagnostics.push({
        code: "VIEW_DUPLICATE",
        severity: "error",
        message: `the view ${view} has two modules: ${other.source} and ${posix(relative(root, abs))}`,
        loc: { file: posix(relative(root, abs)), line: 1, column: 1 },
        hint: "keep one module per view",
      });
      continue;
    }
    views.set(view, readOne(root, outDir, abs, view, config, diagnostics));
    inputs.push(abs);
  }
  return { views, shared, diagnostics, inputs };
}

const posix = (p: string) => p.split(sep).join("/");

function readOne(root: string, outDir: string, abs: string, view: string, config: TemplateConfig, diagnostics: Diagnostic[]): ViewModuleIR {
  const source = posix(relative(root, abs));
  const exports = new Map<string, SourceLoc>();
  const reserved = reservedNames(config);
  for (const e of readExports(root, abs, new Set(), diagnostics)) {
    const why = reserved.get(e.name) ?? (e.name.startsWith("__") ? "the generated code's own names (they start with __)" : /^[tc]_/.test(e.name) ? "the generated render and component functions' names (they start with t_ and c_)" : undefined);
    if (why !== undefined) {
      diagnostics.push({
        code: "VIEW_EXPORT_RESERVED",
        severity: "error",
        message: `${view ? `the view ${view}` : "the shared view module"} exports ${JSON.stringify(e.name)}, which templates already have: ${why}`,
        loc: e.loc,
        hint: `rename the export: ${view ? `templates under ${view}/` : "every template"} call${view ? "" : "s"} it by its bare name, so it would hide ${JSON.stringify(e.name)}`,
      });
      continue;
    }
    if (!exports.has(e.name)) exports.set(e.name, e.loc);
  }
  return { view, source, specifier: importSpecifier(outDir, abs), exports };
}

/** Every module file under dir (not .d.ts, not tests), sorted. */
function listModules(dir: string): string[] {
  return listFilesSorted(dir, (name) => MODULE_EXT.test(name) && !/\.d\.(m|c)?ts$/.test(name) && !/\.(test|spec)\.[^.]+$/.test(name));
}

interface Export {
  name: string;
  loc: SourceLoc;
}

/**
 * The value exports of a module, from its syntax: declarations, `export { a, b as c }`, and
 * `export * from "./other.js"` followed into the app's own modules. Types are left out (a
 * template calls values); so is the default export (it has no name to call).
 */
function readExports(root: string, abs: string, seen: Set<string>, diagnostics: Diagnostic[]): Export[] {
  if (seen.has(abs)) return [];
  seen.add(abs);
  const text = readFileSync(abs, "utf8");
  const sf = ts.createSourceFile(abs, text, ts.ScriptTarget.Latest, true);
  const source = posix(relative(root, abs));
  const at = (node: ts.Node): SourceLoc => {
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    return { file: source, line: line + 1, column: character + 1 };
  };
  const out: Export[] = [];
  const has = (node: ts.Node, kind: ts.SyntaxKind) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
  for (const s of sf.statements) {
    if (ts.isExportDeclaration(s)) {
      if (s.isTypeOnly) continue;
      if (!s.exportClause) {
        const target = s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) ? followRelative(abs, s.moduleSpecifier.text) : null;
        if (target) out.push(...readExports(root, target, seen, diagnostics));
        else {
          diagnostics.push({
            code: "VIEW_EXPORT_UNKNOWN",
            severity: "error",
            message: `${source}: the names of \`export * from ${s.moduleSpecifier?.getText(sf)}\` cannot be read at build time`,
            loc: at(s),
            hint: "name them: export { a, b } from \"...\" (templates' names are resolved at build time)",
          });
        }
      } else if (ts.isNamespaceExport(s.exportClause)) out.push({ name: s.exportClause.name.text, loc: at(s.exportClause.name) });
      else for (const e of s.exportClause.elements) if (!e.isTypeOnly && ts.isIdentifier(e.name)) out.push({ name: e.name.text, loc: at(e.name) });
    } else if (has(s, ts.SyntaxKind.ExportKeyword) && !has(s, ts.SyntaxKind.DefaultKeyword)) {
      if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) out.push(...bindingNames(d.name, at));
      else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) out.push({ name: s.name.text, loc: at(s.name) });
    }
  }
  return out;
}

function bindingNames(name: ts.BindingName, at: (n: ts.Node) => SourceLoc): Export[] {
  if (ts.isIdentifier(name)) return [{ name: name.text, loc: at(name) }];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name, at)));
}

/** A relative specifier's file, as TypeScript resolves `./x.js` to x.ts; null for a package or a file not found. */
function followRelative(from: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  const abs = resolve(dirname(from), spec);
  const stem = abs.replace(MODULE_EXT, "");
  for (const c of [abs, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, join(abs, "index.ts")]) if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

// ---- per template: what its code uses --------------------------------------------------------

/**
 * The identifiers `code` mentions (each with its offset), from TypeScript's scanner: not in
 * strings or comments (the `@type` comment names assigns), not properties (`it.name`,
 * `x?.name`, the key of `{ name: value }`).
 */
export function identifierUses(code: string): { name: string; at: number }[] {
  const tokens: { kind: ts.SyntaxKind; value: string; at: number }[] = [];
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, code);
  // `${`'s open braces, so that the `}` closing one resumes the template literal.
  const braces: boolean[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.TemplateHead) braces.push(true);
    else if (kind === ts.SyntaxKind.OpenBraceToken) braces.push(false);
    else if (kind === ts.SyntaxKind.CloseBraceToken && braces.pop() === true) kind = scanner.reScanTemplateToken(false);
    if (kind === ts.SyntaxKind.TemplateMiddle) braces.push(true);
    tokens.push({ kind, value: kind === ts.SyntaxKind.Identifier ? scanner.getTokenValue() : "", at: scanner.getTokenStart() });
  }
  const out: { name: string; at: number }[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== ts.SyntaxKind.Identifier) return;
    const before = tokens[i - 1]?.kind;
    if (before === ts.SyntaxKind.DotToken || before === ts.SyntaxKind.QuestionDotToken) return;
    const key = (before === ts.SyntaxKind.OpenBraceToken || before === ts.SyntaxKind.CommaToken) && tokens[i + 1]?.kind === ts.SyntaxKind.ColonToken;
    if (!key) out.push({ name: t.value, at: t.at });
  });
  return out;
}

export const identifiersOf = (code: string): Set<string> => new Set(identifierUses(code).map((u) => u.name));

/** Each view-module export the template's code mentions, with the module it comes from (its view's, else the shared one). */
export function usedViewExports(t: TemplateIR, code: ReadonlySet<string>, scope: TemplateScope): { name: string; module: ViewModuleIR }[] {
  const view = viewOf(t);
  const own = view === null ? undefined : scope.views.get(view);
  const names = new Set([...(own?.exports.keys() ?? []), ...(scope.shared?.exports.keys() ?? [])]);
  const out: { name: string; module: ViewModuleIR }[] = [];
  for (const name of [...names].sort()) {
    if (!code.has(name)) continue;
    out.push({ name, module: own?.exports.has(name) ? own : scope.shared! });
  }
  return out;
}

/** The local a view export is imported as: `__view_user$fullName`, `__view$formatDate` (shared). */
export function viewLocal(module: ViewModuleIR, name: string): string {
  const view = [...module.view].map((ch) => (/[A-Za-z0-9_]/.test(ch) ? ch : `$${ch.codePointAt(0)!.toString(16)}`)).join("");
  return `__view${view ? "_" + view : ""}$${name}`;
}
