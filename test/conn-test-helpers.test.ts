// fawkes/testing's ConnTest as Phoenix.ConnTest: requests skip CSRF protection (build_conn's
// plug_skip_csrf_protection) unless a test opts back in, assertErrorSent expects the endpoint's
// error answer, redirectedParams matches a redirect's location against the router. Run against
// the demo app, whose browser pipeline has protectFromForgery.

import { beforeAll, describe, expect, it } from "vitest";
import { defineEndpoint, type Endpoint } from "fawkes";
import { assertErrorSent, get, htmlResponse, post, recycleCookies, redirectedParams, redirectedTo } from "fawkes/testing";
import * as router from "../fixtures/demo/.fawkes/router.gen.js";
import { templates } from "../fixtures/demo/.fawkes/templates.gen.js";

let endpoint: Endpoint;
beforeAll(() => {
  endpoint = defineEndpoint({ router, views: { templates }, config: { logger: () => {}, url: { path: "/app" } } });
});

describe("CSRF in ConnTest", () => {
  it("a test posts to a browser route with params and no token", async () => {
    const conn = await post(endpoint, "/users", { params: { user: { name: "Ada" } } });
    expect(redirectedTo(conn)).toBe("/users/1");
    const page = htmlResponse(await get(endpoint, "/users/1", { cookies: recycleCookies(conn) }), "ok");
    expect(page).toContain("Welcome, Ada!");
  });

  it("csrfProtection: true checks the token as for a browser: none is a 403", async () => {
    await assertErrorSent("forbidden", () => post(endpoint, "/users", { params: { user: { name: "Eve" } }, csrfProtection: true }));
  });

  it("only test conns skip it: a request built another way is still checked", async () => {
    const { Conn } = await import("fawkes");
    const conn = new Conn({ method: "POST", url: "/users", headers: { host: "www.example.com" } });
    conn.bodyParams = {};
    expect((await endpoint.call(conn)).status).toBe(403);
  });
});

describe("assertErrorSent", () => {
  it("returns the error response: status, headers and body", async () => {
    const sent = await assertErrorSent("not_found", () => get(endpoint, "/nowhere"));
    expect(sent.status).toBe(404);
    expect(sent.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(sent.body).toContain("Sorry, the page you are looking for does not exist.");
    expect((await assertErrorSent(404, () => get(endpoint, "/nowhere", { headers: { accept: "application/json" } }))).body).toBe('{"errors":{"detail":"Not Found"}}');
  });

  it("fails for a status the action set itself, naming what was sent", async () => {
    // The demo's show answers an unknown user with text(putStatus(conn, 404)): not an error.
    await expect(assertErrorSent(404, () => get(endpoint, "/users/999"))).rejects.toThrow("expected error to be sent as 404 status, but response sent 404 without error");
    await expect(assertErrorSent(404, () => get(endpoint, "/about"))).rejects.toThrow("expected error to be sent as 404 status, but response sent 200 without error");
  });

  it("fails for an error of another status, naming the error", async () => {
    await expect(assertErrorSent("internal_server_error", () => get(endpoint, "/nowhere"))).rejects.toThrow("expected error to be sent as 500 status, but got 404 from:\n\nno route found for GET /nowhere");
    await expect(assertErrorSent(400, () => post(endpoint, "/users", { csrfProtection: true }))).rejects.toThrow(
      /^expected error to be sent as 400 status, but got 403 from:\n\n\*\* \(InvalidCsrfTokenError\) invalid CSRF/,
    );
  });

  it("fails for a function that throws instead of answering", async () => {
    await expect(
      assertErrorSent(500, () => {
        throw new TypeError("not a request");
      }),
    ).rejects.toThrow("expected error to be sent as 500 status, but got an error with no response from:\n\n** (TypeError) not a request");
  });
});

describe("redirectedParams", () => {
  it("gives the params of the route the redirect points to, without the url path prefix", async () => {
    const conn = await post(endpoint, "/users", { params: { user: { name: "Ada" } } });
    expect(redirectedParams(conn)).toEqual({ id: "1" });
    // A location under the endpoint's url path (config url.path "/app"), as endpoint.path() builds it.
    expect(redirectedParams(await get(endpoint, `/continue?return_to=${endpoint.path("/users/5/posts/6")}`))).toEqual({ user_id: "5", id: "6" });
  });

  it("checks the status, and that some route matches the location", async () => {
    const conn = await post(endpoint, "/users", { params: {} });
    expect(() => redirectedParams(conn, 303)).toThrow(/expected response with status 303, got: 302/);
    const nowhere = await get(endpoint, "/continue?return_to=/nowhere/at/all");
    expect(() => redirectedParams(nowhere)).toThrow('redirectedParams: no route found for GET /nowhere/at/all (the redirect\'s location "/nowhere/at/all")');
  });
});
