// Phoenix's `resources` (test/phoenix/router/resources_test.exs and resource_test.exs): action
// order, paths, options, singletons and nesting, checked against the generated matcher, route
// table and helpers.

import { beforeAll, describe, expect, it } from "vitest";
import { app, buildApp, controller, kebab, type BuiltApp } from "./support/app.js";

type Helper = (...args: unknown[]) => string;

function hit(a: BuiltApp, method: string, url: string) {
  const m = a.match(method, url);
  return m ? { controller: m.route.controller, action: m.route.action, params: m.params } : null;
}

/** The routes of one controller as `VERB path action helper` lines, in table order. */
function table(a: BuiltApp, filter: (path: string) => boolean): string[] {
  return a.routes.filter((r) => filter(r.path)).map((r) => `${r.verb} ${r.path} ${r.action} ${r.helper ?? "-"}`);
}

describe("resources: as: false (Phoenix's as: nil)", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp(
      app(
        ["UserController", "CommentController"],
        `
  r.resources("/users", UserController, { only: ["index", "show"] });
  r.resources("/members", UserController, { only: ["index", "show"], as: false }, () => {
    r.resources("/comments", CommentController, { only: ["index"] });
    r.get("/named", CommentController, "special", { as: "member_special" });
  });
  r.get("/profile", UserController, "show", { as: false });
`,
      ),
    );
  });

  it("builds without diagnostics: as: false is how a second resources for a controller says it needs no helper", () => {
    expect(a.errors).toEqual([]);
  });

  it("gives its routes, and the nested ones, no helper", () => {
    expect(table(a, (p) => p.startsWith("/members"))).toEqual([
      "GET /members index -",
      "GET /members/:id show -",
      "GET /members/:user_id/comments index -",
      "GET /members/:user_id/named special memberSpecialPath",
    ]);
    expect(table(a, (p) => p === "/profile")).toEqual(["GET /profile show -"]);
  });

  it("keeps the nested parameter from the resource's name, not from as", () => {
    expect(hit(a, "GET", "/members/7/comments")).toEqual({ controller: "CommentController", action: "index", params: { user_id: "7" } });
  });

  it("leaves the helper to the resource that has one", () => {
    const R = a.Routes as Record<string, Helper>;
    expect(R.userPath("show", 1)).toBe("/users/1");
    expect(R.memberSpecialPath("special", 2)).toBe("/members/2/named");
    expect(Object.keys(R).sort()).toEqual(["memberSpecialPath", "memberSpecialUrl", "userPath", "userUrl"]);
  });
});

describe("resources: actions, options and nesting", () => {
  let a: BuiltApp;
  let R: Record<string, Helper>;
  beforeAll(async () => {
    a = await buildApp(
      app(
        ["UserController", "CommentController", "FileController", "ProductController", "PartController", "BlogController", "PostController", "ReplyController"],
        `
  r.resources("/users", UserController, () => {
    r.resources("/comments", CommentController, () => {
      r.get("/special", CommentController, "special");
      r.get("/other", CommentController, "other", { as: "special" });
    });
    r.resources("/files", FileController, { except: ["delete"] });
  });
  r.resources("/members", UserController, { only: ["show", "new", "delete"], as: "member" });
  r.resources("/files", FileController, { only: ["index"] });
  r.resources("/admin", UserController, { param: "slug", name: "admin", only: ["show"] }, () => {
    r.resources("/comments", CommentController, { param: "key", name: "post", except: ["delete"] });
    r.resources("/files", FileController, { only: ["show", "index", "new"] });
  });
  r.resources("/products", ProductController, { as: "item" }, () => {
    r.resources("/parts", PartController, { only: ["index"] });
  });
  r.resources("/none", UserController, { only: [], as: "none" });
  r.resources("/both", UserController, { only: ["index", "show"], except: ["show"], as: "both" });
  r.resources("/blogs", BlogController, { only: ["show"] }, () => {
    r.resources("/posts", PostController, { only: ["show"] }, () => {
      r.resources("/replies", ReplyController, { only: ["index", "show"] }, () => {
        r.get("/flag", ReplyController, "special", { as: "flag" });
      });
    });
  });
`,
      ),
    );
    R = a.Routes as Record<string, Helper>;
  });

  it("builds without diagnostics", () => {
    expect(a.errors).toEqual([]);
  });

  it("expands the seven actions in Phoenix's order; PUT has no helper", () => {
    expect(table(a, (p) => /^\/users(\/:id)?(\/edit|\/new)?$/.test(p))).toEqual([
      "GET /users index userPath",
      "GET /users/:id/edit edit userPath",
      "GET /users/new new userPath",
      "GET /users/:id show userPath",
      "POST /users create userPath",
      "PATCH /users/:id update userPath",
      "PUT /users/:id update -",
      "DELETE /users/:id delete userPath",
    ]);
  });

  it("matches every action, /users/new before /users/:id", () => {
    expect(hit(a, "GET", "/users")?.action).toBe("index");
    expect(hit(a, "GET", "/users/new")).toEqual({ controller: "UserController", action: "new", params: {} });
    expect(hit(a, "GET", "/users/123")).toEqual({ controller: "UserController", action: "show", params: { id: "123" } });
    expect(hit(a, "GET", "/users/123/edit")).toEqual({ controller: "UserController", action: "edit", params: { id: "123" } });
    expect(hit(a, "POST", "/users")?.action).toBe("create");
    for (const m of ["PUT", "PATCH"]) {
      expect(hit(a, m, "/users/1"), m).toEqual({ controller: "UserController", action: "update", params: { id: "1" } });
      expect(hit(a, m, "/users/2")?.params, m).toEqual({ id: "2" });
    }
    expect(hit(a, "DELETE", "/users/2")).toEqual({ controller: "UserController", action: "delete", params: { id: "2" } });
    expect(hit(a, "POST", "/users/2")).toBeNull();
    expect(hit(a, "DELETE", "/users")).toBeNull();
  });

  it("nests under /:<name>_id with the parent's name", () => {
    expect(hit(a, "GET", "/users/1/comments/2")).toEqual({ controller: "CommentController", action: "show", params: { user_id: "1", id: "2" } });
    expect(hit(a, "GET", "/users/1/comments")).toEqual({ controller: "CommentController", action: "index", params: { user_id: "1" } });
    expect(hit(a, "POST", "/users/1/comments")?.action).toBe("create");
    expect(hit(a, "PATCH", "/users/1/comments/123")).toEqual({ controller: "CommentController", action: "update", params: { user_id: "1", id: "123" } });
    expect(hit(a, "DELETE", "/users/1/comments/123")?.action).toBe("delete");
    expect(R.userCommentPath("show", 1, 2)).toBe("/users/1/comments/2");
    expect(R.userCommentPath("index", 1)).toBe("/users/1/comments");
  });

  it("gives a plain route in a nested block the prefix, the :<name>_id param and its own default name", () => {
    expect(hit(a, "GET", "/users/1/comments/123/special")).toEqual({
      controller: "CommentController",
      action: "special",
      params: { user_id: "1", comment_id: "123" },
    });
    // Phoenix: `get "/special", CommentController, :special` → user_comment_comment_path.
    expect(R.userCommentCommentPath("special", 1, 123)).toBe("/users/1/comments/123/special");
    // With `as`, the route's own name replaces the controller's.
    expect(R.userCommentSpecialPath("other", 1, 123)).toBe("/users/1/comments/123/other");
  });

  it("restores the outer scope after a nested block", () => {
    expect(hit(a, "GET", "/users/8/files/10")).toEqual({ controller: "FileController", action: "show", params: { user_id: "8", id: "10" } });
    expect(hit(a, "GET", "/files")).toEqual({ controller: "FileController", action: "index", params: {} });
    expect(R.filePath("index")).toBe("/files");
    expect(R.userFilePath("show", 8, 10)).toBe("/users/8/files/10");
  });

  it("limits actions with except", () => {
    expect(hit(a, "DELETE", "/users/1/files/2")).toBeNull();
    expect(hit(a, "GET", "/users/1/files/new")?.action).toBe("new");
    expect(a.routes.filter((r) => r.path.startsWith("/users/:user_id/files")).map((r) => r.action)).toEqual([
      "index", "edit", "new", "show", "create", "update", "update",
    ]);
  });

  it("limits actions with only, keeping Phoenix's order (new before show)", () => {
    expect(table(a, (p) => p.startsWith("/members"))).toEqual([
      "GET /members/new new memberPath",
      "GET /members/:id show memberPath",
      "DELETE /members/:id delete memberPath",
    ]);
    expect(hit(a, "GET", "/members/new")?.action).toBe("new");
    expect(hit(a, "GET", "/members/2")).toEqual({ controller: "UserController", action: "show", params: { id: "2" } });
    expect(hit(a, "GET", "/members")).toBeNull();
    expect(hit(a, "PATCH", "/members/2")).toBeNull();
    expect(hit(a, "GET", "/files/1")).toBeNull();
  });

  it("applies both only and except when both are given", () => {
    // Deliberate difference: Phoenix takes `only` and silently ignores `except`.
    expect(table(a, (p) => p.startsWith("/both"))).toEqual(["GET /both index bothPath"]);
  });

  it("generates nothing for only: []", () => {
    expect(a.routes.filter((r) => r.path.startsWith("/none"))).toEqual([]);
    expect(R.nonePath).toBeUndefined();
  });

  it("limits nested resources with only/except", () => {
    expect(hit(a, "PATCH", "/admin/1/files/2")).toBeNull();
    expect(hit(a, "POST", "/admin/1/files")).toBeNull();
    expect(hit(a, "DELETE", "/admin/1/files/1")).toBeNull();
    expect(hit(a, "GET", "/admin/1/files/")?.action).toBe("index");
    expect(hit(a, "GET", "/admin/1/files/1")?.action).toBe("show");
    expect(hit(a, "GET", "/admin/1/files/new")?.action).toBe("new");

    expect(hit(a, "GET", "/admin/1")?.action).toBe("show");
    expect(hit(a, "GET", "/admin/")).toBeNull();
    expect(hit(a, "PATCH", "/admin/1")).toBeNull();
    expect(hit(a, "POST", "/admin")).toBeNull();
    expect(hit(a, "DELETE", "/admin/1")).toBeNull();
    expect(hit(a, "GET", "/admin/1/comments")?.action).toBe("index");
    expect(hit(a, "GET", "/admin/1/comments/1")?.action).toBe("show");
    expect(hit(a, "PATCH", "/admin/1/comments/1")?.action).toBe("update");
    expect(hit(a, "POST", "/admin/1/comments")?.action).toBe("create");
    expect(hit(a, "DELETE", "/admin/1/comments/1")).toBeNull();
  });

  it("renames the id with param, and the nested parameter and helpers with name", () => {
    expect(hit(a, "GET", "/admin/foo")).toEqual({ controller: "UserController", action: "show", params: { slug: "foo" } });
    expect(R.adminPath("show", "foo")).toBe("/admin/foo");
    expect(hit(a, "GET", "/admin/bar/comments/the_key")).toEqual({
      controller: "CommentController",
      action: "show",
      params: { admin_slug: "bar", key: "the_key" },
    });
    expect(R.adminPostPath("show", "bar", "the_key")).toBe("/admin/bar/comments/the_key");
    expect(a.routes.find((r) => r.helper === "adminPostPath" && r.action === "edit")?.path).toBe("/admin/:admin_slug/comments/:key/edit");
    expect(R.adminFilePath("new", "bar")).toBe("/admin/bar/files/new");
  });

  it("names helpers with as, but nests under the name (from the controller)", () => {
    expect(R.itemPath("show", 5)).toBe("/products/5");
    expect(R.productPath).toBeUndefined();
    expect(a.routes.find((r) => r.helper === "itemPartPath")?.path).toBe("/products/:product_id/parts");
    expect(R.itemPartPath("index", 5)).toBe("/products/5/parts");
    expect(hit(a, "GET", "/products/5/parts")?.params).toEqual({ product_id: "5" });
  });

  it("nests three levels deep", () => {
    expect(hit(a, "GET", "/blogs/1/posts/2/replies/3")).toEqual({
      controller: "ReplyController",
      action: "show",
      params: { blog_id: "1", post_id: "2", id: "3" },
    });
    expect(hit(a, "GET", "/blogs/1/posts/2/replies/3/flag")).toEqual({
      controller: "ReplyController",
      action: "special",
      params: { blog_id: "1", post_id: "2", reply_id: "3" },
    });
    expect(R.blogPostReplyPath("index", 1, 2)).toBe("/blogs/1/posts/2/replies");
    expect(R.blogPostReplyPath("show", 1, 2, 3)).toBe("/blogs/1/posts/2/replies/3");
    expect(R.blogPostReplyFlagPath("special", 1, 2, 3)).toBe("/blogs/1/posts/2/replies/3/flag");
  });
});

describe("resources: singleton", () => {
  let a: BuiltApp;
  let R: Record<string, Helper>;
  beforeAll(async () => {
    a = await buildApp(
      app(
        ["GenericController"],
        `
  r.resources("/account", GenericController, { singleton: true, as: "account" }, () => {
    r.resources("/comments", GenericController, { as: "comment" });
    r.resources("/session", GenericController, { except: ["delete"], singleton: true, as: "session" });
  });
  r.resources("/session", GenericController, { only: ["show"], singleton: true, as: "session" });
`,
      ),
    );
    R = a.Routes as Record<string, Helper>;
  });

  it("builds without diagnostics", () => {
    expect(a.errors).toEqual([]);
  });

  it("has no index and no id, in Phoenix's order", () => {
    expect(table(a, (p) => /^\/account(\/edit|\/new)?$/.test(p))).toEqual([
      "GET /account/edit edit accountPath",
      "GET /account/new new accountPath",
      "GET /account show accountPath",
      "POST /account create accountPath",
      "PATCH /account update accountPath",
      "PUT /account update -",
      "DELETE /account delete accountPath",
    ]);
  });

  it("matches each action", () => {
    expect(hit(a, "GET", "/account/new")?.action).toBe("new");
    expect(hit(a, "GET", "/account")).toEqual({ controller: "GenericController", action: "show", params: {} });
    expect(hit(a, "GET", "/account/edit")?.action).toBe("edit");
    expect(hit(a, "POST", "/account")?.action).toBe("create");
    expect(hit(a, "PUT", "/account")?.action).toBe("update");
    expect(hit(a, "PATCH", "/account")?.action).toBe("update");
    expect(hit(a, "DELETE", "/account")?.action).toBe("delete");
  });

  it("nests directly under the singleton's path, without a parameter", () => {
    expect(hit(a, "GET", "/account/comments/2")).toEqual({ controller: "GenericController", action: "show", params: { id: "2" } });
    expect(R.accountCommentPath("show", 2)).toBe("/account/comments/2");
    expect(hit(a, "GET", "/account/session")?.action).toBe("show");
    expect(R.accountSessionPath("show")).toBe("/account/session");
    expect(R.accountPath("edit")).toBe("/account/edit");
  });

  it("restores the outer scope, and applies only/except", () => {
    expect(hit(a, "GET", "/session")?.action).toBe("show");
    expect(R.sessionPath("show")).toBe("/session");
    expect(hit(a, "DELETE", "/account/session")).toBeNull();
    expect(hit(a, "GET", "/account/session/new")?.action).toBe("new");
    expect(hit(a, "PATCH", "/session")).toBeNull();
    expect(hit(a, "GET", "/session/new")).toBeNull();
  });
});

describe("resources: build-time diagnostics", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    const files = app(
      ["UserController", "ThinController"],
      `
  r.resources("/a", UserController, { as: "a", only: ["index", "bad_index"] as never });
  r.resources("/b", UserController, { as: "b", except: ["bad_except"] as never });
  r.resources("/c", UserController, { as: "c", singleton: true, only: ["index"] as never });
  r.resources("/thin", ThinController);
  r.resources("/thin-ok", ThinController, { as: "thin_ok", only: ["show"] });
`,
    );
    files[`app/controllers/${kebab("ThinController")}.ts`] = controller(["show", "index"]);
    a = await buildApp(files);
  });

  const find = (re: RegExp) => a.errors.filter((e) => re.test(e));

  it("rejects an unknown action in only, listing the supported ones", () => {
    const e = find(/UNKNOWN_RESOURCE_ACTION.*only lists unknown action "bad_index"/);
    expect(e).toHaveLength(1);
    expect(e[0]).toContain("supported actions: index, edit, new, show, create, update, delete");
    // Points at the option, not at the call.
    expect(e[0]).toMatch(/^app\/router\.ts:7:\d+:/);
    expect(e[0]).not.toMatch(/^app\/router\.ts:7:3:/);
  });

  it("rejects an unknown action in except", () => {
    expect(find(/UNKNOWN_RESOURCE_ACTION.*except lists unknown action "bad_except"/)).toHaveLength(1);
  });

  it("rejects index for a singleton, listing the singleton actions", () => {
    const e = find(/UNKNOWN_RESOURCE_ACTION.*"index"/);
    expect(e).toHaveLength(1);
    expect(e[0]).toContain("supported actions for a singleton: edit, new, show, create, update, delete");
  });

  it("reports resource actions the controller lacks (Phoenix fails only at request time)", () => {
    const e = find(/ACTION_MISSING/);
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/ThinController has no actions "edit", "new", "create", "update", "delete"/);
    expect(e[0]).toMatch(/^app\/router\.ts:10:3:/);
  });

  it("reports nothing else", () => {
    expect(a.errors).toHaveLength(4);
  });
});
