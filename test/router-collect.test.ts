// The run-time half of the router: the generated dispatch runs the router module once,
// collects plugs and options, and refuses to start when the module no longer matches the
// generated code.

import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { locate } from "./support/source.js";
import demoRouter from "../fixtures/demo/app/router.js";
import { collectRouter, defineRouter, putLayout, putRootLayout, verifyCollected, RouterDefinitionError, type Conn } from "fawkes";
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
    expect(api.pipeline).toEqual([{ plug: putBrowserAssign, options: "json" }]);
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
