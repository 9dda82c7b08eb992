// The templates' modules: one per template (`templates/<path>.gen.ts`: the imports its code
// uses — the runtime; the config's escape, filter and custom-tag functions from the app's
// modules; the templates it includes directly — and its render function, render.ts; a
// plugin's processFnString rewrites its body), and templates.gen.ts, the registry that
// `include`, `layout` and `renderTemplate` resolve names against.

import { Code, str } from "../_code.js";
import { header } from "../header.js";
import { usesAwait } from "../../templates/syntax.js";
import { applyFnStringPlugins } from "../../templates/plugins.js";
import type { AssignsCheckIR } from "../../templates/assigns.js";
import { applyEdits, componentSignature, type ComponentIR, type TagEdit } from "../../templates/components.js";
import { USES_VERIFIED_PATH } from "../../templates/scope-check.js";
import type { EtaTag, PathSite, TemplateConfig, TemplateIR } from "../../templates/ir.js";
import type { Diagnostic } from "../../diagnostics.js";
import { fingerprint } from "../../templates/cache.js";
import { identifiers, pruneImports, relativeModule, repoint } from "./imports.js";
import { assignsType, REGISTRY_KEY, TEMPLATE_MODULES } from "./names.js";
import { planModules, type EmitContext, type ModulesPlan } from "./plan.js";
import { emitRegistryIndex, emitRegistryObject, SUPPORT, type RegisteredModule } from "./registry.js";
import { emitRender, type RenderContext } from "./render.js";

export type { EmitContext };

/** Tag code that needs an async function: Eta compiles such templates as AsyncFunction. */
const ASYNC_CODE = /\bawait\b|\bincludeAsync\b|\bblockAsync\b|\bcaptureAsync\b|\blayout\b/;

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
  const plan = planModules(templates, ctx);
  const { cache } = plan;
  const modules = templates.map((t) => {
    // Its own inputs besides the template and the plan: its `p` literals' sites and its component calls (tags by index).
    const at = (node: EtaTag) => t.ast.indexOf(node);
    const sites = ctx.pathSites?.get(t.file) ?? [];
    const edits = ctx.componentEdits?.get(t.file) ?? [];
    const own = JSON.stringify([sites.map((x) => [at(x.node), x.start, x.end, x.strings]), edits.map((e) => [at(e.node), e.start, e.end, e.text])]);
    const made = cache.of(t, "module", plan.othersKey + own, () => {
      if (ctx.cache) ctx.cache.counts.emitted++;
      // processFnString's failures are kept with the module, reported each time it is used.
      const diagnostics: Diagnostic[] = [];
      return { module: emitModule(t, plan, { ...ctx, diagnostics }), diagnostics };
    });
    ctx.diagnostics.push(...made.diagnostics);
    return made.module;
  });
  const files = new Map<string, string>();
  const owner = exportOwners(modules);
  const supportUsed = new Set<string>();
  // What a module's imports read besides its own: the imports the modules share, and which module exports each name.
  // Written out natively (JSON.stringify, no replacer) and compared as text: hashed only when it changed.
  const owners = JSON.stringify([plan.cacheKey, plan.shared, [...owner].map(([n, m]) => [n, m.path, m.types.includes(n)]), plan.paths.get(REGISTRY_KEY)]);
  const linkKey = cache.bySlot(`link-key\0${ctx.templatesDir}`, [owners], () => fingerprint(owners));
  for (const m of modules) {
    const linked = cache.of(m, "text", linkKey, () => {
      const support = new Set<string>();
      return { text: moduleText(m, plan, owner, support, ctx), support };
    });
    for (const n of linked.support) supportUsed.add(n);
    files.set(TEMPLATE_MODULES + m.path, linked.text);
  }
  const registry = { ext: plan.ext, names: plan.names, paths: plan.paths, templatesDir: ctx.templatesDir, configFile: ctx.configFile };
  files.set(...emitRegistryObject(registry, supportUsed));
  // The index is made of what each module registers and exports, and the names (othersKey):
  // written again only when one of those changed, not on every edit (~1.5 ms for 500 templates).
  const registered = JSON.stringify(modules.map((m) => [m.path, m.t.file, m.t.source, m.t.named, m.registered, m.reexported, m.types, m.defines]));
  files.set(...cache.bySlot(`registry-index\0${ctx.templatesDir}`, [registered, plan.othersKey, plan.ext, ctx.configFile], () => emitRegistryIndex(templates, modules, registry)));
  return files;
}

/** One template's module before its imports are written: its code, and what it exports and registers. */
interface TemplateModule extends RegisteredModule {
  body: string;
  /** What its module exports: values (`local` ones get an `export { }` line) and types. */
  values: string[];
  local: string[];
  /** Tag code calls the verified-path tag `p`. */
  usesP: boolean;
}

/** A template's render function(s) (or its component's), with the constants they read above them. */
function emitModule(source: TemplateIR, plan: ModulesPlan, ctx: EmitContext): TemplateModule {
  const name = plan.names.get(source.file)!;
  const sites = ctx.pathSites?.get(source.file) ?? [];
  const t = applyEdits(source, [...siteEdits(sites, name), ...(ctx.componentEdits?.get(source.file) ?? [])]);
  const m: TemplateModule = { t, path: plan.paths.get(t.file)!, body: "", values: [name], local: [name], types: [], registered: [name], reexported: [], defines: "", usesP: usesVerifiedPath(source, ctx.config) };
  const c = new Code();
  emitConstants(c, m, name, sites, plan);
  const component = plan.components.get(source.file);
  if (component) {
    emitComponent(c, name, t, component, plan.render, ctx);
    m.values.push(component.fn);
    m.reexported.push(component.fn);
    m.types.push(component.propsType);
    m.defines = `__registry.define(${str(t.file)}, ${name});`;
  } else emitTemplateFunctions(c, m, name, plan.render, ctx);
  m.body = c.toString();
  return m;
}

/** What the functions read at load: the include options, the verified paths' plans, the assigns type and check. */
function emitConstants(c: Code, m: TemplateModule, name: string, sites: readonly PathSite[], plan: ModulesPlan): void {
  const { t } = m;
  if (plan.targets.has(t.file)) {
    c.line(`const ${name}$options: TemplateOptions = Object.freeze({ filepath: ${str(t.file)}, async: false });`);
    m.values.push(`${name}$options`);
    m.local.push(`${name}$options`);
  }
  // The file alone on its line: originOf (syntax.ts) reads it as the function's template.
  c.line(`// ${t.source}`);
  if (t.named) c.line(`// named ${t.file}`);
  sites.forEach((site, i) => c.line(`const ${name}$p${i} = p.site(${JSON.stringify(site.strings)});  // ${t.source}:${site.node.lineNo ?? 1}`));
  if (t.assigns) {
    c.line(`export type ${assignsType(name)} = ${t.assigns};`);
    m.types.push(assignsType(name));
  }
  const check = plan.assigns.get(t.file);
  if (check) c.line(`const ${name}$assigns: DeclaredAssigns = ${declaredAssigns(t, check)};`);
}

/**
 * A template's function, and its `$async` twin when its code needs an AsyncFunction (as Eta
 * compiles it); a template that awaits gets a sync function that says to render it async.
 */
function emitTemplateFunctions(c: Code, m: TemplateModule, name: string, render: RenderContext, ctx: EmitContext): void {
  const { t } = m;
  const header_ = ctx.config.functionHeader ?? "";
  const isAsync = [header_, ...t.ast.map((n) => (typeof n === "string" ? "" : n.val))].some((v) => ASYNC_CODE.test(v));
  if (usesAwait([{ t: "e", val: header_ }, ...t.ast])) {
    c.block(`function ${name}(${ctx.config.varName ?? "it"}: ${t.assigns ? assignsType(name) : "any"}, options?: TemplateOptions): string {`, () => {
      c.line(`throw new Error(${str(`${t.source} uses await: render it with renderTemplateAsync`)});`);
    });
  } else emitRewritable(c, name, t, render, false, ctx);
  if (isAsync) {
    emitRewritable(c, `${name}$async`, t, render, true, ctx);
    m.values.push(`${name}$async`);
    m.local.push(`${name}$async`);
    m.registered.push(`${name}$async`);
  }
  m.defines = `__registry.define(${str(t.file)}, ${name}${isAsync ? `, ${name}$async` : ""});`;
}

/** `p` is the verified-path tag only where tag code uses one (a `<p>` in the text is not). */
function usesVerifiedPath(t: TemplateIR, config: TemplateConfig): boolean {
  return [config.functionHeader ?? "", ...t.ast.map((n) => (typeof n === "string" ? "" : n.val))].some((v) => USES_VERIFIED_PATH.test(v));
}

/** Which module exports each name another module's code may use (a direct include's function and options, a component's function and props type). */
function exportOwners(modules: readonly TemplateModule[]): Map<string, TemplateModule> {
  const owner = new Map<string, TemplateModule>();
  for (const m of modules) for (const n of [...m.values, ...m.types]) owner.set(n, m);
  return owner;
}

/**
 * A template's module: its header, the imports its code names (the shared lines pruned and
 * re-pointed, the registry's helpers, the other modules' exports, sorted by path), its body and
 * its exports. `supportUsed` collects the registry helpers imported, for the registry module.
 */
function moduleText(m: TemplateModule, plan: ModulesPlan, owner: ReadonlyMap<string, TemplateModule>, supportUsed: Set<string>, ctx: EmitContext): string {
  const used = identifiers(m.body);
  if (!m.usesP) used.delete("p");
  const lines = pruneImports([...plan.shared, ...m.t.imports], used).map((l) => repoint(l, m.path));
  const support = SUPPORT.filter((n) => n === "__registry" ? used.has(n) : new RegExp(`(?<![\\w$])${n.replace(/\$/g, "\\$")}\\(`).test(m.body));
  if (support.length) lines.push(`import { ${support.join(", ")} } from ${str(relativeModule(m.path, plan.paths.get(REGISTRY_KEY)!))};`);
  for (const n of support) supportUsed.add(n);
  const fromOthers = new Map<TemplateModule, string[]>();
  for (const id of used) {
    const other = owner.get(id);
    if (!other || other === m) continue;
    fromOthers.set(other, [...(fromOthers.get(other) ?? []), other.types.includes(id) ? `type ${id}` : id]);
  }
  for (const [other, members] of [...fromOthers].sort(([a], [b]) => (a.path < b.path ? -1 : 1))) lines.push(`import { ${members.sort().join(", ")} } from ${str(relativeModule(m.path, other.path))};`);
  const path = TEMPLATE_MODULES + m.path;
  const describe = `${m.t.named ? `The named template ${m.t.file}` : "The template"} ${m.t.source}, compiled with Eta's parser${ctx.configFile ? ` and the templates options of ${ctx.configFile}` : ""}.`;
  return header(path, m.t.source, describe) + lines.join("\n") + "\n\n" + m.body + "\n" + `export { ${m.local.join(", ")} };` + "\n";
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
