// Build-time JavaScript checks of template code, with TypeScript's parser (tag code is spliced
// into the generated function as text, so only the whole function can be parsed):
// - a syntax error becomes a diagnostic at its template line (Eta would fail at render time;
//   one broken template must not stop the generated module from loading);
// - `await` is found as the parser sees it, not in strings, comments or nested functions.

import { ts } from "ts-morph";
import type { Diagnostic } from "../diagnostics.js";
import type { EtaAst } from "./emit.js";

const ORIGIN = /\/\/ (\S+):(\d+)$/;
const HEADER = /^\/\/ (\S+)$/;

/** Syntax errors in the generated templates module, each at the template line it comes from. */
export function templateSyntaxErrors(moduleText: string): Diagnostic[] {
  const sf = ts.createSourceFile("templates.gen.ts", moduleText, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const parseDiagnostics = (sf as unknown as { parseDiagnostics: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const lines = moduleText.split("\n");
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of parseDiagnostics) {
    const { line } = sf.getLineAndCharacterOfPosition(d.start);
    const loc = originOf(lines, line);
    const key = `${loc.file}:${loc.line}`;
    if (seen.has(key)) continue; // one error per template line: the rest cascade from it
    seen.add(key);
    out.push({
      code: "TEMPLATE_SYNTAX",
      severity: "error",
      message: `${ts.flattenDiagnosticMessageText(d.messageText, " ")} in the template's code`,
      loc,
      hint: "tag code is JavaScript spliced into the render function: check braces and parentheses across tags",
    });
  }
  return out;
}

/**
 * The template line a line of templates.gen.ts (0-based index) belongs to: its own trailing
 * `// <template>:<line>` comment, or the nearest one above. Shared by the syntax and type checks.
 */
export function originOf(lines: string[], index: number): Diagnostic["loc"] {
  for (let i = index; i >= 0; i--) {
    const m = ORIGIN.exec(lines[i]);
    if (m) return { file: m[1], line: Number(m[2]), column: 1 };
    const h = HEADER.exec(lines[i]);
    if (h && h[1].includes("/")) return { file: h[1], line: 1, column: 1 };
  }
  return { file: "templates.gen.ts", line: index + 1, column: 1 };
}

/** Does the template's own code `await` (outside nested functions), so it must be async? */
export function usesAwait(ast: EtaAst): boolean {
  const body = ast
    .map((n) => (typeof n === "string" ? "" : n.t === "e" ? n.val : `(${n.val});`))
    .join("\n");
  if (!/\bawait\b/.test(body)) return false;
  const sf = ts.createSourceFile("probe.ts", `async function __probe() {\n${body}\n}`, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const probe = sf.statements[0];
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    const isAwait = ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier !== undefined);
    if (isAwait && nearestFunction(node) === probe) found = true;
    ts.forEachChild(node, visit);
  };
  visit(probe);
  return found;
}

function nearestFunction(node: ts.Node): ts.Node | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n;
  return undefined;
}
