// The router DSL: what `app/router.ts` calls.
//
// The same module is read twice, for two different things:
//   - at build time the compiler reads it *statically* (ts-morph) and takes the route
//     structure from it: verbs, paths, scopes, controllers, actions, helper names, pipelines;
//   - at startup the generated dispatch module *runs* it once (`collectRouter`) to obtain the
//     values that only exist at run time: a pipeline's plugs with their options, a forward's
//     options, per-route `private`/`assigns`. It also checks that the structure it records is
//     the one the matcher was generated from, so a stale build fails loudly at startup.
//
// So every call here only records; nothing is decided at request time.

import type { Plug, PlugLike, PlugOptions } from "../plug/plug.js";

/** HTTP verbs with a dedicated DSL function. `match` accepts these, any custom verb, or "*". */
export type Verb = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "HEAD" | "CONNECT" | "TRACE";

/** Names of the function-valued members of a controller module: its actions. */
export type ActionOf<C> = {
  [K in keyof C]-?: C[K] extends (...args: never[]) => unknown ? K : never;
}[keyof C] &
  string;

/** The seven actions `resources` can generate, in Phoenix's order. */
export type ResourceAction = "index" | "edit" | "new" | "show" | "create" | "update" | "delete";

/** Options every route accepts. Values other than `as` are run-time values. */
export interface RouteOptions {
  /**
   * Helper name for this route (`as: "account"` → `Routes.accountPath`), or false for no helper
   * (Phoenix's `as: nil`). Default: from the controller.
   */
  as?: string | false;
  /** Merged into `conn.private` when the route matches. */
  private?: Record<string, unknown>;
  /** Merged into `conn.assigns` when the route matches. */
  assigns?: Record<string, unknown>;
  /** Log level for this route's telemetry, or false to silence it. */
  log?: "debug" | "info" | "warn" | "error" | false;
}

export interface ScopeOptions {
  /** Prefix added to helper names in the scope; `false` resets the prefix (as Phoenix's `as: false`). */
  as?: string | false;
  /**
   * `false`: the routes in the scope get no helpers (Phoenix's `helpers: false`, for one scope),
   * except those that name one with `as`.
   */
  helpers?: false;
  /** Host the scope answers for; a trailing "." makes it a prefix (`"api."`). */
  host?: string | readonly string[];
  private?: Record<string, unknown>;
  assigns?: Record<string, unknown>;
  log?: "debug" | "info" | "warn" | "error" | false;
}

export interface ResourceOptions<A extends string = ResourceAction> extends Omit<RouteOptions, "as"> {
  /** Only these actions. */
  only?: readonly A[];
  /** Every action but these. */
  except?: readonly A[];
  /** Helper name (default: `name`), or false for no helper, for its routes and the nested ones. */
  as?: string | false;
  /** Resource name, used for the nested parameter `:<name>_<param>` (default: from the controller). */
  name?: string;
  /** The id parameter's name (default `"id"`). */
  param?: string;
  /** A singular resource: no index, no id (`/account`, `/account/edit`). */
  singleton?: boolean;
}

/** A controller: a module (or object) whose functions are actions. */
export type Controller = object;

/**
 * The builder handed to `defineRouter`'s callback. Every method records; nothing runs per request.
 * The compiler reads the calls statically, so paths, actions and names must be literals.
 */
export interface RouterBuilder {
  /** Declares a named pipeline of plugs, as Phoenix's `pipeline :browser do ... end`. */
  pipeline(name: string, build: (p: PipelineBuilder) => void): void;
  /**
   * What the routes declared after this call in the current scope run before their action, in
   * order, as Phoenix's `pipe_through`: pipeline names, plugs, and `[plug, options]` pairs, in
   * any mix; or one array of pipeline names.
   * @example r.pipeThrough("browser", requireUser, [RequireRole, { role: "admin" }]);
   */
  pipeThrough(names: readonly string[]): void;
  pipeThrough<const T extends readonly PipeThroughItem[]>(...items: T & CheckedPipeItems<T>): void;

  scope(path: string, body: () => void): void;
  scope(path: string, options: ScopeOptions, body: () => void): void;
  scope(options: ScopeOptions, body: () => void): void;

  /** `r.get(path, Controller, "action")`, or `r.get(path, plug, plugOptions)` to route to a plug. */
  get: RouteFn;
  post: RouteFn;
  put: RouteFn;
  patch: RouteFn;
  delete: RouteFn;
  options: RouteFn;
  head: RouteFn;
  /** Any verb: `"*"` for all of them, or a custom one such as `"PURGE"`. */
  match<C extends Controller>(
    verb: Verb | "*" | (string & {}),
    path: string,
    controller: C,
    action: ActionOf<C>,
    options?: RouteOptions,
  ): void;
  match<P extends PlugLike>(verb: Verb | "*" | (string & {}), path: string, plug: P, plugOptions?: PlugOptions<P>, options?: PlugRouteOptions): void;

  resources<C extends Controller>(path: string, controller: C, nested?: () => void): void;
  resources<C extends Controller>(
    path: string,
    controller: C,
    options: ResourceOptions<ResourceAction & ActionOf<C>>,
    nested?: () => void,
  ): void;

  /**
   * Mounts another router under a static prefix (Phoenix's `forward "/admin", AdminRouter`): any
   * request under it is matched by that router against the rest of the path, after this scope's
   * pipelines; `conn.scriptName` gets the prefix. The router module is compiled with this one,
   * into a folder of the out dir named after the path (`.fawkes/admin/`), helpers included.
   */
  forward(path: string, router: RouterDefinition | { readonly default: RouterDefinition }): void;
  /** Sends every request under a static prefix to a plug, any verb, with the rest of the path as `conn.pathInfo`. */
  forward<P extends PlugLike>(path: string, target: P, options?: PlugOptions<P>): void;
}

/**
 * A route-making verb function: to a controller action, or to a plug with its options, as
 * Phoenix's `get "/plug", SomePlug, opts`. An object is a controller when the third argument
 * names one of its functions or when it has no `call`; otherwise it is a module plug.
 */
export interface RouteFn {
  <C extends Controller>(path: string, controller: C, action: ActionOf<C>, options?: RouteOptions): void;
  <P extends PlugLike>(path: string, plug: P, plugOptions?: PlugOptions<P>, options?: PlugRouteOptions): void;
}

/** A route to a plug has no helper (a helper's first argument is an action), so no `as` name. */
export interface PlugRouteOptions extends Omit<RouteOptions, "as"> {
  as?: false;
}

/** One argument of `pipeThrough`: a pipeline name, a plug, or a plug with its options. */
export type PipeThroughItem = string | PlugLike | readonly [plug: PlugLike, options: unknown];

/** Checks each `[plug, options]` pair's options against the plug's. */
export type CheckedPipeItems<T extends readonly unknown[]> = {
  [K in keyof T]: T[K] extends readonly [infer P, unknown] ? readonly [P, PlugOptions<P>] : T[K];
};

export interface PipelineBuilder {
  /**
   * Adds a plug with its options, as Phoenix's `plug :fetch_session` / `plug Accepts, ["html"]`:
   * a function plug or a module plug. A name plugs another pipeline (Phoenix's `plug :browser`
   * inside a pipeline).
   */
  plug(pipeline: string): void;
  plug<P extends PlugLike>(plug: P, options?: PlugOptions<P>): void;
}

/** Anything with a `call(conn, opts)` can be forwarded to (a sub-router, a plug module). */
export interface ForwardTarget<O = unknown> {
  call: Plug<O>;
}


/** The value `defineRouter` returns: the recorded definition, run at most once. */
export interface RouterDefinition {
  readonly kind: "fawkes.router";
  readonly define: (r: RouterBuilder) => void;
}

/**
 * Declares the application's router. The callback is read statically by `fawkes build`
 * and run once at startup to collect plugs and options.
 *
 * @example
 * export default defineRouter((r) => {
 *   r.pipeline("browser", (p) => { p.plug(fetchSession); });
 *   r.scope("/", () => {
 *     r.pipeThrough("browser");
 *     r.get("/", PageController, "home");
 *     r.resources("/users", UserController, () => {
 *       r.resources("/posts", PostController, { only: ["index", "show"] });
 *     });
 *   });
 * });
 */
export function defineRouter(define: (r: RouterBuilder) => void): RouterDefinition {
  return Object.freeze({ kind: "fawkes.router" as const, define });
}
