// One diagnostic type for the whole compiler, and its one text format (golden-tested: the text
// is API, editors and CI logs parse it):
//
//   app/router.ts:21:3: error[ROUTE_SHADOWED]: GET /users/new is unreachable
//     it is matched first by GET /users/:id (app/router.ts:18:3)
//     hint: declare get("/users/new", ...) before get("/users/:id", ...)

import type { SourceLoc } from "./router/ir.js";

export type Severity = "error" | "warning";

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  loc: SourceLoc;
  /** Other places that explain this one (the route that shadows, the first declaration...). */
  related?: { message: string; loc: SourceLoc }[];
  hint?: string;
}

export function formatLoc(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

export function formatDiagnostic(d: Diagnostic): string {
  const lines = [`${formatLoc(d.loc)}: ${d.severity}[${d.code}]: ${d.message}`];
  for (const r of d.related ?? []) lines.push(`  ${r.message} (${formatLoc(r.loc)})`);
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join("\n");
}

/** Stable order: by file, line, column, then code. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      a.loc.file.localeCompare(b.loc.file) ||
      a.loc.line - b.loc.line ||
      a.loc.column - b.loc.column ||
      a.code.localeCompare(b.code),
  );
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === "error");
}

/** Thrown by the API entry points when a build cannot produce output. */
export class CompileError extends Error {
  override name = "CompileError";
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join("\n"));
  }
}
