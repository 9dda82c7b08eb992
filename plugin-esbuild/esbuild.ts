// The esbuild plugin: a thin adapter over the compiler's build(). On every build start it
// regenerates the router modules (written atomically, skipped when unchanged), reports
// diagnostics in esbuild's own format (file, line, column, notes), and tells esbuild to watch
// the router and everything it imports, the config and every template folder, so `ctx.watch()`
// rebuilds when they change, after a failed build too.
//
// Incremental: a rebuild first compares the inputs of the last good generation (their mtime
// and size, and the listing of every templates folder) with the disk. Nothing changed (an edit
// to a module the router does not read): the generated modules stand and the compiler does not
// run. Only templates changed: only the templates are compiled again (milliseconds; the router's
// type-checker program, the slow part, is not rebuilt). Anything else: a full buildProject,
// on a ts-morph project kept warm across rebuilds (only the files that changed are parsed again).

// First: the code cache wraps the loading of ts-morph, which the imports below start.
import "../compiler/_code-cache.js";
import type { Message, PartialMessage, Plugin } from "esbuild";
import { existsSync, readdirSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { routeHelpers } from "../compiler/templates/scope-check.js";
import { buildProject, compileTemplates, formatDiagnostic, sortDiagnostics, writeFiles, type Diagnostic, type ProjectBuildResult } from "../compiler/index.js";
import type { WriteReport } from "../compiler/write.js";
import type { TemplateScan } from "../compiler/verify/index.js";
import { scanTemplatesWith } from "../compiler/verify/templates.js";
import { TemplateCache } from "../compiler/templates/cache.js";
import { checkPathLiterals } from "../compiler/verify/check.js";
import { indexStatics } from "../compiler/verify/statics.js";
import type { TemplateIR } from "../compiler/templates/ir.js";
import { CONFIG_FILES } from "../compiler/config/load.js";
import { createProject } from "../compiler/router/compile.js";
import type { Project } from "ts-morph";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { createRequire } from "node:module";
import type { TypeCheckAnswer, TypeCheckRequest } from "./type-check-worker.js";

export interface FawkesEsbuildOptions {
  /** Project root (default: esbuild's absWorkingDir, else the current directory). */
  root?: string;
  /** Config file relative to root (default: fawkes.config.ts, .mts, .js or .mjs when present). */
  config?: string;
  /** Router module relative to root (default: the config's, else `app/router.ts`). */
  router?: string;
  /** Output directory relative to root (default: the config's, else `.fawkes`). */
  outDir?: string;
  /** Templates root relative to root (default: the config's `templates.dir`, else `app/templates`). */
  templatesDir?: string;
  /** Warnings fail the build (default: the config's `strict`). */
  strict?: boolean;
  /**
   * When the router is read with the type checker. `"blocking"` (the default): in every build,
   * so its errors (ACTION_MISSING) fail that build, as `fawkes build` does. `"deferred"` (what
   * `fawkes server` uses): a build reads the router from its syntax alone and finishes (the
   * reload's critical path: a router edit regenerates in the time it takes to parse it), then
   * the type checker's read runs on a warm program and reports what it adds to `onTypeCheck`
   * (to stderr without one). Syntax, router and template diagnostics block a build either way.
   */
  typeCheck?: "blocking" | "deferred";
  /** With `typeCheck: "deferred"`: the type checker's read of the router a build served. */
  onTypeCheck?: (report: TypeCheckReport) => void;
  /**
   * @internal `fawkes server`'s hook (compiler/cli/server/dev.ts): hands it the generation step
   * every build starts with, to run on its own (a template edit regenerates and swaps that
   * template's module into the running app without bundling it again). Its builds and its own
   * calls never overlap (one queue).
   */
  exposeGenerate?: (generate: (hint?: ChangeHint) => Promise<Generation>) => void;
}

/**
 * @internal What `fawkes server`'s watcher saw since the last generation, so that a generation
 * stats those paths instead of every input (1,500 stats for bench:build's app: 4-9 ms of a
 * template edit). Without a hint (an esbuild or Vite rebuild: no watcher tells the plugin what
 * changed) every input is stat'ed.
 */
export interface ChangeHint {
  /** Absolute paths the watcher reported since the last generation: files, and folders created, deleted or renamed. */
  paths: readonly string[];
  /**
   * Whether a change of this input (absolute) would be in `paths`; an input it does not cover
   * (a package under node_modules, outside the root) is stat'ed as without a hint. Called once
   * per path and kept: the same function must give the same answer.
   */
  covers(path: string): boolean;
}

/** What one generation step did: regenerated .fawkes/ (or found nothing changed), or failed. */
export interface Generation {
  /** Diagnostics that fail it: nothing was written, the last good generation stands on disk. */
  errors: PartialMessage[];
  warnings: PartialMessage[];
  /** The generated files it wrote and removed (relative to root, forward slashes); empty when nothing changed. */
  written: string[];
  removed: string[];
  /** Whether `path` (absolute) is a template's source: an edit of it changes templates' modules only. */
  isTemplate(path: string): boolean;
  /** The out dir, relative to root (`.fawkes`). */
  outDir: string;
  /**
   * Starts the deferred type check of the router this generation read (typeCheck "deferred"),
   * which otherwise starts when the build that ran it ends: for a caller that serves the
   * generation without a build of the bundle (`fawkes server` swapping a router edit in).
   */
  typeCheck(): void;
}

/** What the deferred type check of a build adds to it. */
export interface TypeCheckReport {
  /** Errors the syntactic read could not see (ACTION_MISSING): the build served is wrong there. */
  errors: PartialMessage[];
  warnings: PartialMessage[];
  /**
   * The type checker read the router differently (syntactic.ts lists where it can) and its
   * modules were written over the served ones: build again to serve them.
   */
  regenerated: boolean;
  /** How long the check took (ms). */
  ms: number;
}

/**
 * With `platform: "node"`, `format` defaults to `"esm"` and `packages` to `"external"` (set
 * either to override). The output is an ES module: give it an `.mjs` name, or run it in a
 * package with `"type": "module"`.
 * @example
 * import { build } from "esbuild";
 * import { fawkes } from "fawkes/esbuild";
 * await build({ entryPoints: ["server.ts"], bundle: true, platform: "node", outfile: "_build/server.mjs", plugins: [fawkes()] });
 */
export function fawkes(options: FawkesEsbuildOptions = {}): Plugin {
  return {
    name: "fawkes",
    setup(build) {
      // A server bundle as the runtime expects it, unless the build says otherwise: ES modules
      // (the app's top-level await, import.meta.url) and dependencies loaded from node_modules
      // (ws's optional native addons, the phoenix client served from its package), so the
      // documented three-option example runs as written.
      const initial = build.initialOptions;
      if (initial.platform === "node") {
        initial.format ??= "esm";
        initial.packages ??= "external";
      }
      const root = resolve(options.root ?? build.initialOptions.absWorkingDir ?? process.cwd());
      let inputs: string[] = [join(root, options.router ?? "app/router.ts")];
      let watchDirs: string[] = [];
      let outDir = join(root, options.outDir ?? ".fawkes") + sep;
      // The errors of the last generation, and whether this build has reported them.
      let failed: PartialMessage[] | null = null;
      let reported = false;

      // The router's type-checker program, kept warm between rebuilds: a rebuild parses and binds
      // only the files that changed (refreshProject), where a new project would parse the lib
      // and every module the router imports again. A tsconfig.json edited starts a new one.
      const warm = warmProject(root);
      // With typeCheck "deferred": the syntax-only project builds read the router with (warm too),
      // and the check a build that read the router that way leaves to run after it ends.
      const deferred = options.typeCheck === "deferred";
      let syntaxProject: Project | null = null;
      let pendingCheck: ProjectBuildResult | null = null;
      /** The last build that read the router, and its sources as it read them. */
      let latestRead: { result: ProjectBuildResult; sources: Map<string, string> } | null = null;
      let checker: TypeChecker | null = null;
      // The templates compiler's results, kept across builds: a template edit compiles that template.
      const templateCache = new TemplateCache();
      // Where templates are and how they are named, as the last generation read the config.
      let templateFiles = { root: join(root, options.templatesDir ?? "app/templates") + sep, extension: ".eta" };
      const isTemplate = (f: string) => f.endsWith(templateFiles.extension) && f.startsWith(templateFiles.root);

      // The last generation without errors, and what it was made from.
      let last: { result: ProjectBuildResult; stamps: Map<string, string>; warnings: PartialMessage[] } | null = null;
      // The generated files' texts as this plugin's writes left them on disk (written, or found the same).
      const disk = new Map<string, string>();
      const wrote = (files: ReadonlyMap<string, string>, report: WriteReport) => {
        for (const f of [...report.written, ...report.unchanged]) disk.set(f, files.get(f)!);
        for (const f of report.removed) disk.delete(f);
      };

      /** Regenerates .fawkes/ when its inputs changed since the last good generation (see the header). */
      async function generate(hint?: ChangeHint): Promise<Generation> {
        const outcome = (warnings: PartialMessage[], errors: PartialMessage[] = [], report?: WriteReport): Generation => ({ errors, warnings, written: report?.written ?? [], removed: report?.removed ?? [], isTemplate, outDir: relative(root, outDir).split(sep).join("/"), typeCheck: checkPending });
        let result: ProjectBuildResult;
        const changed = last ? changedSince(last.stamps, hint) : null;
        if (last && changed && changed.length === 0) {
          // The deferred check of the build that generated last (if not run yet) stands.
          failed = null;
          reported = false;
          return outcome(last.warnings);
        }
        pendingCheck = null;
        const templatesRoot = join(root, last?.result.options.templatesDir ?? "app/templates") + sep;
        // A template edited, or one created or deleted (a folder's listing under the templates root).
        const templateChange = (f: string) => isTemplate(f) || (f.endsWith(sep) && f.startsWith(templatesRoot));
        // Templates edited, none created or deleted: the folders (and so watchDirs) are the same.
        let sameFolders = false;
        const templatesEdit = last !== null && changed !== null && changed.every(templateChange);
        if (templatesEdit) {
          sameFolders = !changed.some((f) => f.endsWith(sep));
          result = templatesOnly(root, last!.result, templateCache, changed!);
        } else {
          if (deferred) syntaxProject ??= createProject(root, { syntaxOnly: true });
          // Nothing the templates are made from changed (a router edit): the last ones stand.
          const reuseTemplates = last && changed && templatesUnchanged(root, last.result, changed, templateChange) ? last.result.compiledTemplates : undefined;
          result = await buildProject({ root, config: options.config, router: options.router, outDir: options.outDir, templatesDir: options.templatesDir, strict: options.strict, reuseTemplates, templateCache, ...(deferred ? { syntaxProject: syntaxProject! } : { project: warm() }) });
          if (deferred) {
            pendingCheck = result;
            latestRead = { result, sources: sourceStamps(root, result, inputs) };
          }
          // The last templates stand and no folder changed (a router edit): the folders and the
          // template modules are the same, not walked again (~1,000 entries in bench:build's app).
          sameFolders = reuseTemplates !== undefined && result.compiledTemplates?.result === reuseTemplates.result && !changed!.some((f) => f.endsWith(sep));
        }
        if (result.inputs.length) inputs = result.inputs;
        templateFiles = { root: join(root, result.options.templatesDir ?? "app/templates") + sep, extension: result.options.templates?.defaultExtension ?? ".eta" };
        // Every folder under the templates root: esbuild's watchDirs are not recursive, and a
        // template created in app/templates/user/ must rebuild as one in app/templates/ does.
        // The view modules' folders too: a view module created there changes what templates can call.
        if (!sameFolders) watchDirs = [...foldersUnder(join(root, result.options.templatesDir ?? "app/templates")), ...foldersUnder(join(root, result.options.templates?.viewsDir ?? "app/views"))];
        outDir = join(root, result.options.outDir ?? ".fawkes") + sep;
        reported = false;
        const errors = result.diagnostics.filter((d) => d.severity === "error");
        const warnings = await Promise.all(result.diagnostics.filter((d) => d.severity !== "error").map((d) => toMessage(root, d)));
        if (errors.length === 0) {
          failed = null;
          // What the last writes left on disk is there still where its stamp did not change: not read again.
          const unchanged = last && changed ? { stamps: last.stamps, changed: new Set(changed) } : null;
          if (unchanged) for (const f of changed!) disk.delete(relative(root, f).split(sep).join("/"));
          const report = writeFiles(root, result.files, unchanged ? disk : undefined, sameFolders);
          wrote(result.files, report);
          const rewritten = new Set([...report.written, ...report.removed].map((f) => join(root, f)));
          last = { result, stamps: stampsOf(root, result, watchDirs, unchanged && { ...unchanged, rewritten }), warnings };
          return outcome(warnings, [], report);
        }
        // A template's errors (a generation of templates alone) leave the last good generation the
        // base: its fix is then a template edit as any (templatesOnly: that template compiled),
        // where until 2026-12-07 it was a buildProject of the router and every template (0.9-2.1 s
        // in bench:build's app on a loaded machine, against ~30 ms for the edit).
        if (!templatesEdit) last = null;
        pendingCheck = null; // a build with errors is fixed first; its fix is checked
        failed = await Promise.all(errors.map((d) => toMessage(root, d)));
        return outcome(warnings, failed);
      }
      options.exposeGenerate?.(generate);

      build.onStart(async () => {
        // Errors returned from onStart end the build before anything is read, so watch mode
        // would watch nothing and a fix would never rebuild: on errors (`failed`) the build goes
        // on against stand-ins for the generated modules (onResolve/onLoad below), which carry
        // the watch lists.
        const { warnings } = await generate();
        return { warnings };
      });

      // While generation has failed, an import of a generated module resolves to a stand-in.
      // The stand-in loads without errors, so esbuild records its watch lists (a load that
      // returns errors is dropped with them), and requires a second module whose load reports
      // the errors, so the build fails as it should. The stand-in is CommonJS: imports of its
      // names link (esbuild checks named imports of ES modules only), and the only errors are ours.
      build.onResolve({ filter: OWN_MODULE_SPECIFIER }, (args) => {
        if (!failed || !args.resolveDir) return undefined;
        const path = resolve(args.resolveDir, args.path);
        // Ours when it is in the out dir, or when it does not exist (a config with errors may be
        // the one that names the out dir).
        const missing = !existsSync(path) && !existsSync(path.replace(/\.[cm]?js$/, ".ts"));
        if (!path.startsWith(outDir) && !missing) return undefined;
        return { path, namespace: FAILED };
      });
      build.onLoad({ filter: /.*/, namespace: FAILED }, () => ({ contents: `module.exports = require(${JSON.stringify(REPORT)});`, loader: "js", watchFiles: inputs, watchDirs }));
      build.onResolve({ filter: new RegExp(`^${REPORT}$`) }, () => ({ path: REPORT, namespace: FAILED_REPORT }));
      build.onLoad({ filter: /.*/, namespace: FAILED_REPORT }, () => {
        reported = true;
        return { errors: failed ?? [] };
      });
      // No generated module imported: the errors still end up in the result.
      build.onEnd((result) => {
        if (failed && !reported) result.errors.push(...(failed as Message[]));
        checkPending();
      });
      /** The deferred check: in a worker thread, so nothing here waits for it. */
      function checkPending(): void {
        if (pendingCheck) void typeCheck(pendingCheck);
        pendingCheck = null;
      }

      /** The type checker's read of the router `built` read from its syntax (in the worker): what it adds, reported. */
      async function typeCheck(built: ProjectBuildResult): Promise<void> {
        const t0 = performance.now();
        // The check is about the sources the build read, as they were then; the worker reads them
        // from disk later (after a check in flight: on a busy machine, seconds later). An answer
        // about other sources than the build's is dropped, not written over its modules: the edit
        // that changed them builds again, and that build's check reports.
        const read = latestRead;
        const o = built.options;
        // The templates module as build() names it to the router's modules.
        const templatesModule = existsSync(join(root, o.templatesDir ?? "app/templates")) ? `${o.outDir ?? ".fawkes"}/templates.gen.ts` : undefined;
        const answer = await (checker ??= typeChecker()).check({ root, router: o.router, outDir: o.outDir, templatesModule });
        if (answer === null) return; // superseded by a newer build's check
        if (read?.result !== built || [...read.sources].some(([f, s]) => stamp(f) !== s)) return;
        let report: TypeCheckReport;
        if (answer.ok) {
          const diagnostics = built.strict ? answer.diagnostics.map(strictly) : answer.diagnostics;
          const seen = new Set(built.diagnostics.map(diagnosticKey));
          const added = diagnostics.filter((d) => !seen.has(diagnosticKey(d)));
          const errors = added.filter((d) => d.severity === "error");
          const files = new Map(answer.files);
          let regenerated = false;
          // The type checker's modules are the truth where the two reads differ; the same text writes nothing.
          if (errors.length === 0) {
            const report = writeFiles(root, files);
            wrote(files, report);
            regenerated = report.written.length > 0;
          }
          // Watch everything the router imports (the syntactic read opened only what it followed).
          inputs = [...new Set([...inputs, ...answer.inputs])];
          if (last?.result === built) {
            if (errors.length) last = null; // the next build reads (and checks) the router again
            else for (const f of [...answer.inputs, ...[...files.keys()].map((f) => join(root, f))]) last.stamps.set(f, stamp(f));
          }
          report = {
            errors: await Promise.all(errors.map((d) => toMessage(root, d))),
            warnings: await Promise.all(added.filter((d) => d.severity !== "error").map((d) => toMessage(root, d))),
            regenerated,
            ms: performance.now() - t0,
          };
          if (!options.onTypeCheck && added.length) process.stderr.write(added.map((d) => formatDiagnostic(d) + "\n").join(""));
        } else {
          if (answer.error.startsWith("the type-check worker")) checker = null; // a new worker for the next check
          // Never a crash of the watcher's process: the failure is the report.
          report = { errors: [{ pluginName: "fawkes", text: `the router's type check failed: ${answer.error}` }], warnings: [], regenerated: false, ms: performance.now() - t0 };
          if (!options.onTypeCheck) process.stderr.write(`[fawkes] ${report.errors[0].text}\n`);
        }
        options.onTypeCheck?.(report);
      }
      build.onDispose(() => void checker?.close());

      // esbuild only watches files it read itself: the generated modules carry the router's
      // inputs (and the config's). The filter is static while the out dir may come from the
      // config, so the directory is checked here. The out dir's own modules only: each
      // template's (under templates/) esbuild reads itself, so a rebuild re-parses only those
      // whose text changed (a plugin's load runs again on every rebuild).
      build.onLoad({ filter: OWN_MODULE_PATH }, async (args) => {
        if (!args.path.startsWith(outDir) || args.path.slice(outDir.length).includes(sep)) return undefined;
        // The text this plugin's last write left there (the disk holds it; not read back), else the file's.
        const written = disk.get(relative(root, args.path).split(sep).join("/"));
        return { contents: written ?? (await readFile(args.path, "utf8")), loader: "ts", watchFiles: inputs, watchDirs };
      });
    },
  };
}

/** The deferred type check's worker thread (type-check-worker.ts), started on the first check. */
interface TypeChecker {
  /** The answer for this request; null when a newer request came before it started (it never runs). */
  check(request: Omit<TypeCheckRequest, "id">): Promise<TypeCheckAnswer | null>;
  close(): Promise<void>;
}

function typeChecker(): TypeChecker {
  // dist/ runs the built .js; the sources (tests) run the .ts through tsx, a dev dependency
  // (registered in the worker itself: a worker does not take the parent's loaders).
  const js = new URL("./type-check-worker.js", import.meta.url);
  const worker = existsSync(fileURLToPath(js))
    ? new Worker(js)
    : new Worker(`import(${JSON.stringify(tsxApi())}).then((tsx) => tsx.register()).then(() => import(${JSON.stringify(new URL("./type-check-worker.ts", import.meta.url).href)}));`, { eval: true });
  worker.unref(); // idle, it keeps no process alive; a check in flight refs it
  let next = 1;
  let running: { id: number; resolve(a: TypeCheckAnswer): void } | null = null;
  // The latest request not sent yet: an older one waiting is superseded (answered null).
  let waiting: { request: TypeCheckRequest; resolve(a: TypeCheckAnswer | null): void } | null = null;
  const failAll = (error: string) => {
    running?.resolve({ id: running.id, ok: false, error });
    waiting?.resolve({ id: waiting.request.id, ok: false, error });
    running = waiting = null;
  };
  const send = (request: TypeCheckRequest, resolve: (a: TypeCheckAnswer) => void) => {
    running = { id: request.id, resolve };
    worker.ref();
    worker.postMessage(request);
  };
  worker.on("message", (answer: TypeCheckAnswer) => {
    if (running?.id !== answer.id) return;
    running.resolve(answer);
    running = null;
    worker.unref();
    if (waiting) {
      const w = waiting;
      waiting = null;
      send(w.request, w.resolve);
    }
  });
  worker.on("error", (e) => failAll(`the type-check worker failed: ${e?.stack ?? String(e)}`));
  worker.on("exit", (code) => failAll(`the type-check worker exited (code ${code})`));
  return {
    check(partial) {
      const request = { ...partial, id: next++ };
      return new Promise((resolve) => {
        if (!running) return send(request, resolve);
        waiting?.resolve(null);
        waiting = { request, resolve };
      });
    },
    async close() {
      waiting?.resolve(null);
      waiting = null;
      await worker.terminate();
    },
  };
}

/** tsx's ES module API (its package's "./esm/api" import), for the worker run from the sources. */
function tsxApi(): string {
  const pkg = createRequire(import.meta.url).resolve("tsx/package.json");
  return pathToFileURL(join(dirname(pkg), "dist/esm/api/index.mjs")).href;
}

/** A warning as strict mode reports it (as buildProject does). */
const strictly = (d: Diagnostic): Diagnostic => (d.severity === "error" ? d : { ...d, severity: "error", message: `${d.message} (a warning; strict mode makes it an error)` });

const diagnosticKey = (d: Diagnostic) => `${d.code}\0${d.loc.file}:${d.loc.line}:${d.loc.column}\0${d.message}`;

/**
 * Whether the templates `last` compiled still stand after these changes: none is a template or
 * a templates folder, a config file or what the config imports, or a module the templates
 * import (escape, filter, custom tags).
 */
function templatesUnchanged(root: string, last: ProjectBuildResult, changed: string[], templateChange: (f: string) => boolean): boolean {
  if (!last.compiledTemplates) return false;
  const made = new Set([...last.compiledTemplates.result.inputs, ...last.config.inputs, ...CONFIG_FILES.map((c) => join(root, c))]);
  return changed.every((f) => !templateChange(f) && !f.endsWith(sep) && !made.has(f));
}

/** The warm project of a root: the same one on every call until the root's tsconfig.json changes. */
function warmProject(root: string): () => Project {
  let project: Project | null = null;
  let config = "";
  return () => {
    const now = stamp(join(root, "tsconfig.json"));
    if (!project || now !== config) project = createProject(root);
    config = now;
    return project;
  };
}

/**
 * The templates compiled again with the options of `last`, the router's modules kept from it:
 * what buildProject would return when only templates changed.
 */
function templatesOnly(root: string, last: ProjectBuildResult, cache: TemplateCache, changed: readonly string[]): ProjectBuildResult {
  const o = last.options;
  // Templates edited, none created or deleted (no folder's listing changed): the compiler reads
  // those alone, and takes the listing and the other texts as it last read them.
  const edited = changed.some((f) => f.endsWith(sep)) ? undefined : new Set(changed);
  // The templates' `p` literals, scanned for the emitter's sites and checked against the route table, as build() does.
  const headerLoc = o.locateTemplateOption?.(["functionHeader"]) ?? { file: o.templatesDir ?? "app/templates", line: 1, column: 1 };
  let scan: TemplateScan | undefined;
  const pathSites = (ts: readonly TemplateIR[]) => (scan = scanTemplatesWith(cache, ts, o.templates ?? {}, headerLoc)).sites;
  const routes = last.router ? helpersOf(last.router) : false;
  const templates = compileTemplates({ root, templatesDir: o.templatesDir, outDir: o.outDir, config: o.templates, locate: o.locateTemplateOption, configFile: o.configFile, pathSites, routes, cache, edited });
  const verified = scan && last.router ? checkPathLiterals(scan.literals, { routes: last.router.routes, statics: indexStatics(root, o.staticDir ?? "priv/static") }) : [];
  const own = [...templates.diagnostics, ...verified];
  const diagnostics = last.strict ? own.map(strictly) : own;
  const failed = diagnostics.some((d) => d.severity === "error");
  const templateExt = o.templates?.defaultExtension ?? ".eta";
  // The router's diagnostics (warnings: an error would have made `last` no good) stand.
  const kept = last.diagnostics.filter((d) => !d.loc.file.endsWith(templateExt));
  const inputs = [...new Set([...last.inputs.filter((f) => !f.endsWith(templateExt)), ...templates.inputs])];
  return {
    ...last,
    // The router's modules from the last build, the templates' all new: a deleted template's
    // module is not carried over (writeFiles removes it from disk).
    files: failed ? new Map() : new Map([...[...last.files].filter(([f]) => !last.compiledTemplates?.result.files.has(f)), ...templates.files]),
    diagnostics: sortDiagnostics([...kept, ...diagnostics]),
    inputs,
    compiledTemplates: { result: templates, scan, routesKey: routes === false ? "false" : helperKeys.get(routes)! },
  };
}

// The route helpers of a router's IR, and their key (what buildProject compares), made once per
// read of the router: a template edit keeps the router, and 1,000 routes' names cost ~1 ms.
const helpers = new WeakMap<NonNullable<ProjectBuildResult["router"]>, Map<string, string[]>>();
const helperKeys = new WeakMap<Map<string, string[]>, string>();
function helpersOf(router: NonNullable<ProjectBuildResult["router"]>): Map<string, string[]> {
  let made = helpers.get(router);
  if (!made) {
    made = routeHelpers(router);
    helpers.set(router, made);
    helperKeys.set(made, JSON.stringify([...made]));
  }
  return made;
}

/**
 * The router's sources a build read, stamped: its inputs, the router, the config, and what the
 * last type check read besides (the controllers the syntactic read does not open). What the
 * build's deferred type check is about.
 */
function sourceStamps(root: string, result: ProjectBuildResult, checked: readonly string[]): Map<string, string> {
  // Not the templates: the check reads the router and its imports (a template edit builds
  // templates only, and leaves the router's check standing).
  const templates = join(root, result.options.templatesDir ?? "app/templates") + sep;
  const files = [...result.inputs, ...checked, join(root, result.options.router ?? "app/router.ts"), ...CONFIG_FILES.map((c) => join(root, c))].filter((f) => !f.startsWith(templates));
  return new Map(files.map((f) => [f, stamp(f)]));
}

/**
 * What a generation was made from, each with a stamp that changes when it does: the inputs'
 * mtime and size, the listing of each templates folder (a template created or deleted), and
 * whether each config file name exists (a config created next to none).
 * `since`: the last good generation's stamps and what changed since then (this build's
 * changedSince, and the files it wrote or removed); any other path keeps its stamp (a template
 * edit stats one template and one module, not a thousand files).
 */
function stampsOf(root: string, result: ProjectBuildResult, dirs: string[], since?: { stamps: ReadonlyMap<string, string>; changed: ReadonlySet<string>; rewritten: ReadonlySet<string> } | null): Map<string, string> {
  const stamps = new Map<string, string>();
  const set = (path: string) => {
    const kept = since && !since.changed.has(path) && !since.rewritten.has(path) ? since.stamps.get(path) : undefined;
    stamps.set(path, kept ?? stamp(path));
  };
  for (const f of result.inputs) set(f);
  // The generated modules too: one deleted or edited by hand is written again.
  for (const f of result.files.keys()) set(join(root, f));
  for (const d of dirs) set(d + sep);
  for (const c of CONFIG_FILES) set(join(root, c));
  set(join(root, result.options.router ?? "app/router.ts"));
  set(join(root, result.options.templatesDir ?? "app/templates") + sep);
  return stamps;
}

function stamp(path: string): string {
  try {
    if (path.endsWith(sep)) return readdirSync(path).sort().join("\0");
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return "missing";
  }
}

/**
 * The paths whose stamp is no longer what it was (a folder's: its path with the trailing
 * separator). With a hint, the paths it names (a file, and the listing of the folder it is in:
 * a template created is a new name in its folder) and the inputs it does not cover.
 */
function changedSince(stamps: Map<string, string>, hint?: ChangeHint): string[] {
  const changed: string[] = [];
  if (!hint) {
    for (const [path, was] of stamps) if (stamp(path) !== was) changed.push(path);
    return changed;
  }
  const seen = new Set<string>();
  const check = (path: string) => {
    const was = stamps.get(path);
    if (was === undefined || seen.has(path)) return;
    seen.add(path);
    if (stamp(path) !== was) changed.push(path);
  };
  for (const p of hint.paths) {
    check(p);
    check(p + sep);
    check(dirname(p) + sep);
  }
  const covered = coverage(hint.covers);
  for (const path of stamps.keys()) {
    let c = covered.get(path);
    if (c === undefined) covered.set(path, (c = hint.covers(path)));
    if (!c) check(path);
  }
  return changed;
}

/** What a hint's `covers` said of each path, kept (the same 1,500 paths are asked on every edit). */
const coverages = new WeakMap<ChangeHint["covers"], Map<string, boolean>>();
function coverage(covers: ChangeHint["covers"]): Map<string, boolean> {
  let known = coverages.get(covers);
  if (!known) coverages.set(covers, (known = new Map()));
  return known;
}

// The filters of the callbacks for the out dir's own modules (router.gen.ts, templates.gen.ts,
// ...: one word before `.gen`). Each match is a round trip from esbuild to this process on every
// rebuild; a template's module (`templates/user/show.html.gen.ts`, a dot in its name) is left to
// esbuild alone, so a rebuild after one template edit does not make 500 of them. A template named
// without one (`page.eta`) matches and is passed over by the callback: the filters only narrow.
const OWN_MODULE_SPECIFIER = /(^|[\\/])[\w-]+\.gen(\.[cm]?[jt]s)?$/;
const OWN_MODULE_PATH = /[\\/][\w-]+\.gen\.ts$/;

const FAILED = "fawkes-failed";
const FAILED_REPORT = "fawkes-failed-report";
const REPORT = "fawkes-build-errors";

function foldersUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return [dir, ...readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isDirectory()).map((e) => join(e.parentPath, e.name))];
}

async function toMessage(root: string, d: Diagnostic): Promise<PartialMessage> {
  const location = async (loc: Diagnostic["loc"]) => ({
    file: loc.file,
    line: loc.line,
    column: loc.column - 1, // esbuild columns are 0-based
    lineText: await lineOf(join(root, loc.file), loc.line),
  });
  return {
    id: d.code,
    pluginName: "fawkes",
    text: `${d.message} [${d.code}]`,
    location: await location(d.loc),
    notes: [
      ...(await Promise.all((d.related ?? []).map(async (r) => ({ text: r.message, location: await location(r.loc) })))),
      ...(d.hint ? [{ text: `hint: ${d.hint}` }] : []),
    ],
  };
}

async function lineOf(file: string, line: number): Promise<string> {
  try {
    return (await readFile(file, "utf8")).split("\n")[line - 1] ?? "";
  } catch {
    return "";
  }
}
