// templates.gen.ts: one render function per template, in Eta's shape (see compile.ts), plus
// the table that `include`, `layout` and `renderTemplate` resolve names against.

import { Code, str } from "../emit/_code.js";
import { header } from "../emit/header.js";
import { TemplateRegistry } from "../../runtime/templates/registry.js";
import { usesAwait } from "./syntax.js";
import type { TemplateConfig } from "./compile.js";

/** Eta's AST: text (already escaped for a '...' literal) or a tag. */
export type EtaAst = Array<string | { t: string; val: string; lineNo?: number }>;

export interface TemplateIR {
  /** Relative to the templates root: `user/show.html.eta`. */
  file: string;
  /** Relative to the project root, for comments and diagnostics. */
  source: string;
  ast: EtaAst;
  /** The declared type of `it` (a `@type` comment tag, see compile.ts), or null: loosely typed. */
  assigns: string | null;
  /** `@import` lines, already re-pointed at the output directory. */
  imports: string[];
}

/** Tag code that needs an async function: Eta compiles such templates as AsyncFunction. */
const ASYNC_CODE = /\bawait\b|\bincludeAsync\b|\bblockAsync\b|\bcaptureAsync\b|\blayout\b/;

export function emitTemplates(templates: readonly TemplateIR[], config: TemplateConfig & { templatesDir: string }): string {
  const c = new Code();
  const ext = config.defaultExtension ?? ".eta";
  c.line('import { escapeHtml as __e, templateError as __error, TemplateRegistry, type TemplateOptions } from "fawkes";');
  for (const line of [...new Set(templates.flatMap((t) => t.imports))].sort()) c.line(line);
  c.line();
  c.line(`const __registry = new TemplateRegistry(${str(ext)});`);
  const names = functionNames(templates);
  // The options a directly included template receives, one frozen object each (Eta passes the
  // includer's options with its own filepath and async: false).
  const targets = new Set(templates.flatMap((t) => [...directIncludes(t, names, ext).keys()]));
  for (const t of templates) {
    if (targets.has(t.file)) c.line(`const ${names.get(t.file)}$options: TemplateOptions = Object.freeze({ filepath: ${str(t.file)}, async: false });`);
  }
  for (const t of templates) {
    const name = names.get(t.file)!;
    const isAsync = t.ast.some((n) => typeof n !== "string" && ASYNC_CODE.test(n.val));
    const needsOnlyAsync = usesAwait(t.ast);
    c.line();
    c.line(`// ${t.source}`);
    if (t.assigns) c.line(`export type ${assignsType(name)} = ${t.assigns};`);
    if (needsOnlyAsync) {
      c.block(`function ${name}(${config.varName ?? "it"}: ${t.assigns ? assignsType(name) : "any"}, options?: TemplateOptions): string {`, () => {
        c.line(`throw new Error(${str(`${t.source} uses await: render it with renderTemplateAsync`)});`);
      });
    } else emitFunction(c, name, t, config, false, names);
    if (isAsync) emitFunction(c, `${name}$async`, t, config, true, names);
    c.line(`__registry.define(${str(t.file)}, ${name}${isAsync ? `, ${name}$async` : ""});`);
  }
  c.line();
  c.line("/** Every template by name (its path under the templates root, without the extension). */");
  c.block("export const templates = {", () => {
    for (const t of templates) {
      const key = t.file.endsWith(ext) ? t.file.slice(0, -ext.length) : t.file;
      c.line(`${key === "__proto__" ? '["__proto__"]' : str(key)}: ${names.get(t.file)},`);
    }
  }, "} as const;");
  c.line();
  c.line("/** Renders a template by name, as Eta's `render(name, data)` with `views` at the templates root. */");
  c.line("export const renderTemplate = (name: string, data?: object): string => __registry.render(name, data, null);");
  c.line("export const renderTemplateAsync = (name: string, data?: object): Promise<string> => __registry.renderAsync(name, data, null);");
  return header("templates.gen.ts", `${config.templatesDir}/**/*.eta`, `${templates.length} templates, compiled with Eta's parser.`) + c.toString();
}

function emitFunction(c: Code, name: string, t: TemplateIR, config: TemplateConfig, isAsync: boolean, names: Map<string, string>): void {
  const it = config.varName ?? "it";
  const direct = directIncludes(t, names, config.defaultExtension ?? ".eta");
  const autoEscape = config.autoEscape ?? true;
  const type = t.assigns ? assignsType(name.replace(/\$async$/, "")) : "any";
  c.block(`${isAsync ? "async " : ""}function ${name}(${it}: ${type}, options?: TemplateOptions): ${isAsync ? "Promise<string>" : "string"} {`, () => {
    // Only the helpers the tag code mentions (a layout also needs `include`, a block `capture`).
    const code = t.ast.map((n) => (typeof n === "string" ? "" : n.val)).join("\n");
    const uses = (id: string) => new RegExp(`\\b${id}\\b`).test(code);
    const usesLayout = uses("layout");
    const need = {
      include: uses("include") || (usesLayout && !isAsync),
      includeAsync: uses("includeAsync") || (usesLayout && isAsync),
      capture: uses("capture") || uses("block"),
      captureAsync: uses("captureAsync") || uses("blockAsync"),
    };
    if (need.include || need.includeAsync) c.line(`const __file = ${str(t.file)};`);
    if (need.include) c.line(`const include = (__eta_t: string, __eta_d?: object): string => __registry.render(__eta_t, { ...${it}, ...(__eta_d ?? {}) }, __file);`);
    // include("literal", data) calls the partial directly: no name resolution per call, and tsc
    // checks the data against the partial's declared assigns.
    for (const [file, local] of direct) {
      c.line(`const ${local} = (__eta_d?: object): string => ${names.get(file)}({ ...${it}, ...(__eta_d ?? {}) }, ${names.get(file)}$options);`);
    }
    if (need.includeAsync) c.line(`const includeAsync = (__eta_t: string, __eta_d?: object): Promise<string> => __registry.renderAsync(__eta_t, { ...${it}, ...(__eta_d ?? {}) }, __file);`);
    // Output goes to a local string unless a helper (capture, block, output, layout) must share it.
    const shared = usesLayout || uses("output") || need.capture || need.captureAsync;
    const res = shared ? "__eta.res" : "__res";
    if (shared) c.line(`const __eta = { res: ""${usesLayout || uses("block") || uses("blockAsync") ? ", blocks: {} as Record<string, string>, layout: undefined as string | undefined, layoutData: undefined as object | undefined" : ""} };`);
    else c.line('let __res = "";');
    if (usesLayout) c.line("function layout(path: string, data?: object): void { __eta.layout = path; __eta.layoutData = data; }");
    if (uses("output")) c.line("function output(s: unknown): void { __eta.res += s; }");
    if (need.capture) c.line("function capture(fn: () => void): string { const s = __eta.res; __eta.res = \"\"; try { fn(); return __eta.res; } finally { __eta.res = s; } }");
    if (need.captureAsync) c.line("async function captureAsync(fn: () => Promise<void>): Promise<string> { const s = __eta.res; __eta.res = \"\"; try { await fn(); return __eta.res; } finally { __eta.res = s; } }");
    if (uses("block")) c.line(`function block(name: string, fn?: () => void): string { if (__eta.layout) { if (fn) __eta.blocks[name] = capture(fn); return ""; } const b = (${it} as { __blocks?: Record<string, string> }).__blocks || {}; if (name in b) return b[name]; return fn ? capture(fn) : ""; }`);
    if (uses("blockAsync")) c.line(`async function blockAsync(name: string, fn?: () => Promise<void>): Promise<string> { if (__eta.layout) { if (fn) __eta.blocks[name] = await captureAsync(fn); return ""; } const b = (${it} as { __blocks?: Record<string, string> }).__blocks || {}; if (name in b) return b[name]; return fn ? await captureAsync(fn) : ""; }`);
    // The line of the tag being run, for errors (see runtime/templates/errors.ts).
    c.line("let __line = 1;");
    c.line("try {");
    c.indent(() => {
      let line = 0;
      // With a local accumulator, text and escaped values on one template line are appended in
      // one statement (`res += '<a href="' + __e(x) + '">'`), as a hand-written function would.
      let parts: string[] = [];
      let partsAt = "";
      const flush = () => {
        if (parts.length) c.line(`${res} += ${parts.join(" + ")};${partsAt}`);
        parts = [];
        partsAt = "";
      };
      for (const node of t.ast) {
        if (typeof node === "string") {
          if (shared) c.line(`${res} += '${node}';`);
          else {
            parts.push(`'${node}'`);
            if (node.includes("\\n")) flush();
          }
          continue;
        }
        // Eta emits nothing for a tag whose prefix is none of the configured ones.
        if (node.t !== "e" && node.t !== "i" && node.t !== "r") continue;
        const at = node.lineNo ? `  // ${t.source}:${node.lineNo}` : "";
        if (node.lineNo && node.lineNo !== line) {
          // Pending text cannot throw: only a pending value must be written under its own line.
          if (parts.some((p) => !p.startsWith("'"))) flush();
          line = node.lineNo;
          c.line(`__line = ${line};`);
        }
        let content = rewriteIncludes(node.val || "", direct, t.file, config.defaultExtension ?? ".eta");
        if (node.t === "e") {
          flush();
          c.line(`${content}${at}`);
          continue;
        }
        if (config.autoFilter) content = `String(${content})`;
        // Only an escaped value is a single call expression that is safe to join with "+";
        // raw tag code (`a, b`, `x ? y : z`) keeps a statement of its own, as in Eta.
        if (!shared && node.t === "i" && autoEscape) {
          parts.push(`__e(${content})`);
          partsAt = at;
          continue;
        }
        flush();
        if (node.t === "i" && autoEscape) content = `__e(${content})`;
        c.line(`${res} += ${content};${at}`);
      }
      flush();
      if (usesLayout) {
        c.block("if (__eta.layout) {", () => {
          const data = `{ ...${it}, body: __eta.res, ...__eta.layoutData, __blocks: __eta.blocks }`;
          c.line(`__eta.res = ${isAsync ? `await includeAsync(__eta.layout, ${data})` : `include(__eta.layout, ${data})`};`);
        });
      }
    });
    c.line("} catch (error) {");
    c.line(`  throw __error(error, ${str(t.source)}, __line);`);
    c.line("}");
    c.line(`return ${res};`);
  });
}

/** `include("./x.html.eta", ` with a literal name (not `includeAsync`). */
const LITERAL_INCLUDE = /\binclude\(\s*(["'])([^"'\\\n]+)\1\s*(,|(?=\)))/g;

/** The templates this one includes by literal name, each with the local that calls it directly. */
function directIncludes(t: TemplateIR, names: Map<string, string>, ext: string): Map<string, string> {
  const out = new Map<string, string>();
  const registry = new TemplateRegistry(ext);
  for (const node of t.ast) {
    if (typeof node === "string") continue;
    for (const m of node.val.matchAll(LITERAL_INCLUDE)) {
      const file = resolveOrNull(registry, m[2], t.file);
      if (file && names.has(file) && !out.has(file)) out.set(file, `__include_${out.size + 1}`);
    }
  }
  return out;
}

function rewriteIncludes(code: string, direct: Map<string, string>, from: string, ext: string): string {
  if (direct.size === 0) return code;
  const registry = new TemplateRegistry(ext);
  return code.replace(LITERAL_INCLUDE, (whole, _q: string, name: string) => {
    const file = resolveOrNull(registry, name, from);
    const local = file ? direct.get(file) : undefined;
    return local ? `${local}(` : whole;
  });
}

function resolveOrNull(registry: TemplateRegistry, name: string, from: string): string | null {
  try {
    return registry.resolve(name, from);
  } catch {
    return null;
  }
}

/** `t_user_show_html` → `UserShowHtmlAssigns`. */
function assignsType(fn: string): string {
  return fn.replace(/^t_/, "").split("_").filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join("") + "Assigns";
}

/** `user/show.html.eta` → `user_show_html`, made unique and never a reserved word. */
function functionNames(templates: readonly TemplateIR[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const t of templates) {
    const base = "t_" + t.file.replace(/\.eta$/, "").replace(/[^A-Za-z0-9_$]/g, "_");
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    out.set(t.file, name);
  }
  return out;
}
