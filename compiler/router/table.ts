// Builds IR straight from a `[verb, path]` table, without a router module: used by the
// benchmarks (the shared route sets) and by property tests that generate random route sets.

import type { RouteIR } from "./ir.js";
import { formatPath, parsePath } from "./path.js";

export interface TableRoute {
  verb: string;
  path: string;
  hosts?: string[];
  kind?: "match" | "forward";
}

export function routesFromTable(table: ReadonlyArray<TableRoute | readonly [string, string]>, file = "table"): RouteIR[] {
  return table.map((entry, index) => {
    const t: TableRoute = Array.isArray(entry) ? { verb: entry[0], path: entry[1] } : (entry as TableRoute);
    const kind = t.kind ?? "match";
    const { segments, problems } = parsePath(t.path);
    if (problems.length) throw new Error(`${t.verb} ${t.path}: ${problems[0].message}`);
    if (kind === "forward") segments.push({ kind: "glob", name: "_forward_path_info" });
    return {
      index,
      kind,
      verb: kind === "forward" ? "*" : t.verb.toUpperCase(),
      path: formatPath(kind === "forward" ? segments.slice(0, -1) : segments),
      segments,
      hosts: t.hosts ?? [],
      pipes: [],
      pipeThrough: [],
      target: { import: { specifier: "./handler.js", resolvedFile: null, imported: "*" }, local: "H", members: [], display: "H", definedIn: null },
      action: kind === "forward" ? null : `r${index}`,
      helper: null,
      view: null,
      callIndex: index,
      loc: { file, line: index + 1, column: 1 },
    };
  });
}
