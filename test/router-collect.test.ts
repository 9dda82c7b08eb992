// The run-time half of the router: the generated dispatch runs the router module once,
// collects plugs and options, and refuses to start when the module no longer matches the
// generated code.

import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { locate } from "./support/source.js";
import demoRouter from "../fixtures/demo/app/router.js";
import { acceptsFormats, collectRouter, defineRouter, pipelinePlugs, putLayout, putRootLayout, verifyCollected, RouterDefinitionError, type Conn } from "fawkes";
import { dispatch } from "../fixtures/demo/.fawkes/dispatch.gen.js";
import { routes } from "../fixtures/demo/.fawkes/routes.gen.js";
import { putBrowserAssign } from "../fixtures/demo/app/plugs/browser.js";
import * as AdminPlug from "../fixtures/demo/app/plugs/admin.js";
import * as UserController from "../fixtures/demo/app/controllers/user-controller.js";

describe("generated dispatch (fixtures/demo)", () => {
  it("has one entry per route with the controller's own function", () => {
    expect(dispatch.map((d) => d.route)).toEqual(routes);
    const show = dispatch.find((d) => d.route.path === "/users/:id" && d.route.verb === "GET")!;
    expect(show.handler).toBe(UserController.show);
    expect(show.controller).toBe(UserController);
  });

  it("pairs each route with its own record and call, by name rather than by index", () => {
    // routes.gen.ts gives each route its position as `index` when it loads, and dispatch.gen.ts
    // names routes and calls by verb and path: the pairs must still be the right ones.
    expect(routes.map((r) => r.index)).toEqual(routes.map((_, i) => i));
    dispatch.forEach((d, i) => expect(d.route).toBe(routes[i]));
    for (const d of dispatch) {
      const where = `${d.route.verb} ${d.route.path}`;
      expect(d.call.controller, where).toBe(d.controller);
      if (d.call.kind === "route" || d.call.kind === "plug") {
        expect(d.call.verb, where).toBe(d.route.verb);
        expect(d.route.path.endsWith(d.call.path === "/" ? "" : d.call.path), where).toBe(true);
      } else if (d.call.kind === "resources") {
        expect(d.route.path, where).toContain(d.call.path);
      } else {
        expect(d.route.kind, where).toBe("forward");
        expect(d.route.path.endsWith(d.call.path), where).toBe(true);
      }
    }
    const posts = dispatch.filter((d) => d.call.kind === "resources" && d.call.path === "/posts");
    expect(posts.map((d) => d.route.path)).toContain("/users/:user_id/posts/:id/edit");
    expect(new Set(posts.map((d) => d.call)).size).toBe(1);
  });

  it("builds each pipeThrough list from the plugs the router declared, once", () => {
    const browser = dispatch.find((d) => d.route.pipeThrough.join() === "browser")!;
    expect(browser.pipeline).toEqual(collectRouter(demoRouter).pipelines.get("browser"));
    expect(browser.pipeline[0]).toEqual({ plug: putBrowserAssign, options: "html" });
    expect(browser.pipeline.slice(-2)).toEqual([
      { plug: putRootLayout, options: "layouts/root.html" },
      { plug: putLayout, options: "layouts/app.html" },
    ]);
    const other = dispatch.filter((d) => d.route.pipeThrough.join() === "browser");
    expect(new Set(other.map((d) => d.pipeline)).size).toBe(1);
    const api = dispatch.find((d) => d.route.pipeThrough.join() === "api")!;
    expect(api.pipeline).toEqual([
      { plug: acceptsFormats, options: ["json"] },
      { plug: putBrowserAssign, options: "json" },
    ]);
  });

  it("hands a forward its target and options", () => {
    const fwd = dispatch.find((d) => d.route.kind === "forward")!;
    expect(fwd.handler).toBe(AdminPlug);
    expect(fwd.call.options).toEqual({ realm: "staff" });
  });
});

describe("collectRouter", () => {
  const noop = (conn: Conn) => conn;
  const C = { index: noop, show: noop };

  it("merges private/assigns and log down scopes and resources, route values winning", () => {
    const def = defineRouter((r) => {
      r.scope("/a", { private: { a: 1, b: 1 }, assigns: { x: 1 }, log: "debug" }, () => {
        r.get("/1", C, "index", { private: { b: 2 } });
        r.resources("/r", C, { only: ["index"], assigns: { y: 2 } }, () => {
          r.get("/2", C, "show", { log: false });
        });
      });
      r.get("/3", C, "index");
    });
    const { calls } = collectRouter(def);
    expect(calls.map((c) => [c.kind, c.verb, c.path])).toEqual([
      ["route", "GET", "/1"],
      ["resources", "", "/r"],
      ["route", "GET", "/2"],
      ["route", "GET", "/3"],
    ]);
    expect(calls[0].private).toEqual({ a: 1, b: 2 });
    expect(calls[0].log).toBe("debug");
    expect(calls[2].assigns).toEqual({ x: 1, y: 2 });
    expect(calls[2].log).toBe(false);
    expect(calls[3].private).toEqual({});
  });

  it("runs a definition once", () => {
    let runs = 0;
    const def = defineRouter(() => void runs++);
    collectRouter(def);
    collectRouter(def);
    expect(runs).toBe(1);
  });

  it("rejects a module that is not a router", () => {
    expect(() => collectRouter({} as never)).toThrow(/expected the router module's default export to be defineRouter/);
  });

  it("wraps a throw in the router body", () => {
    const def = defineRouter(() => {
      throw new Error("boom");
    });
    expect(() => collectRouter(def)).toThrow(RouterDefinitionError);
  });
});

describe("collectRouter: plugs", () => {
  const noop = (conn: Conn) => conn;
  const other = (conn: Conn) => conn;
  const Mod = { call: (conn: Conn, _opts: { tag: string }) => conn };
  const C = { index: noop, call: noop };
  const StringPlug = { call: (conn: Conn, _opts: string) => conn };

  it("splices a pipeline plugged by name in where it is plugged, as the same spec objects", () => {
    const def = defineRouter((r) => {
      r.pipeline("admin", (p) => {
        p.plug("browser");
        p.plug(Mod, { tag: "admin" });
      });
      r.pipeline("browser", (p) => {
        p.plug(noop, 1);
        p.plug(other);
      });
    });
    const { pipelines } = collectRouter(def);
    const browser = pipelines.get("browser")!;
    expect(browser).toEqual([{ plug: noop, options: 1 }, { plug: other, options: undefined }]);
    expect(pipelines.get("admin")).toEqual([...browser, { plug: Mod, options: { tag: "admin" } }]);
    // The same objects: a module plug's init runs once per place it is declared.
    expect(pipelines.get("admin")![0]).toBe(browser[0]);
  });

  it("refuses at startup a pipeline that plugs itself or an unknown one (the build refuses them first)", () => {
    const cycle = defineRouter((r) => {
      r.pipeline("a", (p) => p.plug("b"));
      r.pipeline("b", (p) => p.plug("a"));
    });
    expect(() => collectRouter(cycle)).toThrow('pipeline "a" plugs itself (a → b → a)');
    const unknown = defineRouter((r) => r.pipeline("a", (p) => p.plug("nope")));
    expect(() => collectRouter(unknown)).toThrow('pipeline "a" plugs pipeline "nope", which is not declared');
  });

  it("records the plugs written inline in pipeThrough, in run order; names and a list of names are the compiler's", () => {
    const def = defineRouter((r) => {
      r.pipeline("browser", () => {});
      r.pipeThrough(["browser"]);
      r.pipeThrough("browser", noop, [Mod, { tag: "x" }]);
      r.scope("/s", () => {
        r.pipeThrough([other, 2]);
      });
      r.pipeThrough(Mod);
    });
    expect(collectRouter(def).plugs).toEqual([
      { plug: noop, options: undefined },
      { plug: Mod, options: { tag: "x" } },
      { plug: other, options: 2 },
      { plug: Mod, options: undefined },
    ]);
  });

  it("tells a route to a plug from a route to an action, as the compiler does", () => {
    const def = defineRouter((r) => {
      r.get("/fn", noop, { a: 1 });
      r.get("/mod", Mod, { tag: "t" }, { assigns: { x: 1 } });
      r.get("/string", StringPlug, "action");
      r.get("/action", C, "index");
      r.get("/call", C, "call");
      r.match("*", "/any", Mod);
    });
    expect(collectRouter(def).calls.map((c) => [c.kind, c.path, c.action, c.options])).toEqual([
      ["plug", "/fn", null, { a: 1 }],
      ["plug", "/mod", null, { tag: "t" }],
      ["plug", "/string", null, "action"],
      ["route", "/action", "index", undefined],
      ["route", "/call", "call", undefined],
      ["plug", "/any", null, undefined],
    ]);
    expect(collectRouter(def).calls[1].assigns).toEqual({ x: 1 });
  });

  it("pipelinePlugs builds a list from pipeline names and inline plug positions", () => {
    const def = defineRouter((r) => {
      r.pipeline("browser", (p) => p.plug(noop, "b"));
      r.pipeThrough("browser", other, [Mod, { tag: "m" }]);
    });
    const collected = collectRouter(def);
    expect(pipelinePlugs(collected, ["browser", 1, 0])).toEqual([{ plug: noop, options: "b" }, { plug: Mod, options: { tag: "m" } }, { plug: other, options: undefined }]);
    expect(() => pipelinePlugs(collected, [2])).toThrow(/pipeThrough plug 3 is not written when the router runs/);
  });
});

describe("verifyCollected", () => {
  const noop = (conn: Conn) => conn;
  const def = defineRouter((r) => {
    r.get("/users", { index: noop }, "index");
    r.forward("/admin", noop);
  });

  it("accepts the structure the code was generated from", () => {
    expect(() => verifyCollected(collectRouter(def), [["route", "GET", "/users"], ["forward", "*", "/admin"]], "app/router.ts")).not.toThrow();
  });

  it("fails startup, naming the first difference, when the router changed", () => {
    expect(() => verifyCollected(collectRouter(def), [["route", "GET", "/people"], ["forward", "*", "/admin"]], "app/router.ts")).toThrow(
      "app/router.ts has changed since the routes were generated (call 1: generated code expects route GET /people, the router now says route GET /users); run `npx fawkes build`",
    );
    expect(() => verifyCollected(collectRouter(def), [["route", "GET", "/users"]], "app/router.ts")).toThrow(/call 2: generated code expects nothing, the router now says forward \* \/admin/);
  });

  it("fails startup when the number of plugs written inline in pipeThrough changed", () => {
    const inline = defineRouter((r) => {
      r.pipeThrough(noop);
      r.get("/users", { index: noop }, "index");
    });
    const expected = [["route", "GET", "/users"]] as const;
    expect(() => verifyCollected(collectRouter(inline), expected, "app/router.ts", 1)).not.toThrow();
    expect(() => verifyCollected(collectRouter(inline), expected, "app/router.ts")).toThrow(
      "app/router.ts has changed since the routes were generated (its pipeThrough calls now write 1 plug(s) inline, the generated code expects 0); run `npx fawkes build`",
    );
  });
});

describe("fawkes/testing routeInfo", () => {
  it("reports what a request reaches, as Phoenix.Router.route_info", async () => {
    const { routeInfo } = await import("fawkes/testing");
    const { match } = await import("../fixtures/demo/.fawkes/matcher.gen.js");
    expect(routeInfo(match, "get", "/users/1/posts/2")).toEqual({
      verb: "GET",
      route: "/users/:user_id/posts/:id",
      plug: "PostController",
      plugOpts: "show",
      pathParams: { user_id: "1", id: "2" },
      pipeThrough: ["browser"],
      source: locate(resolve(import.meta.dirname, "../fixtures/demo/app/router.ts"), 'r.resources("/posts"', "app/router.ts"),
    });
    expect(routeInfo(match, "GET", "/nope")).toBeNull();
  });
});
