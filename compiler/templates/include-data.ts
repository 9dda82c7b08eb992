// Includes without the merge (issue 13). Eta gives an included template `{ ...it, ...data }`: a
// new object with every own enumerable key of the includer's `it`, then the data's. Building it
// was most of a partial's cost (a 50-row table with one include per row ran at 0.15x a
// hand-written one; node --cpu-prof of it rendered in a loop: 28% of the time in the include's
// closure building the object, 28% collecting it, 8% in the row itself). When the compiler can
// see that the output cannot differ, the include is a direct call with an object that holds only
// what the partial reads:
//
//   include("./row.html.eta", { row })   →   t_row({ row }, t_row$options)
//   include("./row.html.eta", { row })   →   t_row({ row, title: __own(it, "title") }, ...)
//                                             (the partial also reads it.title)
//
// It is the same object for the partial when
//   - the partial reads `it` only as `it.key`, `it?.key` or `it["key"]`, never assigns, deletes or
//     calls through one (`this` would differ), never lets `it` itself escape (`Object.keys(it)`,
//     `...it`, `for (k in it)`, `f(it)`, `{ it }`), never declares a name `it`, and uses neither
//     `eval` nor `arguments`; nor does the functionHeader;
//   - the partial includes nothing, sets no layout, uses no block and no custom tag (each of
//     those hands its `it` on whole), and no plugin rewrites function strings;
//   - the partial is not a component (its function starts from props, components.ts);
//   - the call's data is absent or an object literal of plain `key: value` members (the keys are
//     known here; includes.ts `literalData`): those keys come from the data, with their values,
//     undefined ones included, as the spread's later members shadow the earlier;
//   - every other key the partial reads is not a key of Object.prototype (the merged object
//     would inherit it), and is read from the includer's `it` as the spread would copy it: its
//     own enumerable property, else undefined (`__own`).
// What is given up: the getters of the includer's `it` the partial does not read are not run,
// and the development check of assigns (runtime/templates/assigns.ts) lists only the keys the
// partial reads as "passed". Anything else keeps Eta's merge.

import { ts } from "ts-morph";
import { buildProbe } from "./probe.js";
import type { IncludeSite } from "./includes.js";
import type { TagEdit } from "./components.js";
import type { TemplateImports } from "./options.js";
import type { TemplateConfig, TemplateIR } from "./ir.js";

/** Helpers that pass the template's `it` on as a whole (compiler/emit/templates/render.ts emitHelpers). */
const PASSES_IT = /(?<![\w$])(?:include|includeAsync|layout|block|blockAsync)(?![\w$])/;

const ASSIGNMENT = new Set([
  ts.SyntaxKind.EqualsToken, ts.SyntaxKind.PlusEqualsToken, ts.SyntaxKind.MinusEqualsToken, ts.SyntaxKind.AsteriskEqualsToken,
  ts.SyntaxKind.AsteriskAsteriskEqualsToken, ts.SyntaxKind.SlashEqualsToken, ts.SyntaxKind.PercentEqualsToken,
  ts.SyntaxKind.LessThanLessThanEqualsToken, ts.SyntaxKind.GreaterThanGreaterThanEqualsToken,
  ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken, ts.SyntaxKind.AmpersandEqualsToken, ts.SyntaxKind.BarEqualsToken,
  ts.SyntaxKind.CaretEqualsToken, ts.SyntaxKind.BarBarEqualsToken, ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/**
 * The keys a template reads from `it`, when it reads `it` only key by key (see the top), else
 * null: it must get Eta's merged object. `extra`: keys emitted code reads too (the assigns check).
 */
export function itReads(t: TemplateIR, config: TemplateConfig, imports: TemplateImports, extra: readonly string[] = []): ReadonlySet<string> | null {
  if (t.named) return null;
  if ((config.plugins ?? []).some((p) => p.processFnString)) return null;
  const tags = t.ast.filter((n) => typeof n !== "string");
  if (tags.some((n) => n.t !== "e" && n.t !== "i" && n.t !== "r" && imports.tags.has(n.t))) return null;
  if ([config.functionHeader ?? "", ...tags.map((n) => n.val)].some((code) => PASSES_IT.test(code))) return null;
  const it = config.varName ?? "it";
  const probe = buildProbe(t, config);
  const sf = ts.createSourceFile("probe.ts", probe.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const reads = new Set<string>(extra);
  const fn = sf.statements[0];
  const own = fn && ts.isFunctionDeclaration(fn) ? fn.parameters[0]?.name : undefined;
  let ok = true;
  const visit = (node: ts.Node): void => {
    if (!ok) return;
    if (ts.isWithStatement(node)) ok = false;
    else if (ts.isIdentifier(node) && node !== own) {
      if (node.text === "eval" || node.text === "arguments") ok = false;
      else if (node.text === it) {
        const key = readKey(node);
        if (key === undefined) ok = false;
        else if (key !== null) reads.add(key);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (!ok) return null;
  return reads;
}

/**
 * For an identifier `it`: the key it is read at (`it.key`, `it?.key`, `it["key"]`), null when it
 * is no reference to the variable (a property name: `x.it`, `{ it: 1 }`), undefined for any other
 * use (the variable escapes, is written through, or is declared again).
 */
function readKey(id: ts.Identifier): string | null | undefined {
  const parent = id.parent;
  if ((ts.isPropertyAccessExpression(parent) && parent.name === id) || (ts.isQualifiedName(parent) && parent.right === id)) return null;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) && parent.name === id) return null;
  let key: string;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === id && ts.isIdentifier(parent.name)) key = parent.name.text;
  else if (ts.isElementAccessExpression(parent) && parent.expression === id && ts.isStringLiteralLike(parent.argumentExpression)) key = parent.argumentExpression.text;
  else return undefined;
  return isPlainRead(parent) ? key : undefined;
}

/** `it.key` read for its value: not written, deleted, incremented, or called (its `this` would differ). */
function isPlainRead(access: ts.Expression): boolean {
  let node: ts.Node = access;
  // Up through what yields the same reference: (it.x), it.x!, it.x as T.
  while (ts.isParenthesizedExpression(node.parent) || ts.isNonNullExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isTypeAssertionExpression(node.parent) || ts.isSatisfiesExpression(node.parent)) node = node.parent;
  const p = node.parent;
  if ((ts.isCallExpression(p) || ts.isTaggedTemplateExpression(p)) && (ts.isCallExpression(p) ? p.expression : p.tag) === node) return false;
  if (ts.isDeleteExpression(p) || ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken))) return false;
  // A target anywhere on the left of an assignment, or of for-in/of (destructuring included).
  for (let n: ts.Node = node; n.parent && !ts.isStatement(n); n = n.parent) {
    const up = n.parent;
    if (ts.isBinaryExpression(up) && ASSIGNMENT.has(up.operatorToken.kind) && up.left === n) return false;
    if ((ts.isForInStatement(up) || ts.isForOfStatement(up)) && up.initializer === n) return false;
  }
  return true;
}

/**
 * Whether a template's code declares a name `it` of its own (a parameter, a variable, a binding):
 * there a call site's `it` may not be the function's, which Eta's include closure reads, so its
 * includes take nothing from `it` directly.
 */
export function declaresIt(t: TemplateIR, config: TemplateConfig): boolean {
  const it = config.varName ?? "it";
  const code = [config.functionHeader ?? "", ...t.ast.map((n) => (typeof n === "string" ? "" : n.val))];
  if (!code.some((c) => new RegExp(`(?<![\\w$])${it.replace(/\$/g, "\\$")}(?![\\w$])`).test(c))) return false;
  const sf = ts.createSourceFile("probe.ts", buildProbe(t, config).text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const fn = sf.statements[0];
  const own = fn && ts.isFunctionDeclaration(fn) ? fn.parameters[0]?.name : undefined;
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && node !== own && node.text === it) {
      const p = node.parent;
      const declares = (ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isBindingElement(p) || ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) || ts.isClassDeclaration(p) || ts.isClassExpression(p) || ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p) || ts.isEnumDeclaration(p) || ts.isModuleDeclaration(p)) && (p as { name?: ts.Node }).name === node;
      // A shorthand in a destructuring, `({ it } = o)`, is an assignment: the binding is the function's, as Eta's closure reads it.
      if (declares) found = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Keys the merged object would inherit when neither side has them: such reads keep the merge. */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * The edits that turn each literal `include("./x", data)` of `t` whose partial reads `it` key by
 * key into a direct call with an object of what it reads (see the top). `reads`: itReads of each
 * template (by file; absent: merge); `fn`: the function of a template file, or undefined;
 * `itDeclared`: declaresIt of the including template.
 */
export function directCallEdits(sites: readonly IncludeSite[], target: (name: string) => string | undefined, reads: ReadonlyMap<string, ReadonlySet<string>>, fn: (file: string) => string | undefined, it: string, itDeclared: boolean): TagEdit[] {
  const edits: TagEdit[] = [];
  for (const site of sites) {
    if (site.callee !== "include" || site.call === null || site.data === null) continue;
    const file = target(site.name);
    const read = file === undefined ? undefined : reads.get(file);
    const name = file === undefined ? undefined : fn(file);
    if (read === undefined || name === undefined) continue;
    // A call inside another's data (include("a", { x: include("b") })) keeps the merge: edits must not overlap.
    if (sites.some((s) => s !== site && s.node === site.node && s.call && overlaps(s.call, site.call!))) continue;
    const given = site.data === "none" ? [] : site.data.keys;
    const fromIt = [...read].filter((k) => !given.includes(k));
    if (fromIt.some((k) => INHERITED.has(k)) || (fromIt.length && itDeclared)) continue;
    const members = fromIt.map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: __own(${it}, ${JSON.stringify(k)})`);
    const val = site.node.val;
    const { data: d } = site;
    const data =
      d === "none" ? `{ ${members.join(", ")} }`
      : d.keys.length === 0 ? `{ ${[...members, val.slice(d.start + 1, d.end - 1).trim()].filter(Boolean).join(" ")} }`
      : val.slice(d.start, d.insertAt) + members.map((m) => `, ${m}`).join("") + val.slice(d.insertAt, d.end);
    // `as any`: the data is checked as Eta checks it, not against the partial's @type.
    edits.push({ node: site.node, start: site.call.start, end: site.call.end, text: `${name}(${data} as any, ${name}$options)` });
  }
  return edits;
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}
