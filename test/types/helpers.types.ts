// Type tests, checked by `tsc --noEmit` in `npm test`: every `@ts-expect-error` line must be an
// error (tsc fails on an unused one), every other line must compile. Nothing here runs.

import { Routes } from "../../fixtures/demo/.fawkes/helpers.gen.js";
import { Conn, defineEndpoint, defineRouter, type Endpoint, type UrlContext } from "fawkes";
import * as router from "../../fixtures/demo/.fawkes/router.gen.js";
import * as UserController from "../../fixtures/demo/app/controllers/user-controller.js";
import * as AccountController from "../../fixtures/demo/app/controllers/account-controller.js";

export function helperCalls(): string[] {
  const endpoint = { url: () => "https://example.com", path: (p: string) => p };
  const conn = new Conn({ method: "GET", url: "/admin/users" });
  const api: Endpoint = defineEndpoint({ router, config: { url: { path: "/api" } } });
  const ctx: UrlContext = endpoint;
  return [
    Routes.userPath("index"),
    Routes.userPath("index", { page: 5 }),
    Routes.userPath("show", 42),
    Routes.userPath("show", "jose", { tab: "posts" }),
    Routes.userPostPath("show", 1, 2),
    Routes.userPostCommentPath("show", 1, 2, 3),
    Routes.userUrl(endpoint, "index"),
    Routes.userUrl("https://example.com", "show", 1),
    Routes.filePath("serve", ["css", "app.css"]),
    Routes.accountPath("show"),
    Routes.userPath("show", { id: 7 }),
    Routes.userPath("show", { toParam: () => "slug" }),
    Routes.userPath(conn, "show", 42),
    Routes.userPath(conn, "index", { page: 5 }),
    Routes.userPath(api, "show", 42),
    Routes.userPath(ctx, "index"),
    Routes.userPath(endpoint, "index"),
    Routes.userPath(new URL("https://example.com/api"), "show", 1),
    Routes.userPostPath(conn, "show", 1, 2),
    Routes.filePath(api, "serve", ["css", "app.css"]),
    Routes.userUrl(conn, "show", 42),
    Routes.userUrl(api, "index"),

    // @ts-expect-error: no such action
    Routes.userPath("nope"),
    // @ts-expect-error: "show" needs an id
    Routes.userPath("show"),
    // @ts-expect-error: "index" takes no path parameter (42 is not a query)
    Routes.userPath("index", 42),
    // @ts-expect-error: one parameter too many
    Routes.userPath("show", 1, 2, {}),
    // @ts-expect-error: nested helper needs both ids
    Routes.userPostPath("show", 1),
    // @ts-expect-error: a glob takes an array, not a string
    Routes.filePath("serve", "css/app.css"),
    // @ts-expect-error: singleton resource has no id
    Routes.accountPath("show", 1),
    // @ts-expect-error: the url helper needs a base first
    Routes.userUrl("show", 1),
    // @ts-expect-error: null is not a path parameter
    Routes.userPath("show", null),
    // @ts-expect-error: with a context, "show" still needs an id
    Routes.userPath(conn, "show"),
    // @ts-expect-error: with a context, no such action
    Routes.userPath(api, "nope"),
    // @ts-expect-error: a string is an action, never a context (the Url helper takes a base string)
    Routes.userPath("https://example.com", "show", 1),
    // @ts-expect-error: an object without url() or scriptName is no context
    Routes.userPath({ path: "/api" }, "show", 1),
  ];
}

export const typedRouter = defineRouter((r) => {
  r.get("/users", UserController, "index");
  // @ts-expect-error: the action must exist on the controller
  r.get("/users/x", UserController, "nope");
  r.resources("/account", AccountController, { singleton: true, only: ["show", "edit", "update"] });
  // @ts-expect-error: only lists actions the controller has
  r.resources("/account2", AccountController, { singleton: true, only: ["index"] });
  // @ts-expect-error: scope options are typed
  r.scope("/admin", { as: 1 }, () => {});
});
