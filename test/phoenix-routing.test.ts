// Phoenix's router behaviour (test/phoenix/router/routing_test.exs and the routing rules of
// Phoenix.Router / Plug.Router.Utils), checked against the matcher our compiler generates.
// One app per describe block: building costs ~1 s.

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { DispatchEntry } from "fawkes";
import { app, buildApp, controller, type BuiltApp } from "./support/app.js";

const ACTIONS = ["index", "show", "top", "options", "connect", "trace", "notFound", "image", "move", "any", "purge", "create", "update", "delete", "head", "spaced", "profile", "named", "unicode"];

/** `action` of the route that answers, with its params, or null. */
function hit(a: BuiltApp, method: string, url: string, host?: string) {
  const m = a.match(method, url, host);
  return m ? { action: m.route.action, params: m.params } : null;
}

describe("routing: verbs, params, globs, decoding, order", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp(
      app(
        ["UserController"],
        `
  r.get("/", UserController, "index");
  r.get("/users/top", UserController, "top", { as: "top" });
  r.get("/users/:id", UserController, "show");
  r.match("*", "/users/fallback", UserController, "any", { as: "fallback" });
  r.post("/users", UserController, "create");
  r.put("/users/:id", UserController, "update");
  r.patch("/users/:id", UserController, "update");
  r.delete("/users/:id", UserController, "delete");
  r.get("/spaced users/:id", UserController, "spaced");
  r.get("/profiles/profile-:id", UserController, "profile");
  r.get("/profiles/:name", UserController, "named");
  r.get("/files/:user_name/*path", UserController, "image", { as: "file" });
  r.get("/backups/*path", UserController, "image", { as: "backup" });
  r.get("/static/images/icons/*image", UserController, "image", { as: "icon" });
  r.match("TRACE", "/trace", UserController, "trace");
  r.options("/options", UserController, "options");
  r.match("CONNECT", "/connect", UserController, "connect");
  r.match("MOVE", "/move", UserController, "move");
  r.match("purge", "/cache/:key", UserController, "purge");
  r.match("*", "/any", UserController, "any");
  r.head("/head-first", UserController, "head", { as: "head_first" });
  r.get("/head-first", UserController, "show", { as: "head_first" });
  r.head("/head-only", UserController, "head", { as: "head_only" });
  r.get("/users/:user_id/files/:id", UserController, "image", { as: "user_file" });
  r.get("/ø", UserController, "unicode");
`,
        ACTIONS,
      ),
    );
  });

  it("builds without diagnostics", () => {
    expect(a.errors).toEqual([]);
  });

  it("matches the root path", () => {
    expect(hit(a, "GET", "/")).toEqual({ action: "index", params: {} });
  });

  it("binds named params, dashes included", () => {
    expect(hit(a, "GET", "/users/1")).toEqual({ action: "show", params: { id: "1" } });
    expect(hit(a, "GET", "/users/75f6306d-a090-46f9-8b80-80fd57ec9a41")?.params).toEqual({ id: "75f6306d-a090-46f9-8b80-80fd57ec9a41" });
    expect(hit(a, "GET", "/users/75f6306d-a0/files/34-95")).toEqual({ action: "image", params: { user_id: "75f6306d-a0", id: "34-95" } });
  });

  it("ignores the query string", () => {
    expect(hit(a, "GET", "/users/1?foo=bar&id=2")).toEqual({ action: "show", params: { id: "1" } });
    expect(hit(a, "GET", "/?x=1")?.action).toBe("index");
  });

  it("binds the rest of a segment after a static prefix (profile-:id)", () => {
    expect(hit(a, "GET", "/profiles/profile-42")).toEqual({ action: "profile", params: { id: "42" } });
    // The prefix alone binds an empty id, as Phoenix's `"profile-" <> id` clause does.
    expect(hit(a, "GET", "/profiles/profile-")).toEqual({ action: "profile", params: { id: "" } });
    expect(hit(a, "GET", "/profiles/someone")).toEqual({ action: "named", params: { name: "someone" } });
  });

  it("percent-decodes each segment before matching (params and static text)", () => {
    expect(hit(a, "GET", "/users/hello%20matey")?.params).toEqual({ id: "hello matey" });
    expect(hit(a, "GET", "/spaced%20users/hello%20matey")).toEqual({ action: "spaced", params: { id: "hello matey" } });
    expect(hit(a, "GET", "/spaced users/hello matey")).toEqual({ action: "spaced", params: { id: "hello matey" } });
    expect(hit(a, "GET", "/%C3%B8")?.action).toBe("unicode");
    expect(hit(a, "GET", "/ø")?.action).toBe("unicode");
  });

  it("decodes %2F inside one segment: /users/a%2Fb is id 'a/b', not two segments", () => {
    expect(hit(a, "GET", "/users/a%2Fb")).toEqual({ action: "show", params: { id: "a/b" } });
    expect(hit(a, "GET", "/users/a%2fb")?.params).toEqual({ id: "a/b" });
  });

  it("keeps '+' as '+' (only %XX is decoded in paths)", () => {
    expect(hit(a, "GET", "/users/a+b")?.params).toEqual({ id: "a+b" });
    expect(hit(a, "GET", "/users/a+b%20c")?.params).toEqual({ id: "a+b c" });
  });

  it("decodes %25 once", () => {
    expect(hit(a, "GET", "/users/100%2525")?.params).toEqual({ id: "100%25" });
  });

  it("throws a 400 error for malformed percent-encoding", () => {
    for (const url of ["/users/%", "/users/%zz", "/users/abc%2", "/users/%E0%A4%A"]) {
      let err: unknown;
      try {
        a.match("GET", url);
      } catch (e) {
        err = e;
      }
      expect(err, url).toBeInstanceOf(Error);
      expect((err as { status?: number }).status, url).toBe(400);
    }
  });

  it("rejects percent-encoded bytes that are not UTF-8 with 400", () => {
    // Deliberate difference: Elixir's URI.decode returns the invalid binary; JS strings cannot hold it.
    expect(() => a.match("GET", "/users/%C3%28")).toThrow(expect.objectContaining({ status: 400 }));
  });

  it("ignores leading, trailing and doubled slashes", () => {
    expect(hit(a, "GET", "/users/1/")).toEqual({ action: "show", params: { id: "1" } });
    expect(hit(a, "GET", "//users//1")).toEqual({ action: "show", params: { id: "1" } });
    expect(hit(a, "GET", "/users/top/")?.action).toBe("top");
    expect(hit(a, "GET", "//")?.action).toBe("index");
    expect(hit(a, "GET", "/users//")).toBeNull();
  });

  it("does not match a prefix or an extension of a route", () => {
    expect(hit(a, "GET", "/users")).toBeNull();
    expect(hit(a, "GET", "/users/1/2/3")).toBeNull();
    expect(hit(a, "GET", "/Users/1")).toBeNull();
  });

  it("binds globs to the decoded remaining segments", () => {
    expect(hit(a, "GET", "/files/elixir/Users/home/file.txt")).toEqual({ action: "image", params: { user_name: "elixir", path: ["Users", "home", "file.txt"] } });
    expect(hit(a, "GET", "/backups/name")?.params).toEqual({ path: ["name"] });
    expect(hit(a, "GET", "/static/images/icons/elixir/logos/main.png")?.params).toEqual({ image: ["elixir", "logos", "main.png"] });
    expect(hit(a, "GET", "/backups/silly%20name")?.params).toEqual({ path: ["silly name"] });
    expect(hit(a, "GET", "/backups/a%20b/c%20d")?.params).toEqual({ path: ["a b", "c d"] });
    expect(hit(a, "GET", "/backups/a%2Fb/c")?.params).toEqual({ path: ["a/b", "c"] });
    expect(hit(a, "GET", "/backups/a//b/")?.params).toEqual({ path: ["a", "b"] });
  });

  it("lets a glob bind nothing", () => {
    expect(hit(a, "GET", "/backups")).toEqual({ action: "image", params: { path: [] } });
    expect(hit(a, "GET", "/backups/")).toEqual({ action: "image", params: { path: [] } });
    expect(hit(a, "GET", "/files/elixir")).toEqual({ action: "image", params: { user_name: "elixir", path: [] } });
    expect(hit(a, "GET", "/files")).toBeNull();
  });

  it("tries routes in declaration order: the first match wins, no specificity ranking", () => {
    // /users/top is declared before /users/:id.
    expect(hit(a, "GET", "/users/top")).toEqual({ action: "top", params: {} });
    // GET /users/:id is declared before `match "*" /users/fallback`, so it takes GET...
    expect(hit(a, "GET", "/users/fallback")).toEqual({ action: "show", params: { id: "fallback" } });
    // ...and the catch-all verb answers the others, even DELETE: `delete /users/:id` comes later.
    expect(hit(a, "POST", "/users/fallback")?.action).toBe("any");
    expect(hit(a, "DELETE", "/users/fallback")).toEqual({ action: "any", params: {} });
    expect(hit(a, "DELETE", "/users/other")).toEqual({ action: "delete", params: { id: "other" } });
  });

  it("dispatches each verb to its own route", () => {
    expect(hit(a, "POST", "/users")?.action).toBe("create");
    expect(hit(a, "PUT", "/users/7")).toEqual({ action: "update", params: { id: "7" } });
    expect(hit(a, "PATCH", "/users/7")).toEqual({ action: "update", params: { id: "7" } });
    expect(hit(a, "DELETE", "/users/7")).toEqual({ action: "delete", params: { id: "7" } });
    expect(hit(a, "OPTIONS", "/options")?.action).toBe("options");
    expect(hit(a, "CONNECT", "/connect")?.action).toBe("connect");
    expect(hit(a, "TRACE", "/trace")?.action).toBe("trace");
  });

  it("matches custom verbs, upper-casing the declared one", () => {
    expect(hit(a, "MOVE", "/move")?.action).toBe("move");
    expect(hit(a, "PURGE", "/cache/k1")).toEqual({ action: "purge", params: { key: "k1" } });
    expect(a.routes.find((r) => r.action === "purge")?.verb).toBe("PURGE");
    expect(hit(a, "GET", "/move")).toBeNull();
    expect(hit(a, "COPY", "/move")).toBeNull();
  });

  it('matches any verb with match("*")', () => {
    for (const m of ["GET", "PUT", "POST", "DELETE", "HEAD", "PROPFIND"]) expect(hit(a, m, "/any")?.action, m).toBe("any");
    expect(a.routes.find((r) => r.path === "/any")?.verb).toBe("*");
  });

  it("answers HEAD with GET routes (Plug.Head), and an earlier HEAD route wins", () => {
    expect(hit(a, "HEAD", "/users/3")).toEqual({ action: "show", params: { id: "3" } });
    expect(hit(a, "HEAD", "/")?.action).toBe("index");
    expect(hit(a, "HEAD", "/head-first")?.action).toBe("head");
    expect(hit(a, "GET", "/head-first")?.action).toBe("show");
    expect(hit(a, "HEAD", "/head-only")?.action).toBe("head");
    expect(hit(a, "GET", "/head-only")).toBeNull();
    // HEAD does not fall back to POST.
    expect(hit(a, "HEAD", "/users")).toBeNull();
  });

  it("returns null for a wrong method and lists the allowed ones", () => {
    // Phoenix answers 404 here; we let the server answer 405 with an Allow header.
    expect(hit(a, "POST", "/users/1")).toBeNull();
    expect(hit(a, "GET", "/options")).toBeNull();
    expect(a.allowedMethods("/users/1")).toEqual(["GET", "HEAD", "PUT", "PATCH", "DELETE"]);
    expect(a.allowedMethods("/users")).toEqual(["POST"]);
    expect(a.allowedMethods("/options")).toEqual(["OPTIONS"]);
    expect(a.allowedMethods("/cache/x")).toEqual(["PURGE"]);
    expect(a.allowedMethods("/nothing/here")).toEqual([]);
  });

  it('lists "*" among the allowed methods of a match("*") route', () => {
    const allowed = a.allowedMethods("/any");
    expect(allowed).toContain("*");
    expect(allowed).toContain("GET");
  });

  it("describes the matched route", () => {
    const m = a.match("GET", "/users/9")!;
    expect(m.route).toMatchObject({ verb: "GET", path: "/users/:id", controller: "UserController", action: "show", helper: "userPath", kind: "match" });
    expect(m.pathInfo).toBeNull();
    expect(m.route.source).toMatch(/^app\/router\.ts:\d+:3$/);
  });
});

describe("routing: catch-all and hosts", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp(
      app(
        ["UserController"],
        `
  r.scope("/", { host: "api." }, () => {
    r.get("/users/:id", UserController, "show", { as: "api_user" });
  });
  r.scope("/", { host: "example.com" }, () => {
    r.get("/users/:id", UserController, "named", { as: "exact_user" });
  });
  r.scope("/multi", { host: ["www.", "example.org", "localhost"] }, () => {
    r.get("/", UserController, "index", { as: "multi" });
  });
  r.get("/multi", UserController, "other", { as: "other" });
  r.get("/users/:id", UserController, "any", { as: "user" });
  r.get("/*path", UserController, "notFound");
`,
        ACTIONS.concat("other"),
      ),
    );
  });

  it("builds without diagnostics", () => {
    expect(a.errors).toEqual([]);
  });

  it("matches everything left with a root glob", () => {
    expect(hit(a, "GET", "/foo/bar/baz")).toEqual({ action: "notFound", params: { path: ["foo", "bar", "baz"] } });
    expect(hit(a, "GET", "/")).toEqual({ action: "notFound", params: { path: [] } });
    expect(hit(a, "GET", "/a%20b")?.params).toEqual({ path: ["a b"] });
    expect(hit(a, "POST", "/foo")).toBeNull();
  });

  it("treats a host ending in '.' as a prefix", () => {
    expect(hit(a, "GET", "/users/1", "api.example.com")?.action).toBe("show");
    expect(hit(a, "GET", "/users/1", "api.other.net")?.action).toBe("show");
    expect(hit(a, "GET", "/users/1", "ap.example.com")?.action).toBe("any");
    expect(hit(a, "GET", "/users/1", "xapi.example.com")?.action).toBe("any");
  });

  it("compares any other host exactly", () => {
    expect(hit(a, "GET", "/users/1", "example.com")?.action).toBe("named");
    expect(hit(a, "GET", "/users/1", "example.com.br")?.action).toBe("any");
    expect(hit(a, "GET", "/users/1", "www.example.com")?.action).toBe("any");
  });

  it("accepts any host of a list", () => {
    expect(hit(a, "GET", "/multi", "www.example.com")?.action).toBe("index");
    expect(hit(a, "GET", "/multi", "www.anotherwww.com")?.action).toBe("index");
    expect(hit(a, "GET", "/multi", "localhost")?.action).toBe("index");
    expect(hit(a, "GET", "/multi", "example.org")?.action).toBe("index");
    expect(hit(a, "GET", "/multi", "sub.example.org")?.action).toBe("other");
    expect(hit(a, "GET", "/multi")?.action).toBe("other");
  });

  it("lets routes without a host answer any host, including none", () => {
    expect(hit(a, "GET", "/users/1")?.action).toBe("any");
    expect(hit(a, "GET", "/users/1", "")?.action).toBe("any");
  });

  it("records the hosts in the route metadata", () => {
    expect(a.routes.find((r) => r.helper === "multiPath")?.hosts).toEqual(["www.", "example.org", "localhost"]);
    expect(a.routes.find((r) => r.helper === "apiUserPath")?.hosts).toEqual(["api."]);
    expect(a.routes.find((r) => r.helper === "userPath")?.hosts).toEqual([]);
  });
});

describe("routing: first match across verbs, literals, globs and hosts", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp(
      app(
        ["UserController"],
        `
  r.match("*", "/mix/:a/x", UserController, "any", { as: "mix_any" });
  r.get("/mix/b/:c", UserController, "show", { as: "mix_get" });
  r.get("/t/:x/one", UserController, "index", { as: "t1" });
  r.get("/t/lit/two", UserController, "show", { as: "t2" });
  r.get("/t/:y/three", UserController, "named", { as: "t3" });
  r.get("/t/lit/b/c", UserController, "index", { as: "t4" });
  r.get("/t/:x/b/d", UserController, "show", { as: "t5" });
  r.get("/t/lit/b/e", UserController, "named", { as: "t6" });
  r.scope("/", { host: "a." }, () => {
    r.get("/g/*rest", UserController, "image", { as: "g_host" });
    r.get("/leaf", UserController, "show", { as: "leaf_host" });
  });
  r.get("/g/z", UserController, "index", { as: "g_z" });
  r.get("/leaf/*rest", UserController, "image", { as: "leaf_glob" });
  r.get("/v/v-:ver/*rest", UserController, "image", { as: "v" });
  r.get("/v/:other", UserController, "named", { as: "v_other" });
  r.get("/proto/:__proto__/:constructor", UserController, "show", { as: "proto" });
  r.get("/", UserController, "index", { as: "root" });
`,
        ACTIONS,
      ),
    );
  });

  it("builds without diagnostics", () => {
    expect(a.errors).toEqual([]);
  });

  it('merges match("*") routes into each verb in declaration order', () => {
    expect(hit(a, "GET", "/mix/b/x")).toEqual({ action: "any", params: { a: "b" } });
    expect(hit(a, "GET", "/mix/b/y")).toEqual({ action: "show", params: { c: "y" } });
    expect(hit(a, "HEAD", "/mix/b/x")?.action).toBe("any");
    expect(hit(a, "POST", "/mix/b/y")).toBeNull();
  });

  it("tries parameter routes declared before a literal inside the literal's branch, and after it", () => {
    expect(hit(a, "GET", "/t/lit/one")).toEqual({ action: "index", params: { x: "lit" } });
    expect(hit(a, "GET", "/t/lit/two")).toEqual({ action: "show", params: {} });
    expect(hit(a, "GET", "/t/lit/three")).toEqual({ action: "named", params: { y: "lit" } });
    expect(hit(a, "GET", "/t/other/three")).toEqual({ action: "named", params: { y: "other" } });
    expect(hit(a, "GET", "/t/lit/b/c")?.action).toBe("index");
    expect(hit(a, "GET", "/t/lit/b/d")).toEqual({ action: "show", params: { x: "lit" } });
    expect(hit(a, "GET", "/t/lit/b/e")?.action).toBe("named");
    expect(hit(a, "GET", "/t/lit/four")).toBeNull();
    // Same answers on the decoding path.
    expect(hit(a, "GET", "/t/l%69t/three")).toEqual({ action: "named", params: { y: "lit" } });
    expect(hit(a, "GET", "/t/lit/b/d/")).toEqual({ action: "show", params: { x: "lit" } });
  });

  it("falls through a host-restricted glob or leaf to later routes", () => {
    expect(hit(a, "GET", "/g/z", "a.example")).toEqual({ action: "image", params: { rest: ["z"] } });
    expect(hit(a, "GET", "/g/z", "b.example")).toEqual({ action: "index", params: {} });
    expect(hit(a, "GET", "/g/q", "b.example")).toBeNull();
    expect(hit(a, "GET", "/leaf", "a.example")).toEqual({ action: "show", params: {} });
    expect(hit(a, "GET", "/leaf", "b.example")).toEqual({ action: "image", params: { rest: [] } });
    expect(hit(a, "GET", "/leaf/x/y", "b.example")).toEqual({ action: "image", params: { rest: ["x", "y"] } });
  });

  it("binds a prefixed param followed by a glob", () => {
    expect(hit(a, "GET", "/v/v-2/a/b")).toEqual({ action: "image", params: { ver: "2", rest: ["a", "b"] } });
    expect(hit(a, "GET", "/v/v-2")).toEqual({ action: "image", params: { ver: "2", rest: [] } });
    expect(hit(a, "GET", "/v/w-2")).toEqual({ action: "named", params: { other: "w-2" } });
  });

  it("binds params named like Object.prototype members as own properties", () => {
    const m = a.match("GET", "/proto/p/c")!;
    expect(Object.keys(m.params).sort()).toEqual(["__proto__", "constructor"]);
    expect(m.params["__proto__"]).toBe("p");
    expect(m.params["constructor"]).toBe("c");
    expect(Object.getPrototypeOf(m.params)).toBe(Object.prototype);
  });

  it("treats an empty path like /", () => {
    expect(hit(a, "GET", "")?.action).toBe("index");
    expect(hit(a, "GET", "?a=b")?.action).toBe("index");
  });
});

describe("routing: routes to plugs (routing_test.exs: get \"/plug\", SomePlug, [])", () => {
  let a: BuiltApp;
  let dispatch: readonly DispatchEntry[];
  beforeAll(async () => {
    a = await buildApp({
      "app/router.ts": `import { defineRouter } from "fawkes";
import * as SomePlug from "./some-plug.js";
import * as UserController from "./controllers/user-controller.js";

export default defineRouter((r) => {
  r.get("/plug", SomePlug, []);
  r.get("/no_log", SomePlug, [], { log: false });
  r.get("/override-plug-name", SomePlug, "action");
  r.get("/users/:id", UserController, "show");
});
`,
      "app/some-plug.ts": `import type { Conn } from "fawkes";\nexport const init = (opts: unknown) => opts;\nexport const call = (conn: Conn, _opts: unknown) => conn;\n`,
      "app/controllers/user-controller.ts": controller(["show"]),
    });
    ({ dispatch } = await import(pathToFileURL(join(a.root, ".fawkes/dispatch.gen.ts")).href));
  });

  it("builds without diagnostics", () => {
    expect(a.errors).toEqual([]);
  });

  it("matches them like any route, with no action and no helper", () => {
    expect(a.match("GET", "/plug")).toMatchObject({ route: { kind: "match", controller: "SomePlug", action: null, helper: null }, params: {}, pathInfo: null });
    expect(a.match("POST", "/plug")).toBeNull();
    expect(Object.keys(a.Routes)).toEqual(["userPath", "userUrl"]);
  });

  it("dispatches to the plug itself with its options and the route's log level", () => {
    expect(dispatch.map((d) => [d.call.kind, d.action, d.call.options, d.call.log])).toEqual([
      ["plug", null, [], undefined],
      ["plug", null, [], false],
      // A string the plug has no member for is its options, as `SomePlug, :action` in Phoenix.
      ["plug", null, "action", undefined],
      ["route", "show", undefined, undefined],
    ]);
    expect(dispatch[0].handler).toBe(dispatch[0].controller);
    expect(dispatch[0].handler).toMatchObject({ call: expect.any(Function), init: expect.any(Function) });
  });
});

describe("routing: unreachable routes are warnings, and the first route wins", () => {
  // Phoenix compiles all of these (first match wins, its clauses are `generated: true`, so
  // Elixir does not even warn); we warn, pointing at both lines, and still emit the matcher.
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp(
      app(
        ["PostController"],
        `
  r.get("/posts/:id", PostController, "show");
  r.get("/posts/skip", PostController, "index");
  r.get("/dup", PostController, "index", { as: "dup" });
  r.get("/dup", PostController, "show", { as: "dup2" });
  r.get("/glob/*rest", PostController, "index", { as: "glob" });
  r.get("/glob", PostController, "show", { as: "glob2" });
  r.get("/head", PostController, "show", { as: "h" });
  r.head("/head", PostController, "index", { as: "h2" });
  r.match("*", "/star", PostController, "index", { as: "star" });
  r.post("/star", PostController, "show", { as: "star2" });
`,
      ),
    );
  });

  const find = (re: RegExp) => a.errors.filter((e) => re.test(e));

  it("warns about a route shadowed by an earlier parameter route (Phoenix accepts it silently)", () => {
    const e = find(/ROUTE_SHADOWED.*GET \/posts\/skip is unreachable/);
    expect(e).toHaveLength(1);
    // The body starts on line 6 of the generated router module.
    expect(e[0]).toMatch(/^app\/router\.ts:7:3: warning\[ROUTE_SHADOWED\]: /);
    expect(e[0]).toMatch(/matched first by GET \/posts\/:id \(app\/router\.ts:6:3\)/);
  });

  it("warns about a duplicate route (Phoenix compiles it; the second is never matched)", () => {
    expect(find(/^app\/router\.ts:9:3: warning\[DUPLICATE_ROUTE\]: GET \/dup is declared twice/)).toHaveLength(1);
  });

  it("warns about a route shadowed by a glob that may bind nothing", () => {
    expect(find(/warning\[ROUTE_SHADOWED\]: GET \/glob is unreachable/)).toHaveLength(1);
  });

  it("warns about a HEAD route after a GET route on the same path", () => {
    expect(find(/warning\[ROUTE_SHADOWED\]: HEAD \/head is unreachable/)).toHaveLength(1);
  });

  it('warns about a route after match("*") on the same path', () => {
    expect(find(/warning\[ROUTE_SHADOWED\]: POST \/star is unreachable/)).toHaveLength(1);
  });

  it("reports nothing else, and no error: the modules are generated", () => {
    expect(a.errors).toHaveLength(5);
    expect(a.result.diagnostics.every((d) => d.severity === "warning")).toBe(true);
    expect(a.result.files.size).toBeGreaterThan(0);
  });

  it("never matches the unreachable routes: the earlier route answers, as in Phoenix", () => {
    expect(hit(a, "GET", "/posts/skip")).toEqual({ action: "show", params: { id: "skip" } });
    expect(a.match("GET", "/dup")?.route.helper).toBe("dupPath");
    expect(hit(a, "GET", "/glob")).toEqual({ action: "index", params: { rest: [] } });
    expect(hit(a, "HEAD", "/head")?.action).toBe("show");
    expect(hit(a, "POST", "/star")?.action).toBe("index");
    const unreachable = a.routes.filter((r) => ["/posts/skip", "/dup", "/glob", "/head", "/star"].includes(r.path) && r.index % 2 === 1);
    expect(unreachable).toHaveLength(5);
    for (const r of unreachable) {
      for (const url of [r.path, r.path + "/", r.path + "?x=1"]) expect(a.match(r.verb, url)?.route.index, `${r.verb} ${url}`).not.toBe(r.index);
    }
  });

  it("still gives the unreachable routes their helpers (Phoenix builds helpers from every route)", () => {
    expect(a.Routes.dup2Path("show" as never)).toBe("/dup");
    expect(a.Routes.h2Path("index" as never)).toBe("/head");
  });
});

describe("routing: build-time errors", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp(
      app(
        ["PostController"],
        `
  r.get("/bad/*rest/more", PostController, "index", { as: "bad" });
  r.get("/ext/:id.json", PostController, "index", { as: "ext" });
  r.get("/twice/:id/:id", PostController, "index", { as: "twice" });
`,
      ),
    );
  });

  const find = (re: RegExp) => a.errors.filter((e) => re.test(e));

  it("rejects a glob that is not last, text after a param, and a repeated param", () => {
    expect(find(/GLOB_NOT_LAST/)).toHaveLength(1);
    expect(find(/INVALID_DYNAMIC_PATH.*:id\.json|INVALID_DYNAMIC_PATH.*ext/)).toHaveLength(1);
    expect(find(/BAD_PARAM_NAME.*:id appears twice/)).toHaveLength(1);
  });

  it("reports nothing else, and generates nothing", () => {
    expect(a.errors).toHaveLength(3);
    expect(a.result.files.size).toBe(0);
  });
});
