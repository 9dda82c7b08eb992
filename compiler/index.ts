// The compiler's public entry ("fawkes/compiler"). Build time only: the CLI and the bundler
// plugins call `build`; it returns contents and diagnostics and writes nothing itself.

// First: the code cache wraps the loading of ts-morph, which the imports below start.
import { afterBuild } from "./_code-cache.js";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { relativePosix } from "./paths.js";
import { compileRouter, compileRouterFromSyntax, type RouterCompileOptions } from "./build/router.js";
import { routeHelpers } from "./templates/scope-check.js";
import type { Project } from "ts-morph";
import { compileTemplates, type TemplateCompileResult, type TemplateConfig } from "./build/templates.js";
import { hasErrors, sortDiagnostics } from "./diagnostics.js";
import type { Diagnostic } from "./diagnostics.js";
import type { RouterIR } from "./router/ir.js";
import { loadConfig, type LoadedConfig } from "./config/load.js";
import { locateKey } from "./config/locate.js";
import { loadTemplatePlugins } from "./templates/plugins.js";
import type { Locate, TemplateIR } from "./templates/ir.js";
import { verifyPaths, type TemplateScan } from "./verify/index.js";
import { scanTemplatesWith } from "./verify/templates.js";
import type { TemplateCache } from "./templates/cache.js";

export interface BuildOptions extends RouterCompileOptions {
  /** Templates root, relative to root (default `app/templates`); compiled when it exists. */
  templatesDir?: string;
  /** Eta configuration decided at build time (tags, trimming, escaping, plugins...). */
  templates?: TemplateConfig;
  /**
   * Where each templates option is written (a key under `templates`), for diagnostics about it;
   * buildProject points into fawkes.config.ts. Default: the templates folder.
   */
  locateTemplateOption?: Locate;
  /** The config file the options come from, named in the generated header. */
  configFile?: string | null;
  /** The static folder `p` literals of static files are checked against, relative to root (default `priv/static`). */
  staticDir?: string;
  /**
   * Read the router from its syntax alone (compileRouterFromSyntax) with this syntax-only
   * project, kept warm between builds: the watch loop's fast path, whose caller runs the type
   * checker's read afterwards (ACTION_MISSING is the type checker's). Default: the type checker's read.
   */
  syntaxProject?: Project;
  /**
   * The templates as the last build compiled them (its `compiledTemplates`), when the caller
   * knows no template, templates option or config changed since (watch mode: a router edit):
   * they are not compiled again; their `p` literals are checked against the new route table.
   */
  reuseTemplates?: CompiledTemplates;
  /**
   * The templates compiler's results of earlier builds (templates/cache.ts), kept by a watch
   * loop across builds: what did not change is not compiled again.
   */
  templateCache?: TemplateCache;
}

/** A build's template output and the scan of their `p` literals, for BuildOptions.reuseTemplates. */
export interface CompiledTemplates {
  result: TemplateCompileResult;
  scan: TemplateScan | undefined;
  /** The route helpers their Routes calls were checked against (they are reused only with the same). */
  routesKey: string;
}

export interface BuildResult {
  /** Generated files, by path relative to root. Empty when there are errors. */
  files: Map<string, string>;
  diagnostics: Diagnostic[];
  router: RouterIR | null;
  /** Source files the output depends on (absolute), for watch lists. */
  inputs: string[];
  /** The templates compiled (or reused) by this build, for the next one's reuseTemplates. */
  compiledTemplates?: CompiledTemplates;
}

/**
 * Compiles a Fawkes app: reads `app/router.ts` and emits the matcher, helpers, dispatch table
 * and route metadata.
 *
 * @example
 * const { files, diagnostics } = build({ root: process.cwd() });
 * if (!diagnostics.length) writeFiles(process.cwd(), files);
 */
export function build(options: BuildOptions): BuildResult {
  const templatesDir = options.templatesDir ?? "app/templates";
  const hasTemplates = existsSync(join(options.root, templatesDir));
  // The router is optional for an app of templates only; with neither, NO_ROUTER says what is missing.
  const hasRouter = options.router !== undefined || existsSync(join(options.root, "app/router.ts")) || !hasTemplates;
  // Typed conns render against the generated templates (actions.gen.ts imports their types).
  const templatesModule = hasTemplates ? `${options.outDir ?? ".fawkes"}/templates.gen.ts` : undefined;
  const routerOptions = { ...options, templatesModule };
  const router = !hasRouter ? null : options.syntaxProject ? compileRouterFromSyntax(routerOptions, options.syntaxProject) : compileRouter(routerOptions);
  const routerOut = router ?? { files: new Map<string, string>(), diagnostics: [], ir: null, inputs: [] };
  // The templates' `p` literals are scanned once: their sites for the emitter, then checked.
  let templateScan: TemplateScan | undefined;
  const pathSites = (ts: readonly TemplateIR[]) => (templateScan = scanTemplatesWith(options.templateCache, ts, options.templates ?? {}, headerLocOf(options))).sites;
  const routes = (routerOut.ir && !hasErrors(routerOut.diagnostics) ? routeHelpers(routerOut.ir) : null) ?? hasRouter;
  // The templates' Routes calls are checked against the route helpers: reused only when those are the same.
  const routesKey = typeof routes === "boolean" ? String(routes) : JSON.stringify([...routes]);
  const reuse = options.reuseTemplates?.routesKey === routesKey ? options.reuseTemplates : undefined;
  if (reuse) templateScan = reuse.scan;
  const templates: TemplateCompileResult = reuse?.result ?? (hasTemplates
    ? compileTemplates({ root: options.root, templatesDir, outDir: options.outDir, config: options.templates, locate: options.locateTemplateOption, configFile: options.configFile, pathSites, routes, cache: options.templateCache })
    : { files: new Map<string, string>(), diagnostics: [], templates: [], inputs: [] });
  const verified = verifiedPaths(options, routerOut, templates.templates, templateScan);
  const diagnostics = sortDiagnostics([...routerOut.diagnostics, ...templates.diagnostics, ...verified.diagnostics]);
  const files = hasErrors(verified.diagnostics) ? new Map<string, string>() : new Map([...routerOut.files, ...templates.files]);
  return { files, diagnostics, router: routerOut.ir, inputs: [...new Set([...routerOut.inputs, ...templates.inputs, ...verified.inputs])], compiledTemplates: { result: templates, scan: templateScan, routesKey } };
}

// ---- verified paths (compiler/verify): every `p` literal against the route table -------------
function verifiedPaths(options: BuildOptions, router: { ir: RouterIR | null; diagnostics: Diagnostic[]; inputs: string[] }, templates: TemplateIR[], templateScan: TemplateScan | undefined) {
  const routerFile = options.router ?? "app/router.ts";
  // Routes with errors are no table to check against: those errors come first.
  const routes = router.ir && !hasErrors(router.diagnostics) ? router.ir.routes : null;
  return verifyPaths({
    root: options.root,
    appDir: dirname(routerFile),
    outDir: options.outDir ?? ".fawkes",
    routerInputs: router.inputs,
    routes,
    staticDir: options.staticDir ?? "priv/static",
    templates,
    templateConfig: options.templates ?? {},
    headerLoc: headerLocOf(options),
    templateScan,
  });
}

const headerLocOf = (options: BuildOptions) => options.locateTemplateOption?.(["functionHeader"]) ?? { file: options.templatesDir ?? "app/templates", line: 1, column: 1 };
// ----------------------------------------------------------------------------------------------

export interface ProjectOptions {
  root: string;
  /** The config file, relative to root (default: the first fawkes.config.{ts,mts,js,mjs} found). */
  config?: string;
  /** Each of these wins over the config file's value. */
  router?: string;
  outDir?: string;
  templatesDir?: string;
  strict?: boolean;
  /** A ts-morph project kept warm between builds (watch mode): see RouterCompileOptions.project. */
  project?: RouterCompileOptions["project"];
  /** Read the router from its syntax with this warm syntax-only project: see BuildOptions.syntaxProject. */
  syntaxProject?: Project;
  /** The last build's templates, unchanged since: see BuildOptions.reuseTemplates. */
  reuseTemplates?: CompiledTemplates;
  /** The templates compiler's cache across builds: see BuildOptions.templateCache. */
  templateCache?: TemplateCache;
}

export interface ProjectBuildResult extends BuildResult {
  /** The config that was read (file null when the project has none). */
  config: LoadedConfig;
  /** The options the build ran with: the config's, then the caller's on top. */
  options: BuildOptions;
  strict: boolean;
}

/**
 * What the CLI and the plugins run: reads `fawkes.config.ts`, builds with its settings (the
 * caller's options win), and with `strict` reports warnings as errors. A config with errors
 * stops there: its diagnostics, no files.
 *
 * @example
 * const result = await buildProject({ root: process.cwd(), strict: process.env.CI === "true" });
 */
export async function buildProject(project: ProjectOptions): Promise<ProjectBuildResult> {
  const config = await loadConfig(project.root, project.config);
  const c = config.config;
  const { dir: templatesDir, plugins: pluginRefs, ...templateOptions } = c.templates ?? {};
  // Diagnostics about a templates option point at its key in the config file.
  const file = config.file;
  const source = file && !config.diagnostics.length ? readFileSync(join(project.root, file), "utf8") : null;
  const locate: Locate | undefined = file && source !== null ? locatorOf(source, file) : undefined;
  const options: BuildOptions = {
    root: project.root,
    router: project.router ?? c.router,
    // As the config's (config/load.ts): `--out ./gen/` is `gen`, not `./gen/` written before every file's name.
    outDir: project.outDir !== undefined ? relativePosix(project.root, resolve(project.root, project.outDir)) || "." : c.outDir,
    templatesDir: project.templatesDir ?? templatesDir,
    templates: templateOptions,
    locateTemplateOption: locate,
    configFile: file,
    staticDir: c.static?.dir,
    project: project.project,
    syntaxProject: project.syntaxProject,
    reuseTemplates: project.reuseTemplates,
    templateCache: project.templateCache,
  };
  const strict = project.strict ?? c.strict ?? false;
  if (config.diagnostics.length) {
    return { files: new Map(), diagnostics: config.diagnostics, router: null, inputs: config.inputs, config, options, strict };
  }
  // Plugins run in the compiler: imported from the modules the config names.
  const plugins = pluginRefs?.length ? await loadTemplatePlugins(project.root, pluginRefs, locate ?? (() => ({ file: file ?? "fawkes.config.ts", line: 1, column: 1 }))) : null;
  const pluginInputs = plugins?.inputs ?? [];
  if (plugins?.diagnostics.length) {
    return { files: new Map(), diagnostics: sortDiagnostics(plugins.diagnostics), router: null, inputs: [...config.inputs, ...pluginInputs], config, options, strict };
  }
  if (plugins) options.templates = { ...templateOptions, plugins: plugins.plugins };
  const result = build(options);
  afterBuild(); // the first run's code cache, made while what this build compiled is all there
  const diagnostics = strict ? result.diagnostics.map((d) => (d.severity === "error" ? d : { ...d, severity: "error" as const, message: `${d.message} (a warning; strict mode makes it an error)` })) : result.diagnostics;
  const failed = diagnostics.some((d) => d.severity === "error");
  return { ...result, files: failed ? new Map() : result.files, diagnostics, inputs: [...config.inputs, ...pluginInputs, ...result.inputs], config, options, strict };
}

// The same config text gives the same locator (the same object): the templates cache keys a
// template's diagnostics by it, so a rebuild with the config unchanged reuses them.
let lastLocator: { source: string; file: string; locate: Locate } | null = null;
function locatorOf(source: string, file: string): Locate {
  if (lastLocator?.source !== source || lastLocator.file !== file) lastLocator = { source, file, locate: (key) => locateKey(source, file, ["templates", ...key]) };
  return lastLocator.locate;
}

export { loadConfig, CONFIG_FILES } from "./config/load.js";
export type { LoadedConfig } from "./config/load.js";
export { defineConfig } from "./config/define.js";
export type { FawkesConfig, TemplateOptions, ModuleRef } from "./config/define.js";
export { writeFiles, staleFiles } from "./write.js";
export { formatDiagnostic, hasErrors, sortDiagnostics, CompileError } from "./diagnostics.js";
export type { Diagnostic, Severity } from "./diagnostics.js";
export type { RouterIR, RouteIR, SegmentIR, SourceLoc, ModuleRefIR, PipelineIR } from "./router/ir.js";
export { interpret } from "./router/interpret.js";
export { routesFromTable } from "./router/table.js";
export { emitRouterFiles } from "./emit/router-files.js";
export { compileTemplates } from "./build/templates.js";
export type { TemplateConfig, TemplatePlugin, TemplateCompileOptions, TemplateCompileResult } from "./build/templates.js";
