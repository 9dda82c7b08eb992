// Phoenix's `forward` (test/phoenix/router/forward_test.exs): a static prefix, any verb, the
// rest of the path handed over as path info, the scope's prefix and pipelines applied, no helper.
// Script-name bookkeeping (conn.script_name, helpers of a forwarded sub-router) belongs to the
// HTTP runtime; here we check what the matcher hands it: the route and `pathInfo`.

import { beforeAll, describe, expect, it } from "vitest";
import { buildApp, controller, type BuiltApp } from "./support/app.js";

const PLUG = `import type { Conn } from "fawkes";
export const call = (conn: Conn) => conn;
export const initPlug = (conn: Conn) => conn;
export const assignOpts = (conn: Conn, _opts: { foo: string }) => conn;
`;

function files(body: string): Record<string, string> {
  return {
    "app/router.ts": `import { defineRouter } from "fawkes";
import * as PageController from "./controllers/page-controller.js";
import * as AdminDashboard from "./plugs/admin-dashboard.js";
import { initPlug, assignOpts } from "./plugs/admin-dashboard.js";
import * as ApiRouter from "./plugs/admin-dashboard.js";

export default defineRouter((r) => {
${body}
});
`,
    "app/controllers/page-controller.ts": controller(["index", "stats", "special", "show"]),
    "app/plugs/admin-dashboard.ts": PLUG,
  };
}

describe("forward", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp(
      files(`
  r.pipeline("api", (p) => { p.plug((conn) => conn); });
  r.scope("/", () => {
    r.get("/stats", PageController, "stats");
    r.get("/admin/special", PageController, "special");
    r.forward("/admin", AdminDashboard);
    r.forward("/init", initPlug);
    r.forward("/assign/opts", assignOpts, { foo: "bar" });
  });
  r.scope("/api", () => {
    r.pipeThrough("api");
    r.forward("/v1", ApiRouter);
  });
  r.scope("/health", () => {
    r.forward("/", AdminDashboard);
  });
  r.scope("/h", { host: "admin." }, () => {
    r.forward("/fw", AdminDashboard);
  });
  r.get("/h/fw", PageController, "show", { as: "h_fw" });
`),
    );
  });

  it("builds without diagnostics", () => {
    expect(a.errors).toEqual([]);
  });

  it("forwards the prefix itself with empty path info", () => {
    const m = a.match("GET", "/admin")!;
    expect(m.route).toMatchObject({ kind: "forward", verb: "*", path: "/admin", controller: "AdminDashboard", action: null, helper: null });
    expect(m.pathInfo).toEqual([]);
    expect(m.params).toEqual({});
    expect(a.match("GET", "/admin/")?.pathInfo).toEqual([]);
  });

  it("forwards any request under the prefix, with the rest of the segments as path info", () => {
    expect(a.match("GET", "/admin/stats")?.pathInfo).toEqual(["stats"]);
    expect(a.match("GET", "/admin/users/1/edit?x=1")?.pathInfo).toEqual(["users", "1", "edit"]);
    expect(a.match("GET", "/admin//users/")?.pathInfo).toEqual(["users"]);
    expect(a.match("GET", "/admin/stats")?.route.kind).toBe("forward");
  });

  it("decodes the forwarded segments", () => {
    expect(a.match("GET", "/admin/a%20b/c%2Fd")?.pathInfo).toEqual(["a b", "c/d"]);
    expect(() => a.match("GET", "/admin/%zz")).toThrow(expect.objectContaining({ status: 400 }));
  });

  it("forwards every verb, custom ones included", () => {
    for (const m of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE"]) {
      expect(a.match(m, "/admin/x")?.route.path, m).toBe("/admin");
    }
  });

  it("matches whole segments only", () => {
    expect(a.match("GET", "/administrator")).toBeNull();
    expect(a.match("GET", "/adm")).toBeNull();
  });

  it("keeps declaration order: a route before the forward still wins for its verb", () => {
    expect(a.match("GET", "/admin/special")?.route.action).toBe("special");
    expect(a.match("POST", "/admin/special")?.route.kind).toBe("forward");
    expect(a.match("POST", "/admin/special")?.pathInfo).toEqual(["special"]);
    expect(a.match("GET", "/stats")?.route.action).toBe("stats");
  });

  it("forwards to plain function plugs, with multi-segment prefixes", () => {
    expect(a.match("GET", "/init")?.route.controller).toBe("initPlug");
    expect(a.match("GET", "/assign/opts/deep")).toMatchObject({ route: { controller: "assignOpts", path: "/assign/opts" }, pathInfo: ["deep"] });
    expect(a.match("GET", "/assign")).toBeNull();
  });

  it("gets the scope's prefix and pipelines", () => {
    const m = a.match("PUT", "/api/v1/users/7")!;
    expect(m.route).toMatchObject({ kind: "forward", path: "/api/v1", pipeThrough: ["api"] });
    expect(m.pathInfo).toEqual(["users", "7"]);
    expect(a.match("GET", "/v1/users")).toBeNull();
  });

  it('forwards "/" inside a scope as the scope path', () => {
    expect(a.match("GET", "/health")).toMatchObject({ route: { path: "/health" }, pathInfo: [] });
    expect(a.match("GET", "/health/live")?.pathInfo).toEqual(["live"]);
  });

  it("gets the scope's host", () => {
    expect(a.match("GET", "/h/fw/x", "admin.example.com")).toMatchObject({ route: { kind: "forward", hosts: ["admin."] }, pathInfo: ["x"] });
    expect(a.match("GET", "/h/fw", "www.example.com")?.route.action).toBe("show");
    expect(a.match("GET", "/h/fw/x", "www.example.com")).toBeNull();
  });

  it("never generates a helper", () => {
    expect(Object.keys(a.Routes).sort()).toEqual(["hFwPath", "hFwUrl", "pagePath", "pageUrl"]);
    expect(a.routes.filter((r) => r.kind === "forward").every((r) => r.helper === null)).toBe(true);
  });
});

describe("forward: build-time diagnostics", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp(
      files(`
  r.forward("/api/:version", ApiRouter);
  r.scope("/:tenant", () => {
    r.forward("/admin", AdminDashboard);
  });
  r.forward("/files/*rest", AdminDashboard);
  r.forward("/prefix-:x", AdminDashboard);
  r.forward("/admin", AdminDashboard);
  r.get("/admin/stats", PageController, "stats");
  r.forward("/inline", (conn) => conn);
`),
    );
  });

  const find = (re: RegExp) => a.errors.filter((e) => re.test(e));

  it("rejects a dynamic segment in the forward path", () => {
    const e = find(/FORWARD_DYNAMIC/);
    expect(e.map((x) => x.split(": error")[0])).toEqual(["app/router.ts:9:13", "app/router.ts:11:15", "app/router.ts:13:13", "app/router.ts:14:13"]);
    expect(e[0]).toContain("forward path /api/:version must be static");
    // The scope's dynamic prefix counts too: Phoenix checks the joined path.
    expect(e[1]).toContain("forward path /:tenant/admin must be static");
    expect(e[2]).toContain("/files/*rest");
  });

  it("warns about routes after a forward that takes all their paths", () => {
    const e = find(/ROUTE_SHADOWED/);
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/warning\[ROUTE_SHADOWED\]: GET \/admin\/stats is unreachable\n\s+it is matched first by forward \/admin/);
  });

  it("requires an imported forward target", () => {
    expect(find(/CONTROLLER_UNRESOLVED.*forward target must be an imported binding/)).toHaveLength(1);
  });

  it("reports nothing else", () => {
    expect(a.errors).toHaveLength(6);
  });
});
