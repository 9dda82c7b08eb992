// Expands the DSL call tree into the flat route table, with Phoenix's scoping rules:
// scope paths concatenate, `as` values join into helper names (`false` resets; a route's or a
// resource's `as: false` and a scope's `helpers: false` give no helper), an inner
// `host` replaces the outer one, `pipeThrough` appends to the current scope from that point on,
// and `resources` expands in Phoenix's action order with nested routes under `/:<name>_<param>`.
// A controller's helper name and view come from its module (_names.ts: controllerNames).

import type { Diagnostic } from "../diagnostics.js";
import type { DslCall, ForwardCall, PipeThroughCall, ResourcesCall, RouteCall, ScopeCall } from "./calls.js";
import type { ModuleRefIR, PipeIR, PipelineIR, RouteIR, SegmentIR, SourceLoc } from "./ir.js";
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

/** What the walk shares: the routes so far, the diagnostics, and what it looks things up in. */
interface Expansion {
  routes: RouteIR[];
  diagnostics: Diagnostic[];
  /** The pipelines the router declares, by name. */
  declared: ReadonlyMap<string, PipelineIR>;
  /** The actions each resources call's controller lacks (the reader asked the type checker). */
  missingActions: ReadonlyMap<ResourcesCall, ReadonlySet<string>>;
  /** The router module, relative to the root (controllerNames needs it). */
  router: string;
}

/** One route as its call gives it, before the scope applies (addRoute). */
interface RouteSpec {
  kind: RouteIR["kind"];
  verb: string;
  /** The call's own path: the scope's path goes in front. */
  path: string;
  target: ModuleRefIR;
  action: string | null;
  helper: string | null;
  callIndex: number;
  loc: SourceLoc;
  /** Where the path argument is: path problems point there. */
  pathLoc: SourceLoc;
}

/** `router` is the router module, relative to the root: its folder is the controllers' folder when they have none named `controllers`. */
export function expandRouter(calls: DslCall[], missingActions: Map<ResourcesCall, Set<string>>, router: string): ExpandResult {
  const { declared, list: pipelines, diagnostics } = collectPipelines(calls);
  const x: Expansion = { routes: [], diagnostics: [...diagnostics], declared, missingActions, router };
  walk(x, calls, { path: [], as: [], pipes: [], hosts: [] });
  return { routes: x.routes, pipelines, diagnostics: x.diagnostics };
}

function walk(x: Expansion, calls: readonly DslCall[], scope: Scope): void {
  for (const c of calls) {
    switch (c.kind) {
      case "pipeline":
        break;
      case "pipeThrough":
        pipeThrough(x, c, scope);
        break;
      case "scope":
        if (typeof c.as === "string") checkAs(x, c.as, c.loc, false);
        walk(x, c.body, innerScope(c, scope));
        break;
      case "route":
        expandRoute(x, c, scope);
        break;
      case "forward":
        expandForward(x, c, scope);
        break;
      case "resources":
        expandResources(x, c, scope);
        break;
    }
  }
}

/** `pipeThrough` appends to the current scope from this call on; a pipeline twice in one scope is an error. */
function pipeThrough(x: Expansion, c: PipeThroughCall, scope: Scope): void {
  for (const item of c.items) {
    if (item.kind === "plug") scope.pipes.push({ kind: "plug", index: item.index, display: item.display });
    else if (!x.declared.has(item.name)) x.diagnostics.push(unknownPipeline(item.name, item.loc, x.declared));
    else if (scope.pipes.some((p) => p.kind === "pipeline" && p.name === item.name)) {
      error(x, item.loc, "DUPLICATE_PIPE_THROUGH", `pipeline "${item.name}" is already piped through in this scope`);
    } else scope.pipes.push({ kind: "pipeline", name: item.name });
  }
}

/** The scope inside `scope(...)`: paths concatenate, `as` joins (`false` resets), an inner host replaces the outer. */
function innerScope(c: ScopeCall, scope: Scope): Scope {
  return {
    path: c.path === null ? scope.path : [...scope.path, c.path],
    as: !c.helpers ? null : c.as === undefined ? scope.as : c.as === false ? [] : innerAs(scope, c.as),
    pipes: [...scope.pipes],
    hosts: c.hosts ?? scope.hosts,
  };
}

function expandRoute(x: Expansion, c: RouteCall, scope: Scope): void {
  const name = namesOf(x, c.target).resource;
  if (c.as !== false) checkAs(x, c.as ?? name, c.loc, true, c.as === undefined ? c.target : undefined);
  addRoute(x, scope, { kind: "match", verb: c.verb, path: c.path, target: c.target, action: c.action, helper: helperBase(scope, c.as, name), callIndex: c.callIndex, loc: c.loc, pathLoc: c.pathLoc });
}

function expandForward(x: Expansion, c: ForwardCall, scope: Scope): void {
  const route = addRoute(x, scope, { kind: "forward", verb: "*", path: c.path, target: c.target, action: null, helper: null, callIndex: c.callIndex, loc: c.loc, pathLoc: c.pathLoc });
  // compile.ts compiles the mounted router and fills in its folder and IR.
  if (c.router !== null) route.mount = { router: c.router, dir: "", ir: null };
}

/** A resource's routes in Phoenix's action order, then what is nested in it, under `/:<name>_<param>`. */
function expandResources(x: Expansion, c: ResourcesCall, scope: Scope): void {
  // Phoenix's `name:` defaults to the resource name: it names the nested routes' parameter
  // (`/users/:user_id`) and, without `as:`, the helper.
  const name = c.name ?? namesOf(x, c.target).resource;
  if (c.as !== false) checkAs(x, c.as ?? name, c.loc, true, c.as === undefined && c.name === undefined ? c.target : undefined);
  const actions = resourceActions(x, c);
  reportMissingActions(x, c, actions);
  const helper = helperBase(scope, c.as, name);
  const id = c.singleton ? "" : `/:${c.param ?? "id"}`;
  for (const a of actions) {
    for (const [verb, suffix, own] of RESOURCE_ROUTES[a](id)) {
      addRoute(x, scope, { kind: "match", verb, path: c.path + suffix, target: c.target, action: a, helper: own ? helper : null, callIndex: c.callIndex, loc: c.loc, pathLoc: c.pathLoc });
    }
  }
  if (c.body.length) walk(x, c.body, nestedScope(c, scope, name));
}

/**
 * The routes of each resource action: verb, path after the resource's, and whether it has the
 * helper (PUT repeats PATCH's update and has none). `id` is `/:id`, or "" for a singleton.
 */
const RESOURCE_ROUTES: Record<(typeof RESOURCE_ACTIONS)[number], (id: string) => [verb: string, suffix: string, helper: boolean][]> = {
  index: () => [["GET", "", true]],
  edit: (id) => [["GET", `${id}/edit`, true]],
  new: () => [["GET", "/new", true]],
  show: (id) => [["GET", id, true]],
  create: () => [["POST", "", true]],
  update: (id) => [["PATCH", id, true], ["PUT", id, false]],
  delete: (id) => [["DELETE", id, true]],
};

/** The actions `only`/`except` leave, in Phoenix's order; an action they name that the resource has not is an error. */
function resourceActions(x: Expansion, c: ResourcesCall): (typeof RESOURCE_ACTIONS)[number][] {
  const supported: readonly (typeof RESOURCE_ACTIONS)[number][] = c.singleton ? SINGLETON_ACTIONS : RESOURCE_ACTIONS;
  for (const [opt, list] of [["only", c.only], ["except", c.except]] as const) {
    for (const a of list ?? []) {
      if (!(supported as readonly string[]).includes(a)) {
        error(x, c.optionLoc, "UNKNOWN_RESOURCE_ACTION", `${opt} lists unknown action "${a}"`,
          `supported actions${c.singleton ? " for a singleton" : ""}: ${supported.join(", ")}`);
      }
    }
  }
  return supported.filter((a) => (!c.only || c.only.includes(a)) && !(c.except ?? []).includes(a));
}

/** ACTION_MISSING, once per resources call, naming every action its controller lacks. */
function reportMissingActions(x: Expansion, c: ResourcesCall, actions: readonly string[]): void {
  const missing = x.missingActions.get(c) ?? new Set<string>();
  const lacking = actions.filter((a) => missing.has(a));
  if (!lacking.length) return;
  const list = lacking.map((a) => `"${a}"`).join(", ");
  error(x, c.loc, "ACTION_MISSING", `${c.target.display} has no action${lacking.length > 1 ? "s" : ""} ${list}`,
    `implement ${lacking.length > 1 ? "them" : "it"}, or limit the resource with only: [...] or except: [${list}]`);
}

/** The scope of what a resource nests: under `/:<name>_<param>` (a singleton: its own path), its helper as prefix. */
function nestedScope(c: ResourcesCall, scope: Scope, name: string): Scope {
  return {
    path: [...scope.path, c.singleton ? c.path : `${c.path}/:${name}_${c.param ?? "id"}`],
    // Without a helper of its own, the nested routes get none either (unless they name one).
    as: c.as === false || (scope.as === null && c.as === undefined) ? null : innerAs(scope, c.as ?? name),
    pipes: [...scope.pipes],
    hosts: scope.hosts,
  };
}

/** Appends the route `spec` makes in `scope`, its full path checked (a path already reported claims no helper). */
function addRoute(x: Expansion, scope: Scope, spec: RouteSpec): RouteIR {
  const { segments, ok } = routeSegments(x, spec.kind, [...scope.path, spec.path].join("/"), spec.pathLoc);
  const route: RouteIR = {
    index: x.routes.length,
    kind: spec.kind,
    verb: spec.verb,
    path: formatPath(spec.kind === "forward" ? segments.slice(0, -1) : segments),
    segments,
    hosts: scope.hosts,
    pipes: [...scope.pipes],
    pipeThrough: scope.pipes.map((p) => (p.kind === "pipeline" ? p.name : p.display)),
    target: spec.target,
    action: spec.action,
    // A route whose path is already reported claims no helper: no conflict reports on top.
    helper: ok ? spec.helper : null,
    view: spec.kind === "match" && spec.action !== null ? namesOf(x, spec.target).view : null,
    callIndex: spec.callIndex,
    loc: spec.loc,
  };
  x.routes.push(route);
  return route;
}

/**
 * A route's full path as segments, its problems reported at the path argument (`ok`: none); a
 * parameter named twice is one. A forward's path must be static and gets the glob that carries
 * the path info.
 */
function routeSegments(x: Expansion, kind: RouteIR["kind"], full: string, pathLoc: SourceLoc): { segments: SegmentIR[]; ok: boolean } {
  const { segments, problems } = parsePath(full);
  for (const p of problems) error(x, pathLoc, p.code, p.message, p.hint);
  const names = segments.filter((s) => s.kind !== "static").map((s) => (s as { name: string }).name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) error(x, pathLoc, "BAD_PARAM_NAME", `parameter :${dup} appears twice in ${formatPath(segments)}`, "give each parameter its own name (e.g. :user_id and :id)");
  if (kind === "forward") {
    if (segments.some((s) => s.kind !== "static")) {
      error(x, pathLoc, "FORWARD_DYNAMIC", `forward path ${formatPath(segments)} must be static`, "a forward moves a fixed prefix to the script name; route dynamic paths with get/post/... instead");
    }
    segments.push({ kind: "glob", name: "_forward_path_info" });
  }
  return { segments, ok: !problems.length && !dup };
}

// `as: false` is Phoenix's `as: nil`: no helper. Where the scope gives none, only a route that
// names its helper gets one, with no prefix.
function helperBase(scope: Scope, as: string | false | undefined, fallback: string): string | null {
  if (as === false) return null;
  if (scope.as === null) return as || null;
  return [...scope.as, as ?? fallback].filter((s) => s !== "").join("_") || null;
}

function innerAs(scope: Scope, as: string): string[] {
  return scope.as === null ? [as] : [...scope.as, as];
}

/**
 * Checked once per call (a resources call reports once, not once per action), on the call's
 * own name: Phoenix refuses `as: "static"` before joining the scope prefix, so it is refused
 * inside `scope as: "admin"` too, while a scope named "static" is fine. Every part also ends up
 * in a TypeScript identifier (`adminUserPath`), which Phoenix's atoms do not need.
 * `target` is given when the name is the controller's (no `as:`): a module's name can be anything.
 */
function checkAs(x: Expansion, as: string, loc: SourceLoc, own: boolean, target?: ModuleRefIR): void {
  if (as !== "" && !HELPER_PART.test(as)) {
    const from = target && namesOf(x, target).fromModule ? ` (from the module ${target.definedIn})` : "";
    error(x, loc, "INVALID_HELPER_NAME", `helper name ${JSON.stringify(as)}${from} is not an identifier`,
      from ? 'name the helper with { as: "..." }, or rename the module' : 'use letters, digits and "_", not starting with a digit (e.g. "admin_user")');
  } else if (own && as === "static") {
    error(x, loc, "RESERVED_HELPER", `helper name "static" is reserved`, "Routes.staticPath serves static assets; choose another `as:`");
  }
}

function namesOf(x: Expansion, target: ModuleRefIR): ControllerNames {
  return controllerNames(target, x.router);
}

function error(x: Expansion, loc: SourceLoc, code: string, message: string, hint?: string): void {
  x.diagnostics.push({ code, severity: "error", message, loc, hint });
}
