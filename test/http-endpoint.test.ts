// The endpoint over a real socket (port 0) with the demo app's generated router and templates,
// plus ConnTest dispatching the same endpoint without a socket.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineEndpoint, halt, methodOverride, parsers, text, type Conn, type Endpoint } from "fawkes";
import { get, htmlResponse, jsonResponse, redirectedTo, textResponse } from "fawkes/testing";
import * as router from "../fixtures/demo/.fawkes/router.gen.js";
import { templates } from "../fixtures/demo/.fawkes/templates.gen.js";
import { redirect } from "../runtime/http/controller.js";

const logged: string[] = [];
// "/slow" waits until the test releases it: an in-flight request under our control.
let entered: () => void = () => {};
let release: () => void = () => {};
// Endpoint plugs that misbehave on purpose, on paths no route has.
function faults(conn: Conn): Conn | Promise<Conn> {
  switch (conn.requestPath) {
    case "/boom":
      throw new Error("boom in a plug");
    case "/not-a-conn":
      return { nope: true } as unknown as Conn;
    case "/halted":
      return halt(text(conn, "halted early\n"));
    case "/halted-empty":
      return halt(conn);
    case "/async":
      return Promise.resolve(text(conn, "async plug\n")).then(halt);
    case "/slow":
      return new Promise((resolve) => {
        release = () => resolve(halt(text(conn, "slow\n")));
        entered();
      });
    case "/go":
      return halt(redirect(conn, { to: "/users/1" }));
    case "/go-far":
      return halt(redirect(conn, { to: "//evil.example.com" }));
    default:
      return conn;
  }
}

const makeEndpoint = () =>
  defineEndpoint({ router, views: { templates }, plugs: [faults, parsers, methodOverride], config: { logger: (m) => void logged.push(m), debugErrors: false } });

describe("endpoint over a real socket", () => {
  let endpoint: Endpoint;
  let base: string;
  beforeAll(async () => {
    endpoint = makeEndpoint();
    const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => endpoint.stop());

  it("renders a page through the pipeline's root and app layouts", async () => {
    const res = await fetch(`${base}/users/42`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const body = await res.text();
    expect(body).toContain("<title>&lt;Tom&gt;</title>");
    expect(body).toMatch(/<main>\n<div id="flash-group" class="flash-group">\n<\/div>\n<header class="header header-with-actions">\n  <div>\n    <h1>&lt;Tom&gt;<\/h1>/);
    expect(body).toContain('<a href="/users/42/posts">Posts</a>');
  });

  it("serves JSON, path params merged into params", async () => {
    const res = await fetch(`${base}/users/7/posts/3?sort=asc`);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = (await res.json()) as { params: Record<string, string> };
    expect(body.params).toMatchObject({ user_id: "7", id: "3" });
  });

  it("answers 404 for no route, 400 for malformed percent-encoding", async () => {
    const miss = await fetch(`${base}/nowhere`);
    expect(miss.status).toBe(404);
    // The app renders its own error/404.html template.
    expect(await miss.text()).toContain("Sorry, the page you are looking for does not exist.");
    const json = await fetch(`${base}/nowhere`, { headers: { accept: "application/json" } });
    expect(await json.json()).toEqual({ errors: { detail: "Not Found" } });
    expect((await fetch(`${base}/users/%zz`)).status).toBe(400);
  });

  it("answers HEAD like GET without a body", async () => {
    const res = await fetch(`${base}/users/42`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get("content-length"))).toBeGreaterThan(100);
    expect(await res.text()).toBe("");
  });

  it("turns a throw into a logged 500 and keeps serving", async () => {
    const res = await fetch(`${base}/boom`);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("Internal Server Error");
    expect(logged.some((m) => m.includes("GET /boom failed"))).toBe(true);
    expect((await fetch(`${base}/about`)).status).toBe(200);
  });

  it("a plug returning something that is not a Conn is a 500 naming the plug", async () => {
    const conn = await get(endpoint, "/not-a-conn");
    expect(conn.status).toBe(500);
    const debug = defineEndpoint({ router, views: { templates }, plugs: [faults], config: { debugErrors: true, logger: () => {} } });
    const page = htmlResponse(await get(debug, "/not-a-conn"), 500);
    expect(page).toContain("expected plug faults to return a Conn, got: an object with keys [nope]");
  });

  it("halt stops the chain; a halted conn without a response is an error naming where", async () => {
    expect(await (await fetch(`${base}/halted`)).text()).toBe("halted early\n");
    const debug = defineEndpoint({ router, views: { templates }, plugs: [faults], config: { debugErrors: true, logger: () => {} } });
    expect(htmlResponse(await get(debug, "/halted-empty"), 500)).toContain("the conn was halted without a response; set one in an endpoint plug");
  });

  it("runs async plugs", async () => {
    expect(await (await fetch(`${base}/async`)).text()).toBe("async plug\n");
  });

  it("forwards keep the prefix in the script name", async () => {
    expect(await (await fetch(`${base}/admin/reports/1`)).text()).toBe("admin (staff): /admin /admin/reports/1\n");
  });

  it("stops gracefully: an in-flight request finishes, new connections are refused", async () => {
    const own = makeEndpoint();
    const { port } = await own.start({ port: 0, host: "127.0.0.1" });
    const inside = new Promise<void>((r) => (entered = r));
    const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
    await inside;
    const stopped = own.stop();
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("slow\n");
    await stopped;
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});

describe("sessions, CSRF and flash over a real socket", () => {
  let endpoint: Endpoint;
  let base: string;
  beforeAll(async () => {
    endpoint = makeEndpoint();
    const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => endpoint.stop());

  const cookieOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

  it("a form with a masked CSRF token posts, sets a flash and redirects; the flash shows once", async () => {
    const page = await fetch(`${base}/users/new`);
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const cookie = cookieOf(page);
    expect(cookie).toMatch(/^_demo_key=/);
    const token = /name="_csrf_token" value="([^"]+)"/.exec(await page.text())![1];
    expect(token).toHaveLength(56);

    const posted = await fetch(`${base}/users`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: form({ _csrf_token: token, "user[name]": "Ada & Lin" }),
    });
    expect(posted.status).toBe(302);
    expect(posted.headers.get("location")).toBe("/users/1");
    const withFlash = cookieOf(posted);

    const shown = await fetch(`${base}/users/1`, { headers: { cookie: withFlash } });
    expect(await shown.text()).toContain('<div id="flash-info" class="flash flash-info" role="status">Welcome, Ada &amp; Lin!</div>');
    const again = await fetch(`${base}/users/1`, { headers: { cookie: cookieOf(shown) || withFlash } });
    expect(await again.text()).not.toContain("Welcome, Ada");
  });

  it("refuses an unsafe method without a valid token (403), and a tampered cookie is an empty session", async () => {
    const page = await fetch(`${base}/users/new`);
    const cookie = cookieOf(page);
    const token = /name="_csrf_token" value="([^"]+)"/.exec(await page.text())![1];
    const headers = { "content-type": "application/x-www-form-urlencoded" };
    expect((await fetch(`${base}/users`, { method: "POST", headers: { ...headers, cookie }, body: form({ "user[name]": "x" }) })).status).toBe(403);
    const tampered = cookie.slice(0, -2) + (cookie.endsWith("A") ? "BB" : "AA");
    const res = await fetch(`${base}/users`, { method: "POST", redirect: "manual", headers: { ...headers, cookie: tampered }, body: form({ _csrf_token: token }) });
    expect(res.status).toBe(403);
    expect((await fetch(`${base}/users/new`, { headers: { cookie: "_demo_key=garbage!!" } })).status).toBe(200);
  });

  it("method override: a POST with _method=PUT reaches the update action (CSRF still checked)", async () => {
    const page = await fetch(`${base}/users/new`);
    const cookie = cookieOf(page);
    const token = /name="_csrf_token" value="([^"]+)"/.exec(await page.text())![1];
    const res = await fetch(`${base}/users/1`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: form({ _method: "PUT", _csrf_token: token }),
    });
    expect(await res.text()).toBe("updated\n");
  });

  it("bad bodies get their status and the server goes on: invalid JSON 400, unsupported type 415", async () => {
    expect((await fetch(`${base}/api/v1/items`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" })).status).toBe(400);
    const refused = await fetch(`${base}/api/v1/items`, { method: "POST", headers: { "content-type": "text/csv" }, body: "a,b" });
    expect(refused.status).toBe(415);
    expect(refused.headers.get("connection")).toBe("close");
    expect((await fetch(`${base}/api/v1/items`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(201);
  });
});

describe("ConnTest (no socket)", () => {
  const endpoint = makeEndpoint();

  it("dispatches and asserts on HTML, JSON and text responses", async () => {
    expect(htmlResponse(await get(endpoint, "/"), 200)).toContain("<h1>Welcome to Fawkes</h1>");
    expect(jsonResponse(await get(endpoint, "/api/v1/items/1"), 200)).toEqual({ data: { id: 1, name: "teapot" } });
    expect(textResponse(await get(endpoint, "/about"), 200)).toBe("Fawkes: Phoenix for TypeScript, compiled.\n");
  });

  it("reports a wrong status with the body, as Phoenix does", async () => {
    const conn = await get(endpoint, "/api/v1/items/9");
    expect(() => jsonResponse(conn, 200)).toThrow(/expected response with status 200, got: 404, with body:\n\{"errors"/);
  });

  it("redirects only to local paths unless external is asked for", async () => {
    expect(redirectedTo(await get(endpoint, "/go"))).toBe("/users/1");
    expect((await get(endpoint, "/go-far")).status).toBe(500);
  });
});
