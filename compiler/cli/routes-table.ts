// `fawkes routes`: the table as `mix phx.routes` prints it (helper right-aligned, verb, path,
// controller action), JSON for tools, and `--info` for one request.

import { camel } from "../emit/_code.js";
import { interpret, MalformedPathError } from "../router/interpret.js";
import type { RouteIR } from "../router/ir.js";

export function formatRoutes(routes: readonly RouteIR[]): string {
  const rows = routes.map((r) => [
    r.helper ? camel(r.helper) + "Path" : "",
    r.kind === "forward" ? "*" : r.verb,
    r.path + (r.hosts.length ? `  (host: ${r.hosts.join(", ")})` : ""),
    r.action === null ? r.target.display : `${r.target.display}.${r.action}`,
  ]);
  const w = [0, 1, 2].map((i) => Math.max(0, ...rows.map((row) => row[i].length)));
  return rows.map((row) => `  ${row[0].padStart(w[0])}  ${row[1].padEnd(w[1])}  ${row[2].padEnd(w[2])}  ${row[3]}`.trimEnd() + "\n").join("");
}

export function routesJson(routes: readonly RouteIR[]): string {
  const out = routes.map((r) => ({
    helper: r.helper ? camel(r.helper) + "Path" : null,
    verb: r.verb,
    path: r.path,
    kind: r.kind,
    controller: r.target.display,
    module: moduleOf(r),
    action: r.action,
    pipeThrough: r.pipeThrough,
    hosts: r.hosts,
    source: `${r.loc.file}:${r.loc.line}:${r.loc.column}`,
  }));
  return JSON.stringify(out, null, 2) + "\n";
}

export function formatRouteInfo(routes: readonly RouteIR[], method: string, url: string, host = ""): { found: boolean; text: string } {
  let m;
  try {
    m = interpret(routes, method.toUpperCase(), url, host);
  } catch (e) {
    if (e instanceof MalformedPathError) return { found: false, text: `malformed path ${url}: the runtime answers 400\n` };
    throw e;
  }
  if (!m) return { found: false, text: `no route matches ${method.toUpperCase()} ${url}\n` };
  const r = m.route;
  const lines = [
    `Module: ${r.target.display} (${moduleOf(r)})`,
    r.action === null ? `Forward: path info ${JSON.stringify(m.pathInfo)}` : `Function: ${r.action}`,
    `Route: ${r.verb === "*" ? "*" : r.verb} ${r.path}`,
    `Params: ${JSON.stringify(m.params)}`,
    `Pipelines: ${r.pipeThrough.join(", ") || "(none)"}`,
    `${r.loc.file}:${r.loc.line}:${r.loc.column}`,
  ];
  return { found: true, text: lines.join("\n") + "\n" };
}

/** The module that defines the controller or plug (not the index file a namespace import goes through). */
function moduleOf(r: RouteIR): string {
  return r.target.definedIn ?? r.target.import.resolvedFile ?? r.target.import.specifier;
}
