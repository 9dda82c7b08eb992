// Templates, start to end: find every `*.eta` under the templates root (and the named
// templates of the config), parse each with Eta's own parser (exact tokenisation, whitespace
// trimming and errors; parse.ts), and emit a module per template with its render function
// (`templates/<path>.gen.ts`) and templates.gen.ts, the registry importing them
// (compiler/emit/templates/modules.ts). At run time nothing is parsed and nothing is compiled: no
// `new Function`, no eval (a strict Content-Security-Policy and runtimes without code
// generation work). Options that are functions in Eta (escapeFunction, filterFunction,
// customTags) are imports of the app's own modules; plugins run here, at build time.
//
// The function body keeps Eta's shape (the same `include`, `layout`, `output`, `capture`,
// `block` closures over a `__eta` state, tag code spliced in as text), so output is Eta's byte
// for byte; what changes is where the work is done: the escaper is a fast one imported from the
// runtime, and includes resolve against a build-time table instead of reading files.
//
// This module is above both halves, as compiler/build/router.ts is for the router:
// compiler/templates reads and checks (options, parse, syntax, includes, components, views,
// scope); compiler/emit/templates writes the modules. Neither imports this one, and
// compiler/templates imports nothing of compiler/emit.

import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { Diagnostic } from "../diagnostics.js";
import { hasErrors, sortDiagnostics } from "../diagnostics.js";
import { emitTemplates } from "../emit/templates/modules.js";
import { checkIncludes } from "../templates/includes.js";
import { checkTemplateOptions, resolveTemplateImports } from "../templates/options.js";
import { parserFor, parseTemplate } from "../templates/parse.js";
import { moduleSyntaxErrors, templateSyntaxErrors } from "../templates/syntax.js";
import { componentCalls, findComponents } from "../templates/components.js";
import type { Locate, PathSite, TemplateConfig, TemplateIR } from "../templates/ir.js";
import { listSources, readHeader } from "../templates/sources.js";
import { readViewModules, type TemplateScope } from "../templates/views.js";
import { checkRoutesCalls, routesWithoutRouter, type RouteHelpers } from "../templates/scope-check.js";

export type { TemplateConfig, TemplatePlugin, ModuleRef } from "../templates/ir.js";

export interface TemplateCompileOptions {
  root: string;
  /** Relative to root (default `app/templates`). */
  templatesDir?: string;
  /** Relative to root (default `.fawkes`). */
  outDir?: string;
  config?: TemplateConfig;
  /**
   * Where an option is written (its key under `templates` in fawkes.config.ts): diagnostics
   * about options point there. Without it they point at the templates folder.
   */
  locate?: Locate;
  /** The config file the options come from, named in the generated header. */
  configFile?: string | null;
  /** The verified paths (`p` literals) of the templates' code, for the emitter (compiler/verify). */
  pathSites?: (templates: readonly TemplateIR[]) => ReadonlyMap<string, readonly PathSite[]>;
  /**
   * The app has a router, so `<outDir>/helpers.gen.ts` exists and templates may call `Routes`.
   * Default: whether `app/router.ts` exists. With the helpers and their actions (the build
   * passes them from the route table), each `Routes.x("action")` of the templates is checked.
   */
  routes?: boolean | RouteHelpers;
}

export interface TemplateCompileResult {
  files: Map<string, string>;
  diagnostics: Diagnostic[];
  templates: TemplateIR[];
  /** Every template file and module read (absolute), for watch lists. */
  inputs: string[];
}

const toPosix = (p: string) => p.split(sep).join("/");

export function compileTemplates(options: TemplateCompileOptions): TemplateCompileResult {
  const root = resolve(options.root);
  const dirRel = options.templatesDir ?? "app/templates";
  const outDir = options.outDir ?? ".fawkes";
  const dir = join(root, dirRel);
  const config = options.config ?? {};
  const locate: Locate = options.locate ?? (() => ({ file: dirRel, line: 1, column: 1 }));

  const diagnostics = checkTemplateOptions(config, locate);
  const { imports, diagnostics: refErrors } = resolveTemplateImports(root, join(root, outDir), config, locate);
  diagnostics.push(...refErrors);
  const listed = listSources(root, dir, config, locate);
  diagnostics.push(...listed.diagnostics);
  const views = readViewModules(root, join(root, outDir), config, locate);
  diagnostics.push(...views.diagnostics);
  const scope: TemplateScope = { views: views.views, shared: views.shared, routes: options.routes === undefined ? existsSync(join(root, "app/router.ts")) : options.routes !== false };
  const moduleInputs = [imports.escape, imports.filter, ...imports.tags.values()].flatMap((r) => (r ? [r.file] : []));
  const inputs = [...listed.sources.map((s) => s.abs), ...moduleInputs, ...views.inputs];
  if (hasErrors(diagnostics)) return { files: new Map(), diagnostics: sortDiagnostics(diagnostics), templates: [], inputs };

  const { escapeFunction: _e, filterFunction: _f, customTags, plugins = [], named: _n, namedDir: _d, viewsDir: _v, htmlHelpers: _h, ...etaOptions } = config;
  // Custom tags' functions are never called here: the parser only needs their prefixes.
  const eta = parserFor({ ...etaOptions, views: dir, customTags: Object.fromEntries(Object.keys(customTags ?? {}).map((k) => [k, () => ""])) }, plugins);
  const templates: TemplateIR[] = [];
  for (const s of listed.sources) {
    const source = toPosix(relative(root, s.abs));
    const parsed = parseTemplate(readFileSync(s.abs, "utf8"), source, { eta, plugins, locate });
    diagnostics.push(...parsed.diagnostics);
    if (!parsed.template) continue;
    const header = readHeader(parsed.template.ast, s.abs, join(root, outDir));
    templates.push({ file: s.file, named: s.named, source, ...parsed.template, ...header });
  }
  // Literal include/layout names must resolve now (includes.ts); before the emitter, which calls
  // the templates they name directly.
  if (!hasErrors(diagnostics)) diagnostics.push(...checkIncludes(templates, { config, templatesDir: dirRel }));
  const out = new Map<string, string>();
  if (!hasErrors(diagnostics)) {
    const headerLoc = locate(["functionHeader"]);
    diagnostics.push(...templateSyntaxErrors(templates, { config, headerLoc, env: eta.config }));
    const found = findComponents(templates);
    diagnostics.push(...found.diagnostics);
    const calls = hasErrors(diagnostics) ? undefined : componentCalls(templates, found.components, { config, headerLoc, env: eta.config });
    diagnostics.push(...(calls?.diagnostics ?? []));
    if (!scope.routes) diagnostics.push(...routesWithoutRouter(templates, { config, headerLoc, env: eta.config }));
    else if (typeof options.routes === "object") diagnostics.push(...checkRoutesCalls(templates, { config, headerLoc, env: eta.config }, options.routes));
    const emitted: Diagnostic[] = [];
    const pathSites = hasErrors(diagnostics) ? undefined : options.pathSites?.(templates);
    const modules = emitTemplates(templates, { config, templatesDir: dirRel, imports, headerLoc: options.locate ? headerLoc : null, configFile: options.configFile ?? null, env: eta.config, diagnostics: emitted, pathSites, components: found.components, componentEdits: calls?.edits, scope });
    diagnostics.push(...emitted);
    for (const [rel, text] of modules) if (!hasErrors(diagnostics)) diagnostics.push(...moduleSyntaxErrors(`${outDir}/${rel}`, text));
    if (!hasErrors(diagnostics)) for (const [rel, text] of modules) out.set(`${outDir}/${rel}`, text);
  }
  return { files: out, diagnostics: sortDiagnostics(diagnostics), templates, inputs };
}
