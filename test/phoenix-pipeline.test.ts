// Phoenix's pipelines (test/phoenix/router/pipeline_test.exs) through the endpoint: pipelines per
// scope and nested, several at once, halting, params merged before the pipelines run, and
// pipe_through "accepts pipelines and all plug forms" (Phoenix #6755/#6760: names, function
// plugs, module plugs, with or without options). Beyond that test: a pipeline that plugs
// another pipeline (Phoenix's `plug :browser` inside a pipeline) and routes to plugs with options
// (routing_test.exs's `get "/plug", SomePlug, []`). Module plugs here have no init: running
// init is the endpoint's (runtime/http), tested with it.

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { defineEndpoint, type Endpoint } from "fawkes";
import { get, post, textResponse } from "fawkes/testing";
import { buildApp, type BuiltApp } from "./support/app.js";

const FUNCTIONS = `import { assign, halt, text, type Conn } from "fawkes";

const stack = (conn: Conn) => (conn.assigns.stack as unknown[] | undefined) ?? [];
export const pushStack = (conn: Conn, value: unknown) => assign(conn, { stack: [...stack(conn), value] });
export const functionPlug = (conn: Conn, opts?: unknown) => pushStack(conn, ["function_plug", opts ?? null]);
export const noopPlug = (conn: Conn) => conn;
export const stop = (conn: Conn) => halt(text(conn, "stop"));
export const putParams = (conn: Conn) => assign(conn, { params: { ...conn.params } });
export const echo = (conn: Conn, opts: unknown) => text(conn, JSON.stringify({ plug: "echo", opts, stack: stack(conn) }));
`;

const MODULE_PLUG = `import type { Conn } from "fawkes";
import { pushStack } from "./functions.js";

export const call = (conn: Conn, opts?: unknown) => pushStack(conn, ["module_plug", opts ?? null]);
`;

const SOME_PLUG = `import { text, type Conn } from "fawkes";

export const call = (conn: Conn, opts: unknown) =>
  text(conn, JSON.stringify({ plug: "SomePlug", opts, stack: conn.assigns.stack ?? null, via: conn.assigns.via ?? null }));
`;

const CONTROLLER = `import { text, type Conn } from "fawkes";

export const index = (conn: Conn) => text(conn, JSON.stringify({ stack: conn.assigns.stack ?? null, params: conn.assigns.params ?? null }));
`;

const ROUTER = `import { defineRouter } from "fawkes";
import * as SampleController from "./controllers/sample-controller.js";
import * as SomePlug from "./plugs/some-plug.js";
import * as ModulePlug from "./plugs/module-plug.js";
import { echo, functionPlug, noopPlug, pushStack, putParams, stop } from "./plugs/functions.js";

export default defineRouter((r) => {
  r.pipeline("browser", (p) => { p.plug(pushStack, "browser"); });
  r.pipeline("api", (p) => { p.plug(pushStack, "api"); });
  r.pipeline("params", (p) => { p.plug(putParams); });
  r.pipeline("halt", (p) => { p.plug(stop); });
  r.pipeline("halt_again", (p) => { p.plug(stop); });
  r.pipeline("pipeline1", (p) => { p.plug(pushStack, "pipeline1"); });
  // Pipelines may plug pipelines declared later, as Phoenix's pipelines are functions.
  r.pipeline("staff", (p) => { p.plug("admin"); p.plug(ModulePlug, ["staff"]); });
  r.pipeline("admin", (p) => { p.plug("browser"); p.plug(pushStack, "admin"); p.plug("api"); });

  r.get("/root", SampleController, "index");
  r.scope("/browser", () => {
    r.pipeThrough("browser");
    r.get("/root", SampleController, "index");
    r.scope("/api", () => {
      r.pipeThrough("api");
      r.get("/root", SampleController, "index");
    });
    r.scope("/:id", () => {
      r.pipeThrough("params");
      r.get("/", SampleController, "index");
    });
  });
  r.scope("/browser-api", () => {
    r.pipeThrough(["browser", "api"]);
    r.get("/root", SampleController, "index");
  });
  r.scope("/stop", () => {
    r.pipeThrough(noopPlug, "halt", "halt_again");
    r.get("/", SampleController, "index");
  });
  r.scope("/forms", () => {
    r.pipeThrough("pipeline1", functionPlug, [functionPlug, []], [functionPlug, ["opt1"]], ModulePlug, [ModulePlug, []], [ModulePlug, ["opt1"]]);
    r.get("/hello", SampleController, "index");
  });
  r.scope("/nested", () => {
    r.pipeThrough("admin");
    r.get("/admin", SampleController, "index");
    r.scope("/staff", () => {
      r.pipeThrough([ModulePlug, "inline"]);
      r.get("/", SampleController, "index");
    });
  });
  r.scope("/staff", () => {
    r.pipeThrough("staff");
    r.get("/", SampleController, "index");
  });
  r.scope("/plugs", () => {
    r.pipeThrough("browser");
    r.get("/plug", SomePlug, []);
    r.get("/action", SomePlug, "action");
    r.post("/hook", SomePlug, { secret: "s" }, { assigns: { via: "route" } });
    r.match("*", "/fn", echo, ["fn"]);
    r.get("/halted", SomePlug, [], {});
  });
  r.scope("/halt-plug", () => {
    r.pipeThrough("halt");
    r.get("/", SomePlug, []);
  });
});
`;

describe("pipelines and plugs, through the endpoint", () => {
  let a: BuiltApp;
  let endpoint: Endpoint;
  beforeAll(async () => {
    a = await buildApp({
      "app/router.ts": ROUTER,
      "app/controllers/sample-controller.ts": CONTROLLER,
      "app/plugs/functions.ts": FUNCTIONS,
      "app/plugs/module-plug.ts": MODULE_PLUG,
      "app/plugs/some-plug.ts": SOME_PLUG,
    });
    const router = await import(pathToFileURL(join(a.root, ".fawkes/router.gen.ts")).href);
    endpoint = defineEndpoint({ router, config: { logger: () => {} } });
  });

  const body = async (method: "GET" | "POST", path: string) => JSON.parse(textResponse(await (method === "GET" ? get : post)(endpoint, path), 200));

  it("builds, warning only that every route but the first gets no samplePath(\"index\") (Phoenix's test router reuses one action)", () => {
    expect(a.result.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(Array(8).fill("warning HELPER_CONFLICT"));
  });

  it("does not invoke pipelines at root", async () => {
    expect((await body("GET", "/root")).stack).toBeNull();
  });

  it("invokes pipelines per scope, then the nested scope's", async () => {
    expect((await body("GET", "/browser/root")).stack).toEqual(["browser"]);
    expect((await body("GET", "/browser/api/root")).stack).toEqual(["browser", "api"]);
  });

  it("invokes multiple pipelines", async () => {
    expect((await body("GET", "/browser-api/root")).stack).toEqual(["browser", "api"]);
  });

  it("halts on pipeline multiple pipelines (the plug before them runs, the action does not)", async () => {
    const conn = await get(endpoint, "/stop");
    expect(conn.halted).toBe(true);
    expect(textResponse(conn, 200)).toBe("stop");
  });

  it("merges path parameters before invoking pipelines", async () => {
    expect((await body("GET", "/browser/hello")).params).toEqual({ id: "hello" });
  });

  it("pipeThrough accepts pipelines and all plug forms, in order", async () => {
    expect((await body("GET", "/forms/hello")).stack).toEqual([
      "pipeline1",
      ["function_plug", null],
      ["function_plug", []],
      ["function_plug", ["opt1"]],
      ["module_plug", null],
      ["module_plug", []],
      ["module_plug", ["opt1"]],
    ]);
  });

  it("runs a pipeline plugged by name inside another, where it is plugged", async () => {
    expect((await body("GET", "/nested/admin")).stack).toEqual(["browser", "admin", "api"]);
    expect((await body("GET", "/staff")).stack).toEqual(["browser", "admin", "api", ["module_plug", ["staff"]]]);
  });

  it("appends an inner scope's inline plug to the outer scope's pipelines", async () => {
    expect((await body("GET", "/nested/staff")).stack).toEqual(["browser", "admin", "api", ["module_plug", "inline"]]);
  });

  it("routes to a module plug with its options, after the scope's pipelines", async () => {
    expect(await body("GET", "/plugs/plug")).toEqual({ plug: "SomePlug", opts: [], stack: ["browser"], via: null });
  });

  it("takes a string the module plug has no member for as its options (get \"/x\", SomePlug, :action)", async () => {
    expect((await body("GET", "/plugs/action")).opts).toBe("action");
  });

  it("merges a plug route's assigns, any verb it was declared with", async () => {
    expect(await body("POST", "/plugs/hook")).toMatchObject({ opts: { secret: "s" }, via: "route" });
    expect((await get(endpoint, "/plugs/hook")).status).toBe(404);
  });

  it("routes to a function plug with its options, for every verb with match(\"*\")", async () => {
    for (const method of ["GET", "POST"] as const) expect(await body(method, "/plugs/fn")).toEqual({ plug: "echo", opts: ["fn"], stack: ["browser"] });
  });

  it("does not call the plug when a pipeline halts", async () => {
    expect(textResponse(await get(endpoint, "/halt-plug"), 200)).toBe("stop");
  });

  it("describes a plug route: no action, no helper, the plug as its controller", () => {
    expect(a.match("GET", "/plugs/plug")?.route).toMatchObject({ kind: "match", controller: "SomePlug", action: null, helper: null, pipeThrough: ["browser"] });
    expect(a.match("GET", "/forms/hello")?.route.pipeThrough).toEqual([
      "pipeline1", "functionPlug", "functionPlug", "functionPlug", "ModulePlug", "ModulePlug", "ModulePlug",
    ]);
    expect(Object.keys(a.Routes).sort()).toEqual(["sampleUrl", "samplePath"].sort());
  });
});

describe("pipelines and plugs: build-time diagnostics", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp({
      "app/router.ts": `import { defineRouter } from "fawkes";
import * as SampleController from "./controllers/sample-controller.js";
import * as SomePlug from "./plugs/some-plug.js";
import { echo } from "./plugs/functions.js";

const name = "browser" as string;

export default defineRouter((r) => {
  r.pipeline("browser", (p) => { p.plug("brwser"); });
  r.pipeline("a", (p) => { p.plug("b"); });
  r.pipeline("b", (p) => { p.plug("a"); });
  r.pipeline("self", (p) => { p.plug("self"); });
  r.pipeline("dyn", (p) => { p.plug(name); });
  r.pipeThrough([echo]);
  r.pipeThrough(name);
  r.get("/plug", SomePlug, [], { as: "plug" });
  r.get("/ok", SomePlug, [], { as: false });
  r.get("/c", SampleController, { opts: 1 });
});
`,
      "app/controllers/sample-controller.ts": CONTROLLER,
      "app/plugs/functions.ts": FUNCTIONS,
      "app/plugs/module-plug.ts": MODULE_PLUG,
      "app/plugs/some-plug.ts": SOME_PLUG,
    });
  });

  const find = (code: string) => a.errors.filter((e) => e.includes(`[${code}]`));

  it("rejects a pipeline plugged by an unknown name, suggesting a close one", () => {
    expect(find("UNKNOWN_PIPELINE")).toEqual([
      'app/router.ts:9:41: error[UNKNOWN_PIPELINE]: unknown pipeline "brwser"\n  hint: declared pipelines: browser, a, b, self, dyn (did you mean "browser"?)',
    ]);
  });

  it("rejects pipelines that plug themselves, directly or through others, once per cycle", () => {
    expect(find("PIPELINE_CYCLE")).toEqual([
      'app/router.ts:11:35: error[PIPELINE_CYCLE]: pipeline "a" plugs itself: a → b → a\n' +
        '  pipeline "a" is declared here (app/router.ts:10:3)\n' +
        "  hint: a pipeline runs the pipelines it plugs; plug the shared plugs into a third pipeline instead",
      'app/router.ts:12:38: error[PIPELINE_CYCLE]: pipeline "self" plugs itself: self → self\n' +
        '  pipeline "self" is declared here (app/router.ts:12:3)\n' +
        "  hint: a pipeline runs the pipelines it plugs; plug the shared plugs into a third pipeline instead",
    ]);
  });

  it("requires pipeline names to be literals, in a pipeline and in pipeThrough", () => {
    const e = find("NOT_STATIC");
    expect(e.some((x) => x.startsWith("app/router.ts:13:37: error[NOT_STATIC]: a pipeline plugged by name must be a string literal, found `name`"))).toBe(true);
    expect(e.some((x) => x.startsWith("app/router.ts:15:17: error[NOT_STATIC]: pipeline name must be a string literal, found `name`"))).toBe(true);
  });

  it("refuses an array that is neither a list of names nor a [plug, options] pair", () => {
    expect(find("NOT_STATIC").some((x) => x.startsWith("app/router.ts:14:17: error[NOT_STATIC]: a plug with options is written [plug, options], found `[echo]`"))).toBe(true);
  });

  it("refuses a helper name on a route to a plug, and accepts as: false", () => {
    expect(find("INVALID_OPTION")).toEqual([
      "app/router.ts:16:38: error[INVALID_OPTION]: a route to the plug SomePlug has no helper: a helper's first argument is an action\n" +
        "  hint: drop as (or write as: false); to build its path, route it to a controller action instead",
    ]);
  });

  it("reads an object without call as a controller, whose action must be a literal", () => {
    expect(a.errors.some((x) => x.startsWith("app/router.ts:18:33: error[NOT_STATIC]: action must be a string literal, found `{ opts: 1 }`"))).toBe(true);
  });

  it("reports nothing else", () => {
    expect(a.errors).toHaveLength(8);
  });
});
