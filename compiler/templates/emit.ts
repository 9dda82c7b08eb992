// templates.gen.ts: the imports (the runtime; the config's escape, filter and custom-tag
// functions from the app's modules), one render function per template (emit-render.ts; a
// plugin's processFnString rewrites its body), and the table that `include`, `layout` and
// `renderTemplate` resolve names against.

import { Code, str } from "../emit/_code.js";
import { header } from "../emit/header.js";
import type { Diagnostic } from "../diagnostics.js";
import type { SourceLoc } from "../router/ir.js";
import { usesAwait } from "./syntax.js";
import { assignsType, directIncludes, emitRender, tagLocal, type RenderContext } from "./emit-render.js";
import { applyFnStringPlugins } from "./plugins.js";
import { requiredAssigns, type AssignsCheckIR } from "./assigns.js";
import { applyEdits, componentSignature, type ComponentIR, type TagEdit } from "./components.js";
import { scopeImports, scopeUse, type ScopeUse } from "./emit-scope.js";
import { itReads } from "./include-data.js";
import type { TemplateScope } from "./views.js";
import type { TemplateImports } from "./options.js";
import type { EtaTag, ResolvedRef, TemplateConfig, TemplateIR } from "./ir.js";

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

/**
 * A verified path in tag code: its tag (`p`, `p.post`) at [start, end) of the tag's code. The
 * emitter hoists `const t_x$p0 = p.site([...strings])` and calls that in place of the tag, so
 * the call site's plan is ready at load and a call looks nothing up.
 */
export interface PathSite {
  node: EtaTag;
  start: number;
  end: number;
  strings: string[];
}

/**
 * Tag code that may call `p` (verified paths, runtime/router/verified.ts): the module then imports
 * it, so templates use it as modules do, without an assign; compiler/verify checks each literal.
 */
export const USES_VERIFIED_PATH = /(?<![\w$.])p\s*(?:\.\s*(?:get|post|put|patch|delete|options|head|connect|trace)\s*)?`/;

/** Tag code that needs an async function: Eta compiles such templates as AsyncFunction. */
const ASYNC_CODE = /\bawait\b|\bincludeAsync\b|\bblockAsync\b|\bcaptureAsync\b|\blayout\b/;

export function emitTemplates(templates: readonly TemplateIR[], ctx: EmitContext): string {
  const { config } = ctx;
  const c = new Code();
  const ext = config.defaultExtension ?? ".eta";
  const usesP = templates.some((t) => [config.functionHeader ?? "", ...t.ast.map((n) => (typeof n === "string" ? "" : n.val))].some((v) => USES_VERIFIED_PATH.test(v)));
  const components = new Map([...(ctx.components ?? new Map<string, ComponentIR>()).values()].map((k) => [k.file, k]));
  const componentImports = components.size ? ["type Capture", "noCapture as __noCapture", "renderSlot as __slot", "type Slot"] : [];
  const uses = new Map<string, ScopeUse>(ctx.scope ? templates.map((t) => [t.file, scopeUse(t, config, ctx.scope!)]) : []);
  const scoped = scopeImports([...uses.values()]);
  const assigns = new Map(templates.flatMap((t) => {
    const check = components.has(t.file) ? null : requiredAssigns(t, config.varName);
    return check ? [[t.file, check] as const] : [];
  }));
  const assignsImports = assigns.size ? ["checkAssigns as __checkAssigns", "missingAssign as __missingAssign", "type DeclaredAssigns"] : [];
  const fromFawkes = [...(ctx.imports.escape ? [] : ["escapeHtml as __e"]), ...componentImports, ...assignsImports, ...(usesP ? ["p"] : []), ...scoped.fromFawkes, "templateError as __error", "TemplateRegistry", "type TemplateOptions"];
  c.line(`import { ${fromFawkes.join(", ")} } from "fawkes";`);
  for (const line of scoped.lines) c.line(line);
  for (const line of appImports(ctx.imports)) c.line(line);
  for (const line of [...new Set(templates.flatMap((t) => t.imports))].sort()) c.line(line);
  c.line();
  c.line(`const __registry = new TemplateRegistry(${str(ext)});`);
  const names = functionNames(templates);
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
  for (const t of templates) {
    if (targets.has(t.file)) c.line(`const ${names.get(t.file)}$options: TemplateOptions = Object.freeze({ filepath: ${str(t.file)}, async: false });`);
  }
  const header_ = config.functionHeader ?? "";
  for (const source of templates) {
    const name = names.get(source.file)!;
    const sites = ctx.pathSites?.get(source.file) ?? [];
    const t = applyEdits(source, [...siteEdits(sites, name), ...(ctx.componentEdits?.get(source.file) ?? [])]);
    const component = components.get(source.file);
    const code = [header_, ...t.ast.map((n) => (typeof n === "string" ? "" : n.val))];
    const isAsync = code.some((v) => ASYNC_CODE.test(v));
    const needsOnlyAsync = usesAwait([{ t: "e", val: header_ }, ...t.ast]);
    c.line();
    // The file alone on its line: originOf (syntax.ts) reads it as the function's template.
    c.line(`// ${t.source}`);
    if (t.named) c.line(`// named ${t.file}`);
    sites.forEach((site, i) => c.line(`const ${name}$p${i} = p.site(${JSON.stringify(site.strings)});  // ${t.source}:${site.node.lineNo ?? 1}`));
    if (t.assigns) c.line(`export type ${assignsType(name)} = ${t.assigns};`);
    const check = assigns.get(t.file);
    if (check) c.line(`const ${name}$assigns: DeclaredAssigns = ${declaredAssigns(t, check)};`);
    if (component) {
      emitComponent(c, name, t, component, render, ctx);
      continue;
    }
    if (needsOnlyAsync) {
      c.block(`function ${name}(${config.varName ?? "it"}: ${t.assigns ? assignsType(name) : "any"}, options?: TemplateOptions): string {`, () => {
        c.line(`throw new Error(${str(`${t.source} uses await: render it with renderTemplateAsync`)});`);
      });
    } else emitRewritable(c, name, t, render, false, ctx);
    if (isAsync) emitRewritable(c, `${name}$async`, t, render, true, ctx);
    c.line(`__registry.define(${str(t.file)}, ${name}${isAsync ? `, ${name}$async` : ""});`);
  }
  if (/(?<![\w$])__own\(/.test(c.toString())) {
    c.line();
    c.line("/** What `{ ...o }` would hold at `k`: an include's data taken from the includer's `it` key by key (include-data.ts). */");
    c.line("function __own(o: unknown, k: string): any { return o != null && Object.prototype.propertyIsEnumerable.call(o, k) ? (o as Record<string, unknown>)[k] : undefined; }");
  }
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
  const sources = `${ctx.templatesDir}/**/*.eta${named ? " and named templates" : ""}`;
  return header("templates.gen.ts", sources, `${counted}, compiled with Eta's parser${ctx.configFile ? ` and the templates options of ${ctx.configFile}` : ""}.`) + c.toString();
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
