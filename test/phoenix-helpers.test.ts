// Phoenix's path/URL helpers (test/phoenix/router/helpers_test.exs): naming, arities, segment
// and query encoding, `*Url` bases, globs and run-time errors, on the helpers our compiler emits.
//
// Deliberate differences from Phoenix, asserted below:
//   - the conn/endpoint first argument is optional on `*Path` helpers (no prefix without it); a
//     conn prefixes its `scriptName` (the endpoint's url.path, then each forward's prefix; a
//     mounted router's helpers are tested in phoenix-forward-router), there is no put_router_url;
//     `*Url` helpers also take a base string;
//   - `undefined` query values are left out (JavaScript's "absent"); `null` gives `k=` as nil does;
//   - query keys keep insertion order (Elixir maps would be sorted);
//   - static route segments are percent-encoded at build time (Phoenix inserts them verbatim),
//     so every helper output matches its own route;
//   - two routes claiming one (helper, action, arity): the first wins, as in Phoenix, and the
//     build warns (HELPER_CONFLICT) naming both lines; only helper names that camelCase to one
//     identifier (`admin_user`, `adminUser`) are an error, since both cannot be declared.

import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Conn, defineEndpoint, type RouterModules } from "fawkes";
import { get } from "fawkes/testing";
import * as demoRouter from "../fixtures/demo/.fawkes/router.gen.js";
import { app, buildApp, controller, DEFAULT_ACTIONS, type BuiltApp } from "./support/app.js";

type Helper = (...args: unknown[]) => string;

const ADMIN = `import type { Conn } from "fawkes";
const action = (conn: Conn) => conn;
export const MessageController = { index: action, edit: action, new: action, show: action, create: action, update: action, delete: action };
`;

class Post {
  constructor(readonly id: number) {}
}
class Slugged {
  constructor(readonly slug: string) {}
  toParam(): string {
    return this.slug;
  }
}

describe("helpers", () => {
  let a: BuiltApp;
  let R: Record<string, Helper>;
  beforeAll(async () => {
    const files = app(
      ["PostController", "UserController", "CommentController", "FileController", "ProductController", "Admin"],
      `
  r.get("/posts/top", PostController, "top", { as: "top" });
  r.get("/posts/bottom/:order/:count", PostController, "bottom", { as: "bottom" });
  r.get("/posts/:id", PostController, "show");
  r.get("/posts/file/*file", PostController, "file");
  r.get("/posts/skip", PostController, "skip", { as: false });
  r.resources("/users", UserController, () => {
    r.resources("/comments", CommentController, () => {
      r.resources("/files", FileController);
    });
  });
  r.scope("/", { host: "users." }, () => {
    r.post("/host_users/:id/info", UserController, "create");
  });
  r.resources("/files", FileController);
  r.resources("/account", UserController, { as: "account", singleton: true }, () => {
    r.resources("/page", PostController, { as: "page", only: ["show"], singleton: true });
  });
  r.scope("/admin", () => {
    r.resources("/messages", Admin.MessageController);
  });
  r.scope("/admin/new", { as: "admin" }, () => {
    r.resources("/messages", Admin.MessageController);
    r.scope("/unscoped", { as: false }, () => {
      r.resources("/messages", Admin.MessageController, { as: "my_admin_message" });
    });
  });
  r.get("/", PostController, "root", { as: "page" });
  r.get("/products/:id", ProductController, "show");
  r.get("/products", ProductController, "show");
  r.get("/products/:id/:sort", ProductController, "show");
  r.get("/products/:id/:sort/:page", ProductController, "show");
  r.get("/spaced path/:id", ProductController, "special", { as: "spaced" });
  r.get("/profiles/@:handle", ProductController, "other", { as: "profile" });
  r.get("/glob/*rest", ProductController, "index", { as: "glob" });
  r.get("/join", ProductController, "index", { as: "join" });
  r.get("/enc", ProductController, "index", { as: "encode_query" });
  r.get("/*path", ProductController, "index", { as: "catch_all" });
`,
      [...DEFAULT_ACTIONS, "top", "bottom", "file", "root", "skip"],
    );
    files["app/controllers/admin.ts"] = ADMIN;
    a = await buildApp(files);
    R = a.Routes as Record<string, Helper>;
  });

  it("builds, with only the warning Phoenix's own router earns: /posts/skip comes after /posts/:id", () => {
    expect(a.errors).toHaveLength(1);
    expect(a.errors[0]).toMatch(/^app\/router\.ts:\d+:3: warning\[ROUTE_SHADOWED\]: GET \/posts\/skip is unreachable/);
  });

  describe("naming", () => {
    it("names helpers from the controller, `as`, scopes and nesting, each with a Url twin", () => {
      expect(Object.keys(R).sort()).toEqual(
        [
          "top", "bottom", "post", "user", "userComment", "userCommentFile", "file", "account", "accountPage", "message",
          "adminMessage", "myAdminMessage", "page", "product", "spaced", "profile", "glob", "join", "encodeQuery", "catchAll",
        ]
          .flatMap((n) => [`${n}Path`, `${n}Url`])
          .sort(),
      );
    });

    it("does not collide with the runtime functions the helpers module imports (globPath, joinUrl, encodeQuery)", () => {
      expect(R.encodeQueryPath("index", { a: "b c" })).toBe("/enc?a=b+c");
      expect(R.globPath("index", ["a b"])).toBe("/glob/a%20b");
      expect(R.globUrl("https://x.io", "index", [])).toBe("https://x.io/glob");
      expect(R.joinPath("index")).toBe("/join");
      expect(R.joinUrl("https://x.io", "index", { q: 1 })).toBe("https://x.io/join?q=1");
    });

    it("records the helper of each route; PUT and forwards have none", () => {
      expect(a.routes.find((r) => r.path === "/admin/new/unscoped/messages/:id" && r.verb === "PATCH")?.helper).toBe("myAdminMessagePath");
      expect(a.routes.find((r) => r.path === "/admin/new/unscoped/messages/:id" && r.verb === "PUT")?.helper).toBeNull();
    });
  });

  describe("paths", () => {
    it("builds the root path", () => {
      expect(R.pagePath("root")).toBe("/");
      expect(R.pagePath("root", {})).toBe("/");
      expect(R.pagePath("root", { a: 1 })).toBe("/?a=1");
    });

    it("builds top-level named routes", () => {
      expect(R.postPath("show", 5)).toBe("/posts/5");
      expect(R.postPath("show", 5, {})).toBe("/posts/5");
      expect(R.postPath("show", "foo")).toBe("/posts/foo");
      expect(R.topPath("top")).toBe("/posts/top");
      expect(R.bottomPath("bottom", "asc", 8)).toBe("/posts/bottom/asc/8");
    });

    it("builds the seven resource actions", () => {
      expect(R.userPath("index")).toBe("/users");
      expect(R.userPath("index", {})).toBe("/users");
      expect(R.userPath("edit", 123)).toBe("/users/123/edit");
      expect(R.userPath("show", 123)).toBe("/users/123");
      expect(R.userPath("new")).toBe("/users/new");
      expect(R.messagePath("create")).toBe("/admin/messages");
      expect(R.messagePath("update", 1)).toBe("/admin/messages/1");
      expect(R.messagePath("delete", 1, {})).toBe("/admin/messages/1");
      expect(R.filePath("index")).toBe("/files");
      expect(R.filePath("edit", 123)).toBe("/files/123/edit");
    });

    it("takes nested params outer first", () => {
      expect(R.userCommentPath("index", 99)).toBe("/users/99/comments");
      expect(R.userCommentPath("edit", 88, 2)).toBe("/users/88/comments/2/edit");
      expect(R.userCommentPath("show", 123, 2)).toBe("/users/123/comments/2");
      expect(R.userCommentPath("new", 88)).toBe("/users/88/comments/new");
      expect(R.userCommentFilePath("index", 99, 1)).toBe("/users/99/comments/1/files");
      expect(R.userCommentFilePath("edit", 88, 1, 2)).toBe("/users/88/comments/1/files/2/edit");
      expect(R.userCommentFilePath("show", 123, 1, 2, {})).toBe("/users/123/comments/1/files/2");
      expect(R.userCommentFilePath("new", 88, 1)).toBe("/users/88/comments/1/files/new");
    });

    it("builds singleton paths without an id", () => {
      for (const [action, path] of [["show", "/account"], ["edit", "/account/edit"], ["new", "/account/new"], ["update", "/account"], ["delete", "/account"], ["create", "/account"]]) {
        expect(R.accountPath(action), action).toBe(path);
      }
      expect(R.accountPagePath("show")).toBe("/account/page");
    });

    it("gives no helper to a route with as: false (Phoenix's as: nil), while the route still exists", () => {
      expect(a.routes.find((r) => r.path === "/posts/skip")).toMatchObject({ action: "skip", helper: null });
      expect(() => R.postPath("skip")).toThrow(/no action "skip" for Routes.postPath/);
    });

    it("applies scope paths and `as` prefixes, and a scope's as: false resets the prefix", () => {
      expect(R.messagePath("index")).toBe("/admin/messages");
      expect(R.messagePath("show", 1)).toBe("/admin/messages/1");
      expect(R.adminMessagePath("index")).toBe("/admin/new/messages");
      expect(R.adminMessagePath("show", 1)).toBe("/admin/new/messages/1");
      expect(R.myAdminMessagePath("index")).toBe("/admin/new/unscoped/messages");
      expect(R.myAdminMessagePath("show", 1)).toBe("/admin/new/unscoped/messages/1");
    });

    it("ignores the host when building paths", () => {
      expect(R.userPath("create", 5)).toBe("/host_users/5/info");
      expect(R.userPath("create")).toBe("/users");
    });

    it("chooses among clauses of one action by the number of path params", () => {
      expect(R.productPath("show")).toBe("/products");
      expect(R.productPath("show", { foo: "bar" })).toBe("/products?foo=bar");
      expect(R.productPath("show", 123)).toBe("/products/123");
      expect(R.productPath("show", 123, { foo: "bar" })).toBe("/products/123?foo=bar");
      expect(R.productPath("show", 123, "asc")).toBe("/products/123/asc");
      expect(R.productPath("show", 123, "asc", { foo: "bar" })).toBe("/products/123/asc?foo=bar");
      expect(R.productPath("show", 123, "asc", 1)).toBe("/products/123/asc/1");
      expect(R.productPath("show", 123, "asc", 1, { foo: "bar" })).toBe("/products/123/asc/1?foo=bar");
      // A class instance is a path param, not query parameters; a plain object is the query
      // (Phoenix has the same ambiguity: a struct is a map, so it would be taken as params too).
      expect(R.productPath("show", new Post(7))).toBe("/products/7");
      expect(R.productPath("show", { id: 7 })).toBe("/products?id=7");
      expect(R.postPath("show", { id: 7 })).toBe("/posts/7");
      expect(R.productPath("show", new Post(7), null)).toBe("/products/7");
    });

    it("emits one typed signature per arity of each action", () => {
      const text = a.result.files.get(".fawkes/helpers.gen.ts")!;
      expect(text).toContain("(action: \"show\", query?: Query): string;");
      expect(text).toContain("(action: \"show\", id: ParamValue, query?: Query): string;");
      expect(text).toContain("(action: \"show\", id: ParamValue, sort: ParamValue, query?: Query): string;");
      expect(text).toContain("(action: \"show\", id: ParamValue, sort: ParamValue, page: ParamValue, query?: Query): string;");
      expect(text).toContain("(action: \"edit\" | \"show\" | \"update\" | \"delete\", userId: ParamValue, id: ParamValue, query?: Query): string;");
      expect(text).toContain("(action: \"file\", file: readonly string[], query?: Query): string;");
    });
  });

  describe("segment encoding", () => {
    it("percent-encodes everything outside A-Za-z0-9-._~ in params", () => {
      expect(R.postPath("show", "foo bar")).toBe("/posts/foo%20bar");
      expect(R.postPath("show", "==d--+")).toBe("/posts/%3D%3Dd--%2B");
      expect(R.postPath("show", "==d--+", {})).toBe("/posts/%3D%3Dd--%2B");
      expect(R.userPath("edit", "1a+/31d")).toBe("/users/1a%2B%2F31d/edit");
      expect(R.userPath("show", "1a+/31d")).toBe("/users/1a%2B%2F31d");
      expect(R.messagePath("update", "8=/=d")).toBe("/admin/messages/8%3D%2F%3Dd");
      expect(R.messagePath("delete", "8=/=d")).toBe("/admin/messages/8%3D%2F%3Dd");
      expect(R.userCommentPath("index", "f4/d+~=")).toBe("/users/f4%2Fd%2B~%3D/comments");
      expect(R.userCommentPath("edit", "f4/d+~=", "x-+=/")).toBe("/users/f4%2Fd%2B~%3D/comments/x-%2B%3D%2F/edit");
      expect(R.userCommentPath("new", "/==/")).toBe("/users/%2F%3D%3D%2F/comments/new");
      expect(R.userCommentFilePath("show", "f4/d+~=", "/==/", "x-+=/")).toBe("/users/f4%2Fd%2B~%3D/comments/%2F%3D%3D%2F/files/x-%2B%3D%2F");
    });

    it("encodes what encodeURIComponent leaves alone, UTF-8 and reserved characters", () => {
      expect(R.postPath("show", "!*'()")).toBe("/posts/%21%2A%27%28%29");
      expect(R.postPath("show", "a?b#c&d%e")).toBe("/posts/a%3Fb%23c%26d%25e");
      expect(R.postPath("show", "ø😀")).toBe("/posts/%C3%B8%F0%9F%98%80");
      expect(R.postPath("show", "a.b_c~d-e")).toBe("/posts/a.b_c~d-e");
      // Like Phoenix, "." and ".." are unreserved and left as they are.
      expect(R.postPath("show", "..")).toBe("/posts/..");
    });

    it("converts params with Phoenix.Param rules", () => {
      expect(R.postPath("show", new Post(5))).toBe("/posts/5");
      expect(R.postPath("show", { id: "a b" })).toBe("/posts/a%20b");
      expect(R.postPath("show", new Slugged("hello world"))).toBe("/posts/hello%20world");
      expect(R.postPath("show", true)).toBe("/posts/true");
      expect(R.postPath("show", 12345678901234567890n)).toBe("/posts/12345678901234567890");
      expect(R.postPath("show", -1.5)).toBe("/posts/-1.5");
      expect(() => R.postPath("show", null)).toThrow(TypeError);
      expect(() => R.postPath("show", undefined)).toThrow(/cannot convert undefined to a path segment for postPath :id/);
      expect(() => R.postPath("show", {})).toThrow(TypeError);
    });

    it("round-trips awkward values through the matcher", () => {
      for (const v of ["a/b", "a b", "a+b", "%", "%25", "ø", "x?y#z", "=&;"]) {
        expect(a.match("GET", R.postPath("show", v))?.params, v).toEqual({ id: v });
      }
      expect(a.match("GET", R.userCommentFilePath("show", "a/b", "c d", "e+f"))?.params).toEqual({ user_id: "a/b", comment_id: "c d", id: "e+f" });
    });

    it("encodes static segments so the path matches its route", () => {
      // Phoenix inserts static text verbatim ("/spaced path/1").
      expect(R.spacedPath("special", 1)).toBe("/spaced%20path/1");
      expect(a.match("GET", R.spacedPath("special", 1))?.route.helper).toBe("spacedPath");
      expect(R.profilePath("other", "jo sé")).toBe("/profiles/%40jo%20s%C3%A9");
      expect(a.match("GET", R.profilePath("other", "jo sé"))?.params).toEqual({ handle: "jo sé" });
    });
  });

  describe("globs", () => {
    it("encodes each element and joins them with /", () => {
      expect(R.postPath("file", ["foo", "bar/baz"])).toBe("/posts/file/foo/bar%2Fbaz");
      expect(R.postPath("file", ["foo", "bar"], {})).toBe("/posts/file/foo/bar");
      expect(R.postPath("file", ["foo", "bar baz"])).toBe("/posts/file/foo/bar%20baz");
      expect(R.postPath("file", ["==d--+", ":O.jpg"])).toBe("/posts/file/%3D%3Dd--%2B/%3AO.jpg");
      expect(R.postPath("file", ["==d--+", ":O.jpg"], { xx: "/=+/" })).toBe("/posts/file/%3D%3Dd--%2B/%3AO.jpg?xx=%2F%3D%2B%2F");
    });

    it("builds the prefix alone for an empty glob, and / for a root glob", () => {
      expect(R.postPath("file", [])).toBe("/posts/file");
      expect(R.catchAllPath("index", [])).toBe("/");
      expect(R.catchAllPath("index", ["a", "b c"])).toBe("/a/b%20c");
      expect(R.catchAllPath("index", [], { q: 1 })).toBe("/?q=1");
    });

    it("round-trips through the matcher", () => {
      expect(a.match("GET", R.postPath("file", ["a/b", "c d"]))?.params).toEqual({ file: ["a/b", "c d"] });
      // An empty glob builds /posts/file, which GET /posts/:id (declared first) takes: first match wins,
      // in Phoenix too.
      expect(a.match("GET", R.postPath("file", []))?.params).toEqual({ id: "file" });
    });

    it("requires an array of strings", () => {
      expect(() => R.postPath("file", "a/b")).toThrow(/expected an array of strings for postPath \*file.*split/);
      expect(() => R.postPath("file", [1])).toThrow(/glob segment 0 for postPath \*file to be a string/);
    });
  });

  describe("query strings", () => {
    it("drops keys equal to the route's path params", () => {
      expect(R.postPath("show", 5, { id: 3 })).toBe("/posts/5");
      expect(R.postPath("show", 5, { id: 5, page: 2 })).toBe("/posts/5?page=2");
      expect(R.userCommentPath("show", 1, 2, { user_id: 9, id: 3, keep: 1 })).toBe("/users/1/comments/2?keep=1");
      expect(R.postPath("file", ["a"], { file: "x", y: "z" })).toBe("/posts/file/a?y=z");
      // Only at the top level, and only the route's own params.
      expect(R.postPath("show", 5, { filter: { id: 1 } })).toBe("/posts/5?filter[id]=1");
      expect(R.topPath("top", { id: 5 })).toBe("/posts/top?id=5");
    });

    it("encodes scalars through to_param and www-form encoding", () => {
      expect(R.postPath("show", 5, { foo: "bar" })).toBe("/posts/5?foo=bar");
      expect(R.postPath("show", 5, { foo: true })).toBe("/posts/5?foo=true");
      expect(R.postPath("show", 5, { foo: false })).toBe("/posts/5?foo=false");
      expect(R.postPath("show", 5, { foo: 1.5 })).toBe("/posts/5?foo=1.5");
      expect(R.postPath("show", 5, { foo: new Post(5) })).toBe("/posts/5?foo=5");
      expect(R.topPath("top", { id: "foo" })).toBe("/posts/top?id=foo");
      expect(R.topPath("top", { id: "foo bar" })).toBe("/posts/top?id=foo+bar");
      expect(R.topPath("top", { id: "==d--+" })).toBe("/posts/top?id=%3D%3Dd--%2B");
      expect(R.userPath("show", "1a+/31d", { dog: "8d=" })).toBe("/users/1a%2B%2F31d?dog=8d%3D");
      expect(R.userPath("index", { cat: "=8+/&" })).toBe("/users?cat=%3D8%2B%2F%26");
      expect(R.postPath("show", "my path", { foo: "my param" })).toBe("/posts/my%20path?foo=my+param");
      expect(R.topPath("top", { "a b": "c" })).toBe("/posts/top?a+b=c");
    });

    it("gives null an empty value and leaves undefined out (Phoenix has only nil)", () => {
      expect(R.postPath("show", 5, { foo: null })).toBe("/posts/5?foo=");
      expect(R.postPath("show", 5, { foo: undefined })).toBe("/posts/5");
      expect(R.postPath("show", 5, { foo: undefined, bar: 1 })).toBe("/posts/5?bar=1");
    });

    it("encodes lists as k[]= and objects as k[sub]=, leaving empty ones out", () => {
      expect(R.postPath("show", 5, { foo: ["bar", "baz"] })).toBe("/posts/5?foo[]=bar&foo[]=baz");
      expect(R.postPath("show", 5, { foo: { id: 5 } })).toBe("/posts/5?foo[id]=5");
      expect(R.postPath("show", 5, { a: { b: { c: 1 } } })).toBe("/posts/5?a[b][c]=1");
      expect(R.postPath("show", 5, { a: {}, b: [], c: 1 })).toBe("/posts/5?c=1");
      expect(R.postPath("show", 5, { a: {} })).toBe("/posts/5");
      expect(() => R.postPath("show", 5, { k: [{ a: 1, b: 2 }] })).toThrow(/objects in arrays need exactly one key/);
    });

    it("keeps insertion order (an Elixir map would sort the keys)", () => {
      expect(R.topPath("top", { b: 1, a: 2 })).toBe("/posts/top?b=1&a=2");
    });

    it("rejects query values without a string form", () => {
      expect(() => R.topPath("top", { when: new Date(0) })).toThrow(/Date/);
    });

    it("rejects a last argument that is not an object of query parameters", () => {
      // Phoenix: "bottom_path/5 called with invalid params ... bottom_path(conn, :bottom, order, count, page: 5, per_page: 10)".
      expect(() => R.topPath("top", "invalid")).toThrow(TypeError);
      expect(() => R.topPath("top", "invalid")).toThrow(/query parameters.*\{ page: 5 \}/);
      expect(() => R.bottomPath("bottom", "asc", 8, 42)).toThrow(/query parameters/);
      expect(() => R.bottomPath("bottom", "asc", 8, ["page", 5])).toThrow(/query parameters/);
      expect(() => R.productPath("show", 123, "asc", 1, "extra")).toThrow(/query parameters/);
      expect(() => R.postPath("show", 5, new Post(1))).toThrow(/query parameters/);
    });
  });

  describe("urls", () => {
    const endpoint = { url: () => "https://example.com", path: (p: string) => "/api" + p };

    it("prefixes a base string (one trailing slash dropped)", () => {
      expect(R.adminMessageUrl("https://example.com", "show", 1)).toBe("https://example.com/admin/new/messages/1");
      expect(R.adminMessageUrl("https://example.com/", "show", 1, {})).toBe("https://example.com/admin/new/messages/1");
      expect(R.adminMessageUrl("https://phoenixframework.org/path", "show", 1)).toBe("https://phoenixframework.org/path/admin/new/messages/1");
      expect(R.pageUrl("https://example.com", "root")).toBe("https://example.com/");
    });

    it("takes scheme, host, non-default port and path from a URL", () => {
      expect(R.adminMessageUrl(new URL("https://example.com:443"), "show", 1)).toBe("https://example.com/admin/new/messages/1");
      expect(R.adminMessageUrl(new URL("https://phoenixframework.org:123/path"), "show", 1)).toBe("https://phoenixframework.org:123/path/admin/new/messages/1");
      expect(R.pageUrl(new URL("https://example.com:123/api"), "root")).toBe("https://example.com:123/api/");
      expect(R.postUrl(new URL("https://example.com:123/api"), "show", 5)).toBe("https://example.com:123/api/posts/5");
      expect(R.postUrl(new URL("http://example.com/?x=1#f"), "show", 5)).toBe("http://example.com/posts/5");
    });

    it("uses an endpoint's url() and path()", () => {
      expect(R.pageUrl(endpoint, "root")).toBe("https://example.com/api/");
      expect(R.postUrl(endpoint, "show", 5)).toBe("https://example.com/api/posts/5");
      expect(R.postUrl({ url: () => "https://example.com" }, "show", 5)).toBe("https://example.com/posts/5");
    });

    it("passes params and query through", () => {
      expect(R.userCommentUrl("https://x.io", "show", "a/b", 2, { q: "r s", id: 9 })).toBe("https://x.io/users/a%2Fb/comments/2?q=r+s");
      expect(R.productUrl("https://x.io", "show", 1, "asc")).toBe("https://x.io/products/1/asc");
      expect(R.productUrl("https://x.io", "show", { foo: "bar" })).toBe("https://x.io/products?foo=bar");
      expect(R.postUrl("https://x.io", "file", ["a", "b"])).toBe("https://x.io/posts/file/a/b");
    });
  });

  describe("paths with a context (Phoenix's \"paths use script name\")", () => {
    // Phoenix's ScriptName endpoint module, conn_with_script_name() and uri_with_script_name().
    const scriptName = { url: () => "https://example.com", path: (p: string) => "/api" + p };
    const connWith = (script: string[]) => Object.assign(new Conn({ method: "GET", url: "/" }), { scriptName: script });
    const uri = new URL("https://example.com:123/api");

    it("prefixes an endpoint's path(), a conn's script name and a URL's path", () => {
      for (const ctx of [scriptName, connWith(["api"]), uri]) {
        expect(R.pagePath(ctx, "root")).toBe("/api/");
        expect(R.postPath(ctx, "show", 5)).toBe("/api/posts/5");
      }
    });

    it("joins a script name of several segments, and adds nothing for none", () => {
      expect(R.adminMessagePath(connWith(["foo", "bar"]), "show", 1)).toBe("/foo/bar/admin/new/messages/1");
      expect(R.adminMessagePath(connWith([]), "show", 1)).toBe("/admin/new/messages/1");
      expect(R.pagePath(new Conn({ method: "GET", url: "/" }), "root")).toBe("/");
      expect(R.postPath(new URL("https://example.com"), "show", 5)).toBe("/posts/5");
    });

    it("takes the prefix from a real endpoint's url config (\"/\" gives none)", () => {
      expect(R.postPath(defineEndpoint({ router: demoRouter, config: { url: { path: "/api" } } }), "show", 5)).toBe("/api/posts/5");
      expect(R.pagePath(defineEndpoint({ router: demoRouter, config: { url: { path: "/api/" } } }), "root")).toBe("/api/");
      expect(R.postPath(defineEndpoint({ router: demoRouter, config: { url: { host: "example.com" } } }), "show", 5)).toBe("/posts/5");
      expect(R.postPath({ url: () => "https://example.com" }, "show", 5)).toBe("/posts/5");
    });

    it("passes params, globs, arities and the query through, prefixing the query too", () => {
      const conn = connWith(["api"]);
      expect(R.userCommentPath(conn, "show", "a/b", 2, { q: "r s", id: 9 })).toBe("/api/users/a%2Fb/comments/2?q=r+s");
      expect(R.productPath(conn, "show")).toBe("/api/products");
      expect(R.productPath(conn, "show", { foo: "bar" })).toBe("/api/products?foo=bar");
      expect(R.productPath(conn, "show", 1, "asc", 3)).toBe("/api/products/1/asc/3");
      expect(R.postPath(conn, "file", ["a", "b c"])).toBe("/api/posts/file/a/b%20c");
      expect(R.catchAllPath(conn, "index", [])).toBe("/api/");
    });

    it("builds the same path as without a context, but for the prefix", () => {
      const conn = connWith(["x"]);
      for (const [helper, args] of [["userPath", ["show", 42]], ["topPath", ["top"]], ["spacedPath", ["special", "a b"]], ["profilePath", ["other", "jose"]]] as const) {
        expect(R[helper](conn, ...args)).toBe("/x" + R[helper](...args));
      }
    });

    it("gives *Url helpers a conn too: its endpoint's url() and its own script name (Phoenix's \"urls use script name\")", () => {
      const conn = (script: string[]) => Object.assign(connWith(script), { private: { endpoint: scriptName } });
      expect(R.pageUrl(scriptName, "root")).toBe("https://example.com/api/");
      expect(R.pageUrl(conn(["foo"]), "root")).toBe("https://example.com/foo/");
      expect(R.pageUrl(uri, "root")).toBe("https://example.com:123/api/");
      expect(R.postUrl(scriptName, "show", 5)).toBe("https://example.com/api/posts/5");
      expect(R.postUrl(conn(["api"]), "show", 5)).toBe("https://example.com/api/posts/5");
      expect(R.postUrl(conn(["foo"]), "show", 5)).toBe("https://example.com/foo/posts/5");
      expect(R.postUrl(uri, "show", 5)).toBe("https://example.com:123/api/posts/5");
      expect(() => R.postUrl(connWith(["api"]), "show", 5)).toThrow(/this conn has no endpoint to take the URL from \(conn.private.endpoint\)/);
    });

    it("names the helper in errors, and rejects what is no context", () => {
      expect(() => R.postPath(connWith(["api"]), "skip", 5)).toThrow('no action "skip" for Routes.postPath. The following actions are supported: show, file');
      expect(() => R.postPath(connWith(["api"]), "show")).toThrow(/for postPath :id/);
      expect(() => R.postPath(5, "show", 1)).toThrow("postPath: expected an action name, or a conn, an endpoint or a URL before it, got 5");
      expect(() => R.postPath({ path: "/api" }, "show", 1)).toThrow(/postPath: expected an action name, or a conn, an endpoint or a URL/);
      expect(() => R.postPath(null, "show", 1)).toThrow(/got null/);
    });
  });

  describe("run-time errors", () => {
    it("rejects an unknown action, listing the supported ones", () => {
      expect(() => R.postPath("skip", 5)).toThrow(TypeError);
      expect(() => R.postPath("skip", 5)).toThrow('no action "skip" for Routes.postPath. The following actions are supported: show, file');
      expect(() => R.userCommentFilePath("skip", 123, 456)).toThrow(/no action "skip"/);
      expect(() => R.userCommentFilePath("skip", 123, 456, { foo: "bar" })).toThrow(/no action "skip"/);
    });

    it("names the Url helper when it is the one called", () => {
      expect(() => R.postUrl("https://x.io", "skip", 5)).toThrow('no action "skip" for Routes.postUrl. The following actions are supported: show, file');
    });

    it("rejects a known action with too few params, naming the missing one", () => {
      // Phoenix: "no function clause for ...user_comment_path/3 and action :show".
      expect(() => R.userCommentPath("show", 123)).toThrow(/cannot convert undefined to a path segment for userCommentPath :id/);
      expect(() => R.userPath("show")).toThrow(/for userPath :id/);
    });
  });
});

describe("helpers: two routes to one action, first wins (Phoenix.Router.Helpers)", () => {
  let a: BuiltApp;
  let R: Record<string, Helper>;
  beforeAll(async () => {
    a = await buildApp(
      app(
        ["PageController", "PostController", "UserController"],
        `
  r.get("/", PageController, "home");
  r.get("/home", PageController, "home");
  r.get("/posts/:id", PostController, "show");
  r.get("/articles/:id", PostController, "show");
  r.get("/articles/:id/:slug", PostController, "show");
  r.resources("/users", UserController);
  r.resources("/members", UserController);
  r.resources("/people", UserController, { only: ["index", "show"], as: "person" });
`,
        [...DEFAULT_ACTIONS, "top", "bottom", "file", "root"],
      ),
    );
    R = a.Routes as Record<string, Helper>;
  });

  const find = (re: RegExp) => a.errors.filter((e) => re.test(e));

  it("warns once per losing route, naming both lines, and builds", () => {
    const e = find(/HELPER_CONFLICT/);
    expect(e).toHaveLength(3);
    expect(e[0]).toBe(
      [
        'app/router.ts:9:3: warning[HELPER_CONFLICT]: GET /home gets no helper: pagePath("home") already builds /',
        "  pagePath is first defined by GET / (app/router.ts:8:3)",
        '  hint: give it a helper of its own with { as: "home" }, or write { as: false } if it needs none',
      ].join("\n"),
    );
    expect(e[1]).toMatch(/^app\/router\.ts:11:3: warning\[HELPER_CONFLICT\]: GET \/articles\/:id gets no helper: postPath\("show", _\) already builds \/posts\/:id\n/);
    expect(e[2]).toBe(
      [
        'app/router.ts:14:3: warning[HELPER_CONFLICT]: resources("/members", ...) gets no helper for index, edit, new, show, create, update and delete: userPath already builds them for resources("/users", ...)',
        '  userPath is first defined by resources("/users", ...) (app/router.ts:13:3)',
        '  hint: give it a helper of its own with { as: "member" }, or write { as: false } if it needs none',
      ].join("\n"),
    );
    expect(a.errors).toHaveLength(3);
    expect(a.result.files.size).toBeGreaterThan(0);
  });

  it("builds the first route's path, as Phoenix does", () => {
    expect(R.pagePath("home")).toBe("/");
    expect(R.postPath("show", 5)).toBe("/posts/5");
    expect(R.userPath("index")).toBe("/users");
    expect(R.userPath("edit", 3)).toBe("/users/3/edit");
  });

  it("keeps a different arity as a clause of its own (no conflict)", () => {
    expect(R.postPath("show", 5, "hello")).toBe("/articles/5/hello");
  });

  it("still routes the later paths: only the helper is the first route's", () => {
    expect(a.match("GET", "/home")?.route.action).toBe("home");
    expect(a.match("GET", "/members/3/edit")).toMatchObject({ route: { action: "edit", path: "/members/:id/edit" }, params: { id: "3" } });
    expect(a.match("DELETE", "/members/3")?.route.action).toBe("delete");
  });

  it("an own `as` gives the later resources its own helper", () => {
    expect(R.personPath("show", 2)).toBe("/people/2");
  });
});

describe("helpers: build-time diagnostics", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp(
      app(
        ["PostController"],
        `
  r.get("/other/:x", PostController, "show", { as: "other" });
  r.get("/else/:y", PostController, "index", { as: "other" });
  r.get("/bad", PostController, "index", { as: "my-helper" });
  r.scope("/s", { as: "9lives" }, () => {
    r.get("/x", PostController, "index", { as: "x" });
  });
  r.scope("/a", { as: "admin" }, () => {
    r.get("/u", PostController, "index", { as: "user" });
  });
  r.get("/au", PostController, "show", { as: "adminUser" });
  r.get("/au2", PostController, "new", { as: "adminUser" });
`,
      ),
    );
  });

  it("rejects a helper name that is not an identifier, in a route or a scope", () => {
    const e = a.errors.filter((x) => x.includes("INVALID_HELPER_NAME"));
    expect(e).toHaveLength(2);
    expect(e[0]).toMatch(/^app\/router\.ts:8:3:/);
    expect(e[0]).toContain('helper name "my-helper" is not an identifier');
    expect(e[1]).toMatch(/^app\/router\.ts:9:3:.*"9lives"/);
  });

  it("rejects two helper names that become one identifier (both cannot be declared)", () => {
    const e = a.errors.filter((x) => x.includes("both become"));
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/^app\/router\.ts:15:3: error\[HELPER_NAME_CLASH\]: helper names "admin_user" and "adminUser" both become adminUserPath/);
  });

  it("reports nothing else: same helper, other actions or arities, is no conflict", () => {
    expect(a.errors).toHaveLength(3);
    expect(a.result.files.size).toBe(0);
  });
});

describe("helpers: with the conn of a forward (Plug's script_name)", () => {
  // A forward target that builds paths from the conn it is given: its prefix is the script name.
  const ADMIN_PLUG = `import { text, type Conn } from "fawkes";
import { Routes } from "../../.fawkes/helpers.gen.js";
export function call(conn: Conn): Conn {
  return text(conn, [Routes.userPath(conn, "show", 42), Routes.userPath("show", 42), Routes.userUrl(conn, "index")].join(" "));
}
`;
  let a: BuiltApp;
  let router: RouterModules;
  beforeAll(async () => {
    const files = app(["UserController"], `  r.resources("/users", UserController);\n  r.forward("/admin", AdminPlug);`);
    files["app/router.ts"] = files["app/router.ts"].replace('import { defineRouter } from "fawkes";', 'import { defineRouter } from "fawkes";\nimport * as AdminPlug from "./plugs/admin.js";');
    files["app/plugs/admin.ts"] = ADMIN_PLUG;
    a = await buildApp(files, "forward-helpers");
    router = (await import(pathToFileURL(join(a.root, ".fawkes/router.gen.ts")).href)) as RouterModules;
  });

  it("prefixes the forward's path inside the forwarded plug", async () => {
    expect(a.errors).toEqual([]);
    const endpoint = defineEndpoint({ router, config: { logger: () => {}, url: { scheme: "https", host: "example.com", port: 8443, path: "/app" } } });
    const conn = await get(endpoint, "/admin/anything");
    // The endpoint's url.path is the conn's script name (Phoenix's endpoint sets it), the forward adds its prefix.
    expect(conn.respBody).toBe("/app/admin/users/42 /users/42 https://example.com:8443/app/admin/users");
  });
});
