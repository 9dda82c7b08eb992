// What every template's module is emitted against, decided once over all templates: the
// function names and module paths, the components and typed assigns, the import lines any
// module may need, and which partials a literal include can call directly (with or without
// Eta's merged `it`).

import type { Diagnostic } from "../../diagnostics.js";
import type { SourceLoc } from "../../router/ir.js";
import { requiredAssigns, type AssignsCheckIR } from "../../templates/assigns.js";
import type { ComponentIR, TagEdit } from "../../templates/components.js";
import { itReads } from "../../templates/include-data.js";
import type { PathSite, TemplateConfig, TemplateIR } from "../../templates/ir.js";
import type { TemplateImports } from "../../templates/options.js";
import type { TemplateScope } from "../../templates/views.js";
import { scopeUse, type ScopeUse } from "../../templates/scope-check.js";
import { appImports } from "./imports.js";
import { functionNames, modulePaths } from "./names.js";
import { directIncludes } from "./includes.js";
import type { RenderContext } from "./render.js";
import { scopeImports } from "./scope.js";
import { fingerprint, TemplateCache } from "../../templates/cache.js";

export interface EmitContext {
  config: TemplateConfig;
  templatesDir: string;
  imports: TemplateImports;
  /** Where functionHeader is written, for its comment (null without a config file). */
  headerLoc: SourceLoc | null;
  /** The config file the options came from, for the header. */
  configFile: string | null;
  /** What plugins get as `env`: the Eta config the compiler parses with. */
  env: object;
  /** processFnString failures are added here. */
  diagnostics: Diagnostic[];
  /** The `p` literals of each template's tag code (by template file), from compiler/verify. */
  pathSites?: ReadonlyMap<string, readonly PathSite[]>;
  /** The components by name, and each template's component calls as edits (components.ts). */
  components?: ReadonlyMap<string, ComponentIR>;
  componentEdits?: ReadonlyMap<string, readonly TagEdit[]>;
  /** The view modules and `Routes` templates call without an assign (views.ts). */
  scope?: TemplateScope;
  /**
   * Earlier compiles' modules (templates/cache.ts), and what every module read besides its
   * template and the other templates (`cacheKey`: the options, where they are written, the view
   * modules): a module is emitted again only when something it was made from is not the same.
   */
  cache?: TemplateCache;
  cacheKey?: string;
}

export interface ModulesPlan {
  ext: string;
  /** Function names and module paths by template file (names.ts). */
  names: Map<string, string>;
  paths: Map<string, string>;
  /** The components by template file. */
  components: Map<string, ComponentIR>;
  /** The required assigns of each typed template that is not a component. */
  assigns: Map<string, AssignsCheckIR>;
  /** The templates some template includes by literal name: each gets a `$options` constant. */
  targets: Set<string>;
  /** Every import any module may need, relative to the out dir; each keeps the members its code names. */
  shared: string[];
  render: RenderContext;
  /** The cache modules are kept in (a fresh one without the context's), and its keys. */
  cache: TemplateCache;
  cacheKey: string;
  /** What a module reads of the other templates: their names and module paths, the partials called directly and the keys each reads, the components' signatures. */
  othersKey: string;
}

export function planModules(templates: readonly TemplateIR[], ctx: EmitContext): ModulesPlan {
  const { config } = ctx;
  const ext = config.defaultExtension ?? ".eta";
  // Without a cache's key nothing can be told the same: a cache of this call alone.
  const cache = ctx.cache && ctx.cacheKey !== undefined ? ctx.cache : new TemplateCache();
  const cacheKey = ctx.cacheKey ?? "";
  const components = new Map([...(ctx.components ?? new Map<string, ComponentIR>()).values()].map((k) => [k.file, k]));
  const uses = new Map<string, ScopeUse>(ctx.scope ? templates.map((t) => [t.file, cache.of(t, "scope", cacheKey, () => scopeUse(t, config, ctx.scope!))]) : []);
  const assigns = new Map(templates.flatMap((t) => {
    const check = components.has(t.file) ? null : cache.of(t, "assigns", cacheKey, () => requiredAssigns(t, config.varName));
    return check ? [[t.file, check] as const] : [];
  }));
  // The names and paths are a function of the list of files: made again when it changes (a
  // template created or deleted), not on every edit.
  const files = JSON.stringify(templates.map((t) => [t.file, t.named]));
  const { names, paths, listKey } = cache.bySlot(`plan-names\0${ctx.templatesDir}`, [files, cacheKey], () => {
    const names = functionNames(templates);
    const paths = modulePaths(templates);
    return { names, paths, listKey: fingerprint([cacheKey, [...names], [...paths]]) };
  });
  // The options a directly included template receives, one frozen object each (Eta passes the
  // includer's options with its own filepath and async: false).
  const targets = new Set(templates.flatMap((t) => [...cache.of(t, "direct", listKey, () => directIncludes(t, names, ext)).keys()]));
  const reads = mergeFreeReads(templates, { targets, components, uses, assigns, ctx, cache, cacheKey });
  return {
    ext,
    names,
    paths,
    cache,
    cacheKey,
    othersKey: fingerprint([listKey, [...targets], [...reads], [...components]]),
    components,
    assigns,
    targets,
    shared: sharedImports(ctx, components.size > 0, assigns.size > 0, uses),
    render: { config, imports: ctx.imports, names, headerLoc: ctx.headerLoc, uses, assigns, reads, targets },
  };
}

/** The import lines written for the out dir: "fawkes" (the members some module may use), the scope's modules, the config's functions. */
function sharedImports(ctx: EmitContext, hasComponents: boolean, hasAssigns: boolean, uses: ReadonlyMap<string, ScopeUse>): string[] {
  const componentImports = hasComponents ? ["type Capture", "noCapture as __noCapture", "renderSlot as __slot", "type Slot"] : [];
  const assignsImports = hasAssigns ? ["checkAssigns as __checkAssigns", "missingAssign as __missingAssign", "type DeclaredAssigns"] : [];
  const scoped = scopeImports([...uses.values()]);
  const fromFawkes = [...(ctx.imports.escape ? [] : ["escapeHtml as __e"]), ...componentImports, ...assignsImports, "p", ...scoped.fromFawkes, "templateError as __error", "type TemplateOptions"];
  return [`import { ${fromFawkes.join(", ")} } from "fawkes";`, ...scoped.lines, ...appImports(ctx.imports)];
}

interface ReadsInput {
  targets: ReadonlySet<string>;
  components: ReadonlyMap<string, ComponentIR>;
  uses: ReadonlyMap<string, ScopeUse>;
  assigns: ReadonlyMap<string, AssignsCheckIR>;
  ctx: EmitContext;
  cache: TemplateCache;
  cacheKey: string;
}

/** The partials that can be called without Eta's merged `it`, with the keys each reads (include-data.ts). */
function mergeFreeReads(templates: readonly TemplateIR[], o: ReadsInput): Map<string, ReadonlySet<string>> {
  return new Map(templates.flatMap((t) => {
    if (!o.targets.has(t.file) || o.components.has(t.file)) return [];
    // Emitted code reads keys of `it` too: the assigns check its keys, csrfToken() and getFlash()
    // its conn and flash (runtime/http/template-helpers.ts).
    const use = o.uses.get(t.file);
    const extra = [...(o.assigns.get(t.file)?.keys.map((k) => k.key) ?? []), ...(use?.csrfToken || use?.getFlash ? ["conn"] : []), ...(use?.getFlash ? ["flash"] : [])];
    const r = o.cache.of(t, "reads", fingerprint([o.cacheKey, extra]), () => itReads(t, o.ctx.config, o.ctx.imports, extra));
    return r ? [[t.file, r] as const] : [];
  }));
}
