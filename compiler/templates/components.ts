// Components: templates that declare typed props, called by other templates as functions, the
// way HEEx function components are (`<.link navigate={...}>Show</.link>`).
//
//   app/templates/components/link.html.eta
//     <%/* @component { href: string; method?: "get" | "post"; inner?: Slot } */%>
//     <a href="<%= it.href %>"><%~ slot(inner) %></a>
//
//   app/templates/user/show.html.eta
//     <%~ c.link({ href: Routes.userPath("show", 1) }, () => { %>Show <%= it.user.name %><% }) %>
//
// A component is named by its file (`flash_group.html.eta` and `flash-group.html.eta` are
// `c.flashGroup`), anywhere under the templates root. `c.<name>(` in tag code is rewritten at
// build time to a direct call of the component's function, `c_link(capture, ...)`: no lookup, no
// merge of the caller's `it` (a component sees only its props), and tsc checks the props against
// the declared type at the calling template's line. The caller's `capture` is passed first: a
// slot is a closure of the caller writing into the caller's output (runtime/templates/components.ts).
//
// Which `c` is the components' is decided on the template's probe (probe.ts, Eta's body with
// every character mapped back to the template), parsed with TypeScript: a template that declares
// a `c` of its own (`for (const c of it.comments)`) keeps it, and none of its `c.x` is rewritten.

import { ts } from "ts-morph";
import { nearest } from "../_suggest.js";
import type { Diagnostic } from "../diagnostics.js";
import type { SourceLoc } from "../router/ir.js";
import { usesAwait } from "./syntax.js";
import { buildProbe, Where, type SyntaxContext } from "./probe.js";
import type { EtaTag, TemplateIR } from "./ir.js";

export interface ComponentIR {
  /** What callers write after `c.`: `link`, `flashGroup`. */
  name: string;
  /** The template's registry key (`components/link.html.eta`). */
  file: string;
  /** The generated function (`c_link`) and its props type (`LinkProps`). */
  fn: string;
  propsType: string;
  /** The declared props, as written (`{ href: string; ... }`). */
  props: string;
  /** Type parameters as written, without the brackets (`Row`), or null. */
  typeParams: string | null;
  /** The props declare `inner`: the function takes it as an optional second argument too. */
  hasInner: boolean;
  loc: SourceLoc;
}

/** An edit of a tag's code: [start, end) of `node.val` replaced by `text`. */
export interface TagEdit {
  node: EtaTag;
  start: number;
  end: number;
  text: string;
}

const DECLARATION = /\/\*\s*@component\b([\s\S]*?)\*\//;
const MENTIONS_C = /(?<![\w$.])c\s*\??\.\s*[A-Za-z_$]/;

/** The templates that declare `@component`, by name; diagnostics for bad declarations. */
export function findComponents(templates: readonly TemplateIR[]): { components: Map<string, ComponentIR>; diagnostics: Diagnostic[] } {
  const components = new Map<string, ComponentIR>();
  const diagnostics: Diagnostic[] = [];
  for (const t of templates) {
    const tag = t.ast.find((n): n is EtaTag => typeof n !== "string" && n.t === "e" && DECLARATION.test(n.val));
    if (!tag) continue;
    const loc = { file: t.source, line: tag.lineNo ?? 1, column: tag.column ?? 1 };
    const error = (code: string, message: string, hint: string) => diagnostics.push({ code, severity: "error", message, loc, hint });
    const declared = splitTypeParams(DECLARATION.exec(tag.val)![1].trim());
    const stem = t.file.split("/").pop()!.split(".")[0];
    const name = stem.replace(/[-_]+([A-Za-z0-9])/g, (_, ch: string) => ch.toUpperCase());
    if (t.named) {
      error("COMPONENT_DECLARATION", `${t.file} is a named template: a component is a file under the templates root`, "move it under app/templates (e.g. app/templates/components/), where its file name names it");
    } else if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
      error("COMPONENT_DECLARATION", `${t.source}: a component's file name must give an identifier (c.${name} cannot be called)`, `rename the file, e.g. ${stem.replace(/[^\w$-]/g, "_")}.html.eta`);
    } else if (!declared.props.startsWith("{") && !/^[A-Za-z_$]/.test(declared.props)) {
      error("COMPONENT_DECLARATION", `@component needs the props' type: @component { ... }`, `declare the props, e.g. <%/* @component { href: string; inner?: Slot } */%> ({} for none)`);
    } else if (t.assigns !== null) {
      error("COMPONENT_DECLARATION", `${t.source} declares both @type and @component`, "a component's props are its @component type: remove the @type");
    } else if (isAsync(t)) {
      error("COMPONENT_ASYNC", `${t.source}: a component renders synchronously (its code uses await, an async helper or layout())`, "compute the data before the call and pass it as a prop");
    } else {
      const other = components.get(name);
      if (other) {
        diagnostics.push({
          code: "COMPONENT_DUPLICATE",
          severity: "error",
          message: `c.${name} is declared twice`,
          loc,
          related: [{ message: "first declared here", loc: other.loc }],
          hint: "components are named by their file name: rename one of them",
        });
        continue;
      }
      const pascal = name[0].toUpperCase() + name.slice(1);
      components.set(name, {
        name,
        file: t.file,
        fn: `c_${name}`,
        propsType: `${pascal}Props`,
        props: declared.props,
        typeParams: declared.typeParams,
        hasInner: declaresInner(declared.props),
        loc,
      });
    }
  }
  return { components, diagnostics };
}

/** Do the props (a type literal, or an intersection of them) have an `inner` member of their own? */
function declaresInner(props: string): boolean {
  const sf = ts.createSourceFile("props.ts", `type __Props = ${props};`, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const alias = sf.statements[0];
  if (!alias || !ts.isTypeAliasDeclaration(alias)) return false;
  const literals = ts.isIntersectionTypeNode(alias.type) ? alias.type.types : [alias.type];
  return literals.some((l) => ts.isTypeLiteralNode(l) && l.members.some((m) => m.name !== undefined && ts.isIdentifier(m.name) && m.name.text === "inner"));
}

function isAsync(t: TemplateIR): boolean {
  const code = t.ast.map((n) => (typeof n === "string" ? "" : n.val));
  return usesAwait(t.ast) || code.some((v) => /\bincludeAsync\b|\bblockAsync\b|\bcaptureAsync\b|(?<![\w$.])layout\s*\(/.test(v));
}

/** `<Row> { rows: Row[] }` → typeParams `Row`, props `{ rows: Row[] }`; the brackets may nest. */
function splitTypeParams(text: string): { typeParams: string | null; props: string } {
  if (!text.startsWith("<")) return { typeParams: null, props: text };
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "<") depth++;
    else if (text[i] === ">" && text[i - 1] !== "=") depth--;
    if (depth === 0) return { typeParams: text.slice(1, i).trim(), props: text.slice(i + 1).trim() };
  }
  return { typeParams: null, props: text };
}

/**
 * The component calls of every template's code, as edits (`c.link(` → `c_link(capture, `), and a
 * diagnostic for each name no component has, each reference that is not a call, and each call in
 * an escaping `<%= %>` tag (its HTML would be printed as text).
 */
export function componentCalls(
  templates: readonly TemplateIR[],
  components: ReadonlyMap<string, ComponentIR>,
  ctx: SyntaxContext,
): { edits: Map<string, TagEdit[]>; diagnostics: Diagnostic[] } {
  const edits = new Map<string, TagEdit[]>();
  const diagnostics: Diagnostic[] = [];
  const names = [...components.keys()].sort();
  const escaping = ctx.config.autoEscape !== false;
  for (const t of templates) {
    if (!t.ast.some((n) => typeof n !== "string" && MENTIONS_C.test(n.val))) continue;
    const probe = buildProbe(t, ctx.config);
    const sf = ts.createSourceFile("probe.ts", probe.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    if (declaresC(sf)) continue;
    const where = new Where(t, probe, ctx);
    const list: TagEdit[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "c") {
        const at = node.name.getStart();
        const segment = probe.segments.find((s) => s.start <= node.getStart() && at <= s.end);
        const call = node.parent;
        const problem = (code: string, message: string, hint: string) =>
          diagnostics.push({ code, severity: "error", message: message + where.excerpt(at), loc: where.loc(at), hint });
        if (!segment?.node) {
          // The config's functionHeader: its text is the config's, not a template's.
        } else if (!ts.isCallExpression(call) || call.expression !== node) {
          problem("COMPONENT_CALL", `c.${node.name.text} is a component reference that is not a call`, `call it where its HTML goes: <%~ c.${node.name.text}({ ... }) %>`);
        } else if (!components.has(node.name.text)) {
          const close = nearest(node.name.text, names);
          problem(
            "COMPONENT_NOT_FOUND",
            `no component named ${node.name.text}`,
            close
              ? `did you mean c.${close}? (components: ${names.join(", ")})`
              : names.length
                ? `the components are: ${names.join(", ")} (templates that declare @component, named by their file)`
                : "no template declares @component: a component is a template such as app/templates/components/card.html.eta that starts with <%/* @component { title: string; inner?: Slot } */%>",
          );
        } else if (segment.node.t === "i" && escaping && node.getStart() === segment.start) {
          problem("COMPONENT_ESCAPED", `c.${node.name.text}(...) in an escaping <%= %> tag: its HTML would be printed as text`, `write <%~ c.${node.name.text}(...) %>: a component's output is HTML, its values already escaped`);
        } else {
          const component = components.get(node.name.text)!;
          const open = call.arguments.pos; // just after "("
          if (open > segment.end) problem("COMPONENT_CALL", `the call of c.${node.name.text} must open its parenthesis in the same tag`, `write c.${node.name.text}( in one tag`);
          else {
            const base = segment.start;
            list.push({ node: segment.node, start: node.getStart() - base, end: node.getEnd() - base, text: component.fn });
            const empty = call.arguments.length === 0;
            list.push({ node: segment.node, start: open - base, end: open - base, text: empty ? "capture" : "capture, " });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
    if (list.length) edits.set(t.file, list);
  }
  return { edits, diagnostics };
}

/** Does the code declare a `c` of its own (a variable, parameter, function, class, destructured name)? */
function declaresC(sf: ts.SourceFile): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && node.text === "c") {
      const p = node.parent;
      const named = (p as { name?: ts.Node }).name === node;
      if (named && (ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isBindingElement(p) || ts.isFunctionDeclaration(p) || ts.isClassDeclaration(p) || ts.isFunctionExpression(p) || ts.isClassExpression(p))) found = true;
      if (ts.isShorthandPropertyAssignment(p) && ts.isObjectLiteralExpression(p.parent) && ts.isBinaryExpression(p.parent.parent) && p.parent.parent.left === p.parent) found = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The lines a component's function starts with: its inner slot, and `slot()` when the code renders one. */
export function componentSignature(component: ComponentIR, it: string, code: string): { head: string; prelude: string[] } {
  const params = component.typeParams ? `<${component.typeParams}>` : "";
  const args = component.typeParams ? `<${typeParamNames(component.typeParams)}>` : "";
  const props = `${component.propsType}${args}`;
  const inner = component.hasInner ? `, __inner?: ${props}["inner"]` : "";
  const prelude: string[] = [];
  if (component.hasInner && /(?<![\w$.])inner(?![\w$])/.test(code)) prelude.push(`const inner = __inner === undefined ? ${it}.inner : __inner;`);
  if (/(?<![\w$.])slot\s*\(/.test(code)) prelude.push("const slot = <A>(s: Slot<A> | null | undefined, arg?: A): string => __slot(__capture, __e, s, arg as A);");
  return { head: `export function ${component.fn}${params}(__capture: Capture, ${it}: ${props}${inner}): string {`, prelude };
}

/** `Row extends { id: number }, K = string` → `Row, K`. */
function typeParamNames(params: string): string {
  const names: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of params + ",") {
    if ("<({[".includes(ch)) depth++;
    else if (">)}]".includes(ch)) depth--;
    if (ch === "," && depth === 0) {
      names.push(current.trim().split(/\s|=/)[0]);
      current = "";
    } else current += ch;
  }
  return names.join(", ");
}

/** Applies edits to the tags' code (later offsets first, so earlier ones stay valid). */
export function applyEdits(t: TemplateIR, edits: readonly TagEdit[]): TemplateIR {
  if (!edits.length) return t;
  const ast = t.ast.map((node) => {
    if (typeof node === "string") return node;
    const here = edits.filter((e) => e.node === node);
    if (!here.length) return node;
    let val = node.val;
    for (const e of [...here].sort((a, b) => b.start - a.start || b.end - a.end)) val = val.slice(0, e.start) + e.text + val.slice(e.end);
    return { ...node, val };
  });
  return { ...t, ast };
}
