// Module references in template options (`escapeFunction: { from: "./app/escape.js", import:
// "escapeAttr" }`): the file must exist and export the name, checked at build time so that a
// typo is an error at the config key, not a module that fails to load when the app starts.
// The export is found by reading the module's `export` declarations with TypeScript's parser
// (nothing is run); a module that re-exports everything (`export * from`) or is CommonJS is
// given the benefit of the doubt, and tsc over the generated module (`fawkes check`) has the
// last word.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { ts } from "ts-morph";
import { nearest } from "../_suggest.js";
import type { ModuleRef } from "../config/define.js";
import type { Diagnostic } from "../diagnostics.js";
import { importSpecifier, relativePosix } from "../paths.js";
import type { Locate, ResolvedRef } from "./ir.js";

/** The files `from` may name, in TypeScript's order: `./x.js` is x.ts when that is what exists. */
function candidates(abs: string): string[] {
  const m = /\.(m|c)?jsx?$/.exec(abs);
  if (m) {
    const stem = abs.slice(0, m.index);
    return [abs, `${stem}.${m[1] ?? ""}ts`, ...(m[1] ? [] : [`${stem}.tsx`])];
  }
  if (/\.(m|c)?tsx?$/.test(abs)) return [abs];
  return [".ts", ".tsx", ".js", ".mjs", "/index.ts", "/index.js"].map((ext) => abs + ext);
}

const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

/**
 * Checks `ref` (written at `key` under `templates` in the config) and returns what the generated
 * module imports: the specifier relative to `outDir` and the export name.
 */
export function resolveModuleRef(root: string, outDir: string, ref: ModuleRef, key: string[], locate: Locate): { ref?: ResolvedRef; diagnostics: Diagnostic[] } {
  const abs = resolve(root, ref.from);
  const file = candidates(abs).find(isFile);
  const name = ref.import ?? "default";
  const label = `templates.${key.join(".")}`;
  if (!file) {
    const near = nearestFile(root, abs);
    return {
      diagnostics: [{
        code: "CONFIG_MODULE_NOT_FOUND",
        severity: "error",
        message: `${label}: module ${ref.from} does not exist (looked for ${candidates(abs).map((c) => relativePosix(root, c)).join(", ")})`,
        loc: locate([...key, "from"]),
        ...(near ? { hint: `did you mean ${JSON.stringify(near)}?` } : {}),
      }],
    };
  }
  const exported = exportNames(file);
  if (exported && !exported.includes(name)) {
    const close = nearest(name, exported);
    const values = exported.filter((n) => n !== "default");
    return {
      diagnostics: [{
        code: "CONFIG_MODULE_EXPORT",
        severity: "error",
        message: `${label}: ${ref.from} has no export named ${JSON.stringify(name)}`,
        loc: locate(ref.import === undefined ? key : [...key, "import"]),
        hint: close ? `did you mean ${JSON.stringify(close)}?` : exported.length ? `it exports: ${[...values, ...(exported.includes("default") ? ["default"] : [])].join(", ")}` : "it exports nothing",
      }],
    };
  }
  return { ref: { file, specifier: importSpecifier(outDir, file), name }, diagnostics: [] };
}

/** A sibling file whose name is close to the missing one, spelt as the config would (`./app/escape.js`). */
function nearestFile(root: string, abs: string): string | undefined {
  const dir = dirname(abs);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const strip = (n: string) => n.replace(/\.(m|c)?[jt]sx?$/, "");
  const hit = nearest(strip(basename(abs)), names.map(strip));
  const file = hit === undefined ? undefined : names.find((n) => strip(n) === hit);
  if (file === undefined) return undefined;
  const rel = relativePosix(root, join(dir, file)).replace(/\.(m|c)?tsx?$/, (_m, k: string | undefined) => `.${k ?? ""}js`);
  return rel.startsWith(".") ? rel : "./" + rel;
}

/** The names a module exports, or null when that cannot be told without running it. */
export function exportNames(file: string): string[] | null {
  const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
  const names: string[] = [];
  let esm = false;
  const exported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const isDefault = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
  for (const s of sf.statements) {
    if (ts.isExportDeclaration(s)) {
      esm = true;
      if (!s.exportClause) return null; // export * from "...": its names are another module's
      if (ts.isNamespaceExport(s.exportClause)) names.push(s.exportClause.name.text);
      else for (const e of s.exportClause.elements) names.push(e.name.text);
    } else if (ts.isExportAssignment(s)) {
      esm = true;
      if (!s.isExportEquals) names.push("default");
    } else if (exported(s)) {
      esm = true;
      if (isDefault(s)) names.push("default");
      else if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) names.push(...bindingNames(d.name));
      else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) names.push(s.name.text);
    } else if (ts.isImportDeclaration(s)) {
      esm = true;
    }
  }
  return esm ? [...new Set(names)] : null;
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)));
}

/** `./app/escape.js#escapeAttr`, for messages and comments. */
export function describeRef(ref: ModuleRef): string {
  return `${ref.from}#${ref.import ?? "default"}`;
}
