// Errors answer in the format of the pipeline they belong to: under a scope whose pipeline
// accepts only JSON (Phoenix's `plug :accepts, ["json"]`), a 404, a 406 and a malformed body's
// 400 are JSON whatever the Accept header says, through the app's JSON error view when it has
// one (Phoenix's ErrorJSON). See runtime/http/_error-format.ts for the rule.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineEndpoint, parsers, type Endpoint, type RouterModules } from "fawkes";
import { get, jsonResponse, htmlResponse, dispatch } from "fawkes/testing";
import { buildApp, routerSource } from "./support/app.js";

const CONTROLLER = `import { json, text, type Conn } from "fawkes";
export const show = (conn: Conn) => json(conn, { ok: true });
export const create = (conn: Conn) => json(conn, { got: conn.bodyParams });
export const page = (conn: Conn) => text(conn, "page\\n");
export const missing = (_conn: Conn): Conn => { throw Object.assign(new Error("no such item"), { status: 404 }); };
`;

const ROUTER = routerSource(
  ["ThingController"],
  `  r.pipeline("browser", (p) => { p.plug(acceptsFormats, ["html"]); });
  r.pipeline("api", (p) => { p.plug(acceptsFormats, ["json"]); });
  r.pipeline("both", (p) => { p.plug(acceptsFormats, ["html", "json"]); });
  r.scope("/", () => {
    r.pipeThrough("browser");
    r.get("/page", ThingController, "page");
  });
  r.scope("/api/v1", () => {
    r.pipeThrough("api");
    r.get("/status", ThingController, "show");
    r.post("/items", ThingController, "create");
    r.get("/items/:id", ThingController, "missing");
  });
  r.scope("/both", () => {
    r.pipeThrough("both");
    r.get("/status", ThingController, "show", { as: "both" });
  });`,
).replace('import { defineRouter } from "fawkes";', 'import { acceptsFormats, defineRouter } from "fawkes";');

const NOT_FOUND = { errors: { detail: "Not Found" } };
let router: RouterModules;
let endpoint: Endpoint;
let base: string;
beforeAll(async () => {
  const app = await buildApp({ "app/router.ts": ROUTER, "app/controllers/thing-controller.ts": CONTROLLER });
  expect(app.errors).toEqual([]);
  router = await import(`${app.root}/.fawkes/router.gen.ts`);
  endpoint = defineEndpoint({ router, plugs: [parsers], config: { logger: () => {} } });
  base = (await endpoint.start({ port: 0, host: "127.0.0.1" })).url;
});
afterAll(() => endpoint.stop());

const html = { headers: { accept: "text/html" } };
const any = { headers: { accept: "*/*" } };

describe("under a JSON-only pipeline", () => {
  it("a 404 for a path no route has is JSON, for */* and for text/html", async () => {
    expect(jsonResponse(await get(endpoint, "/api/v1/nope", any), 404)).toEqual(NOT_FOUND);
    expect(jsonResponse(await get(endpoint, "/api/v1/nope/deeper", html), 404)).toEqual(NOT_FOUND);
    expect(jsonResponse(await get(endpoint, "/api/v2", html), 404)).toEqual(NOT_FOUND);
  });

  it("a wrong method is a JSON 404 too", async () => {
    expect(jsonResponse(await dispatch(endpoint, "DELETE", "/api/v1/status", html), 404)).toEqual(NOT_FOUND);
  });

  it("a 406 from the pipeline's acceptsFormats is answered in JSON", async () => {
    const conn = await get(endpoint, "/api/v1/status", html);
    expect(jsonResponse(conn, 406)).toEqual({ errors: { detail: "Not Acceptable" } });
    expect(conn.respHeaders["x-content-type-options"]).toBe("nosniff");
  });

  it("an error the action throws is JSON", async () => {
    expect(jsonResponse(await get(endpoint, "/api/v1/items/1", any), 404)).toEqual(NOT_FOUND);
  });

  it("a malformed JSON body (a 400 from the endpoint's parsers, before routing) is JSON", async () => {
    const res = await fetch(`${base}/api/v1/items`, { method: "POST", headers: { "content-type": "application/json", accept: "text/html" }, body: '{"name": ' });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toEqual({ errors: { detail: "Bad Request" } });
    const ok = await fetch(`${base}/api/v1/items`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":"x"}' });
    expect(await ok.json()).toEqual({ got: { name: "x" } });
  });
});

describe("elsewhere", () => {
  it("an HTML pipeline's scope answers HTML, a client asking for JSON only outside any scope gets JSON", async () => {
    expect(htmlResponse(await get(endpoint, "/page/nope", { headers: { accept: "application/json" } }), 404)).toContain("<h1>Not Found</h1>");
    expect(htmlResponse(await get(endpoint, "/nowhere", any), 404)).toContain("<h1>Not Found</h1>");
    expect(jsonResponse(await get(endpoint, "/nowhere", { headers: { accept: "application/json" } }), 404)).toEqual(NOT_FOUND);
  });

  it("a pipeline accepting html and json negotiates among them, html first", async () => {
    expect(htmlResponse(await get(endpoint, "/both/nope", any), 404)).toContain("Not Found");
    expect(jsonResponse(await get(endpoint, "/both/nope", { headers: { accept: "application/json" } }), 404)).toEqual(NOT_FOUND);
    // Nothing acceptable: the pipeline's first format.
    expect(htmlResponse(await get(endpoint, "/both/status", { headers: { accept: "image/png" } }), 406)).toContain("Not Acceptable");
  });
});

describe("the app's JSON error view", () => {
  it("overrides the built-in body; one that throws falls back to it", async () => {
    const templates = {};
    const own = defineEndpoint({
      router,
      views: { templates, functions: { error: { "404.json": (a: { status: number; reason: string }) => ({ error: { code: a.status, message: a.reason.toLowerCase() } }), "406.json": () => { throw new Error("broken view"); } } } },
      config: { logger: () => {} },
    });
    expect(jsonResponse(await get(own, "/api/v1/nope", html), "not_found")).toEqual({ error: { code: 404, message: "not found" } });
    expect(jsonResponse(await get(own, "/api/v1/status", html), 406)).toEqual({ errors: { detail: "Not Acceptable" } });
  });
});
