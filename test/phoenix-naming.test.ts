// Controllers named by their module, as Phoenix names them by the module name
// (Phoenix.Naming.resource_name, test/phoenix/naming_test.exs; a view's template root from the
// module, `MyAppWeb.Admin.ReviewController` → `admin/review`): the helper base and the view come
// from the file that defines the controller, not from the name the router imports it under.
// `import * as AdminReviewController from "./controllers/admin/review-controller.js"` inside
// `scope(..., { as: "admin" })` is `adminReviewPath` and renders `admin/review/*`.
//
// The rules (compiler/router/_names.ts) on their own, then through the compiler (helpers,
// routes.gen.ts's view, nested resource params, diagnostics), the syntactic reader of
// `fawkes routes`, and a page rendered through a real endpoint on port 0.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineEndpoint, type Endpoint } from "fawkes";
import { formatRouteInfo, formatRoutes, routesJson } from "../compiler/cli/routes-table.js";
import { readRouterTable } from "../compiler/router/compile.js";
import type { ModuleRefIR } from "../compiler/router/ir.js";
import { controllerNames, helperName, resourceName, underscore } from "../compiler/router/_names.js";
import { buildApp, controller, type BuiltApp } from "./support/app.js";

const SLOW = 600_000;

/** A controller reference as the router reader makes it. */
function ref(definedIn: string | null, local: string, members: string[] = [], imported = "*"): ModuleRefIR {
  return {
    import: { specifier: "./x.js", resolvedFile: definedIn, imported },
    local,
    members,
    display: [local, ...members].join("."),
    definedIn,
  };
}

const names = (r: ModuleRefIR, router = "app/router.ts") => {
  const n = controllerNames(r, router);
  return [n.resource, n.view, n.fromModule];
};

describe("controllerNames: the rules", () => {
  it("a module named like a controller names it: its folders under controllers/, then its name without the suffix", () => {
    expect(names(ref("app/controllers/admin/review-controller.ts", "AdminReviewController"))).toEqual(["review", "admin/review", true]);
    expect(names(ref("app/controllers/user-controller.ts", "Whatever"))).toEqual(["user", "user", true]);
    expect(names(ref("app/controllers/admin/review_controller.ts", "X"))).toEqual(["review", "admin/review", true]);
    expect(names(ref("app/controllers/admin/review.controller.ts", "X"))).toEqual(["review", "admin/review", true]);
    expect(names(ref("app/controllers/Admin/ReviewController.ts", "X"))).toEqual(["review", "admin/review", true]);
    // Each part snake-cased, as Phoenix underscores each part of the module name.
    expect(names(ref("app/controllers/super-admin/api-key-controller.mts", "X"))).toEqual(["api_key", "super_admin/api_key", true]);
    // A folder's index stands for the folder.
    expect(names(ref("app/controllers/admin/review-controller/index.ts", "X"))).toEqual(["review", "admin/review", true]);
  });

  it("the controllers folder is the nearest one named controllers, else the router's folder; outside both, no folders", () => {
    expect(names(ref("src/web/controllers/v1/item-controller.ts", "X"))).toEqual(["item", "v1/item", true]);
    expect(names(ref("app/admin/controllers/review-controller.ts", "X"))).toEqual(["review", "review", true]);
    expect(names(ref("app/api/item-controller.ts", "X"))).toEqual(["item", "api/item", true]);
    expect(names(ref("web/admin/review-controller.ts", "X"), "web/router.ts")).toEqual(["review", "admin/review", true]);
    expect(names(ref("lib/item-controller.ts", "X"))).toEqual(["item", "item", true]);
    // A router at the root: every folder counts.
    expect(names(ref("api/item-controller.ts", "X"), "router.ts")).toEqual(["item", "api/item", true]);
  });

  it("a module holding several controllers: the member ending in Controller names it, in the module's folder", () => {
    // Api.StatusController, where api/index.ts declares `export const StatusController = {...}`.
    expect(names(ref("app/controllers/api/index.ts", "Api", ["StatusController"]))).toEqual(["status", "api/status", true]);
    // import { UserController as Users } from "./controllers/index.js": the member, not the binding.
    expect(names(ref("app/controllers/index.ts", "Users", [], "UserController"))).toEqual(["user", "user", true]);
    // app/controllers.ts is a container, like controllers/index.ts; so is a file named otherwise.
    expect(names(ref("app/controllers.ts", "C", ["UserController"]))).toEqual(["user", "user", true]);
    expect(names(ref("app/controllers/admin.ts", "Admin", ["MessageController"]))).toEqual(["message", "message", true]);
    expect(names(ref("app/controllers/api/index.ts", "Api", ["V2", "APIKeyController"]))).toEqual(["api_key", "api/api_key", true]);
  });

  it("falls back to the router's binding: a package, or a module named neither way", () => {
    expect(names(ref(null, "UserController"))).toEqual(["user", "user", false]);
    expect(names(ref(null, "Ext", ["APIKeyController"]))).toEqual(["api_key", "api_key", false]);
    expect(names(ref("app/controllers/user.ts", "UserController"))).toEqual(["user", "user", false]);
    expect(names(ref("app/controllers/user.ts", "People"))).toEqual(["people", "people", false]);
    // A member not named ...Controller, a default import of a module named otherwise.
    expect(names(ref("app/controllers/api/index.ts", "Api", ["Status"]))).toEqual(["status", "status", false]);
    expect(names(ref("app/controllers/profile.ts", "ProfileController", [], "default"))).toEqual(["profile", "profile", false]);
  });

  it("the shared pieces: underscore, resourceName and helperName", () => {
    expect(["APIKey", "UserComment", "api-key", "v1"].map(underscore)).toEqual(["api_key", "user_comment", "api_key", "v1"]);
    expect(resourceName(ref(null, "Admin", ["MessageController"]))).toBe("message");
    expect(["user_comment", "admin_review", "user"].map(helperName)).toEqual(["userCommentPath", "adminReviewPath", "userPath"]);
  });
});

/** The generated helpers, callable with any arguments (their own types are checked in test/types). */
const helpers = (a: BuiltApp) => a.Routes as unknown as Record<string, (...args: unknown[]) => string>;

const ACTIONS = ["index", "show", "new", "edit", "create", "update", "delete"];

/** The admin app: a public ReviewController and an admin one in controllers/admin/, each with its templates. */
function adminApp(): Record<string, string> {
  const render = (who: string) => `import { render, type Conn } from "fawkes";
import { Routes } from "../${who === "admin" ? "../" : ""}../.fawkes/helpers.gen.js";
export const index = (conn: Conn) => render(conn, "index.html", { who: ${JSON.stringify(who)}, self: Routes.${who === "admin" ? "adminReviewPath" : "reviewPath"}("index") });
export const show = (conn: Conn) => render(conn, "show.html", { id: conn.params.id });
`;
  return {
    "app/router.ts": `import { defineRouter } from "fawkes";
import * as ReviewController from "./controllers/review-controller.js";
import * as AdminReviewController from "./controllers/admin/review-controller.js";
import * as Admin from "./controllers/admin/index.js";
import * as Again from "./controllers/admin/review-controller.js";
import * as NoteController from "./controllers/admin/note-controller.js";
import * as StampPlug from "./plugs/stamp-plug.js";

export default defineRouter((r) => {
  r.get("/reviews", ReviewController, "index");
  r.get("/stamp", StampPlug);
  r.scope("/admin", { as: "admin" }, () => {
    r.get("/reviews", AdminReviewController, "index");
    r.get("/reviews/:id", Admin.ReviewController, "show");
    r.get("/again", Again, "index", { as: "again" });
    r.resources("/notes", NoteController, { only: ["index", "show"] }, () => {
      r.get("/reviews", AdminReviewController, "index");
    });
  });
});
`,
    "app/controllers/review-controller.ts": render("public"),
    "app/controllers/admin/review-controller.ts": render("admin"),
    "app/controllers/admin/index.ts": `export * as ReviewController from "./review-controller.js";\n`,
    "app/controllers/admin/note-controller.ts": controller(ACTIONS),
    "app/plugs/stamp-plug.ts": `import { render, type Conn } from "fawkes";\nexport const init = () => ({});\nexport const call = (conn: Conn) => render(conn, "index.html", {});\n`,
    "app/templates/stamp_plug/index.html.eta": `<p>stamped</p>\n`,
    "app/templates/review/index.html.eta": `<p>public reviews (<%= it.who %>, <%= it.self %>)</p>\n`,
    "app/templates/admin/review/index.html.eta": `<p>admin reviews (<%= it.who %>, <%= it.self %>)</p>\n`,
    "app/templates/admin/review/show.html.eta": `<p>admin review <%= it.id %></p>\n`,
  };
}

describe("through the compiler: the admin scope's review controller", () => {
  let a: BuiltApp;
  let endpoint: Endpoint | undefined;
  let base: string;
  // One hook (router-fast-read harvests the app of each buildApp in a beforeAll).
  beforeAll(async () => {
    a = await buildApp(adminApp(), "naming-admin");
    expect(a.errors).toEqual([]);
    const router = await import(`${a.root}/.fawkes/router.gen.ts`);
    const { templates } = await import(`${a.root}/.fawkes/templates.gen.ts`);
    endpoint = defineEndpoint({ router, views: { templates }, config: { logger: () => {} } });
    const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${port}`;
  }, SLOW);
  afterAll(() => endpoint?.stop());

  const route = (path: string, verb = "GET") => a.routes.find((r) => r.path === path && r.verb === verb)!;

  it("is adminReviewPath with view admin/review, beside the public reviewPath with view review", () => {
    expect(a.errors).toEqual([]);
    expect(route("/reviews")).toMatchObject({ helper: "reviewPath", view: "review", controller: "ReviewController" });
    expect(route("/admin/reviews")).toMatchObject({ helper: "adminReviewPath", view: "admin/review", controller: "AdminReviewController" });
    expect(helpers(a).adminReviewPath("index")).toBe("/admin/reviews");
    expect(helpers(a).reviewPath("index")).toBe("/reviews");
    expect(Object.keys(a.Routes).filter((k) => k.startsWith("adminAdmin"))).toEqual([]);
  });

  it("a re-exported controller and a second binding of the same module get the same names; as: overrides the helper only", () => {
    expect(route("/admin/reviews/:id")).toMatchObject({ helper: "adminReviewPath", view: "admin/review", controller: "Admin.ReviewController" });
    expect(helpers(a).adminReviewPath("show", 7)).toBe("/admin/reviews/7");
    expect(route("/admin/again")).toMatchObject({ helper: "adminAgainPath", view: "admin/review", controller: "Again" });
  });

  it("a resource's nested parameter and helper take the module's name (Phoenix's resource name)", () => {
    expect(route("/admin/notes/:id")).toMatchObject({ helper: "adminNotePath", view: "admin/note" });
    expect(route("/admin/notes/:note_id/reviews")).toMatchObject({ helper: "adminNoteReviewPath", view: "admin/review" });
    expect(helpers(a).adminNoteReviewPath("index", 3)).toBe("/admin/notes/3/reviews");
  });

  it("fawkes routes: the syntactic reader derives the same names, and the table prints them", () => {
    const fast = readRouterTable({ root: a.root });
    expect(fast.diagnostics).toEqual([]);
    expect(JSON.stringify(fast.ir)).toBe(JSON.stringify(a.result.router));
    expect(routesJson(fast.ir!)).toBe(routesJson(a.result.router!));
    const table = formatRoutes(fast.ir!);
    expect(table).toMatch(/^ +adminReviewPath {2}GET {2}\/admin\/reviews +AdminReviewController\.index$/m);
    expect(table).toMatch(/^ +adminReviewPath {2}GET {2}\/admin\/reviews\/:id +Admin\.ReviewController\.show$/m);
    expect(table).toMatch(/^ +reviewPath {2}GET {2}\/reviews +ReviewController\.index$/m);
    // --json and --info give the view render uses.
    const json = JSON.parse(routesJson(fast.ir!)) as { path: string; helper: string; view: string; module: string }[];
    expect(json.find((r) => r.path === "/admin/reviews/:id")).toMatchObject({ helper: "adminReviewPath", view: "admin/review", module: "app/controllers/admin/review-controller.ts" });
    const info = formatRouteInfo(fast.ir!, "GET", "/admin/reviews/3").text;
    expect(info).toContain("Module: Admin.ReviewController (app/controllers/admin/review-controller.ts)\nFunction: show\nView: admin/review\n");
  });

  describe("rendered through a real endpoint on port 0", () => {
    it("the admin scope renders admin/review/index.html.eta, the public route review/index.html.eta", async () => {
      const admin = await fetch(`${base}/admin/reviews`);
      expect(admin.status).toBe(200);
      expect(await admin.text()).toBe("<p>admin reviews (admin, /admin/reviews)</p>\n");
      const pub = await fetch(`${base}/reviews`);
      expect(pub.status).toBe(200);
      expect(await pub.text()).toBe("<p>public reviews (public, /reviews)</p>\n");
      const shown = await fetch(`${base}/admin/reviews/42`);
      expect(await shown.text()).toBe("<p>admin review 42</p>\n");
    });

    it("a plug route has no view: a plug that renders gets one from its name (StampPlug → stamp_plug)", async () => {
      expect(route("/stamp")).toMatchObject({ controller: "StampPlug", action: null, view: null, helper: null });
      const res = await fetch(`${base}/stamp`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("<p>stamped</p>\n");
    });
  });
});

describe("through the compiler: members, renamed imports and the fallbacks", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp({
      "app/router.ts": `import { defineRouter } from "fawkes";
import * as Web from "./controllers/index.js";
import { UserController as Users, PostController } from "./controllers/index.js";
import * as People from "./controllers/people.js";
import * as Ext from "ext-controllers";
import * as First from "./controllers/user-controller.js";
import * as Second from "./controllers/user-controller.js";

export default defineRouter((r) => {
  r.get("/web/users", Web.UserController, "index");
  r.get("/users", Users, "show");
  r.scope("/blog", { as: "blog" }, () => {
    r.get("/posts", PostController, "index");
  });
  r.get("/people", People, "index");
  r.get("/ext", Ext.APIKeyController, "index");
  r.scope("/two", { as: "two" }, () => {
    r.get("/first", First, "index");
    r.get("/second", Second, "show");
  });
});
`,
      "app/controllers/index.ts": `import type { Conn } from "fawkes";
const action = (conn: Conn) => conn;
export const UserController = { index: action, show: action };
export const PostController = { index: action };
`,
      "app/controllers/people.ts": controller(["index"]),
      "app/controllers/user-controller.ts": controller(["index", "show"]),
      "node_modules/ext-controllers/package.json": JSON.stringify({ name: "ext-controllers", type: "module", main: "./index.js", types: "./index.d.ts", exports: { ".": { types: "./index.d.ts", default: "./index.js" } } }),
      "node_modules/ext-controllers/index.js": "export const APIKeyController = { index: (conn) => conn };\n",
      "node_modules/ext-controllers/index.d.ts": 'import type { Conn } from "fawkes";\nexport declare const APIKeyController: { index(conn: Conn): Conn };\n',
    }, "naming-members");
  }, SLOW);

  const route = (path: string) => a.routes.find((r) => r.path === path)!;

  it("a member ending in Controller names it, through a namespace or a renamed import", () => {
    expect(a.errors).toEqual([]);
    expect(route("/web/users")).toMatchObject({ helper: "userPath", view: "user" });
    expect(route("/users")).toMatchObject({ helper: "userPath", view: "user", controller: "Users" });
    expect(route("/blog/posts")).toMatchObject({ helper: "blogPostPath", view: "post" });
  });

  it("a module named neither way and a package's controller are named by the router's binding", () => {
    expect(route("/people")).toMatchObject({ helper: "peoplePath", view: "people" });
    expect(a.result.router!.routes.find((r) => r.path === "/ext")!.target.definedIn).toBeNull();
    expect(route("/ext")).toMatchObject({ helper: "apiKeyPath", view: "api_key" });
  });

  it("two bindings of one module are one controller: one helper, one view", () => {
    expect(route("/two/first")).toMatchObject({ helper: "twoUserPath", view: "user", controller: "First" });
    expect(route("/two/second")).toMatchObject({ helper: "twoUserPath", view: "user", controller: "Second" });
    expect(helpers(a).twoUserPath("index")).toBe("/two/first");
    expect(helpers(a).twoUserPath("show")).toBe("/two/second");
  });

  it("the syntactic reader derives the same names", () => {
    const fast = readRouterTable({ root: a.root });
    expect(JSON.stringify(fast.ir)).toBe(JSON.stringify(a.result.router));
  });
});

describe("a module name that is no identifier", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp({
      "app/router.ts": `import { defineRouter } from "fawkes";
import * as TwoFactor from "./controllers/2fa-controller.js";
export default defineRouter((r) => {
  r.get("/2fa", TwoFactor, "index");
  r.get("/otp", TwoFactor, "show", { as: "otp" });
});
`,
      "app/controllers/2fa-controller.ts": controller(["index", "show"]),
    }, "naming-invalid");
  }, SLOW);

  it("is INVALID_HELPER_NAME naming the module, at the route; as: names it instead", () => {
    expect(a.errors.join("\n")).toContain('helper name "2fa" (from the module app/controllers/2fa-controller.ts) is not an identifier');
    expect(a.errors.join("\n")).toContain("app/router.ts:4:3");
    expect(a.errors.join("\n")).toContain('name the helper with { as: "..." }, or rename the module');
    expect(a.result.diagnostics.map((d) => d.loc.line)).toEqual([4]);
  });
});
