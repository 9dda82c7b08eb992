// One render function, in Eta's shape (compileToString in eta 4.6 src/compile-string.ts):
//
//   function t_user_show_html(it, options) {
//     <functionHeader>                        the config's code, first, as in Eta
//     const include = ...                     only the helpers the tag code mentions
//     let __res = "";                         or a shared __eta.res when capture/layout/output need it
//     let __line = 1;
//     try {
//       __res += '<h1>' + __e(it.name) + '</h1>\n';   // text and values of one template line
//       <exec tag code, verbatim>                       // app/templates/user/show.html.eta:3
//     } catch (error) { throw __error(error, "app/templates/...", __line); }
//     return __res;
//   }
//
// `__e` is the escaper (the runtime's, or the config's escapeFunction), `__f` the config's
// filterFunction (Eta's default filter is String), `__tag_*` a custom tag's function.
//
// Measured (issue 13; bench/templates/FINDINGS.md has the figures, the profiles and every
// attempt): what a render spends its time on is the escaper (runtime/templates/escape.ts), not
// this shape; with the escaper of the second pass the generated code runs at the hand-written
// floor over the same escaper on every workload but the components page (FINDINGS.md says
// why). Measured and left as they are, each within the ±5-10% between runs of this machine:
// no `__line` stores (baryshev 1.02x, items100 0.94x, partials50 1.01x, components page
// 1.01x), no try/catch (1.02x, 0.98x, 1.01x, 0.98x), the row partial inlined in partials50's
// loop as pug inlines an include (0.98x), only the last of consecutive `__line` stores (page
// 1.04x), no per-call `csrfToken` or `slot` closure in components (page 0.97-1.11x), a slot run
// by the caller's own capture without renderSlot's closure (page 1.055x).
// The floor is Eta's semantics: `& < > " '` escaped everywhere. Svelte escapes `& <` in text and
// `& " <` in attributes (items100: 605 entities, 13.7 kB, against Eta's 1,611 and 18.7 kB), pug
// all but `'` (1,310); the same output with less escaping is not Eta's byte for byte.

import { Code, str } from "../_code.js";
import type { SourceLoc } from "../../router/ir.js";
import type { TemplateImports } from "../../templates/options.js";
import type { AssignsCheckIR } from "../../templates/assigns.js";
import type { TemplateConfig, TemplateIR } from "../../templates/ir.js";
import { scopeLines } from "./scope.js";
import type { ScopeUse } from "../../templates/scope-check.js";
import { directIncludes, rewriteIncludes, withDirectCalls } from "./includes.js";
import { assignsType, tagLocal } from "./names.js";

export interface RenderContext {
  config: TemplateConfig;
  imports: TemplateImports;
  /** Function names by template file (and `@name`). */
  names: Map<string, string>;
  /** Where functionHeader is written (its comment), when it is set. */
  headerLoc: SourceLoc | null;
  /** Per template file: the helpers and view exports its code uses (scope.ts). */
  uses?: ReadonlyMap<string, ScopeUse>;
  /** The required assigns of each typed template (by file), checked in development (assigns.ts). */
  assigns?: ReadonlyMap<string, AssignsCheckIR>;
  /** The keys each template reads from `it`, for those that read it only key by key (include-data.ts). */
  reads?: ReadonlyMap<string, ReadonlySet<string>>;
  /** The templates with a `$options` constant: those a direct call can target. */
  targets?: ReadonlySet<string>;
}

/** A component's own signature and first lines (components.ts), in place of `(it, options)`. */
export interface RenderSignature {
  head: string;
  prelude: string[];
}

export function emitRender(c: Code, name: string, source: TemplateIR, ctx: RenderContext, isAsync: boolean, signature?: RenderSignature): void {
  const { config } = ctx;
  const it = config.varName ?? "it";
  const ext = config.defaultExtension ?? ".eta";
  const t = withDirectCalls(source, ctx, ext);
  const direct = directIncludes(t, ctx.names, ext);
  const autoEscape = config.autoEscape ?? true;
  const header = config.functionHeader ?? "";
  const type = t.assigns ? assignsType(name.replace(/\$async$/, "")) : "any";
  c.block(signature?.head ?? `${isAsync ? "async " : ""}function ${name}(${it}: ${type}, options?: TemplateOptions): ${isAsync ? "Promise<string>" : "string"} {`, () => {
    for (const line of signature?.prelude ?? []) c.line(line);
    const check = signature ? undefined : ctx.assigns?.get(t.file);
    if (check) c.line(assignsGuard(it, check, name.replace(/\$async$/, "")));
    // Before the functionHeader: its code may call them too.
    for (const line of scopeLines(ctx.uses?.get(t.file), config)) c.line(line);
    if (header) {
      c.line("// templates.functionHeader");
      c.line(`${header}${ctx.headerLoc ? `  // ${ctx.headerLoc.file}:${ctx.headerLoc.line}` : ""}`);
    }
    const { res, shared, usesLayout } = emitHelpers(c, t, ctx, direct, isAsync);
    // The line of the tag being run, for errors (see runtime/templates/errors.ts).
    c.line("let __line = 1;");
    c.line("try {");
    c.indent(() => emitBody(c, t, { res, shared, autoEscape, direct, ext, ctx }));
    if (usesLayout) {
      c.indent(() =>
        c.block("if (__eta.layout) {", () => {
          const data = `{ ...${it}, body: __eta.res, ...__eta.layoutData, __blocks: __eta.blocks }`;
          c.line(`__eta.res = ${isAsync ? `await includeAsync(__eta.layout, ${data})` : `include(__eta.layout, ${data})`};`);
        }),
      );
    }
    c.line("} catch (error) {");
    c.line(`  throw __error(error, ${str(t.source)}, __line);`);
    c.line("}");
    c.line(`return ${res};`);
  });
}

/**
 * The helpers Eta declares in every function, here only those the code mentions (a layout also
 * needs `include`, a block `capture`), and the output accumulator they share.
 */
function emitHelpers(c: Code, t: TemplateIR, ctx: RenderContext, direct: Map<string, string>, isAsync: boolean): { res: string; shared: boolean; usesLayout: boolean } {
  const { config } = ctx;
  const it = config.varName ?? "it";
  const output = config.outputFunctionName ?? "output";
  const header = config.functionHeader ?? "";
  const code = [header, ...t.ast.map((n) => (typeof n === "string" ? "" : n.val))].join("\n");
  const uses = (id: string) => new RegExp(`(?<![\\w$])${id.replace(/\$/g, "\\$")}(?![\\w$])`).test(code);
  const usesLayout = uses("layout");
  const need = {
    include: uses("include") || (usesLayout && !isAsync),
    includeAsync: uses("includeAsync") || (usesLayout && isAsync),
    capture: uses("capture") || uses("block"),
    captureAsync: uses("captureAsync") || uses("blockAsync"),
  };
  // A named template resolves relative names from its includer, as Eta's loadTemplate ones do.
  if (need.include || need.includeAsync) c.line(t.named ? "const __file = options?.filepath ?? null;" : `const __file = ${str(t.file)};`);
  if (need.include) c.line(`const include = (__eta_t: string, __eta_d?: object): string => __registry.render(__eta_t, { ...${it}, ...(__eta_d ?? {}) }, __file);`);
  // include("literal", data) calls the partial directly: no name resolution per call, and tsc
  // checks the data against the partial's declared assigns.
  for (const [file, local] of direct) {
    c.line(`const ${local} = (__eta_d?: object): string => ${ctx.names.get(file)}({ ...${it}, ...(__eta_d ?? {}) }, ${ctx.names.get(file)}$options);`);
  }
  if (need.includeAsync) c.line(`const includeAsync = (__eta_t: string, __eta_d?: object): Promise<string> => __registry.renderAsync(__eta_t, { ...${it}, ...(__eta_d ?? {}) }, __file);`);
  // Output goes to a local string unless a helper (capture, block, output, layout) must share it.
  const shared = usesLayout || uses(output) || need.capture || need.captureAsync;
  const res = shared ? "__eta.res" : "__res";
  if (shared) c.line(`const __eta = { res: ""${usesLayout || uses("block") || uses("blockAsync") ? ", blocks: {} as Record<string, string>, layout: undefined as string | undefined, layoutData: undefined as object | undefined" : ""} };`);
  else c.line('let __res = "";');
  if (usesLayout) c.line("function layout(path: string, data?: object): void { __eta.layout = path; __eta.layoutData = data; }");
  if (uses(output)) c.line(`function ${output}(s: unknown): void { __eta.res += s; }`);
  if (need.capture) c.line("function capture(fn: () => void): string { const s = __eta.res; __eta.res = \"\"; try { fn(); return __eta.res; } finally { __eta.res = s; } }");
  if (need.captureAsync) c.line("async function captureAsync(fn: () => Promise<void>): Promise<string> { const s = __eta.res; __eta.res = \"\"; try { await fn(); return __eta.res; } finally { __eta.res = s; } }");
  if (uses("block")) c.line(`function block(name: string, fn?: () => void): string { if (__eta.layout) { if (fn) __eta.blocks[name] = capture(fn); return ""; } const b = (${it} as { __blocks?: Record<string, string> }).__blocks || {}; if (name in b) return b[name]; return fn ? capture(fn) : ""; }`);
  if (uses("blockAsync")) c.line(`async function blockAsync(name: string, fn?: () => Promise<void>): Promise<string> { if (__eta.layout) { if (fn) __eta.blocks[name] = await captureAsync(fn); return ""; } const b = (${it} as { __blocks?: Record<string, string> }).__blocks || {}; if (name in b) return b[name]; return fn ? await captureAsync(fn) : ""; }`);
  return { res, shared, usesLayout };
}

interface BodyOptions {
  res: string;
  shared: boolean;
  autoEscape: boolean;
  direct: Map<string, string>;
  ext: string;
  ctx: RenderContext;
}

/** The template's nodes in order: text and values appended, exec code verbatim, each under its line. */
function emitBody(c: Code, t: TemplateIR, o: BodyOptions): void {
  const out = new Appender(c, o.res, o.shared);
  let line = 0;
  for (const node of t.ast) {
    if (typeof node === "string") {
      out.text(node);
      continue;
    }
    // As Eta's compileBody: e, i and r first (a custom tag named "e" is exec code there too),
    // nothing for a tag whose prefix is none of the configured ones.
    const custom = node.t !== "e" && node.t !== "i" && node.t !== "r" && o.ctx.imports.tags.has(node.t);
    if (node.t !== "e" && node.t !== "i" && node.t !== "r" && !custom) continue;
    const at = node.lineNo ? `  // ${t.source}:${node.lineNo}` : "";
    if (node.lineNo && node.lineNo !== line) {
      out.beforeLine();
      line = node.lineNo;
      c.line(`__line = ${line};`);
    }
    // Eta: this.config.customTags[prefix](content, it). A call: safe to join with "+".
    if (custom) out.call(`${tagLocal(node.t)}(${str(node.val)}, ${o.ctx.config.varName ?? "it"})`, at);
    else emitTag(c, out, rewriteIncludes(node.val || "", o.direct, t.file, o.ext), node.t, at, o);
  }
  out.flush();
}

/** An exec, interpolate or raw tag's code, at `at` (its `// file:line`). */
function emitTag(c: Code, out: Appender, code: string, kind: string, at: string, o: BodyOptions): void {
  const { config, imports } = o.ctx;
  // Tag code over several lines gets its template line above it too: the type check maps an
  // error on any of its lines upwards to the nearest `// file:line` (syntax.ts originOf), which
  // would otherwise be the previous tag's (a component call's props over several lines).
  const spans = at !== "" && code.includes("\n");
  if (kind === "e") {
    out.flush();
    if (spans) c.line(at.trim());
    c.line(`${code}${at}`);
    return;
  }
  const content = config.autoFilter ? (imports.filter ? `__f(${code})` : `String(${code})`) : code;
  // Only an escaped value is a single call expression that is safe to join with "+";
  // raw tag code (`a, b`, `x ? y : z`) keeps a statement of its own, as in Eta.
  if (kind === "i" && o.autoEscape) {
    if (spans) (out.flush(), c.line(at.trim()));
    return out.call(`__e(${content})`, at);
  }
  out.flush();
  if (spans) c.line(at.trim());
  c.line(`${o.res} += ${content};${at}`);
}

/**
 * The output statements of a function. With a local accumulator, text and escaped values on
 * one template line are appended in one statement (`res += '<a href="' + __e(x) + '">'`), as a
 * hand-written function would; with a shared one (capture, block, output, layout read it
 * between statements) each is its own statement, as in Eta.
 */
class Appender {
  private parts: string[] = [];
  private at = "";

  constructor(private readonly c: Code, private readonly res: string, private readonly shared: boolean) {}

  /** Text, already escaped for a '...' literal by Eta's parser; a newline ends the statement. */
  text(node: string): void {
    if (this.shared) return void this.c.line(`${this.res} += '${node}';`);
    this.parts.push(`'${node}'`);
    if (node.includes("\\n")) this.flush();
  }

  /** A single call expression (safe to join with "+"), written at `at`. */
  call(expr: string, at: string): void {
    if (this.shared) return void this.c.line(`${this.res} += ${expr};${at}`);
    this.parts.push(expr);
    this.at = at;
  }

  /** Before a new template line's `__line` store: pending text cannot throw, only a pending value must be written under its own line. */
  beforeLine(): void {
    if (this.parts.some((p) => !p.startsWith("'"))) this.flush();
  }

  flush(): void {
    if (this.parts.length) this.c.line(`${this.res} += ${this.parts.join(" + ")};${this.at}`);
    this.parts = [];
    this.at = "";
  }
}

/**
 * Development only (runtime/templates/assigns.ts): a required assign of the @type that is
 * undefined raises, at the line that reads it, before the template runs.
 */
function assignsGuard(it: string, check: AssignsCheckIR, fn: string): string {
  const read = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `${it}?.${key}` : `${it}?.[${str(key)}]`);
  return `if (__checkAssigns && (${check.keys.map((k) => `${read(k.key)} === undefined`).join(" || ")})) __missingAssign(${it}, ${fn}$assigns);`;
}
