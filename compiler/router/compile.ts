// The router pipeline: read (ts-morph) → expand → check, then the emitter it is given (the
// generated modules come from compiler/emit/, which this folder does not import:
// compiler/build/router.ts joins the two). Returns contents; writes nothing (write.ts does),
// which gives `check` mode, golden tests and bundler virtual modules for free.
// `readRouterTable` runs the same steps but emission on the syntax alone (syntactic.ts), for
// `fawkes routes`: no program, no type checker.

import { FileSystemRefreshResult, Project, ts, type SourceFile } from "ts-morph";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { sortDiagnostics, type Diagnostic, hasErrors } from "../diagnostics.js";
import type { DslCall } from "./calls.js";
import { checkRoutes } from "./check.js";
import { expandRouter } from "./expand.js";
import type { MountIR, RouteIR, RouterIR, SourceLoc } from "./ir.js";
import { readRouter } from "./read.js";
import { typedSemantics, type RouterSemantics } from "./semantics.js";
import { syntacticSemantics } from "./syntactic.js";
import { ModuleIndex } from "./_modules.js";
import { importSpecifier, relativePosix } from "../paths.js";

export interface RouterCompileOptions {
  /** Project root: locations and generated imports are relative to it. */
  root: string;
  /** The router module, relative to root (default `app/router.ts`). */
  router?: string;
  /** Where generated files go, relative to root (default `.fawkes`). */
  outDir?: string;
  /**
   * A ts-morph project to reuse (watch mode: the plugins and the dev server keep one warm
   * between rebuilds); its files are refreshed from the disk first (refreshProject), so only
   * what changed is parsed and bound again. One is created from root's tsconfig.json otherwise.
   */
  project?: Project;
  /**
   * The generated templates module (relative to root, `.fawkes/templates.gen.ts`) that typed
   * conns render against (actions.gen.ts); without one, render stays untyped.
   */
  templatesModule?: string;
}

export interface RouterCompileResult {
  ir: RouterIR | null;
  /** Generated files by path relative to root; empty when there are errors. */
  files: Map<string, string>;
  diagnostics: Diagnostic[];
  /** Every source file the router depends on (for bundler watch lists). */
  inputs: string[];
}

/** The generated modules of one router IR, by file name (compiler/emit/router-files.ts). */
export type EmitRouter = (ir: RouterIR, outDir: string, templatesModule: string | null) => Record<string, string>;

/** Reads, expands and checks the router with a type-checker program, then `emit`s its modules. */
export function compileRouterWith(options: RouterCompileOptions, emit: EmitRouter): RouterCompileResult {
  const root = resolve(options.root);
  const project = options.project ?? createProject(root);
  if (options.project) refreshProject(project);
  const open = (path: string) => {
    const sf = project.addSourceFileAtPath(path);
    project.resolveSourceFileDependencies();
    return sf;
  };
  const out = run(options, { open, semantics: typedSemantics(root), emit, inputsOf: (sf) => [sf, ...sf.getReferencedSourceFiles()] });
  if (hasErrors(out.diagnostics)) out.files = new Map();
  out.inputs = [...new Set(out.inputs)];
  return out;
}

/**
 * compileRouterWith on the syntax alone (syntactic.ts), with emission: the watch loop's fast path
 * (a router edit regenerates in the time it takes to parse what changed), the type checker's
 * read following off the reload's critical path. It lacks what only types say (ACTION_MISSING;
 * syntactic.ts lists where the two reads can differ). `project` is a syntax-only project
 * (createProject(root, { syntaxOnly: true })) kept between calls; its files are refreshed from
 * the disk first. Inputs: every project file the read opened (the router, what it mounts, the
 * modules its imports led to).
 */
export function compileRouterFromSyntaxWith(options: RouterCompileOptions, project: Project, emit: EmitRouter): RouterCompileResult {
  const root = resolve(options.root);
  refreshProject(project, { drop: true });
  // A new index per read: its module-resolution cache would not see a file created since. The
  // routers are parsed apart from the warm project, for this read alone (ModuleIndex).
  const modules = new ModuleIndex(project, true);
  const out = run(options, { open: (path) => modules.parse(path), semantics: syntacticSemantics(root, modules), emit, inputsOf: (sf) => [sf] });
  if (hasErrors(out.diagnostics)) out.files = new Map();
  const opened = project.getSourceFiles().filter((f) => !f.isInNodeModules() && !f.isDeclarationFile()).map((f) => f.getFilePath());
  out.inputs = [...new Set([...out.inputs, ...opened])];
  return out;
}

/**
 * The route table of the router (and the routers it mounts) from their syntax alone, as fast
 * as parsing a few files: what `fawkes routes` prints. The same IR compileRouter gives, but
 * without what needs types (ACTION_MISSING): see syntactic.ts for where the answers differ.
 */
export function readRouterTable(
  options: Pick<RouterCompileOptions, "root" | "router" | "outDir">,
  modules = new ModuleIndex(createProject(resolve(options.root), { syntaxOnly: true })),
): Pick<RouterCompileResult, "ir" | "diagnostics"> {
  const semantics = syntacticSemantics(resolve(options.root), modules);
  const { ir, diagnostics } = run(options, { open: (path) => modules.parse(path), semantics, emit: null });
  return { ir, diagnostics };
}

/** How compileOne reads a router module: with a program and emission, or syntax only. */
interface Reading {
  /** Parses the router module at this absolute path (a program also loads what it imports). */
  open(path: string): SourceFile;
  semantics: RouterSemantics;
  /** Emits the generated modules (and the watch inputs are collected), or null: read only. */
  emit: EmitRouter | null;
  /** The files a router module's output depends on (itself first), for the watch inputs. */
  inputsOf?(sf: SourceFile): SourceFile[];
}

function run(options: RouterCompileOptions, reading: Reading): RouterCompileResult {
  const root = resolve(options.root);
  const routerRel = options.router ?? "app/router.ts";
  const outDir = options.outDir ?? ".fawkes";
  if (!existsSync(join(root, routerRel))) {
    return {
      ir: null,
      files: new Map(),
      inputs: [],
      diagnostics: [{
        code: "NO_ROUTER",
        severity: "error",
        message: `router module ${routerRel} not found`,
        loc: { file: routerRel, line: 1, column: 1 },
        hint: "create app/router.ts with `export default defineRouter(...)`, or pass --router",
      }],
    };
  }
  const out: RouterCompileResult = { ir: null, files: new Map(), diagnostics: [], inputs: [] };
  out.ir = compileOne({ reading, root, mounted: new Map(), out, templatesModule: options.templatesModule ?? null }, routerRel, outDir, undefined, []);
  out.diagnostics = sortDiagnostics(out.diagnostics);
  return out;
}

/** What every compileOne of one run shares. */
interface Run {
  reading: Reading;
  root: string;
  /** Every router mounted so far, with the forward that mounted it (Phoenix forwards a module once). */
  mounted: Map<string, SourceLoc>;
  out: RouterCompileResult;
  /** The generated templates module, relative to root, or null. */
  templatesModule: string | null;
}

/**
 * Compiles one router module into `outDir`, and each router it forwards to into a folder of
 * it, adding files, diagnostics and inputs to `run.out`. `stack` holds the routers being
 * compiled above this one (a forward back to one of them is a cycle).
 */
function compileOne(run: Run, routerRel: string, outDir: string, mountedAt: RouterIR["mountedAt"], stack: readonly string[]): RouterIR {
  const { reading, root, out } = run;
  const routerPath = join(root, routerRel);
  const sf = reading.open(routerPath);
  const read = readRouter(sf, root, reading.semantics);
  const source = relativePosix(root, routerPath);
  const expanded = expandRouter(read.calls, read.missingActions, source);
  const ir: RouterIR = {
    source,
    routerExport: routerRel,
    pipelines: expanded.pipelines,
    routes: expanded.routes,
    calls: callsOf(read.calls),
    inlinePlugs: read.inlinePlugs,
    ...(mountedAt ? { mountedAt } : {}),
  };
  const diagnostics = [...read.diagnostics, ...expanded.diagnostics, ...checkRoutes(ir)];
  compileMounts(run, ir, outDir, stack, diagnostics);
  out.diagnostics.push(...diagnostics);
  if (!reading.emit) return ir;
  if (!hasErrors(diagnostics)) {
    const templates = run.templatesModule === null ? null : importSpecifier(outDir, run.templatesModule);
    for (const [name, text] of Object.entries(reading.emit(ir, outDir, templates))) out.files.set(`${outDir}/${name}`, text);
  }
  out.inputs.push(...(reading.inputsOf?.(sf) ?? [sf]).filter((f) => !f.isInNodeModules() && !f.isDeclarationFile()).map((f) => f.getFilePath()));
  return ir;
}

/**
 * Compiles each router `ir` forwards to into its folder of `outDir` (its mount's `dir` and `ir`
 * filled in), or reports why it cannot be mounted there: a cycle, a second mount, a folder clash.
 */
function compileMounts(run: Run, ir: RouterIR, outDir: string, stack: readonly string[], diagnostics: Diagnostic[]): void {
  const dirs = new Map<string, RouteIR>();
  const chain = [...stack, ir.source];
  for (const r of ir.routes) {
    if (!r.mount) continue;
    const problem = claimMount(run, r, r.mount, chain, dirs, outDir);
    if (problem) {
      diagnostics.push({ code: problem.code, severity: "error", message: problem.message, loc: r.loc, hint: problem.hint });
      continue;
    }
    dirs.set(r.mount.dir, r);
    const at = { prefix: (ir.mountedAt?.prefix ?? "") + (r.path === "/" ? "" : r.path), path: r.path, parent: ir.source, loc: r.loc };
    r.mount.ir = compileOne(run, r.mount.router, `${outDir}/${r.mount.dir}`, at, chain);
  }
}

/**
 * Claims the forward `r`'s router for it, or says why it cannot: the router is on the way here,
 * or mounted already; once claimed (in `run.mounted`, so a later forward to it is the second),
 * its folder (`mount.dir`) may clash with another mount's. Null: mounted at `mount.dir`.
 */
function claimMount(run: Run, r: RouteIR, mount: MountIR, chain: readonly string[], dirs: ReadonlyMap<string, RouteIR>, outDir: string): Pick<Diagnostic, "code" | "message" | "hint"> | null {
  if (chain.includes(mount.router)) {
    return { code: "FORWARD_CYCLE", message: `${chain[chain.length - 1]} forwards to ${mount.router}, which is already on the way here (${[...chain, mount.router].join(" → ")})`,
      hint: "a router cannot mount itself or a router that mounts it" };
  }
  const before = run.mounted.get(mount.router);
  if (before) {
    return { code: "FORWARDED_TWICE", message: `${mount.router} is already mounted by the forward at ${before.file}:${before.line}:${before.column}`,
      hint: "a router can be forwarded to once (as in Phoenix), so its helpers know their prefix; mount it in one place" };
  }
  run.mounted.set(mount.router, r.loc);
  mount.dir = mountDir(r.path);
  const clash = dirs.get(mount.dir);
  if (clash) {
    return { code: "MOUNT_DIR_CLASH", message: `the routers mounted at ${clash.path} and ${r.path} would both be generated into ${outDir}/${mount.dir}`,
      hint: "mount one of them at a path that differs by more than its punctuation" };
  }
  return null;
}

/** The folder of a mounted router's generated modules: its forward path as one name (`/api/v1` → `api-v1`). */
export function mountDir(path: string): string {
  const name = path.split("/").filter(Boolean).join("-").replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^\.+/, "_");
  return name || "root";
}

/**
 * Brings a reused project's source files up to date with the disk: a file whose text changed is
 * parsed again, a deleted one is dropped, the rest (lib and package declarations included) keep
 * their syntax trees, which the next program reuses. Returns how many files changed.
 *
 * A file whose mtime and size are what they were at its last refresh is not read again (the
 * stamps the plugin's watch loop decides a rebuild by): reading and comparing the 51 files of
 * bench:build's app was 7% of a router edit's regeneration (issue 10).
 */
export function refreshProject(project: Project, mode: { drop?: boolean } = {}): number {
  let stamps = refreshed.get(project);
  if (!stamps) refreshed.set(project, (stamps = new Map()));
  let changed = 0;
  for (const sf of project.getSourceFiles()) {
    if (sf.isInNodeModules()) continue; // packages are not edited in the loop; a reinstall restarts it
    const path = sf.getFilePath();
    const now = stampOf(path);
    if (now !== null && stamps.get(path) === now) continue;
    const result = mode.drop ? dropIfChanged(project, sf) : sf.refreshFromFileSystemSync();
    if (result === FileSystemRefreshResult.Deleted) stamps.delete(path);
    else if (now !== null) stamps.set(path, now); // taken before the read: an edit during it shows next time
    if (result !== FileSystemRefreshResult.NoChange) changed++;
  }
  return changed;
}

/**
 * refreshProject's `drop`: a file whose text changed is removed from the project, to be parsed
 * again when a read opens it, instead of refreshed in place. A refresh maps every ts-morph
 * wrapper made of the old tree onto the new one (a 1,000-route router's read makes ~15,000),
 * which cost twice what dropping them does (10% of a router edit's regeneration, issue 10); the
 * syntax-only read makes its wrappers again either way.
 */
function dropIfChanged(project: Project, sf: SourceFile): FileSystemRefreshResult {
  let text: string;
  try {
    text = readFileSync(sf.getFilePath(), "utf8");
  } catch {
    project.removeSourceFile(sf);
    return FileSystemRefreshResult.Deleted;
  }
  if (text === sf.getFullText()) return FileSystemRefreshResult.NoChange;
  project.removeSourceFile(sf);
  return FileSystemRefreshResult.Updated;
}

/** Each project's files as its last refreshProject found them (mtime and size). */
const refreshed = new WeakMap<Project, Map<string, string>>();

function stampOf(path: string): string | null {
  const s = statSync(path, { throwIfNoEntry: false });
  return s ? `${s.mtimeMs}:${s.size}` : null;
}

/** Uses the nearest tsconfig.json at or above root (its paths and module settings), loading no files up front. */
export function createProject(root: string, mode: { syntaxOnly?: boolean } = {}): Project {
  for (let dir = root; ; dir = dirname(dir)) {
    const tsconfig = join(dir, "tsconfig.json");
    if (existsSync(tsconfig) && mode.syntaxOnly) return new Project({ compilerOptions: compilerOptionsOf(tsconfig), skipLoadingLibFiles: true });
    if (existsSync(tsconfig)) return new Project({ tsConfigFilePath: tsconfig, skipAddingFilesFromTsConfig: true });
    if (dirname(dir) === dir) break;
  }
  return new Project({
    compilerOptions: {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
    },
  });
}

/**
 * A tsconfig's compiler options (`extends` followed, paths based as in a program) without
 * listing the files its `include` matches: a project built from the file walks them all, which
 * cost `fawkes routes` a tenth of its time in this repository for files it never reads.
 */
function compilerOptionsOf(tsconfig: string): ts.CompilerOptions {
  const json = ts.readConfigFile(tsconfig, (f) => ts.sys.readFile(f));
  const host: ts.ParseConfigHost = { useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames, fileExists: (f) => ts.sys.fileExists(f), readFile: (f) => ts.sys.readFile(f), readDirectory: () => [] };
  return ts.parseJsonConfigFileContent(json.config ?? {}, host, dirname(tsconfig), undefined, tsconfig).options;
}

function callsOf(calls: DslCall[]): RouterIR["calls"] {
  const out: RouterIR["calls"] = [];
  const walk = (cs: DslCall[], within: string) => {
    const inside = (path: string | null) => (path === null ? within : `${within}/${path}`.replace(/\/{2,}/g, "/").replace(/\/$/, ""));
    for (const c of cs) {
      if (c.kind === "route") out.push({ index: c.callIndex, kind: c.action === null ? "plug" : "route", verb: c.verb, path: c.path, within });
      else if (c.kind === "forward") out.push({ index: c.callIndex, kind: "forward", verb: "*", path: c.path, within });
      else if (c.kind === "resources") {
        out.push({ index: c.callIndex, kind: "resources", verb: "", path: c.path, within });
        walk(c.body, inside(c.path));
      } else if (c.kind === "scope") walk(c.body, inside(c.path));
    }
  };
  walk(calls, "");
  return out.sort((a, b) => a.index - b.index);
}
