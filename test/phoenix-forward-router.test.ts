// Phoenix's forward to another router (test/phoenix/router/forward_test.exs): `forward "/admin",
// AdminRouter` mounts a router, whose own pipelines and routes take the rest of the path;
// conn.scriptName gets the prefix and conn.pathInfo keeps the rest, as in Plug; the mounted
// router's helpers build paths under the mount (with no context, an endpoint, a URL or a conn of
// either router), and `fawkes routes` lists the mounted routes under their prefix.
//
// Deliberate differences from Phoenix, asserted below: the mounted router is compiled with its
// parent (one build, a folder per mount: .fawkes/admin/), and its helpers may be called with
// no context, which gives the path under the whole prefix.

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineEndpoint, type Endpoint, type RouterModules } from "fawkes";
import { get, post, textResponse } from "fawkes/testing";
import { formatRouteInfo, formatRoutes, routesJson } from "../compiler/cli/routes-table.js";
import { buildApp, type BuiltApp } from "./support/app.js";

// Every action answers with where it ran: the script name, path info, params and the plugs seen.
const REPORT = `import { text, type Conn } from "fawkes";
export function report(conn: Conn, where: string): Conn {
  return text(conn, JSON.stringify({
    where,
    scriptName: conn.scriptName,
    pathInfo: conn.pathInfo,
    params: conn.params,
    seen: conn.assigns.seen ?? [],
    scopeAssign: conn.assigns.scope ?? null,
    routeAssign: conn.assigns.route ?? null,
    route: conn.route?.path,
  }));
}
export const seen = (tag: string) => (conn: Conn) => { conn.assigns.seen = [...((conn.assigns.seen as string[]) ?? []), tag]; return conn; };
`;

const FILES: Record<string, string> = {
  "app/report.ts": REPORT,
  "app/router.ts": `import { defineRouter } from "fawkes";
import { seen } from "./report.js";
import * as PageController from "./controllers/page-controller.js";
import AdminRouter from "./admin/router.js";
import * as BlogRouter from "./blog/router.js";
import * as RawPlug from "./raw-plug.js";

export default defineRouter((r) => {
  r.pipeline("browser", (p) => { p.plug(seen("browser")); });
  r.scope("/", { assigns: { scope: "top" } }, () => {
    r.pipeThrough("browser");
    r.get("/", PageController, "home");
    r.forward("/admin", AdminRouter);
  });
  r.forward("/blog", BlogRouter);
  r.forward("/raw/files", RawPlug);
  r.get("/*rest", PageController, "catchAll");
});
`,
  "app/raw-plug.ts": `import type { Conn } from "fawkes";
import { report } from "./report.js";
export const call = (conn: Conn) => report(conn, "raw");
`,
  "app/controllers/page-controller.ts": `import type { Conn } from "fawkes";
import { report } from "../report.js";
import { Routes as Admin } from "../../.fawkes/admin/helpers.gen.js";
export const home = (conn: Conn) => report(conn, "home " + Admin.statsPath(conn, "show", 7));
export const catchAll = (conn: Conn) => report(conn, "catchAll");
`,
  "app/admin/router.ts": `import { defineRouter } from "fawkes";
import { seen } from "../report.js";
import * as StatsController from "./stats-controller.js";
import ReportsRouter from "./reports/router.js";

export default defineRouter((r) => {
  r.pipeline("admin", (p) => { p.plug(seen("admin")); });
  r.pipeThrough("admin");
  r.get("/", StatsController, "index");
  r.get("/stats/:id", StatsController, "show", { assigns: { route: "stats" } });
  r.forward("/reports", ReportsRouter);
});
`,
  "app/admin/stats-controller.ts": `import type { Conn } from "fawkes";
import { report } from "../report.js";
import { Routes } from "../../.fawkes/admin/helpers.gen.js";
export const index = (conn: Conn) => report(conn, "admin index");
export const show = (conn: Conn) => report(conn, "stats " + Routes.statsPath(conn, "show", String(conn.params.id)));
`,
  "app/admin/reports/router.ts": `import { defineRouter } from "fawkes";
import * as ReportController from "./report-controller.js";

export default defineRouter((r) => {
  r.get("/:day", ReportController, "show");
});
`,
  "app/admin/reports/report-controller.ts": `import type { Conn } from "fawkes";
import { report } from "../../report.js";
import { Routes } from "../../../.fawkes/admin/reports/helpers.gen.js";
import { Routes as Admin } from "../../../.fawkes/admin/helpers.gen.js";
export const show = (conn: Conn) => report(conn, [Routes.reportPath(conn, "show", "today"), Admin.statsPath(conn, "index")].join(" "));
`,
  "app/blog/router.ts": `import { defineRouter } from "fawkes";
import * as PostController from "./post-controller.js";

export default defineRouter((r) => {
  r.resources("/posts", PostController, { only: ["index", "show", "create"] });
});
`,
  "app/blog/post-controller.ts": `import type { Conn } from "fawkes";
import { report } from "../report.js";
export const index = (conn: Conn) => report(conn, "posts");
export const show = (conn: Conn) => report(conn, "post");
export const create = (conn: Conn) => report(conn, "create");
`,
};

type Report = {
  where: string;
  scriptName: string[];
  pathInfo: string[];
  params: Record<string, unknown>;
  seen: string[];
  scopeAssign: string | null;
  routeAssign: string | null;
  route: string;
};

const load = async <T>(a: BuiltApp, file: string): Promise<T> => (await import(pathToFileURL(join(a.root, ".fawkes", file)).href)) as T;

describe("forward to a router", () => {
  let a: BuiltApp;
  let endpoint: Endpoint;
  let AdminRoutes: Record<string, (...args: unknown[]) => string>;
  let ReportRoutes: Record<string, (...args: unknown[]) => string>;
  const report = async (path: string, method: "GET" | "POST" = "GET"): Promise<Report> =>
    JSON.parse(textResponse(await (method === "GET" ? get : post)(endpoint, path), 200)) as Report;

  beforeAll(async () => {
    a = await buildApp(FILES, "mount");
    const router = await load<RouterModules>(a, "router.gen.ts");
    endpoint = defineEndpoint({ router, config: { logger: () => {}, url: { scheme: "https", host: "example.com", port: 443 } } });
    AdminRoutes = (await load<{ Routes: typeof AdminRoutes }>(a, "admin/helpers.gen.ts")).Routes;
    ReportRoutes = (await load<{ Routes: typeof ReportRoutes }>(a, "admin/reports/helpers.gen.ts")).Routes;
  });

  it("compiles each mounted router into a folder named after its forward", () => {
    expect(a.errors).toEqual([]);
    const files = [...a.result.files.keys()].sort();
    for (const dir of [".fawkes", ".fawkes/admin", ".fawkes/admin/reports", ".fawkes/blog"]) {
      for (const f of ["dispatch.gen.ts", "helpers.gen.ts", "matcher.gen.ts", "router.gen.ts", "routes.gen.ts"]) expect(files).toContain(`${dir}/${f}`);
    }
    expect(a.result.files.get(".fawkes/admin/router.gen.ts")).toContain("A router mounted at /admin by app/router.ts:");
    expect(a.result.files.get(".fawkes/admin/reports/helpers.gen.ts")).toContain('prefix: "/admin/reports"');
  });

  it("routes the rest of the path in the mounted router, after the parent's then its own pipelines", async () => {
    const r = await report("/admin/stats/42");
    expect(r).toMatchObject({ scriptName: ["admin"], pathInfo: ["stats", "42"], params: { id: "42" }, seen: ["browser", "admin"], route: "/stats/:id" });
    expect(r.where).toBe("stats /admin/stats/42");
  });

  it("merges the forward scope's assigns with the mounted route's", async () => {
    expect(await report("/admin/stats/1")).toMatchObject({ scopeAssign: "top", routeAssign: "stats" });
    expect(await report("/admin")).toMatchObject({ where: "admin index", scopeAssign: "top", routeAssign: null, pathInfo: [] });
  });

  it("takes the prefix with and without a trailing slash, and decodes the rest", async () => {
    expect((await report("/admin/")).where).toBe("admin index");
    expect(await report("/admin/stats/a%20b")).toMatchObject({ params: { id: "a b" } });
    expect((await get(endpoint, "/admin/stats/%zz")).status).toBe(400);
  });

  it("answers 404 for a path the mounted router has no route for, without falling through to later routes", async () => {
    // /*rest after the forward would match /admin/nope: the mounted router owns the prefix.
    expect((await get(endpoint, "/admin/nope")).status).toBe(404);
    expect((await post(endpoint, "/admin/stats/1")).status).toBe(404);
    expect((await report("/elsewhere")).where).toBe("catchAll");
    expect((await report("/administrator")).where).toBe("catchAll");
  });

  it("mounts inside a mounted router: script names stack up", async () => {
    const r = await report("/admin/reports/monday");
    expect(r).toMatchObject({ scriptName: ["admin", "reports"], pathInfo: ["monday"], params: { day: "monday" }, seen: ["browser", "admin"] });
    // Its own helper under both prefixes; the parent router's helper under its own (Phoenix's private[Router]).
    expect(r.where).toBe("/admin/reports/today /admin/");
  });

  it("mounts a router outside any scope, with resources and every verb they route", async () => {
    expect(await report("/blog/posts")).toMatchObject({ where: "posts", scriptName: ["blog"], seen: [] });
    expect(await report("/blog/posts/9")).toMatchObject({ where: "post", params: { id: "9" } });
    expect(await report("/blog/posts", "POST")).toMatchObject({ where: "create" });
  });

  it("gives a forwarded plug the rest of the path as sent, as Plug's path_info", async () => {
    expect(await report("/raw/files/a%20b//c%2Fd")).toMatchObject({ where: "raw", scriptName: ["raw", "files"], pathInfo: ["a%20b", "c%2Fd"] });
    expect(await report("/raw/files")).toMatchObject({ pathInfo: [] });
  });

  it("answers HEAD with the mounted GET route", async () => {
    const conn = await (await import("fawkes/testing")).dispatch(endpoint, "HEAD", "/blog/posts");
    expect(conn.status).toBe(200);
  });

  it("gives the mounted router's helpers the whole prefix without a context, with an endpoint and with a URL", () => {
    expect(AdminRoutes.statsPath("show", 5)).toBe("/admin/stats/5");
    expect(AdminRoutes.statsPath("index")).toBe("/admin/");
    expect(AdminRoutes.statsPath("show", 5, { tab: "a b" })).toBe("/admin/stats/5?tab=a+b");
    expect(AdminRoutes.statsPath(endpoint, "show", 5)).toBe("/admin/stats/5");
    expect(AdminRoutes.statsUrl(endpoint, "show", 5)).toBe("https://example.com/admin/stats/5");
    expect(AdminRoutes.statsPath(new URL("https://cdn.example.com/app/"), "show", 5)).toBe("/app/admin/stats/5");
    expect(AdminRoutes.statsUrl("https://example.com/app/", "show", 5)).toBe("https://example.com/app/admin/stats/5");
    expect(ReportRoutes.reportPath("show", "mon")).toBe("/admin/reports/mon");
    const prefixed = defineEndpoint({ router: endpoint.router, config: { logger: () => {}, url: { host: "example.com", path: "/app" } } });
    expect(AdminRoutes.statsPath(prefixed, "show", 5)).toBe("/app/admin/stats/5");
  });

  it("gives a conn of the parent router the path under the forward (Phoenix's __forward__)", async () => {
    expect((await report("/")).where).toBe("home /admin/stats/7");
  });

  it("builds URLs from a conn of the mounted router", async () => {
    const conn = await get(endpoint, "/admin/stats/3");
    expect(AdminRoutes.statsUrl(conn, "index")).toBe("https://example.com/admin/");
  });

  it("serves mounted routes over a real socket", async () => {
    const started = await endpoint.start({ port: 0, host: "127.0.0.1" });
    try {
      const res = await fetch(`http://127.0.0.1:${started.port}/admin/reports/friday`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as Report).params).toEqual({ day: "friday" });
      expect((await fetch(`http://127.0.0.1:${started.port}/admin/missing`)).status).toBe(404);
    } finally {
      await endpoint.stop();
    }
  });

  it("lists mounted routes under their prefix, after the forward", () => {
    const text = formatRoutes(a.result.router!);
    const lines = text.split("\n").map((l) => l.trim().replace(/\s+/g, " "));
    const at = lines.indexOf("* /admin AdminRouter (mounts app/admin/router.ts)");
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 5)).toEqual([
      "statsPath GET /admin StatsController.index",
      "statsPath GET /admin/stats/:id StatsController.show",
      "* /admin/reports ReportsRouter (mounts app/admin/reports/router.ts)",
      "reportPath GET /admin/reports/:day ReportController.show",
    ]);
    const json = JSON.parse(routesJson(a.result.router!)) as { path: string; router: string; mounts?: string }[];
    expect(json.find((r) => r.path === "/admin/reports/:day")).toMatchObject({ router: "app/admin/reports/router.ts" });
    expect(json.find((r) => r.path === "/admin")).toMatchObject({ mounts: "app/admin/router.ts" });
  });

  it("answers `routes --info` through the mounts", () => {
    const info = formatRouteInfo(a.result.router!, "GET", "/admin/reports/sunday?x=1");
    expect(info.found).toBe(true);
    expect(info.text).toContain("Function: show\n");
    expect(info.text).toContain("Mounted: /admin → app/admin/router.ts, /reports → app/admin/reports/router.ts\n");
    expect(info.text).toContain('Params: {"day":"sunday"}\n');
    expect(formatRouteInfo(a.result.router!, "GET", "/admin/nope")).toEqual({ found: false, text: "no route matches GET /admin/nope (in the router mounted at /admin → app/admin/router.ts)\n" });
  });

  afterAll(async () => {
    await endpoint?.stop();
  });
});

describe("forward to a router: build-time diagnostics", () => {
  const build = (files: Record<string, string>) => buildApp(files, "mount-diag");
  const router = (body: string, imports = "") => `import { defineRouter } from "fawkes";\n${imports}\nexport default defineRouter((r) => {\n${body}\n});\n`;
  const ctrl = `import type { Conn } from "fawkes";\nexport const index = (conn: Conn) => conn;\n`;

  it("refuses a router that forwards back to one mounting it, naming the chain", async () => {
    const a = await build({
      "app/router.ts": router(`  r.forward("/a", A);`, `import A from "./a/router.js";`),
      "app/a/router.ts": router(`  r.forward("/top", Top);`, `import Top from "../router.js";`),
    });
    expect(a.errors.join("\n")).toMatch(/app\/a\/router\.ts:\d+:\d+: error\[FORWARD_CYCLE\]: app\/a\/router\.ts forwards to app\/router\.ts, which is already on the way here \(app\/router\.ts → app\/a\/router\.ts → app\/router\.ts\)/);
    expect(a.result.files.size).toBe(0);
  });

  it("refuses a router mounted twice, as Phoenix does", async () => {
    const a = await build({
      "app/router.ts": router(`  r.forward("/a", A);\n  r.forward("/b", A);`, `import A from "./a/router.js";`),
      "app/a/router.ts": router(`  r.get("/", C, "index");`, `import * as C from "./c.js";`),
      "app/a/c.ts": ctrl,
    });
    expect(a.errors.join("\n")).toMatch(/app\/router\.ts:5:3: error\[FORWARDED_TWICE\]: app\/a\/router\.ts is already mounted by the forward at app\/router\.ts:4:3/);
  });

  it("refuses options to a mounted router", async () => {
    const a = await build({
      "app/router.ts": router(`  r.forward("/a", A, { x: 1 } as never);`, `import A from "./a/router.js";`),
      "app/a/router.ts": router(`  r.get("/", C, "index");`, `import * as C from "./c.js";`),
      "app/a/c.ts": ctrl,
    });
    expect(a.errors.join("\n")).toMatch(/error\[FORWARD_OPTIONS\]: A is a router: a mounted router takes no options/);
  });

  it("reports a mounted router's own mistakes at its file and line", async () => {
    const a = await build({
      "app/router.ts": router(`  r.forward("/a", A);`, `import * as A from "./a/router.js";`),
      "app/a/router.ts": router(`  r.get("/", C, "nope");`, `import * as C from "./c.js";`),
      "app/a/c.ts": ctrl,
    });
    expect(a.errors.join("\n")).toMatch(/^app\/a\/router\.ts:4:\d+: error\[ACTION_MISSING\]: C has no action "nope"/m);
    expect(a.result.files.size).toBe(0);
  });

  it("verifies p paths under a mount against the mounted router's routes", async () => {
    const a = await build({
      "app/router.ts": router(`  r.forward("/a", A);\n  r.forward("/plug", Plug);`, `import A from "./a/router.js";\nimport * as Plug from "./plug.js";`),
      "app/a/router.ts": router(`  r.get("/items/:id", C, "index");`, `import * as C from "./c.js";`),
      "app/a/c.ts": ctrl,
      "app/plug.ts": `import type { Conn } from "fawkes";\nexport const call = (conn: Conn) => conn;\n`,
      "app/links.ts": `import { p } from "fawkes";\nexport const ok = (id: number) => p\`/a/items/\${id}\`;\nexport const plug = p\`/plug/anything/at/all\`;\nexport const bad = p\`/a/nope\`;\nexport const verb = p.post\`/a/items/1\`;\n`,
    });
    const errors = a.errors.join("\n");
    expect(errors).toMatch(/app\/links\.ts:4:\d+: error\[VERIFIED_PATH_NO_ROUTE\]: no route matches p`\/a\/nope`/);
    expect(errors).toMatch(/app\/links\.ts:5:\d+: error\[VERIFIED_PATH_(VERB|NO_ROUTE)\]/);
    expect(errors).not.toMatch(/links\.ts:[23]:/);
  });

  it("refuses two mounts that would share a folder", async () => {
    const a = await build({
      "app/router.ts": router(`  r.forward("/a-b", A);\n  r.forward("/a/b", B);`, `import A from "./a/router.js";\nimport B from "./b/router.js";`),
      "app/a/router.ts": router(`  r.get("/", C, "index");`, `import * as C from "../c.js";`),
      "app/b/router.ts": router(`  r.get("/", C, "index");`, `import * as C from "../c.js";`),
      "app/c.ts": ctrl,
    });
    expect(a.errors.join("\n")).toMatch(/error\[MOUNT_DIR_CLASH\]: the routers mounted at \/a-b and \/a\/b would both be generated into \.fawkes\/a-b/);
  });
});
