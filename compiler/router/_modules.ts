// The project's modules as syntax alone shows them: module specifiers resolved with TypeScript's
// own module resolution (the tsconfig's paths, extension mapping and each file's module
// format), and names followed through imports and re-exports to the declaration that makes
// them. No program, no type checker: each file is parsed once, when a name leads to it.
// syntactic.ts answers the router reader's questions with it; sockets.ts finds the endpoint.

import { existsSync } from "node:fs";
import { Node, Project, ts, type ImportDeclaration, type SourceFile } from "ts-morph";

/** What a name refers to. */
export type Binding =
  /** A module object: a namespace import, or `export * as X from`. */
  | { kind: "module"; file: SourceFile }
  /** A declaration in a project file (a variable, function or class, or `export default <expr>`). */
  | { kind: "declaration"; node: Node }
  /** In a package or a declaration file, or not resolved: nothing to read. */
  | { kind: "external" };

const EXTERNAL: Binding = { kind: "external" };

export class ModuleIndex {
  private readonly cache: ts.ModuleResolutionCache;
  // What this read found already (an index lives for one read): a 1,000-route router asks the
  // same questions of its 50 controllers for every route, and each answer was a walk of the
  // controller's statements through ts-morph's wrappers, a path normalised and looked up in the
  // project (together ~10% of a router edit's regeneration in bench:build's app, issue 10).
  private readonly resolved = new Map<string, Map<string, { file: string; external: boolean } | undefined>>();
  private readonly files = new Map<string, SourceFile | undefined>();
  private readonly formats = new Map<string, ts.ResolutionMode>();
  private readonly modules = new Map<string, Map<string, Binding>>();
  private readonly exports = new Map<SourceFile, Map<string, Binding | undefined>>();
  private readonly names = new Map<SourceFile, { names: Set<string>; complete: boolean }>();

  /** The routers this read parsed into `scratch`, when routers are parsed apart (see `parse`). */
  private readonly routers = new Map<string, SourceFile>();
  private scratch: Project | null = null;

  /**
   * `apart`: the routers `parse` opens are parsed into a project of this read alone, dropped with
   * it, not into `project` (the watch loop's, kept warm). A router is what an edit changes, and a
   * read wraps ~15,000 of its nodes: a file of the warm project that changed is refreshed or
   * dropped by walking every wrapped node of its old tree (7 to 10% of a router edit's
   * regeneration in bench:build's app, issue 10), where a project nobody holds is simply garbage.
   * The modules the routers import stay in `project`, parsed once while they do not change.
   */
  constructor(private readonly project: Project, private readonly apart = false) {
    const options = project.getCompilerOptions();
    this.cache = ts.createModuleResolutionCache(ts.sys.getCurrentDirectory(), (f) => (ts.sys.useCaseSensitiveFileNames ? f : f.toLowerCase()), options);
  }

  /** A project file, parsed once; undefined when it does not exist. */
  sourceFile(abs: string): SourceFile | undefined {
    if (this.files.has(abs)) return this.files.get(abs);
    const file = this.project.getSourceFile(abs) ?? this.project.addSourceFileAtPathIfExists(abs);
    this.files.set(abs, file);
    return file;
  }

  /** A file that must exist (a router module): parsed once. */
  parse(abs: string): SourceFile {
    if (!this.apart) return this.project.getSourceFile(abs) ?? this.project.addSourceFileAtPath(abs);
    let sf = this.routers.get(abs);
    if (!sf) {
      this.scratch ??= new Project({ compilerOptions: this.project.getCompilerOptions(), skipLoadingLibFiles: true, skipFileDependencyResolution: true });
      this.routers.set(abs, (sf = this.scratch.addSourceFileAtPath(abs)));
    }
    return sf;
  }

  /** Where `specifier` leads from the file at `path`, as a program would resolve it; undefined when it leads nowhere. */
  resolve(specifier: string, path: string): { file: string; external: boolean } | undefined {
    // Once per specifier and importing file: a 1,000-route router asks for each route's
    // controller import (resolvedFile), 50 distinct answers (5% of a router edit's regeneration).
    let from = this.resolved.get(path);
    if (!from) this.resolved.set(path, (from = new Map()));
    if (from.has(specifier)) return from.get(specifier);
    const answer = this.resolveUncached(specifier, path);
    from.set(specifier, answer);
    return answer;
  }

  private resolveUncached(specifier: string, path: string): { file: string; external: boolean } | undefined {
    const options = this.project.getCompilerOptions();
    // The importing file's module format (package.json "type", .mts/.cts) picks the conditions, as in a program.
    // Once per importing file: a router asks it for each of its 50 imports (2% of a router edit's regeneration).
    let mode = this.formats.get(path);
    if (!this.formats.has(path)) this.formats.set(path, (mode = ts.getImpliedNodeFormatForFile(path, this.cache.getPackageJsonInfoCache(), ts.sys, options)));
    const key = `${mode}\0${specifier}`;
    let lasting = lastingAnswers.get(this.project);
    if (!lasting) lastingAnswers.set(this.project, (lasting = new Map()));
    const kept = lasting.get(path)?.get(key);
    if (kept && existsSync(kept.file)) return kept;
    const result = ts.resolveModuleName(specifier, path, options, ts.sys, this.cache, undefined, mode) as ts.ResolvedModuleWithFailedLookupLocations & { failedLookupLocations?: string[]; affectingLocations?: string[] };
    const resolved = result.resolvedModule;
    if (!resolved) return undefined;
    const file = resolved.resolvedFileName;
    const answer = { file, external: resolved.isExternalLibraryImport === true || /[\\/]node_modules[\\/]/.test(file) };
    // Found at the first place looked, in the project, no package.json consulted: while that file
    // exists, nothing created or edited elsewhere can change the answer (a file made where the
    // resolution looked first would be in failedLookupLocations). Kept across reads, so a router
    // edit does not resolve its 50 controller imports again (4% of its regeneration, issue 10).
    if (!answer.external && !result.failedLookupLocations?.length && !result.affectingLocations?.length) {
      let from = lasting.get(path);
      if (!from) lasting.set(path, (from = new Map()));
      from.set(key, answer);
    }
    return answer;
  }

  /** The module an import or re-export names, as a binding. */
  moduleOf(specifier: string, from: SourceFile): Binding {
    const path = from.getFilePath();
    let known = this.modules.get(path);
    if (!known) this.modules.set(path, (known = new Map()));
    let binding = known.get(specifier);
    if (!binding) {
      const r = this.resolve(specifier, path);
      const file = r && !r.external ? this.sourceFile(r.file) : undefined;
      binding = file && !file.isDeclarationFile() ? { kind: "module", file } : EXTERNAL;
      known.set(specifier, binding);
    }
    return binding;
  }

  /** What an import declaration binds: `imported` is "*", "default" or the exported name. */
  imported(decl: ImportDeclaration, imported: string): Binding | undefined {
    return this.exported(this.moduleOf(decl.getModuleSpecifierValue(), decl.getSourceFile()), imported);
  }

  /** `name` exported by a module binding (or a member of a value: the value's own declaration). */
  exported(from: Binding, name: string): Binding | undefined {
    if (from.kind === "external") return EXTERNAL;
    if (from.kind === "declaration") return from;
    if (name === "*") return from;
    let known = this.exports.get(from.file);
    if (!known) this.exports.set(from.file, (known = new Map()));
    if (!known.has(name)) known.set(name, this.exportOf(from.file, name, new Set()));
    return known.get(name);
  }

  /** A top-level name of `file`: what it imports under that name, or its own declaration. */
  localOf(file: SourceFile, name: string): Binding | undefined {
    for (const s of file.getStatements()) {
      if (Node.isImportDeclaration(s)) {
        if (s.getDefaultImport()?.getText() === name) return this.imported(s, "default");
        if (s.getNamespaceImport()?.getText() === name) return this.imported(s, "*");
        const spec = s.getNamedImports().find((i) => (i.getAliasNode() ?? i.getNameNode()).getText() === name);
        if (spec) return this.imported(s, spec.getName());
      } else if (Node.isVariableStatement(s)) {
        const decl = s.getDeclarations().find((d) => d.getName() === name);
        if (decl) return { kind: "declaration", node: decl };
      } else if ((Node.isFunctionDeclaration(s) || Node.isClassDeclaration(s) || Node.isEnumDeclaration(s)) && s.getName() === name) {
        return { kind: "declaration", node: s };
      }
    }
    return undefined;
  }

  /**
   * What `file` exports as `name`, following `export { a as b }`, `export { a } from`,
   * `export * as ns from` and `export * from` (own exports first, as the module system does);
   * undefined when it exports no such name.
   */
  private exportOf(file: SourceFile, name: string, seen: Set<string>): Binding | undefined {
    const key = `${file.getFilePath()}#${name}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const stars: string[] = [];
    for (const s of file.getStatements()) {
      if (Node.isExportAssignment(s)) {
        if (s.isExportEquals() || name !== "default") continue;
        const expr = s.getExpression();
        return (Node.isIdentifier(expr) && this.localOf(file, expr.getText())) || { kind: "declaration", node: s };
      }
      if (Node.isVariableStatement(s) && s.hasExportKeyword()) {
        const decl = s.getDeclarations().find((d) => d.getName() === name);
        if (decl) return { kind: "declaration", node: decl };
      } else if ((Node.isFunctionDeclaration(s) || Node.isClassDeclaration(s) || Node.isEnumDeclaration(s)) && s.hasExportKeyword()) {
        if ((s.hasDefaultKeyword() ? "default" : s.getName()) === name) return { kind: "declaration", node: s };
      } else if (Node.isExportDeclaration(s) && !s.isTypeOnly()) {
        const specifier = s.getModuleSpecifierValue();
        const ns = s.getNamespaceExport();
        if (ns) {
          if (ns.getName() === name && specifier !== undefined) return this.moduleOf(specifier, file);
          continue;
        }
        if (!s.hasNamedExports()) {
          if (specifier !== undefined) stars.push(specifier);
          continue;
        }
        const spec = s.getNamedExports().find((e) => !e.isTypeOnly() && (e.getAliasNode()?.getText() ?? e.getName()) === name);
        if (!spec) continue;
        if (specifier === undefined) return this.localOf(file, spec.getName());
        const from = this.moduleOf(specifier, file);
        return from.kind === "module" ? this.exportOf(from.file, spec.getName(), seen) : from;
      }
    }
    // `export *` never re-exports a default; a package's star might hold the name.
    if (name === "default") return undefined;
    let external = false;
    for (const specifier of stars) {
      const from = this.moduleOf(specifier, file);
      if (from.kind !== "module") external = true;
      else {
        const found = this.exportOf(from.file, name, seen);
        if (found) return found;
      }
    }
    return external ? EXTERNAL : undefined;
  }

  /** Every name `file` exports; `complete` is false when an `export *` from a package may add more. */
  exportNames(file: SourceFile): { names: Set<string>; complete: boolean } {
    let known = this.names.get(file) ?? ownExportNames.get(file.compilerNode);
    if (!known) {
      const seen = new Set<string>();
      known = this.exportNamesOf(file, seen);
      // Made of this file's syntax alone (no `export *` followed): kept while its tree is the same.
      if (seen.size === 1 && known.complete) ownExportNames.set(file.compilerNode, known);
    }
    this.names.set(file, known);
    return known;
  }

  private exportNamesOf(file: SourceFile, seen: Set<string>): { names: Set<string>; complete: boolean } {
    const names = new Set<string>();
    let complete = true;
    if (seen.has(file.getFilePath())) return { names, complete };
    seen.add(file.getFilePath());
    for (const s of file.getStatements()) {
      if (Node.isExportAssignment(s) && !s.isExportEquals()) names.add("default");
      else if (Node.isVariableStatement(s) && s.hasExportKeyword()) for (const d of s.getDeclarations()) names.add(d.getName());
      else if ((Node.isFunctionDeclaration(s) || Node.isClassDeclaration(s) || Node.isEnumDeclaration(s)) && s.hasExportKeyword()) {
        const n = s.hasDefaultKeyword() ? "default" : s.getName();
        if (n) names.add(n);
      } else if (Node.isExportDeclaration(s) && !s.isTypeOnly()) {
        const ns = s.getNamespaceExport();
        const specifier = s.getModuleSpecifierValue();
        if (ns) names.add(ns.getName());
        else if (s.hasNamedExports()) for (const e of s.getNamedExports()) if (!e.isTypeOnly()) names.add(e.getAliasNode()?.getText() ?? e.getName());
        else if (specifier !== undefined) {
          const from = this.moduleOf(specifier, file);
          if (from.kind !== "module") complete = false;
          else {
            const inner = this.exportNamesOf(from.file, seen);
            for (const n of inner.names) if (n !== "default") names.add(n);
            complete &&= inner.complete;
          }
        }
      }
    }
    return { names, complete };
  }
}

/** Module resolutions that stand while their file exists (resolveUncached), by project, importing file, mode and specifier. */
const lastingAnswers = new WeakMap<Project, Map<string, Map<string, { file: string; external: boolean }>>>();

/**
 * The export names of a file whose names are all its own (no `export *` from another file), by
 * its syntax tree: a refreshed file gets a new tree, and an unchanged controller's names are not
 * walked again on every router edit (ts-morph's modifier getters over 50 controllers' statements
 * were ~8% of a router edit's regeneration in bench:build's app, issue 10).
 */
const ownExportNames = new WeakMap<ts.SourceFile, { names: Set<string>; complete: boolean }>();

/** The project file a binding is declared in; null for what syntax cannot follow. */
export function fileOf(b: Binding | undefined): SourceFile | null {
  if (!b || b.kind === "external") return null;
  return b.kind === "module" ? b.file : b.node.getSourceFile();
}
