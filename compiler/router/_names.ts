// The router's names, in one place: the helper a route's `as` chain gives (`user_comment` →
// `userCommentPath`) and the resource name and view of a controller (Phoenix.Naming). The
// emitters, the checks and `fawkes routes` all name helpers through these functions, so a
// helper is spelt the same in helpers.gen.ts, routes.gen.ts, a diagnostic and the routes table;
// the generated modules name each route and each route-making call by a stable key here too.

import type { ModuleRefIR, PipeIR, RouteIR, RouterIR } from "./ir.js";
import { parsePath } from "./path.js";
import { memo } from "../_memo.js";

/**
 * A stable identifier per route from its verb and path: `GET /users/:id/edit` → `GET_users_$id_edit`,
 * a glob `*path` → `$$path`, `/` → `GET`, any verb `ANY`; characters an identifier cannot hold
 * become `_`, and a name taken already (the same verb and path for other hosts, say) gets `_2`, `_3`.
 */
export function routeNames(routes: readonly RouteIR[]): Map<RouteIR, string> {
  // The matcher and the dispatch emitters both name the routes of one table: made once per table.
  let names = routeNamesOf.get(routes);
  if (!names) routeNamesOf.set(routes, (names = uniqueNames(routes, (r) => [r.verb === "*" ? "ANY" : ident(r.verb), ...pathParts(r.segments)].join("_"))));
  return names;
}

const routeNamesOf = new WeakMap<readonly RouteIR[], Map<RouteIR, string>>();

/**
 * A stable identifier per route-making call, by call index: its kind, its verb (none for
 * resources and forward) and its path inside the scopes and resources around it, their
 * parameters left out (`resources "/comments"` inside users and posts → `resources_users_posts_comments`).
 */
export function callNames(ir: Pick<RouterIR, "calls">): Map<number, string> {
  const names = uniqueNames(ir.calls, (k) => {
    const verb = k.kind === "resources" || k.kind === "forward" ? "" : k.verb === "*" ? "ANY" : ident(k.verb);
    return [k.kind, verb, ...pathParts(parsePath(`${k.within}/${k.path}`).segments)].filter(Boolean).join("_");
  });
  return new Map(ir.calls.map((k) => [k.index, names.get(k)!]));
}

/** A stable identifier per pipeThrough list: its pipelines' names (`browser_auth`), `none` for `[]`. */
export function pipeListNames(lists: readonly (readonly PipeIR[])[]): Map<readonly PipeIR[], string> {
  return uniqueNames(lists, (pipes) => (pipes.length ? pipes.map((p) => (p.kind === "pipeline" ? ident(p.name) : `plug_${ident(p.display)}`)).join("_") : "none"));
}

/** Characters an identifier cannot hold become `_`. */
const ident = (text: string) => text.replace(/[^A-Za-z0-9_$]/g, "_");

function pathParts(segments: RouteIR["segments"]): string[] {
  return segments.map((seg) =>
    seg.kind === "static" ? ident(seg.value) : seg.kind === "param" ? `${ident(seg.prefix)}$${ident(seg.name)}` : `$$${ident(seg.name)}`,
  );
}

/** Each item's base name, a name taken already getting `_2`, `_3` (in order: only same-named items renumber). */
function uniqueNames<T>(items: readonly T[], base: (item: T) => string): Map<T, string> {
  const used = new Set<string>();
  const out = new Map<T, string>();
  for (const item of items) {
    const b = base(item);
    let name = b;
    for (let i = 2; used.has(name); i++) name = `${b}_${i}`;
    used.add(name);
    out.set(item, name);
  }
  return out;
}

/** snake_case → camelCase (`user_comment` → `userComment`). */
export function camel(s: string): string {
  return memo(camels, s, () => s.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
}

// camel and underscore are pure and asked of the same few hundred names thousands of times per
// router edit (every helper, its overloads, the checks, the routes table): each answer is kept.
// (compiler/_memo.ts: emptied when it grows too big, so a long watch session cannot grow them.)
const camels = new Map<string, string>();
const underscores = new Map<string, string>();

/** The path helper of a snake-case helper base: `user_comment` → `userCommentPath`. */
export function helperName(base: string): string {
  return camel(base) + "Path";
}

/** The URL helper beside helperName's: `user_comment` → `userCommentUrl`. */
export function urlHelperName(base: string): string {
  return camel(base) + "Url";
}

/**
 * Phoenix.Naming.underscore: `APIKey` → `api_key`, `UserComment` → `user_comment`,
 * `api-key` → `api_key`.
 */
export function underscore(s: string): string {
  return memo(underscores, s, () =>
    s
      .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .replace(/[-\s]+/g, "_")
      .toLowerCase(),
  );
}

/**
 * Phoenix.Naming.resource_name from the name the router wrote: the controller's last name
 * without "Controller", in snake case. `UserController` → `user`, `Admin.MessageController` →
 * `message`, `APIKeyController` → `api_key`. The fallback of controllerNames.
 */
export function resourceName(target: ModuleRefIR): string {
  const last = target.members.length ? target.members[target.members.length - 1] : target.local;
  return underscore(last.replace(/Controller$/, ""));
}

/** What a controller is called: its helper's last part and its view. */
export interface ControllerNames {
  /** Phoenix's resource_name: the helper base a route gets unless it names one (`review`). */
  resource: string;
  /** The template folder `render` looks in: the module's path under the controllers folder (`admin/review`). */
  view: string;
  /** Whether the names come from the controller's module (else from the router's binding). */
  fromModule: boolean;
}

/** A controller module's file name: `review-controller`, `review_controller`, `review.controller`, `ReviewController`. */
const CONTROLLER_FILE = /^(.+?)(?:[-_.]controller|Controller)$/;
const SOURCE_EXT = /\.(?:[cm]?[jt]sx?)$/;

/**
 * The names of a controller, from its module, as Phoenix derives them from the module name
 * (`MyAppWeb.Admin.ReviewController` → helper `review`, templates `admin/review`):
 *
 * - The module is the project file that defines it (`definedIn`, through re-exports); an
 *   `index.ts` stands for its folder.
 * - A module named like a controller (`admin/review-controller.ts`) is the controller: its name
 *   without the suffix. A module that is not (`api/index.ts`, `controllers.ts`) holds controllers
 *   as members, and the member the router reaches names it when it ends in `Controller`
 *   (`Api.StatusController`, `import { UserController }`): the module's folder is its namespace.
 * - The view is the controller's folders under the controllers folder, then its name, each part
 *   snake-cased (`super-admin/api-key-controller.ts` → `super_admin/api_key`). The controllers
 *   folder is the nearest folder named `controllers` above the module; without one, the folder
 *   of the router module `router` (relative to the root); a module outside both has no folders.
 * - Otherwise (a package, a module named neither way: `import * as UserController from
 *   "./user.js"`), the names come from the router's binding, as resourceName.
 */
export function controllerNames(target: ModuleRefIR, router: string): ControllerNames {
  const fallback = (): ControllerNames => {
    const resource = resourceName(target);
    return { resource, view: resource, fromModule: false };
  };
  if (target.definedIn === null) return fallback();
  const parts = target.definedIn.replace(SOURCE_EXT, "").split("/");
  const file = parts.pop()!;
  const own = file === "index" && parts.length ? parts.pop()! : file;
  const named = CONTROLLER_FILE.exec(own);
  let folders: string[];
  let name: string;
  if (named) {
    folders = parts;
    name = named[1];
  } else {
    const last = target.members.length ? target.members[target.members.length - 1] : target.import.imported;
    const member = /^(.+)Controller$/.exec(last);
    if (!member) return fallback();
    // The member lives in the module: an index's folder, or the folder of the file that holds it.
    folders = file === "index" ? [...parts, own] : parts;
    name = member[1];
  }
  const resource = underscore(name);
  const view = [...namespace(folders, router), name].map(underscore).join("/");
  return { resource, view, fromModule: true };
}

/** The folders of a module under the controllers folder (see controllerNames). */
function namespace(folders: readonly string[], router: string): string[] {
  const at = folders.lastIndexOf("controllers");
  if (at !== -1) return folders.slice(at + 1);
  const base = router.split("/").slice(0, -1);
  const under = base.every((s, i) => folders[i] === s);
  return under ? folders.slice(base.length) : [];
}
