// Expands the DSL call tree into the flat route table, with Phoenix's scoping rules:
// scope paths concatenate, `as` values join into helper names (`false` resets; a route's or a
// resource's `as: false` and a scope's `helpers: false` give no helper), an inner
// `host` replaces the outer one, `pipeThrough` appends to the current scope from that point on,
// and `resources` expands in Phoenix's action order with nested routes under `/:<name>_<param>`.
// A controller's helper name and view come from its module (_names.ts: controllerNames).

import type { Diagnostic } from "../diagnostics.js";
import type { DslCall, ResourcesCall } from "./calls.js";
import type { ModuleRefIR, PipeIR, PipelineIR, RouteIR, SourceLoc } from "./ir.js";
import { collectPipelines, unknownPipeline } from "./pipelines.js";
import { formatPath, parsePath } from "./path.js";
import { controllerNames, type ControllerNames } from "./_names.js";

/** Phoenix's order: `new` precedes `show`, so `/users/new` wins over `/users/:id`. */
const RESOURCE_ACTIONS = ["index", "edit", "new", "show", "create", "update", "delete"] as const;
const SINGLETON_ACTIONS = ["edit", "new", "show", "create", "update", "delete"] as const;
/** One part of a helper name (a scope's or a route's `as`). */
const HELPER_PART = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Scope {
  path: string[];
  /** The helper prefix; null where routes get no helper unless they name one (`helpers: false`, `as: false` resources). */
  as: string[] | null;
  pipes: PipeIR[];
  hosts: string[];
}

export interface ExpandResult {
  routes: RouteIR[];
  pipelines: PipelineIR[];
  diagnostics: Diagnostic[];
}

/** `router` is the router module, relative to the root: its folder is the controllers' folder when they have none named `controllers`. */
export function expandRouter(calls: DslCall[], missingActions: Map<ResourcesCall, Set<string>>, router: string): ExpandResult {
  const routes: RouteIR[] = [];
  const namesOf = (target: ModuleRefIR): ControllerNames => controllerNames(target, router);
  const diagnostics: Diagnostic[] = [];
  const error = (loc: SourceLoc, code: string, message: string, hint?: string) =>
    diagnostics.push({ code, severity: "error", message, loc, hint });

  const { declared, list: pipelines, diagnostics: pipelineProblems } = collectPipelines(calls);
  diagnostics.push(...pipelineProblems);

  const add = (
    scope: Scope,
    kind: RouteIR["kind"],
    verb: string,
    path: string,
    target: ModuleRefIR,
    action: string | null,
    helper: string | null,
    callIndex: number,
    loc: SourceLoc,
    pathLoc: SourceLoc,
  ) => {
    const full = [...scope.path, path].join("/");
    const { segments, problems } = parsePath(full);
    for (const p of problems) error(pathLoc, p.code, p.message, p.hint);
    const names = segments.filter((s) => s.kind !== "static").map((s) => (s as { name: string }).name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    // A route whose path is already reported claims no helper: no conflict reports on top.
    if (problems.length || dup) helper = null;
    if (dup) error(pathLoc, "BAD_PARAM_NAME", `parameter :${dup} appears twice in ${formatPath(segments)}`, "give each parameter its own name (e.g. :user_id and :id)");
    if (kind === "forward") {
      if (segments.some((s) => s.kind !== "static")) {
        error(pathLoc, "FORWARD_DYNAMIC", `forward path ${formatPath(segments)} must be static`, "a forward moves a fixed prefix to the script name; route dynamic paths with get/post/... instead");
      }
      segments.push({ kind: "glob", name: "_forward_path_info" });
    }
    routes.push({
      index: routes.length,
      kind,
      verb,
      path: formatPath(kind === "forward" ? segments.slice(0, -1) : segments),
      segments,
      hosts: scope.hosts,
      pipes: [...scope.pipes],
      pipeThrough: scope.pipes.map((p) => (p.kind === "pipeline" ? p.name : p.display)),
      target,
      action,
      helper,
      view: kind === "match" && action !== null ? namesOf(target).view : null,
      callIndex,
      loc,
    });
  };

  // `as: false` is Phoenix's `as: nil`: no helper. Where the scope gives none, only a route that
  // names its helper gets one, with no prefix.
  const helperBase = (scope: Scope, as: string | false | undefined, fallback: string): string | null => {
    if (as === false) return null;
    if (scope.as === null) return as || null;
    return [...scope.as, as ?? fallback].filter((s) => s !== "").join("_") || null;
  };
  const innerAs = (scope: Scope, as: string) => (scope.as === null ? [as] : [...scope.as, as]);

  // Checked once per call (a resources call reports once, not once per action), on the call's
  // own name: Phoenix refuses `as: "static"` before joining the scope prefix, so it is refused
  // inside `scope as: "admin"` too, while a scope named "static" is fine. Every part also ends up
  // in a TypeScript identifier (`adminUserPath`), which Phoenix's atoms do not need.
  // `target` is given when the name is the controller's (no `as:`): a module's name can be anything.
  const checkAs = (as: string, loc: SourceLoc, own: boolean, target?: ModuleRefIR) => {
    if (as !== "" && !HELPER_PART.test(as)) {
      const from = target && namesOf(target).fromModule ? ` (from the module ${target.definedIn})` : "";
      error(loc, "INVALID_HELPER_NAME", `helper name ${JSON.stringify(as)}${from} is not an identifier`,
        from ? 'name the helper with { as: "..." }, or rename the module' : 'use letters, digits and "_", not starting with a digit (e.g. "admin_user")');
    } else if (own && as === "static") {
      error(loc, "RESERVED_HELPER", `helper name "static" is reserved`, "Routes.staticPath serves static assets; choose another `as:`");
    }
  };

  const walk = (cs: DslCall[], scope: Scope) => {
    for (const c of cs) {
      switch (c.kind) {
        case "pipeline":
          break;
        case "pipeThrough":
          for (const item of c.items) {
            if (item.kind === "plug") scope.pipes.push({ kind: "plug", index: item.index, display: item.display });
            else if (!declared.has(item.name)) diagnostics.push(unknownPipeline(item.name, item.loc, declared));
            else if (scope.pipes.some((p) => p.kind === "pipeline" && p.name === item.name)) {
              error(item.loc, "DUPLICATE_PIPE_THROUGH", `pipeline "${item.name}" is already piped through in this scope`);
            } else scope.pipes.push({ kind: "pipeline", name: item.name });
          }
          break;
        case "scope":
          if (typeof c.as === "string") checkAs(c.as, c.loc, false);
          walk(c.body, {
            path: c.path === null ? scope.path : [...scope.path, c.path],
            as: !c.helpers ? null : c.as === undefined ? scope.as : c.as === false ? [] : innerAs(scope, c.as),
            pipes: [...scope.pipes],
            hosts: c.hosts ?? scope.hosts,
          });
          break;
        case "route": {
          const name = namesOf(c.target).resource;
          if (c.as !== false) checkAs(c.as ?? name, c.loc, true, c.as === undefined ? c.target : undefined);
          add(scope, "match", c.verb, c.path, c.target, c.action, helperBase(scope, c.as, name), c.callIndex, c.loc, c.pathLoc);
          break;
        }
        case "forward":
          add(scope, "forward", "*", c.path, c.target, null, null, c.callIndex, c.loc, c.pathLoc);
          // compile.ts compiles the mounted router and fills in its folder and IR.
          if (c.router !== null) routes[routes.length - 1].mount = { router: c.router, dir: "", ir: null };
          break;
        case "resources":
          expandResources(c, scope);
          break;
      }
    }
  };

  const expandResources = (c: ResourcesCall, scope: Scope) => {
    // Phoenix's `name:` defaults to the resource name: it names the nested routes' parameter
    // (`/users/:user_id`) and, without `as:`, the helper.
    const name = c.name ?? namesOf(c.target).resource;
    if (c.as !== false) checkAs(c.as ?? name, c.loc, true, c.as === undefined && c.name === undefined ? c.target : undefined);
    const param = c.param ?? "id";
    const supported: readonly string[] = c.singleton ? SINGLETON_ACTIONS : RESOURCE_ACTIONS;
    for (const [opt, list] of [["only", c.only], ["except", c.except]] as const) {
      for (const a of list ?? []) {
        if (!supported.includes(a)) {
          error(c.optionLoc, "UNKNOWN_RESOURCE_ACTION", `${opt} lists unknown action "${a}"`,
            `supported actions${c.singleton ? " for a singleton" : ""}: ${supported.join(", ")}`);
        }
      }
    }
    const actions = supported.filter((a) => (!c.only || c.only.includes(a)) && !(c.except ?? []).includes(a));
    const missing = missingActions.get(c) ?? new Set<string>();
    const lacking = actions.filter((a) => missing.has(a));
    if (lacking.length) {
      error(c.loc, "ACTION_MISSING", `${c.target.display} has no action${lacking.length > 1 ? "s" : ""} ${lacking.map((a) => `"${a}"`).join(", ")}`,
        `implement ${lacking.length > 1 ? "them" : "it"}, or limit the resource with only: [...] or except: [${lacking.map((a) => `"${a}"`).join(", ")}]`);
    }
    const helper = helperBase(scope, c.as, name);
    const id = c.singleton ? "" : `/:${param}`;
    const at = (suffix: string) => c.path + suffix;
    for (const a of actions) {
      const r = (verb: string, path: string, h: string | null = helper) =>
        add(scope, "match", verb, path, c.target, a, h, c.callIndex, c.loc, c.pathLoc);
      switch (a) {
        case "index": r("GET", at("")); break;
        case "edit": r("GET", at(`${id}/edit`)); break;
        case "new": r("GET", at("/new")); break;
        case "show": r("GET", at(id)); break;
        case "create": r("POST", at("")); break;
        case "update": r("PATCH", at(id)); r("PUT", at(id), null); break;
        case "delete": r("DELETE", at(id)); break;
      }
    }
    if (c.body.length) {
      walk(c.body, {
        path: [...scope.path, c.singleton ? c.path : `${c.path}/:${name}_${param}`],
        // Without a helper of its own, the nested routes get none either (unless they name one).
        as: c.as === false || (scope.as === null && c.as === undefined) ? null : innerAs(scope, c.as ?? name),
        pipes: [...scope.pipes],
        hosts: scope.hosts,
      });
    }
  };

  walk(calls, { path: [], as: [], pipes: [], hosts: [] });
  return { routes, pipelines, diagnostics };
}
