// The templates' modules: one per template (`templates/<path>.gen.ts`: the imports its code
// uses — the runtime; the config's escape, filter and custom-tag functions from the app's
// modules; the templates it includes directly — and its render function, render.ts; a
// plugin's processFnString rewrites its body), and templates.gen.ts, the registry that
// `include`, `layout` and `renderTemplate` resolve names against.

import { posix } from "node:path";
import { Code, str } from "../_code.js";
import { header } from "../header.js";
import type { Diagnostic } from "../../diagnostics.js";
import type { SourceLoc } from "../../router/ir.js";
import { usesAwait } from "../../templates/syntax.js";
import { assignsType, directIncludes, emitRender, tagLocal, type RenderContext } from "./render.js";
import { applyFnStringPlugins } from "../../templates/plugins.js";
import { requiredAssigns, type AssignsCheckIR } from "../../templates/assigns.js";
import { applyEdits, componentSignature, type ComponentIR, type TagEdit } from "../../templates/components.js";
import { scopeImports } from "./scope.js";
import { scopeUse, USES_VERIFIED_PATH, type ScopeUse } from "../../templates/scope-check.js";
import { itReads } from "../../templates/include-data.js";
import type { TemplateScope } from "../../templates/views.js";
import type { TemplateImports } from "../../templates/options.js";
import type { PathSite, ResolvedRef, TemplateConfig, TemplateIR } from "../../templates/ir.js";

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
}

/** Tag code that needs an async function: Eta compiles such templates as AsyncFunction. */
const ASYNC_CODE = /\bawait\b|\bincludeAsync\b|\bblockAsync\b|\bcaptureAsync\b|\blayout\b/;

/** The registry module's path under the out dir; the templates' modules are under TEMPLATE_MODULES. */
export const REGISTRY_MODULE = "templates.gen.ts";
export const TEMPLATE_MODULES = "templates/";

/**
 * The templates' modules, by path under the out dir: `templates.gen.ts`, the registry (what
 * generated code, the runtime and apps import: `templates`, `renderTemplate`), and one module
 * per template, `templates/<path>.gen.ts`, with its render function(s). One module per template
 * so that a one-template edit rewrites one small file and a bundler's incremental rebuild
 * parses that file again, not every template (issue 10: 500 templates in one module made
 * esbuild re-parse 0.9 MB on every edit). The registry object itself is its own module
 * (`templates/__registry.gen.ts`): the template modules use it (`include` by name) and the
 * registry module imports them, so there is no cycle through a value used at load.
 */
export function emitTemplates(templates: readonly TemplateIR[], ctx: EmitContext): Map<string, string> {
  const { config } = ctx;
  const ext = config.defaultExtension ?? ".eta";
  const components = new Map([...(ctx.components ?? new Map<string, ComponentIR>()).values()].map((k) => [k.file, k]));
  const componentImports = components.size ? ["type Capture", "noCapture as __noCapture", "renderSlot as __slot", "type Slot"] : [];
  const uses = new Map<string, ScopeUse>(ctx.scope ? templates.map((t) => [t.file, scopeUse(t, config, ctx.scope!)]) : []);
  const scoped = scopeImports([...uses.values()]);
  const assigns = new Map(templates.flatMap((t) => {
    const check = components.has(t.file) ? null : requiredAssigns(t, config.varName);
    return check ? [[t.file, check] as const] : [];
  }));
  const assignsImports = assigns.size ? ["checkAssigns as __checkAssigns", "missingAssign as __missingAssign", "type DeclaredAssigns"] : [];
  // Every import any template module may need, relative to the out dir; each module keeps the
  // members its own code names (pruneImports) with the specifiers re-pointed from its folder.
  const fromFawkes = [...(ctx.imports.escape ? [] : ["escapeHtml as __e"]), ...componentImports, ...assignsImports, "p", ...scoped.fromFawkes, "templateError as __error", "type TemplateOptions"];
  const shared = [`import { ${fromFawkes.join(", ")} } from "fawkes";`, ...scoped.lines, ...appImports(ctx.imports)];
  const names = functionNames(templates);
  const paths = modulePaths(templates);
  // The options a directly included template receives, one frozen object each (Eta passes the
  // includer's options with its own filepath and async: false).
  const targets = new Set(templates.flatMap((t) => [...directIncludes(t, names, ext).keys()]));
  // The partials that can be called without Eta's merged `it` (include-data.ts).
  const reads = new Map(templates.flatMap((t) => {
    if (!targets.has(t.file) || components.has(t.file)) return [];
    // Emitted code reads keys of `it` too: the assigns check its keys, csrfToken() and getFlash()
    // its conn and flash (runtime/http/template-helpers.ts).
    const use = uses.get(t.file);
    const extra = [...(assigns.get(t.file)?.keys.map((k) => k.key) ?? []), ...(use?.csrfToken || use?.getFlash ? ["conn"] : []), ...(use?.getFlash ? ["flash"] : [])];
    const r = itReads(t, config, ctx.imports, extra);
    return r ? [[t.file, r] as const] : [];
  }));
  const render: RenderContext = { config, imports: ctx.imports, names, headerLoc: ctx.headerLoc, uses, assigns, reads, targets };
  const header_ = config.functionHeader ?? "";
  const sourcesOf = `${ctx.templatesDir}/**/*.eta`;
  const describe = (t: TemplateIR) => `${t.named ? `The named template ${t.file}` : "The template"} ${t.source}, compiled with Eta's parser${ctx.configFile ? ` and the templates options of ${ctx.configFile}` : ""}.`;

  interface Module {
    t: TemplateIR;
    path: string;
    body: string;
    /** What its module exports: values (`local` ones get an `export { }` line) and types. */
    values: string[];
    local: string[];
    types: string[];
    /** The functions the registry defines, and the values it exports again (components' functions). */
    registered: string[];
    reexported: string[];
    defines: string;
    usesP: boolean;
  }
  const modules: Module[] = [];
  for (const source of templates) {
    const c = new Code();
    const name = names.get(source.file)!;
    const values = [name];
    const local = [name];
    const registered = [name];
    const reexported: string[] = [];
    const types: string[] = [];
    const sites = ctx.pathSites?.get(source.file) ?? [];
    const t = applyEdits(source, [...siteEdits(sites, name), ...(ctx.componentEdits?.get(source.file) ?? [])]);
    const component = components.get(source.file);
    const code = [header_, ...t.ast.map((n) => (typeof n === "string" ? "" : n.val))];
    const isAsync = code.some((v) => ASYNC_CODE.test(v));
    const needsOnlyAsync = usesAwait([{ t: "e", val: header_ }, ...t.ast]);
    if (targets.has(t.file)) {
      c.line(`const ${name}$options: TemplateOptions = Object.freeze({ filepath: ${str(t.file)}, async: false });`);
      values.push(`${name}$options`);
      local.push(`${name}$options`);
    }
    // The file alone on its line: originOf (syntax.ts) reads it as the function's template.
    c.line(`// ${t.source}`);
    if (t.named) c.line(`// named ${t.file}`);
    sites.forEach((site, i) => c.line(`const ${name}$p${i} = p.site(${JSON.stringify(site.strings)});  // ${t.source}:${site.node.lineNo ?? 1}`));
    if (t.assigns) {
      c.line(`export type ${assignsType(name)} = ${t.assigns};`);
      types.push(assignsType(name));
    }
    const check = assigns.get(t.file);
    if (check) c.line(`const ${name}$assigns: DeclaredAssigns = ${declaredAssigns(t, check)};`);
    let defines: string;
    if (component) {
      emitComponent(c, name, t, component, render, ctx);
      values.push(component.fn);
      reexported.push(component.fn);
      types.push(component.propsType);
      defines = `__registry.define(${str(t.file)}, ${name});`;
    } else {
      if (needsOnlyAsync) {
        c.block(`function ${name}(${config.varName ?? "it"}: ${t.assigns ? assignsType(name) : "any"}, options?: TemplateOptions): string {`, () => {
          c.line(`throw new Error(${str(`${t.source} uses await: render it with renderTemplateAsync`)});`);
        });
      } else emitRewritable(c, name, t, render, false, ctx);
      if (isAsync) {
        emitRewritable(c, `${name}$async`, t, render, true, ctx);
        values.push(`${name}$async`);
        local.push(`${name}$async`);
        registered.push(`${name}$async`);
      }
      defines = `__registry.define(${str(t.file)}, ${name}${isAsync ? `, ${name}$async` : ""});`;
    }
    const usesP = [header_, ...source.ast.map((n) => (typeof n === "string" ? "" : n.val))].some((v) => USES_VERIFIED_PATH.test(v));
    modules.push({ t, path: paths.get(t.file)!, body: c.toString(), values, local, types, registered, reexported, defines, usesP });
  }

  // Which module exports each name another module's code may use (a direct include's function
  // and options, a component's function and props type).
  const owner = new Map<string, Module>();
  for (const m of modules) for (const n of [...m.values, ...m.types]) owner.set(n, m);
  const registryModule = paths.get(REGISTRY_KEY)!;
  const files = new Map<string, string>();
  const supportUsed = new Set<string>();
  for (const m of modules) {
    const used = identifiers(m.body);
    // `p` is the verified-path tag only where tag code uses one (a `<p>` in the text is not).
    if (!m.usesP) used.delete("p");
    const lines = pruneImports([...shared, ...m.t.imports], used).map((l) => repoint(l, m.path));
    const support = SUPPORT.filter((n) => n === "__registry" ? used.has(n) : new RegExp(`(?<![\\w$])${n.replace(/\$/g, "\\$")}\\(`).test(m.body));
    if (support.length) lines.push(`import { ${support.join(", ")} } from ${str(relativeModule(m.path, registryModule))};`);
    for (const n of support) supportUsed.add(n);
    const fromOthers = new Map<Module, string[]>();
    for (const id of used) {
      const other = owner.get(id);
      if (!other || other === m) continue;
      fromOthers.set(other, [...(fromOthers.get(other) ?? []), other.types.includes(id) ? `type ${id}` : id]);
    }
    for (const [other, members] of [...fromOthers].sort(([a], [b]) => (a.path < b.path ? -1 : 1))) lines.push(`import { ${members.sort().join(", ")} } from ${str(relativeModule(m.path, other.path))};`);
    const exports = `export { ${m.local.join(", ")} };`;
    files.set(TEMPLATE_MODULES + m.path, header(TEMPLATE_MODULES + m.path, m.t.source, describe(m.t)) + lines.join("\n") + "\n\n" + m.body + "\n" + exports + "\n");
  }
  const support = new Code();
  support.line(`export const __registry = new TemplateRegistry(${str(ext)});`);
  for (const n of SUPPORT) if (n !== "__registry" && supportUsed.has(n)) for (const line of SUPPORT_CODE[n]) support.line(line);
  files.set(TEMPLATE_MODULES + registryModule, header(TEMPLATE_MODULES + registryModule, sourcesOf, "The registry that `include`, `layout` and `renderTemplate` resolve names against (templates.gen.ts defines every template in it), and what the templates' modules share.") + `import { TemplateRegistry } from "fawkes";\n\n` + support.toString());

  const c = new Code();
  c.line(`import { __registry } from ${str("./" + TEMPLATE_MODULES + jsPath(registryModule))};`);
  for (const m of modules) c.line(`import { ${m.registered.join(", ")} } from ${str("./" + TEMPLATE_MODULES + jsPath(m.path))};`);
  const exported = modules.filter((m) => m.types.length || m.reexported.length);
  if (exported.length) {
    c.line();
    c.line("// The components' functions, and the assigns and props types, as the templates' modules declare them.");
    for (const m of exported) {
      if (m.reexported.length) c.line(`export { ${m.reexported.join(", ")} } from ${str("./" + TEMPLATE_MODULES + jsPath(m.path))};`);
      if (m.types.length) c.line(`export type { ${m.types.join(", ")} } from ${str("./" + TEMPLATE_MODULES + jsPath(m.path))};`);
    }
  }
  c.line();
  for (const m of modules) c.line(`${m.defines}  // ${m.t.source}`);
  c.line();
  c.line("/** Every template by name (its path under the templates root, without the extension). */");
  c.block("export const templates = {", () => {
    for (const t of templates) {
      if (t.named) continue;
      const key = t.file.endsWith(ext) ? t.file.slice(0, -ext.length) : t.file;
      c.line(`${key === "__proto__" ? '["__proto__"]' : str(key)}: ${names.get(t.file)},`);
    }
  }, "} as const;");
  c.line();
  c.line("/** Renders a template by name, as Eta's `render(name, data)` with `views` at the templates root. */");
  c.line("export const renderTemplate = (name: string, data?: object): string => __registry.render(name, data, null);");
  c.line("export const renderTemplateAsync = (name: string, data?: object): Promise<string> => __registry.renderAsync(name, data, null);");
  const named = templates.filter((t) => t.named).length;
  const counted = `${templates.length - named} templates${named ? ` and ${named} named` : ""}`;
  const sources = `${sourcesOf}${named ? " and named templates" : ""}`;
  files.set(REGISTRY_MODULE, header("templates.gen.ts", sources, `${counted}, compiled with Eta's parser${ctx.configFile ? ` and the templates options of ${ctx.configFile}` : ""}; each template's render function is in its module under ${TEMPLATE_MODULES}.`) + c.toString());
  return files;
}

const REGISTRY_KEY = "\0registry";

/** What `templates/__registry.gen.ts` holds for the templates' modules: the registry, and helpers their code calls. */
const SUPPORT: readonly string[] = ["__registry", "__own"];
const SUPPORT_CODE: Record<string, string[]> = {
  __own: [
    "/** What `{ ...o }` would hold at `k`: an include's data taken from the includer's `it` key by key (include-data.ts). */",
    "export function __own(o: unknown, k: string): any { return o != null && Object.prototype.propertyIsEnumerable.call(o, k) ? (o as Record<string, unknown>)[k] : undefined; }",
  ],
};

/**
 * Each template's module path under `templates/` (`user/show.html.eta` → `user/show.html.gen.ts`,
 * `@card` → `__named/card.gen.ts`), and the registry's (`__registry.gen.ts`) under REGISTRY_KEY;
 * unique (a clash gets `_2`), stable for the same files.
 */
function modulePaths(templates: readonly TemplateIR[]): Map<string, string> {
  const out = new Map<string, string>([[REGISTRY_KEY, "__registry.gen.ts"]]);
  const used = new Set(["__registry.gen.ts"]);
  for (const t of templates) {
    const stem = (t.named ? "__named/" + t.file.slice(1) : t.file.replace(/\.eta$/, "")).replace(/[^\w./@$-]/g, "_");
    let path = `${stem}.gen.ts`;
    for (let i = 2; used.has(path.toLowerCase()); i++) path = `${stem}_${i}.gen.ts`;
    used.add(path.toLowerCase());
    out.set(t.file, path);
  }
  return out;
}

const jsPath = (ts: string) => ts.replace(/\.ts$/, ".js");

/** The specifier a module at `from` (under templates/) imports the module at `to` (under templates/) by. */
function relativeModule(from: string, to: string): string {
  const rel = posix.relative(posix.dirname(from), jsPath(to));
  return rel.startsWith("../") ? rel : "./" + rel; // `./.hidden.gen.js`: a name may start with a dot
}

/** An import line written for the out dir, re-pointed for a module at `path` under templates/. */
function repoint(line: string, path: string): string {
  const up = posix.relative(posix.dirname(TEMPLATE_MODULES + path), ".");
  return line.replace(/ from "(\.{1,2}\/[^"]*)";$/, (_, spec: string) => ` from ${str(posix.join(up, spec))};`);
}

/** Every identifier-like word of `code` (strings and comments included: an extra import is harmless, a missing one is not). */
function identifiers(code: string): Set<string> {
  return new Set(code.match(/[A-Za-z_$][\w$]*/g) ?? []);
}

/** Import lines with only the members `used` names (a line left with none is dropped). */
function pruneImports(lines: readonly string[], used: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const line of new Set(lines)) {
    const star = /^import (?:type )?\* as ([\w$]+) from /.exec(line);
    if (star) {
      if (used.has(star[1])) out.push(line);
      continue;
    }
    const named = /^import (type )?\{ ([^}]*) \} from (.*)$/.exec(line);
    if (!named) {
      out.push(line);
      continue;
    }
    const members = named[2].split(",").map((m) => m.trim()).filter((m) => m && used.has(m.split(/\s+/).pop()!));
    if (members.length) out.push(`import ${named[1] ?? ""}{ ${members.join(", ")} } from ${named[3]}`);
  }
  return out;
}

/** The @type's required keys, for the development check's message (runtime/templates/assigns.ts). */
function declaredAssigns(t: TemplateIR, check: AssignsCheckIR): string {
  const keys = check.keys.map((k) => `[${str(k.key)}, ${k.line}, ${str(k.declaration)}]`).join(", ");
  return `{ template: ${str(t.source)}, line: ${check.line}, keys: [${keys}], members: ${check.members} }`;
}

/** Each site's tag replaced by its hoisted builder (`t_x$p0`). */
function siteEdits(sites: readonly PathSite[], name: string): TagEdit[] {
  return sites.map((site, i) => ({ node: site.node, start: site.start, end: site.end, text: `${name}$p${i}` }));
}

/**
 * A component: its props type, its function (called directly by the templates that use it, the
 * caller's capture first), and the template function the registry knows it by, for `include`
 * and `renderTemplate` (slots given as strings there: runtime/templates/components.ts).
 */
function emitComponent(c: Code, name: string, t: TemplateIR, component: ComponentIR, render: RenderContext, ctx: EmitContext): void {
  const it = ctx.config.varName ?? "it";
  const params = component.typeParams ? `<${component.typeParams}>` : "";
  c.line(`/** c.${component.name}(props${component.hasInner ? ", inner?" : ""}): the component ${t.source} */`);
  c.line(`export type ${component.propsType}${params} = ${component.props};`);
  const code = [ctx.config.functionHeader ?? "", ...t.ast.map((n) => (typeof n === "string" ? "" : n.val))].join("\n");
  const signature = componentSignature(component, it, code);
  const plugins = ctx.config.plugins ?? [];
  if (plugins.some((p) => p.processFnString)) c.line("// processFnString is not applied to components: their function is called directly");
  emitRender(c, component.fn, t, render, false, signature);
  c.block(`function ${name}(${it}: any, options?: TemplateOptions): string {`, () => {
    c.line(`return ${component.fn}(__noCapture, ${it});`);
  });
  c.line(`__registry.define(${str(t.file)}, ${name});`);
}

/** One render function; the plugins' processFnString gets its body, as Eta's gets its function string. */
function emitRewritable(c: Code, name: string, t: TemplateIR, render: RenderContext, isAsync: boolean, ctx: EmitContext): void {
  const plugins = ctx.config.plugins ?? [];
  if (!plugins.some((p) => p.processFnString)) return void emitRender(c, name, t, render, isAsync);
  // Functions are emitted at the top level (no indent), so re-adding the lines changes nothing.
  const fn = new Code();
  emitRender(fn, name, t, render, isAsync);
  const lines = fn.toString().slice(0, -1).split("\n");
  const body = lines.slice(1, -1).join("\n");
  const result = applyFnStringPlugins(plugins, body, ctx.env, { file: t.source, line: 1, column: 1 }, ctx.diagnostics);
  if (result.changedBy.length) c.line(`// rewritten by processFnString of ${result.changedBy.join(", ")}`);
  c.line(lines[0]);
  for (const line of result.body.split("\n")) c.line(line);
  c.line(lines[lines.length - 1]);
}

/** `import { escapeAttr as __e, t as __tag_$2a } from "../app/i18n.js";`, one line per module, sorted. */
function appImports(imports: TemplateImports): string[] {
  const byModule = new Map<string, string[]>();
  const add = (ref: ResolvedRef | undefined, local: string) => {
    if (!ref) return;
    const list = byModule.get(ref.specifier) ?? [];
    list.push(`${ref.name} as ${local}`);
    byModule.set(ref.specifier, list);
  };
  add(imports.escape, "__e");
  add(imports.filter, "__f");
  for (const [prefix, ref] of imports.tags) add(ref, tagLocal(prefix));
  return [...byModule]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([spec, members]) => `import { ${[...new Set(members)].sort().join(", ")} } from ${str(spec)};`);
}

/** `user/show.html.eta` → `t_user_show_html`, `@card` → `t_named_card`; unique, never a reserved word. */
function functionNames(templates: readonly TemplateIR[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const t of templates) {
    const stem = t.named ? "named_" + t.file.slice(1) : t.file.replace(/\.eta$/, "");
    const base = "t_" + stem.replace(/[^A-Za-z0-9_$]/g, "_");
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    out.set(t.file, name);
  }
  return out;
}
