// dispatch.gen.ts: route → pipelines → controller action. Controllers are imported from the
// modules the router imports them from, and every action is referenced by name, so `tsc`
// reports a missing action at this file's line, whose comment names the router line.
// Plugs and options are run-time values: the router module runs once at startup
// (collectRouter) and each distinct pipeThrough list becomes one shared plug array. A route to a
// plug (and a forward) has no action: its handler is the plug, its options the call's.
// Routes, calls and pipeThrough lists are named by stable keys (verb and path, the pipelines'
// names), never by position: a route added in the middle changes its own lines only.

import type { ModuleRefIR, RouteIR, RouterIR } from "../router/ir.js";
import { callNames, pipeListNames, routeNames } from "../router/_names.js";
import { Code, str } from "./_code.js";
import { describeRoute, header } from "./header.js";
import { isTypedAction } from "./actions.js";
import { importSpecifier } from "../paths.js";
import { posix } from "node:path";

export function emitDispatch(ir: RouterIR, outDir: string): string {
  const c = new Code();
  const imports = collectImports(ir, outDir);
  const actions = ir.routes.some(isTypedAction);
  c.line(`import { collectRouter, pipelinePlugs, verifyCollected, ${actions ? "type ActionFor, " : ""}type DispatchEntry, type ExpectedCall } from "fawkes";`);
  for (const line of imports) c.line(line);
  // A forward to another router: that router's generated modules, which the endpoint routes the path info with.
  for (const r of ir.routes) if (r.mount) c.line(`import * as ${mountName(r.mount.dir)} from ${str(`./${r.mount.dir}/router.gen.js`)};`);
  // Types only: each handler must accept the conn its routes give (a controller annotated with
  // another action's conn is a tsc error on its dispatch line); nothing of it is left in the JS.
  if (actions) c.line('import type { Actions } from "./actions.gen.js";');
  c.line('import { routes } from "./routes.gen.js";');
  c.line();
  c.line(`/** The route-making calls of ${ir.source}, as they were when this file was generated. */`);
  c.block("const EXPECTED: readonly ExpectedCall[] = [", () => {
    for (const k of ir.calls) c.line(`[${str(k.kind)}, ${str(k.verb)}, ${str(k.path)}],`);
  }, "];");
  c.line();
  c.line("const collected = collectRouter(__router);");
  const inline = ir.inlinePlugs.length ? `, ${ir.inlinePlugs.length}` : "";
  c.line(`verifyCollected(collected, EXPECTED, ${str(ir.source)}${inline});`);
  c.line();
  const calls = emitCallNames(c, ir);
  const routes = emitRouteNames(c, ir);
  const pipes = emitPipeLists(c, ir);
  c.line();
  c.line("/** One entry per route, in declaration order: the endpoint finds a match's entry by its route's index. */");
  c.block("export const dispatch: readonly DispatchEntry[] = [", () => {
    for (const r of ir.routes) {
      const ref = refExpr(r.target);
      const handler = r.action === null ? ref : `${ref}.${r.action}${isTypedAction(r) ? ` satisfies ActionFor<Actions[${str(r.view)}][${str(r.action)}]>` : ""}`;
      c.line(`// ${describeRoute(r)}${r.mount ? `  (mounts ${r.mount.router})` : ""}`);
      c.line(
        `{ route: ${routes.get(r)!}, pipeline: ${pipes.get(pipeKey(r))!}, controller: ${ref}, ` +
          `action: ${r.action === null ? "null" : str(r.action)}, handler: ${handler}, call: ${calls.get(r.callIndex)!}` +
          `${r.mount ? `, mount: ${mountName(r.mount.dir)}` : ""} },`,
      );
    }
  }, "];");
  return header("dispatch.gen.ts", ir.source, "Dispatch: route → pipelines → controller action.") + c.toString();
}

/** `const [C_route_GET_about, ...] = collected.calls;`: each call's constant, by call index. */
function emitCallNames(c: Code, ir: RouterIR): Map<number, string> {
  const names = callNames(ir);
  const byIndex = new Map(ir.calls.map((k) => [k.index, `C_${names.get(k.index)!}`]));
  const last = Math.max(-1, ...byIndex.keys());
  c.line("// Each route-making call as it ran (its options), by kind, verb and path within its scopes.");
  c.block("const [", () => {
    // A call the reader could not read has no name: its slot stays empty.
    for (let i = 0; i <= last; i++) c.line(byIndex.has(i) ? `${byIndex.get(i)!},` : ",");
  }, "] = collected.calls;");
  return byIndex;
}

/** `const [R_GET, R_GET_about, ...] = routes;`, named as matcher.gen.ts names them. */
function emitRouteNames(c: Code, ir: RouterIR): Map<RouteIR, string> {
  const names = routeNames(ir.routes);
  const out = new Map(ir.routes.map((r) => [r, `R_${names.get(r)!}`]));
  c.line("// Every route, in declaration order.");
  c.block("const [", () => {
    for (const r of ir.routes) c.line(`${out.get(r)!},`);
  }, "] = routes;");
  return out;
}

/**
 * One shared plug array per distinct pipeThrough list, named by its pipelines (`PIPE_browser`);
 * a plug written inline in pipeThrough is its index among them.
 */
function emitPipeLists(c: Code, ir: RouterIR): Map<string, string> {
  const lists = new Map<string, RouteIR["pipes"]>();
  for (const r of ir.routes) if (!lists.has(pipeKey(r))) lists.set(pipeKey(r), r.pipes);
  const names = pipeListNames([...lists.values()]);
  const out = new Map<string, string>();
  c.line(`// Each distinct pipeThrough list, built once${ir.inlinePlugs.length ? " (a number is a plug written inline in pipeThrough, by position)" : ""}.`);
  for (const [k, pipes] of lists) {
    const name = `PIPE_${names.get(pipes)!}`;
    out.set(k, name);
    const note = pipes.flatMap((p) => (p.kind === "plug" ? [`${p.index}: ${p.display} (${ir.inlinePlugs[p.index].loc.file}:${ir.inlinePlugs[p.index].loc.line})`] : [])).join(", ");
    c.line(`const ${name} = pipelinePlugs(collected, ${k});${note ? `  // ${note}` : ""}`);
  }
  return out;
}

/** The import name of a mounted router's generated modules: `$mount_admin` for the folder `admin`. */
function mountName(dir: string): string {
  return "$mount_" + dir.replace(/[^A-Za-z0-9_]/g, "_");
}

function pipeKey(r: RouteIR): string {
  return JSON.stringify(r.pipes.map((p) => (p.kind === "pipeline" ? p.name : p.index)));
}

function refExpr(t: ModuleRefIR): string {
  return [t.local, ...t.members].join(".");
}

/** Sorted import lines: the router module itself, then every module a route refers to. */
function collectImports(ir: RouterIR, outDir: string): string[] {
  const spec = (t: ModuleRefIR) => (t.import.resolvedFile ? importSpecifier(outDir, t.import.resolvedFile) : t.import.specifier);
  // A module the router imports under two names (`import * as A` and `import * as B` of one
  // file) is imported under both here: each route refers to its own binding.
  const byModule = new Map<string, { ns: Set<string>; def: Set<string>; named: Set<string> }>();
  for (const r of ir.routes) {
    const s = spec(r.target);
    const m = byModule.get(s) ?? { ns: new Set<string>(), def: new Set<string>(), named: new Set<string>() };
    if (r.target.import.imported === "*") m.ns.add(r.target.local);
    else if (r.target.import.imported === "default") m.def.add(r.target.local);
    else m.named.add(r.target.import.imported === r.target.local ? r.target.local : `${r.target.import.imported} as ${r.target.local}`);
    byModule.set(s, m);
  }
  const lines = [`import __router from ${str(importSpecifier(outDir, posix.join(ir.source)))};`];
  for (const s of [...byModule.keys()].sort()) {
    const m = byModule.get(s)!;
    for (const ns of [...m.ns].sort()) lines.push(`import * as ${ns} from ${str(s)};`);
    const [first, ...others] = [...m.def].sort();
    const parts = [first, m.named.size ? `{ ${[...m.named].sort().join(", ")} }` : undefined].filter(Boolean);
    if (parts.length) lines.push(`import ${parts.join(", ")} from ${str(s)};`);
    for (const def of others) lines.push(`import ${def} from ${str(s)};`);
  }
  return lines;
}
