// dispatch.gen.ts: route → pipelines → controller action. Controllers are imported from the
// modules the router imports them from, and every action is referenced by name, so `tsc`
// reports a missing action at this file's line, whose comment names the router line.
// Plugs and options are run-time values: the router module runs once at startup
// (collectRouter) and each distinct pipeThrough list becomes one shared plug array. A route to a
// plug (and a forward) has no action: its handler is the plug, its options the call's.

import type { ModuleRefIR, RouteIR, RouterIR } from "../router/ir.js";
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

  // A list names its pipelines; a plug written inline in pipeThrough is its index among them.
  const lists = new Map<string, string>();
  for (const r of ir.routes) {
    const k = pipeKey(r);
    if (!lists.has(k)) lists.set(k, `PIPE_${lists.size}`);
  }
  c.line(`// Each distinct pipeThrough list, built once${inline ? " (a number is a plug written inline in pipeThrough, by position)" : ""}.`);
  for (const [k, name] of lists) {
    const numbers = (JSON.parse(k) as (string | number)[]).filter((x): x is number => typeof x === "number");
    const note = numbers.map((n) => `${n}: ${ir.inlinePlugs[n].display} (${ir.inlinePlugs[n].loc.file}:${ir.inlinePlugs[n].loc.line})`).join(", ");
    c.line(`const ${name} = pipelinePlugs(collected, ${k});${note ? `  // ${note}` : ""}`);
  }
  c.line();
  c.line("/** One entry per route, by route index. */");
  c.block("export const dispatch: readonly DispatchEntry[] = [", () => {
    for (const r of ir.routes) {
      const ref = refExpr(r.target);
      const handler = r.action === null ? ref : `${ref}.${r.action}${isTypedAction(r) ? ` satisfies ActionFor<Actions[${str(r.view)}][${str(r.action)}]>` : ""}`;
      c.line(`// ${describeRoute(r)}${r.mount ? `  (mounts ${r.mount.router})` : ""}`);
      c.line(
        `{ route: routes[${r.index}], pipeline: ${lists.get(pipeKey(r))}, controller: ${ref}, ` +
          `action: ${r.action === null ? "null" : str(r.action)}, handler: ${handler}, call: collected.calls[${r.callIndex}]` +
          `${r.mount ? `, mount: ${mountName(r.mount.dir)}` : ""} },`,
      );
    }
  }, "];");
  return header("dispatch.gen.ts", ir.source, "Dispatch: route → pipelines → controller action.") + c.toString();
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
