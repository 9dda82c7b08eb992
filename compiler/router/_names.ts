// The router's names, in one place: the helper a route's `as` chain gives (`user_comment` →
// `userCommentPath`) and the resource name and view of a controller (Phoenix.Naming). The
// emitters, the checks and `fawkes routes` all name helpers through these functions, so a
// helper is spelt the same in helpers.gen.ts, routes.gen.ts, a diagnostic and the routes table.

import type { ModuleRefIR } from "./ir.js";

/** snake_case → camelCase (`user_comment` → `userComment`). */
export function camel(s: string): string {
  return s.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

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
  return s
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[-\s]+/g, "_")
    .toLowerCase();
}

/**
 * Phoenix.Naming.resource_name: the controller's last name without "Controller", in snake
 * case. `UserController` → `user`, `Admin.MessageController` → `message`, `APIKeyController` → `api_key`.
 */
export function resourceName(target: ModuleRefIR): string {
  const last = target.members.length ? target.members[target.members.length - 1] : target.local;
  return underscore(last.replace(/Controller$/, ""));
}

/** The view (template folder) of a controller: `UserController` → `user`. */
export function viewName(target: ModuleRefIR): string {
  return resourceName(target);
}
