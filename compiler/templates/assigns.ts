// A missing assign raises in development (issue 14; Phoenix raises a KeyError for `@user` when
// the render call passed no `:user`). The keys a template requires are decided here, at build
// time, from its `@type` (sources.ts readHeader); the generated function checks them first,
// behind a flag the runtime reads once at load (runtime/templates/assigns.ts), so production
// renders run no check at all.
//
// The type is read syntactically, with TypeScript's parser: the members of a type literal (also
// inside an intersection or parentheses). A member is required when it has no `?` and its type
// cannot be undefined: not `any`, `unknown`, `undefined`, `void`, nor a union with one of them.
// A named type (`@type UserAssigns`, `Base & { ... }`'s `Base`) is not looked into: the build
// has no type checker at hand (that is `fawkes check`), so only literal members are checked, and
// a named member type (`user: User`) is taken as one that does not include undefined.

import { ts } from "ts-morph";
import { LineIndex } from "./locate.js";
import type { TemplateIR } from "./ir.js";

export interface RequiredAssign {
  key: string;
  /** The template line that first reads `it.<key>`, else the @type's line. */
  line: number;
  /** Its declaration, as written (`user: User`). */
  declaration: string;
}

export interface AssignsCheckIR {
  /** The @type's line. */
  line: number;
  keys: RequiredAssign[];
  /** How many members the type literals have (required or not), for the message. */
  members: number;
}

const TYPE_COMMENT = /\/\*\s*@type\s+([\s\S]*?)\*\//g;

/** The required assigns of a template's @type, or null when it declares none (or none is required). */
export function requiredAssigns(t: TemplateIR, varName = "it"): AssignsCheckIR | null {
  if (!t.assigns) return null;
  const lines = new LineIndex(t.text);
  const lineOf = (node: { lineNo?: number }, code: number | undefined, k: number): number => {
    if (code === undefined) return node.lineNo ?? 1;
    const origin = t.parsed.origin;
    return lines.at(origin[Math.min(code + k, origin.length - 1)]).line;
  };
  let typeLine = 1;
  for (const node of t.ast) {
    if (typeof node === "string" || node.t !== "e") continue;
    // The last @type wins, as in readHeader.
    for (const m of node.val.matchAll(TYPE_COMMENT)) typeLine = lineOf(node, t.parsed.tagCode.get(node), m.index);
  }
  const { required, members } = literalMembers(t.assigns);
  if (!required.length) return null;
  // In the order the template reads them (the first missing one is what would break first), then
  // those it never reads (a layout's, say), at the @type's line.
  const read = required.map(({ key, declaration }) => ({ key, declaration, line: firstRead(t, key, varName, lineOf) }));
  const keys = [
    ...read.filter((k): k is RequiredAssign => k.line !== null).sort((a, b) => a.line - b.line),
    ...read.filter((k) => k.line === null).map((k) => ({ ...k, line: typeLine })),
  ];
  return { line: typeLine, keys, members };
}

function firstRead(t: TemplateIR, key: string, it: string, lineOf: (node: { lineNo?: number }, code: number | undefined, k: number) => number): number | null {
  const id = escape(it);
  const name = escape(key);
  // `it.user`, `it?.user`, `it["user"]`: the first in the file (tags are in file order).
  const read = new RegExp(`(?<![\\w$.])${id}\\s*(?:\\??\\.\\s*${name}(?![\\w$])|(?:\\?\\.)?\\[\\s*(["'\`])${name}\\1\\s*\\])`);
  for (const node of t.ast) {
    if (typeof node === "string") continue;
    const code = node.val.replace(/\/\*[\s\S]*?\*\//g, (c) => " ".repeat(c.length));
    const m = read.exec(code);
    if (m) return lineOf(node, t.parsed.tagCode.get(node), m.index);
  }
  return null;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The required members of the type literals of `type` (see the top). */
export function literalMembers(type: string): { required: { key: string; declaration: string }[]; members: number } {
  const sf = ts.createSourceFile("assigns.ts", `type __Assigns = ${type};`, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const alias = sf.statements[0];
  const out: { key: string; declaration: string }[] = [];
  let members = 0;
  if (!alias || !ts.isTypeAliasDeclaration(alias)) return { required: out, members };
  const seen = new Set<string>();
  const visit = (node: ts.TypeNode): void => {
    if (ts.isParenthesizedTypeNode(node)) return visit(node.type);
    if (ts.isIntersectionTypeNode(node)) return node.types.forEach(visit);
    if (!ts.isTypeLiteralNode(node)) return;
    members += node.members.length;
    for (const m of node.members) {
      if (!ts.isPropertySignature(m) || m.questionToken || !m.type || mayBeUndefined(m.type)) continue;
      const key = ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) || ts.isNumericLiteral(m.name) ? m.name.text : null;
      if (key === null || seen.has(key)) continue;
      seen.add(key);
      out.push({ key, declaration: m.getText(sf).replace(/[;,]\s*$/, "") });
    }
  };
  visit(alias.type);
  return { required: out, members };
}

function mayBeUndefined(node: ts.TypeNode): boolean {
  switch (node.kind) {
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.UnknownKeyword:
    case ts.SyntaxKind.UndefinedKeyword:
    case ts.SyntaxKind.VoidKeyword:
      return true;
  }
  if (ts.isParenthesizedTypeNode(node)) return mayBeUndefined(node.type);
  if (ts.isUnionTypeNode(node)) return node.types.some(mayBeUndefined);
  return false;
}
