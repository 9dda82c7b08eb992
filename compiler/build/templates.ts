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
import { componentCalls, findComponents, type TagEdit } from "../templates/components.js";
import type { EtaTag, Locate, PathSite, TemplateConfig, TemplateIR, TemplatePlugin } from "../templates/ir.js";
import type { TemplateImports } from "../templates/options.js";
import type { SyntaxContext } from "../templates/probe.js";
import { fingerprint, identityOf, TemplateCache } from "../templates/cache.js";
import { listSources, readHeader, type Source } from "../templates/sources.js";
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
  /**
   * Results of earlier compiles to take what has not changed from (templates/cache.ts): a
   * watch loop passes the same one to every compile. Without it, everything is compiled.
   */
  cache?: TemplateCache;
  /**
   * What changed since the last compile with `cache`, when the caller knows (a watch loop's
   * stamps: the esbuild plugin's templates-only rebuild): the texts of these template sources
   * (absolute paths) alone. No template was created, deleted or renamed, and the options, the
   * view modules and the config's modules are what that compile read. The listing and every
   * other template's text are then taken as that compile read them (a one-template edit reads
   * one file, where listing and reading 500 cost ~8 ms). Without it, everything is read.
   */
  edited?: ReadonlySet<string>;
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
  const cache = options.cache ?? new TemplateCache();
  cache.begin();
  try {
    return compile(options, cache);
  } finally {
    cache.end();
  }
}

/** One compile's options, resolved, and the diagnostics its steps add to. */
interface Run {
  options: TemplateCompileOptions;
  cache: TemplateCache;
  root: string;
  dirRel: string;
  outDir: string;
  dir: string;
  config: TemplateConfig;
  locate: Locate;
  diagnostics: Diagnostic[];
}

/** The options, the sources and the view modules read; each template parsed, checked, emitted. */
function compile(options: TemplateCompileOptions, cache: TemplateCache): TemplateCompileResult {
  const root = resolve(options.root);
  const dirRel = options.templatesDir ?? "app/templates";
  const outDir = options.outDir ?? ".fawkes";
  const config = options.config ?? {};
  const locate: Locate = options.locate ?? (() => ({ file: dirRel, line: 1, column: 1 }));
  const run: Run = { options, cache, root, dirRel, outDir, dir: join(root, dirRel), config, locate, diagnostics: checkTemplateOptions(config, locate) };
  const { diagnostics } = run;
  const input = readInputs(run);
  if (hasErrors(diagnostics)) return { files: new Map(), diagnostics: sortDiagnostics(diagnostics), templates: [], inputs: input.inputs };

  const { escapeFunction: _e, filterFunction: _f, customTags, plugins = [], named: _n, namedDir: _d, viewsDir: _v, htmlHelpers: _h, ...etaOptions } = config;
  // Custom tags' functions are never called here: the parser only needs their prefixes.
  const eta = parserFor({ ...etaOptions, views: run.dir, customTags: Object.fromEntries(Object.keys(customTags ?? {}).map((k) => [k, () => ""])) }, plugins);
  // What every template's parse reads besides its text (cache.ts): the options (plugins by
  // identity), where each is written (locate, by identity), the folders its imports are re-pointed from.
  const parseKey = fingerprint([root, dirRel, outDir, config, options.locate ? identityOf(options.locate) : "default"]);
  const templates = resolveIncludes(run, parseSources(run, input.sources, { eta, plugins, parseKey }));
  const out = new Map<string, string>();
  if (!hasErrors(diagnostics)) {
    const headerLoc = locate(["functionHeader"]);
    const syntax: SyntaxContext = { config, headerLoc, env: eta.config };
    // What the per-template stages read besides the template: the options and where they are
    // written, the view modules and whether there are Routes.
    const contextKey = fingerprint([parseKey, headerLoc, options.configFile ?? null, input.imports, input.scope, !!options.locate]);
    const { found, calls } = checkTemplates(run, templates, { syntax, contextKey, scope: input.scope });
    const emitted: Diagnostic[] = [];
    const pathSites = hasErrors(diagnostics) ? undefined : options.pathSites?.(templates);
    const modules = emitTemplates(templates, { config, templatesDir: dirRel, imports: input.imports, headerLoc: options.locate ? headerLoc : null, configFile: options.configFile ?? null, env: eta.config, diagnostics: emitted, pathSites, components: found.components, componentEdits: calls?.edits, scope: input.scope, cache, cacheKey: contextKey });
    diagnostics.push(...emitted);
    // A module's syntax is a function of its text (and its name, in the messages).
    for (const [rel, text] of modules) if (!hasErrors(diagnostics)) diagnostics.push(...cache.bySlot(`module\0${root}\0${outDir}/${rel}`, [text], () => moduleSyntaxErrors(`${outDir}/${rel}`, text)));
    if (!hasErrors(diagnostics)) for (const [rel, text] of modules) out.set(`${outDir}/${rel}`, text);
  }
  return { files: out, diagnostics: sortDiagnostics(diagnostics), templates, inputs: input.inputs };
}

type Inputs = { imports: TemplateImports; sources: Source[]; scope: TemplateScope; inputs: string[]; diagnostics: Diagnostic[] };

/**
 * The config's modules, the template sources and the view modules, and every file read (for
 * watch lists); with `edited` (nothing listed changed), the last compile's, when it read them
 * with the same options (compared by identity: a config loaded again is read again).
 */
function readInputs(run: Run): Inputs {
  const { root, outDir, config, locate, diagnostics, options, cache } = run;
  const routes = options.routes === undefined ? existsSync(join(root, "app/router.ts")) : options.routes !== false;
  const slot = `inputs\0${run.dir}`;
  const key = [root, outDir, options.config, options.locate, routes];
  // A namedDir's listing is not among what a watch loop stamps (its folders are not watched): listed again.
  const held = options.edited && config.namedDir === undefined ? cache.held(slot) : undefined;
  if (held && held.inputs.length === key.length && held.inputs.every((v, i) => v === key[i])) {
    const kept = held.value as Inputs;
    diagnostics.push(...kept.diagnostics);
    return kept;
  }
  const { imports, diagnostics: refErrors } = resolveTemplateImports(root, join(root, outDir), config, locate);
  const listed = listSources(root, run.dir, config, locate);
  const views = readViewModules(root, join(root, outDir), config, locate);
  const scope: TemplateScope = { views: views.views, shared: views.shared, routes };
  const moduleInputs = [imports.escape, imports.filter, ...imports.tags.values()].flatMap((r) => (r ? [r.file] : []));
  const inputs = [...listed.sources.map((s) => s.abs), ...moduleInputs, ...views.inputs];
  const read: Inputs = { imports, sources: listed.sources, scope, inputs, diagnostics: [...refErrors, ...listed.diagnostics, ...views.diagnostics] };
  cache.keep(slot, key, read);
  diagnostics.push(...read.diagnostics);
  return read;
}

/** Each source parsed with Eta's parser, its header read (kept while its text and the parse key are the same). */
function parseSources(run: Run, sources: readonly Source[], o: { eta: ReturnType<typeof parserFor>; plugins: TemplatePlugin[]; parseKey: string }): TemplateIR[] {
  const { root, outDir, cache, locate, diagnostics } = run;
  const parsed: TemplateIR[] = [];
  for (const s of sources) {
    const slot = `parse\0${s.abs}`;
    // Not edited since the last compile (the caller says so): the text that compile read.
    const held = run.options.edited && !run.options.edited.has(s.abs) ? cache.held(slot) : undefined;
    const kept = held && held.inputs[0] === o.parseKey && held.inputs[1] === s.file && held.inputs[2] === s.named ? (held.inputs[3] as string) : undefined;
    const text = kept ?? readFileSync(s.abs, "utf8");
    const one = cache.bySlot(slot, [o.parseKey, s.file, s.named, text], () => {
      const source = toPosix(relative(root, s.abs));
      cache.counts.parsed++;
      const result = parseTemplate(text, source, { eta: o.eta, plugins: o.plugins, locate });
      if (!result.template) return { diagnostics: result.diagnostics };
      const header = readHeader(result.template.ast, s.abs, join(root, outDir));
      return { template: { file: s.file, named: s.named, source, ...result.template, ...header } as TemplateIR, diagnostics: result.diagnostics };
    });
    diagnostics.push(...one.diagnostics);
    if (one.template) parsed.push(one.template);
  }
  return parsed;
}

/**
 * Literal include/layout names must resolve now (includes.ts); before the emitter, which calls
 * the templates they name directly. The check rewrites names in the IR: each template is
 * checked on its own copy, kept while the table of names is the same.
 */
function resolveIncludes(run: Run, parsed: TemplateIR[]): TemplateIR[] {
  const { cache, config, dirRel, diagnostics } = run;
  if (hasErrors(diagnostics)) return parsed;
  const table = new Set(parsed.map((t) => t.file));
  // The names in a string compared as it is (the same text as last time is the same key, not hashed again).
  const tableKey = cache.bySlot("include-table", [JSON.stringify([...table])], () => fingerprint([...table]));
  const templates: TemplateIR[] = [];
  for (const p of parsed) {
    const checked = cache.of(p, "includes", tableKey, () => {
      cache.counts.included++;
      const t = copyTemplate(p);
      return { t, diagnostics: checkIncludes([t], { config, templatesDir: dirRel, table }) };
    });
    templates.push(checked.t);
    diagnostics.push(...checked.diagnostics);
  }
  return templates;
}

/** Each template's syntax, its component calls and its `Routes` calls checked (each kept while what it reads is the same). */
function checkTemplates(run: Run, templates: readonly TemplateIR[], o: { syntax: SyntaxContext; contextKey: string; scope: TemplateScope }) {
  const { cache, diagnostics, options } = run;
  const { syntax, contextKey } = o;
  const seen = new Set<string>();
  for (const t of templates) {
    const errors = cache.of(t, "syntax", contextKey, () => (cache.counts.checked++, templateSyntaxErrors([t], syntax)));
    // The functionHeader is in every template: reported once (as templateSyntaxErrors does).
    for (const d of errors) {
      const key = `${d.loc.file}:${d.loc.line}:${d.message}`;
      if (!seen.has(key)) (seen.add(key), diagnostics.push(d));
    }
  }
  const found = findComponents(templates);
  diagnostics.push(...found.diagnostics);
  let calls: { edits: Map<string, TagEdit[]>; diagnostics: Diagnostic[] } | undefined;
  if (!hasErrors(diagnostics)) {
    // A template's component calls are checked against every component's signature.
    const componentsKey = fingerprint([contextKey, found.components]);
    calls = { edits: new Map(), diagnostics: [] };
    for (const t of templates) {
      const one = cache.of(t, "components", componentsKey, () => componentCalls([t], found.components, syntax));
      for (const [file, edits] of one.edits) calls.edits.set(file, edits);
      calls.diagnostics.push(...one.diagnostics);
    }
  }
  diagnostics.push(...(calls?.diagnostics ?? []));
  if (!o.scope.routes) {
    for (const t of templates) diagnostics.push(...cache.of(t, "routes", `none\0${contextKey}`, () => routesWithoutRouter([t], syntax)));
  } else if (typeof options.routes === "object") {
    // Its Routes calls against the route helpers (the route table's names and actions).
    // The helpers of 1,000 routes written out cost ~0.5 ms: kept while the same object (a watch loop keeps its router's).
    const routesKey = cache.bySlot("routes-key", [contextKey, options.routes], () => fingerprint([contextKey, options.routes]));
    for (const t of templates) diagnostics.push(...cache.of(t, "routes", routesKey, () => checkRoutesCalls([t], syntax, options.routes as RouteHelpers)));
  }
  return { found, calls };
}

/**
 * A template's IR as a stage that edits it in place may have it (checkIncludes rewrites tag
 * code): its tags are new objects, the positions keyed by them re-keyed; the rest is shared.
 */
function copyTemplate(t: TemplateIR): TemplateIR {
  const copies = new Map<EtaTag, EtaTag>();
  const ast = t.ast.map((n) => {
    if (typeof n === "string") return n;
    const c = { ...n };
    copies.set(n, c);
    return c;
  });
  const tagCode = new Map([...t.parsed.tagCode].map(([n, at]) => [copies.get(n) ?? n, at] as const));
  return { ...t, ast, parsed: { ...t.parsed, tagCode } };
}
