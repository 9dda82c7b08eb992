// actions.gen.ts: the conn type of every controller action, from the route table. Types only
// (the module compiles to nothing): a controller says which action it is,
// `export function show(conn: ActionConn<"user", "show">)`, and gets `conn.pathParams` with
// exactly the params its routes give and a `render` that knows its view's templates, the
// assigns each one's `@type` needs and the layouts its routes' pipelines put. The generated
// dispatch checks every handler against its action's conn (dispatch.ts).

import type { ModuleRefIR, PipelineStepIR, RouteIR, RouterIR } from "../router/ir.js";
import { Code, key, str } from "./_code.js";
import { describeRoute, header } from "./header.js";
import { importSpecifier } from "../paths.js";

/** A route to a controller action has a typed conn: `ActionConn<view, action>`. */
export function isTypedAction(r: RouteIR): r is RouteIR & { action: string; view: string } {
  return r.kind === "match" && r.action !== null && r.view !== null;
}

/** The routes to controller actions, by view (RouteIR.view: what render looks in) then action, in first-declared order. */
export function actionsByView(ir: RouterIR): Map<string, Map<string, RouteIR[]>> {
  const views = new Map<string, Map<string, RouteIR[]>>();
  for (const r of ir.routes) {
    if (!isTypedAction(r)) continue;
    const view = r.view;
    const actions = views.get(view) ?? new Map<string, RouteIR[]>();
    const list = actions.get(r.action) ?? [];
    list.push(r);
    actions.set(r.action, list);
    views.set(view, actions);
  }
  return views;
}

/**
 * @param outDir this router's out dir, relative to the root: the plugs' modules are imported from it.
 * @param templatesModule the generated templates module as imported from this router's out dir
 *   (`./templates.gen.js`), or null when the app has none: render then stays untyped.
 */
export function emitActions(ir: RouterIR, outDir: string, templatesModule: string | null): string {
  const c = new Code();
  const views = actionsByView(ir);
  const layoutsOf = layoutResolver(ir);
  const plugsOf = plugResolver(ir);
  const plugs = plugImports([...views.values()].flatMap((actions) => [...actions.values()].flat().flatMap(plugsOf)), outDir);
  c.line(`import type { ${plugs.names.size ? "PlugAssigns, " : ""}TypedConn, ViewRenders } from "fawkes";`);
  if (templatesModule) c.line(`import type { templates } from ${str(templatesModule)};`);
  for (const l of plugs.lines) c.line(l);
  c.line();
  if (templatesModule) {
    c.line("/** The generated templates, by name: render's table of what each needs. */");
    c.line("type T = typeof templates;");
    c.line();
  }
  c.line("/**");
  c.line(" * The conn each controller action receives, by view and action: its path params as every");
  c.line(" * route to it gives them (a key only some give is optional)" + (templatesModule ? ", the templates of its view" : "") + ",");
  c.line(" * and the assigns the plugs its routes run declare (`PlugAssigns`; none for an untyped plug).");
  c.line(" */");
  c.block("export interface Actions {", () => {
    for (const [view, actions] of views) {
      c.block(`${key(view)}: {`, () => {
        for (const [action, routes] of actions) {
          for (const r of routes) c.line(`// ${describeRoute(r)}`);
          const params = paramsType(routes);
          const assigns = assignsType(routes.map((r) => plugsOf(r).map((ref) => `PlugAssigns<typeof ${plugs.names.get(refKey(ref))}>`)));
          if (!templatesModule) {
            c.line(`${key(action)}: TypedConn<${params}${assigns ? `, null, ${assigns}` : ""}>;`);
            continue;
          }
          const l = layoutArgs(routes.map(layoutsOf));
          c.line(`${key(action)}: TypedConn<${params}, ViewRenders<T, ${str(view)}${l}>${assigns ? `, ${assigns}` : ""}>;`);
        }
      }, "};");
    }
  }, "}");
  c.line();
  c.line("/**");
  c.line(" * The conn of one action: `export function show(conn: ActionConn<\"user\", \"show\">)`. Reading a");
  c.line(" * path param no route to it gives, or rendering a template of its view with an assign missing");
  c.line(" * or misspelt, is then a tsc error at that line.");
  c.line(" */");
  c.line("export type ActionConn<V extends keyof Actions, A extends keyof Actions[V]> = Actions[V][A];");
  const count = [...views.values()].reduce((n, a) => n + a.size, 0);
  return header("actions.gen.ts", ir.source, `The conn type of each of the ${count} controller actions (types only).`) + c.toString();
}

/**
 * ViewRenders' layout arguments after the view (`, "layouts/app.html", "layouts/root.html"`): the
 * app and the root layout each route puts (a union when they differ; `false` for none), left
 * out while both are false.
 */
function layoutArgs(perRoute: { layout: string | false; rootLayout: string | false }[]): string {
  const union = (names: (string | false)[]) => {
    const set = [...new Set(names.filter((n): n is string => n !== false))].sort();
    return set.length ? set.map(str).join(" | ") : "false";
  };
  const layout = union(perRoute.map((r) => r.layout));
  const root = union(perRoute.map((r) => r.rootLayout));
  return root !== "false" ? `, ${layout}, ${root}` : layout !== "false" ? `, ${layout}` : "";
}

/**
 * The assigns of an action's conn, from each route's plugs (as `PlugAssigns<...>` terms): their
 * intersection per route; a union over routes that differ (a key only some routes' plugs
 * assign is then not known to be there). Empty when no route has a plug that could declare any.
 */
function assignsType(perRoute: string[][]): string {
  if (perRoute.every((terms) => terms.length === 0)) return "";
  const types = [...new Set(perRoute.map((terms) => (terms.length ? terms.join(" & ") : "{}")))];
  return types.length === 1 ? types[0] : types.map((t) => `(${t})`).join(" | ");
}

/** `X` or `X.call`-style path of a plug reference, as the router names it. */
function refKey(ref: ModuleRefIR): string {
  return [ref.local, ...ref.members].join(".");
}

/**
 * The type-only imports of the plugs `refs` (those the actions' routes run that may declare
 * assigns), under the router's own local names (a name this module declares itself gets a `__`
 * prefix), and each reference's expression here.
 */
function plugImports(refs: readonly ModuleRefIR[], outDir: string): { lines: string[]; names: Map<string, string> } {
  const taken = new Set(["T", "Actions", "ActionConn", "TypedConn", "ViewRenders", "PlugAssigns", "templates"]);
  const byModule = new Map<string, Map<string, string>>(); // specifier -> import clause -> local
  const names = new Map<string, string>();
  for (const ref of refs) {
    const local = taken.has(ref.local) ? `__${ref.local}` : ref.local;
    names.set(refKey(ref), [local, ...ref.members].join("."));
    const spec = ref.import.resolvedFile ? importSpecifier(outDir, ref.import.resolvedFile) : ref.import.specifier;
    const m = byModule.get(spec) ?? new Map<string, string>();
    const imported = ref.import.imported;
    m.set(imported === "*" ? `* as ${local}` : imported === "default" ? `default as ${local}` : imported === local ? local : `${imported} as ${local}`, local);
    byModule.set(spec, m);
  }
  const lines: string[] = [];
  for (const spec of [...byModule.keys()].sort()) {
    const clauses = [...byModule.get(spec)!.keys()].sort();
    for (const ns of clauses.filter((k) => k.startsWith("* as "))) lines.push(`import type ${ns} from ${str(spec)};`);
    const named = clauses.filter((k) => !k.startsWith("* as "));
    if (named.length) lines.push(`import type { ${named.join(", ")} } from ${str(spec)};`);
  }
  return { lines, names };
}

/**
 * `{ user_id: string; id: string }`: the params every route gives are required, those only
 * some give optional; a glob is a list, a name that is a param in one route and a glob in
 * another either. Keys in the order of the first route that has them.
 */
function paramsType(routes: readonly RouteIR[]): string {
  const kinds = new Map<string, Set<"param" | "glob">>();
  const count = new Map<string, number>();
  for (const r of routes) {
    const seen = new Set<string>();
    for (const s of r.segments) {
      if (s.kind === "static" || seen.has(s.name)) continue;
      seen.add(s.name);
      const set = kinds.get(s.name) ?? new Set();
      set.add(s.kind);
      kinds.set(s.name, set);
      count.set(s.name, (count.get(s.name) ?? 0) + 1);
    }
  }
  if (!kinds.size) return "{}";
  const fields = [...kinds].map(([name, set]) => {
    const type = [...set].sort().reverse().map((k) => (k === "param" ? "string" : "string[]")).join(" | ");
    return `${key(name)}${count.get(name) === routes.length ? "" : "?"}: ${type}`;
  });
  return `{ ${fields.join("; ")} }`;
}

/**
 * The layout templates a route renders HTML inside, as its pipelines put them (the last
 * putLayout and the last putRootLayout win, as at run time). A layout that is not a literal is
 * left out: nothing to check it against.
 */
function layoutResolver(ir: RouterIR): (r: RouteIR) => { layout: string | false; rootLayout: string | false } {
  const byName = new Map(ir.pipelines.map((p) => [p.name, p]));
  return (r) => {
    const state: Record<"layout" | "rootLayout", string | false | null> = { layout: false, rootLayout: false };
    const apply = (steps: readonly PipelineStepIR[], depth: number) => {
      for (const step of steps) {
        if (step.kind === "pipeline") {
          // Cycles are PIPELINE_CYCLE errors; the depth bound only keeps this from looping.
          if (depth < 32) apply(byName.get(step.name)?.steps ?? [], depth + 1);
        } else if (step.kind !== "plug") state[step.kind] = step.template;
      }
    };
    for (const pipe of r.pipes) if (pipe.kind === "pipeline") apply(byName.get(pipe.name)?.steps ?? [], 0);
    return { layout: state.layout ?? false, rootLayout: state.rootLayout ?? false };
  };
}

/**
 * The plugs a route runs before its action that may declare assigns, in run order: those of its
 * pipelines (and the pipelines they plug) and those written inline in its pipeThrough, each once.
 */
function plugResolver(ir: RouterIR): (r: RouteIR) => ModuleRefIR[] {
  const byName = new Map(ir.pipelines.map((p) => [p.name, p]));
  return (r) => {
    const found = new Map<string, ModuleRefIR>();
    const apply = (steps: readonly PipelineStepIR[], depth: number) => {
      for (const step of steps) {
        if (step.kind === "pipeline") {
          if (depth < 32) apply(byName.get(step.name)?.steps ?? [], depth + 1);
        } else if (step.kind === "plug" && !found.has(refKey(step.ref))) found.set(refKey(step.ref), step.ref);
      }
    };
    for (const pipe of r.pipes) {
      if (pipe.kind === "pipeline") apply(byName.get(pipe.name)?.steps ?? [], 0);
      else {
        const ref = ir.inlinePlugs[pipe.index]?.ref;
        if (ref && !found.has(refKey(ref))) found.set(refKey(ref), ref);
      }
    }
    return [...found.values()];
  };
}
