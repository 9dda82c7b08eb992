// A matcher module without a router module around it: the generated tree plus the route
// table inlined, as JavaScript. The benchmarks and the property tests compile random or shared
// route sets with it and import the result like any generated module.

import { transformSync } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { RouteIR } from "../router/ir.js";
import { helperName } from "../router/_names.js";
import { emitMatcherBody } from "./matcher.js";

export function emitStandaloneMatcher(routes: readonly RouteIR[], runtime = "fawkes", tuning: { splitAt?: number } = {}): string {
  const table = routes.map((r) => ({
    index: r.index,
    kind: r.kind,
    verb: r.verb,
    path: r.path,
    helper: r.helper === null ? null : helperName(r.helper),
    controller: r.target.display,
    view: r.view,
    action: r.action,
    pipeThrough: r.pipeThrough,
    hosts: r.hosts,
    source: `${r.loc.file}:${r.loc.line}:${r.loc.column}`,
  }));
  const ts =
    `import { decodePath, type RouteInfo, type RouteMatch } from ${JSON.stringify(runtime)};\n` +
    `export const routes: readonly RouteInfo[] = ${JSON.stringify(table)};\n` +
    emitMatcherBody(routes, { describe: (r) => `${r.loc.file}:${r.loc.line}  ${r.verb} ${r.path}`, ...tuning });
  return transformSync(ts, { loader: "ts", format: "esm", target: "node20" }).code;
}

let counter = 0;

/** Writes the standalone matcher under `dir` and imports it. */
export async function loadStandaloneMatcher(
  routes: readonly RouteIR[],
  dir: string,
  runtime = "fawkes",
  tuning: { splitAt?: number } = {},
): Promise<{
  match: (method: string, url: string, host?: string) => import("../../runtime/router/match.js").RouteMatch | null;
  allowedMethods: (url: string, host?: string) => string[];
  file: string;
}> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `matcher-${process.pid}-${counter++}.mjs`);
  writeFileSync(file, emitStandaloneMatcher(routes, runtime, tuning));
  const mod = await import(pathToFileURL(file).href);
  return { match: mod.match, allowedMethods: mod.allowedMethods, file };
}
