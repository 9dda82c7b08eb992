// Phoenix's scopes and pipelines (test/phoenix/router/scope_test.exs and pipeline_test.exs):
// path concatenation, helper prefixes, hosts and pipe_through, plus the build-time errors.
// Scope `alias:` has no TypeScript equivalent (controllers are imports), so it is a diagnostic.

import { beforeAll, describe, expect, it } from "vitest";
import { app, buildApp, type BuiltApp } from "./support/app.js";

type Helper = (...args: unknown[]) => string;

const PIPELINES = ["browser", "api", "auth", "params"]
  .map((n) => `  r.pipeline("${n}", (p) => { p.plug((conn) => conn, "${n}"); });`)
  .join("\n");

function route(a: BuiltApp, method: string, url: string, host?: string) {
  return a.match(method, url, host)?.route ?? null;
}

describe("scope: paths, helper prefixes and hosts", () => {
  let a: BuiltApp;
  let R: Record<string, Helper>;
  beforeAll(async () => {
    a = await buildApp(
      app(
        ["UserController", "PostController"],
        `
  r.scope("/admin", () => {
    r.get("/users/:id", UserController, "show", { as: "admin_user" });
  });
  r.scope("/api", () => {
    r.scope("/v1", () => {
      r.get("/users/:id", UserController, "show", { as: "v1_user" });
    });
  });
  r.scope("/trailing/", () => {
    r.get("/", UserController, "index", { as: "trailing" });
    r.get("x/", UserController, "show", { as: "trailing_x" });
  });
  r.scope("no-slash", () => {
    r.get("/y", UserController, "index", { as: "no_slash" });
  });
  r.scope("/", () => {
    r.scope("/", () => {
      r.get("/", UserController, "home", { as: "root" });
    });
  });
  r.scope("/named", { as: "api" }, () => {
    r.scope("/v1", { as: "v1" }, () => {
      r.get("/users/:id", UserController, "show");
      r.resources("/posts", PostController, { only: ["index"] }, () => {
        r.get("/stats", PostController, "special", { as: "stats" });
      });
      r.scope("/reset", { as: false }, () => {
        r.get("/users", UserController, "index", { as: "plain" });
        r.scope("/again", { as: "again" }, () => {
          r.get("/users", UserController, "index");
        });
      });
      r.get("/after", UserController, "other", { as: "after" });
    });
    r.scope({ as: "nopath" }, () => {
      r.get("/nopath", UserController, "index");
    });
  });
  r.scope("/s", { as: "static" }, () => {
    r.get("/page", UserController, "index", { as: "page" });
  });
  r.scope("/h", { host: "foo.com" }, () => {
    r.get("/a", UserController, "index", { as: "h_a" });
    r.scope("/inner", () => {
      r.get("/b", UserController, "index", { as: "h_b" });
    });
    r.scope("/over", { host: "bar." }, () => {
      r.get("/c", UserController, "index", { as: "h_c" });
    });
    r.scope("/list", { host: ["x.com", "y."] }, () => {
      r.get("/d", UserController, "index", { as: "h_d" });
    });
    r.resources("/res", PostController, { only: ["show"], as: "h_res" });
  });
  r.get("/h/a", UserController, "other", { as: "h_fallback" });
  r.scope("/typed", ({ as: "typed", host: ["typed.com"] as const }) as const, () => {
    r.get("/x" as const, UserController, "index", { as: "x" as const } satisfies { as: string });
  });
`,
      ),
    );
    R = a.Routes as Record<string, Helper>;
  });

  it("builds without diagnostics", () => {
    expect(a.errors).toEqual([]);
  });

  it("prefixes routes with the scope path", () => {
    expect(route(a, "GET", "/admin/users/1")?.path).toBe("/admin/users/:id");
    expect(a.match("GET", "/admin/users/1")?.params).toEqual({ id: "1" });
    expect(route(a, "GET", "/users/1")).toBeNull();
  });

  it("concatenates nested scope paths", () => {
    expect(route(a, "GET", "/api/v1/users/1")?.path).toBe("/api/v1/users/:id");
    expect(route(a, "GET", "/api/users/1")).toBeNull();
    expect(R.v1UserPath("show", 3)).toBe("/api/v1/users/3");
  });

  it("ignores trailing, missing and repeated slashes in scope and route paths", () => {
    expect(route(a, "GET", "/trailing")?.path).toBe("/trailing");
    expect(route(a, "GET", "/trailing/x")?.path).toBe("/trailing/x");
    expect(route(a, "GET", "/no-slash/y")?.path).toBe("/no-slash/y");
    expect(route(a, "GET", "/")?.action).toBe("home");
    expect(R.rootPath("home")).toBe("/");
    expect(R.trailingPath("index")).toBe("/trailing");
  });

  it("joins scope `as` values into helper names", () => {
    expect(R.apiV1UserPath("show", 1)).toBe("/named/v1/users/1");
    expect(R.apiV1PostPath("index")).toBe("/named/v1/posts");
    expect(R.apiV1PostStatsPath("special", 4)).toBe("/named/v1/posts/4/stats");
    expect(R.apiV1AfterPath("other")).toBe("/named/v1/after");
    expect(route(a, "GET", "/named/v1/users/1")?.helper).toBe("apiV1UserPath");
  });

  it("resets the prefix with as: false, for the scope and what it contains", () => {
    expect(R.plainPath("index")).toBe("/named/v1/reset/users");
    expect(R.againUserPath("index")).toBe("/named/v1/reset/again/users");
    expect(R.apiV1PlainPath).toBeUndefined();
  });

  it("applies `as` of a scope without a path", () => {
    expect(R.apiNopathUserPath("index")).toBe("/named/nopath");
  });

  it('allows "static" as a scope prefix (only a route\'s own name is reserved)', () => {
    expect(R.staticPagePath("index")).toBe("/s/page");
  });

  it("gives routes the scope's host, inherited by inner scopes", () => {
    expect(route(a, "GET", "/h/a", "foo.com")?.action).toBe("index");
    expect(route(a, "GET", "/h/a", "foo.com.br")?.action).toBe("other");
    expect(route(a, "GET", "/h/a")?.action).toBe("other");
    expect(route(a, "GET", "/h/inner/b", "foo.com")?.hosts).toEqual(["foo.com"]);
    expect(route(a, "GET", "/h/inner/b", "bar.com")).toBeNull();
    expect(route(a, "GET", "/h/res/1", "foo.com")?.hosts).toEqual(["foo.com"]);
    expect(route(a, "GET", "/h/res/1", "other.com")).toBeNull();
  });

  it("lets an inner host replace the outer one", () => {
    expect(route(a, "GET", "/h/over/c", "bar.example")?.hosts).toEqual(["bar."]);
    expect(route(a, "GET", "/h/over/c", "foo.com")).toBeNull();
    expect(route(a, "GET", "/h/list/d", "x.com")?.hosts).toEqual(["x.com", "y."]);
    expect(route(a, "GET", "/h/list/d", "y.z")?.action).toBe("index");
    expect(route(a, "GET", "/h/list/d", "foo.com")).toBeNull();
  });

  it("reads options through parentheses, `as const` and `satisfies`", () => {
    expect(R.typedXPath("index")).toBe("/typed/x");
    expect(route(a, "GET", "/typed/x", "typed.com")?.hosts).toEqual(["typed.com"]);
  });

  it("does not put hosts in path helpers", () => {
    expect(R.hAPath("index")).toBe("/h/a");
    expect(R.hCUrl("https://bar.example", "index")).toBe("https://bar.example/h/over/c");
  });
});

describe("scope: no helpers (helpers: false), beside Phoenix's as: false reset", () => {
  let a: BuiltApp;
  let R: Record<string, Helper>;
  beforeAll(async () => {
    a = await buildApp(
      app(
        ["UserController", "PostController"],
        `
  r.scope("/api", { helpers: false }, () => {
    r.get("/status", UserController, "index");
    r.resources("/users", UserController, { only: ["index", "show"] }, () => {
      r.resources("/posts", PostController, { only: ["show"] });
    });
    r.get("/named", UserController, "show", { as: "api_named" });
    r.resources("/items", PostController, { only: ["index"], as: "api_item" }, () => {
      r.get("/extra", PostController, "special");
    });
    r.scope("/v2", { as: "v2" }, () => {
      r.get("/users", UserController, "index");
    });
  });
  r.scope("/x", { as: "x" }, () => {
    r.scope("/off", { helpers: false }, () => {
      r.get("/a", UserController, "index");
    });
    r.get("/b", UserController, "index");
  });
`,
      ),
    );
    R = a.Routes as Record<string, Helper>;
  });

  const helperOf = (method: string, url: string) => a.match(method, url)?.route.helper;

  it("builds without diagnostics", () => {
    expect(a.errors).toEqual([]);
  });

  it("gives the scope's routes, resources and nested resources no helper", () => {
    expect(helperOf("GET", "/api/status")).toBeNull();
    expect(helperOf("GET", "/api/users/1")).toBeNull();
    expect(helperOf("GET", "/api/users/1/posts/2")).toBeNull();
    expect(helperOf("GET", "/x/off/a")).toBeNull();
  });

  it("still routes them, with the scope's path", () => {
    expect(a.match("GET", "/api/users/1/posts/2")).toMatchObject({ route: { action: "show" }, params: { user_id: "1", id: "2" } });
  });

  it("gives a helper to what names one with as, without the scope's prefix", () => {
    expect(R.apiNamedPath("show")).toBe("/api/named");
    expect(R.apiItemPath("index")).toBe("/api/items");
    // ...and what is nested in a named resource takes its name as the prefix again.
    expect(R.apiItemPostPath("special", 4)).toBe("/api/items/4/extra");
    // An inner scope's as starts a prefix of its own.
    expect(R.v2UserPath("index")).toBe("/api/v2/users");
  });

  it("ends with the scope", () => {
    expect(R.xUserPath("index")).toBe("/x/b");
  });

  it("defines nothing else", () => {
    expect(Object.keys(R).filter((k) => k.endsWith("Path")).sort()).toEqual(["apiItemPath", "apiItemPostPath", "apiNamedPath", "v2UserPath", "xUserPath"]);
  });

  it("refuses as together with helpers: false, which would have no prefix to set", async () => {
    const b = await buildApp(app(["UserController"], `  r.scope("/api", { as: "api", helpers: false }, () => {});`));
    expect(b.errors).toEqual([
      "app/router.ts:5:41: error[INVALID_OPTION]: a scope with helpers: false has no helper prefix to set with as\n  hint: drop as, or drop helpers: false (as: false only resets the prefix)",
    ]);
  });
});

describe("scope: pipelines", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp(
      app(
        ["SampleController", "PostController"],
        `
${PIPELINES}
  r.get("/root", SampleController, "index", { as: "root" });
  r.scope("/browser", () => {
    r.pipeThrough("browser");
    r.get("/root", SampleController, "index", { as: "b_root" });
    r.scope("/api", () => {
      r.pipeThrough("api");
      r.get("/root", SampleController, "index", { as: "b_api_root" });
    });
    r.get("/after", SampleController, "index", { as: "b_after" });
    r.pipeThrough("auth");
    r.get("/late", SampleController, "index", { as: "b_late" });
    r.resources("/posts", PostController, { only: ["show"] }, () => {
      r.pipeThrough("params");
      r.get("/nested", PostController, "special", { as: "nested" });
    });
    r.get("/last", SampleController, "index", { as: "b_last" });
    r.scope("/:id", () => {
      r.pipeThrough("params");
      r.get("/", SampleController, "show", { as: "b_id" });
    });
  });
  r.scope("/browser-api", () => {
    r.pipeThrough(["browser", "api"]);
    r.get("/root", SampleController, "index", { as: "ba_root" });
  });
  r.scope("/many", () => {
    r.pipeThrough("api", "browser");
    r.get("/root", SampleController, "index", { as: "many_root" });
  });
  r.get("/outside", SampleController, "index", { as: "outside" });
`,
      ),
    );
  });

  const pipes = (url: string) => a.match("GET", url)?.route.pipeThrough ?? null;

  it("builds without diagnostics", () => {
    expect(a.errors).toEqual([]);
  });

  it("runs no pipelines at the root", () => {
    expect(pipes("/root")).toEqual([]);
    expect(pipes("/outside")).toEqual([]);
  });

  it("runs the scope's pipelines, then the inner scope's", () => {
    expect(pipes("/browser/root")).toEqual(["browser"]);
    expect(pipes("/browser/api/root")).toEqual(["browser", "api"]);
  });

  it("keeps an inner scope's pipeThrough inside it", () => {
    expect(pipes("/browser/after")).toEqual(["browser"]);
  });

  it("applies a mid-scope pipeThrough to the routes after it only", () => {
    expect(pipes("/browser/root")).toEqual(["browser"]);
    expect(pipes("/browser/late")).toEqual(["browser", "auth"]);
    expect(pipes("/browser/last")).toEqual(["browser", "auth"]);
  });

  it("gives nested resources blocks their own pipeline scope", () => {
    expect(pipes("/browser/posts/1")).toEqual(["browser", "auth"]);
    expect(pipes("/browser/posts/1/nested")).toEqual(["browser", "auth", "params"]);
    expect(pipes("/browser/hello")).toEqual(["browser", "auth", "params"]);
    expect(a.match("GET", "/browser/hello")?.params).toEqual({ id: "hello" });
  });

  it("accepts several pipelines as an array or as arguments, in order", () => {
    expect(pipes("/browser-api/root")).toEqual(["browser", "api"]);
    expect(pipes("/many/root")).toEqual(["api", "browser"]);
  });
});

describe("scope: build-time diagnostics", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp(
      app(
        ["UserController", "StaticController"],
        `
${PIPELINES}
  r.scope("/d1", () => {
    r.pipeThrough(["browser", "auth"]);
    r.pipeThrough(["browser"]);
  });
  r.scope("/d2", () => {
    r.pipeThrough("api");
    r.scope("/nested", () => {
      r.pipeThrough("api");
    });
  });
  r.scope("/d3", () => {
    r.pipeThrough("params", "params");
  });
  r.scope("/u", () => {
    r.pipeThrough("brwser");
  });
  r.scope("/r1", () => {
    r.get("/", StaticController, "index");
  });
  r.scope("/r2", { as: "admin" }, () => {
    r.get("/", UserController, "show", { as: "static" });
  });
  r.scope("/r3", { as: "admin" }, () => {
    r.resources("/s", StaticController);
  });
  r.scope("/alias", { alias: "Admin" }, () => {});
`,
      ),
    );
  });

  const find = (re: RegExp) => a.errors.filter((e) => re.test(e));

  it("rejects a pipeline piped through twice in one scope", () => {
    const e = find(/DUPLICATE_PIPE_THROUGH.*"browser"/);
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/^app\/router\.ts:13:20:/);
  });

  it("rejects a pipeline already piped through by an outer scope", () => {
    expect(find(/DUPLICATE_PIPE_THROUGH.*"api"/)).toHaveLength(1);
  });

  it("rejects a pipeline repeated in one call", () => {
    expect(find(/DUPLICATE_PIPE_THROUGH.*"params"/)).toHaveLength(1);
  });

  it("rejects an unknown pipeline, suggesting a close name", () => {
    const e = find(/UNKNOWN_PIPELINE/);
    expect(e).toHaveLength(1);
    expect(e[0]).toContain('unknown pipeline "brwser"');
    expect(e[0]).toContain('did you mean "browser"?');
  });

  it('rejects "static" as a route name, from the controller or from as', () => {
    const e = find(/RESERVED_HELPER/);
    // One per call, even inside scopes with an `as` prefix (Phoenix checks the route's own name).
    expect(e.map((x) => x.split(":").slice(0, 2).join(":"))).toEqual(["app/router.ts:28", "app/router.ts:31", "app/router.ts:34"]);
    for (const x of e) expect(x).toContain('helper name "static" is reserved');
  });

  it("rejects the alias option", () => {
    expect(find(/UNSUPPORTED_OPTION.*scope alias/)).toHaveLength(1);
  });

  it("reports nothing else", () => {
    expect(a.errors).toHaveLength(8);
  });
});
