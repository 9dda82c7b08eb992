// Controller-level behaviour through a compiled app: controller plugs (only/except), the action
// fallback for non-Conn results, and the error naming an action that returns nothing useful.

import { beforeAll, describe, expect, it } from "vitest";
import { defineEndpoint, type Endpoint } from "fawkes";
import { get, htmlResponse, jsonResponse, textResponse } from "fawkes/testing";
import { buildApp, routerSource } from "./support/app.js";

const CONTROLLER = `import { json, render, text, putStatus, halt, type Conn, type ControllerPlug } from "fawkes";

function requireUser(conn: Conn): Conn {
  if (conn.params.user === "boom") throw new Error("boom in requireUser");
  if (conn.params.user !== "ok") return halt(text(putStatus(conn, 401), "login first\\n"));
  conn.assigns.user = "ok";
  return conn;
}

export const plugs: ControllerPlug[] = [{ plug: requireUser, except: ["open", "boom"] }];

export const open = (conn: Conn) => text(conn, "open\\n");
export const boom = (conn: Conn) => render(conn, "boom.html", {});
export const secret = (conn: Conn) => text(conn, "secret for " + String(conn.assigns.user) + "\\n");
export const missing = (_conn: Conn) => ({ error: "not_found" }) as unknown as Conn;
export const nothing = (_conn: Conn) => undefined as unknown as Conn;

/** Phoenix's action_fallback: turns { error } results into responses. */
export function actionFallback(conn: Conn, result: unknown): Conn {
  if ((result as { error?: string })?.error === "not_found") return json(putStatus(conn, 404), { errors: { detail: "Not Found" } });
  return text(putStatus(conn, 500), "unexpected result\\n");
}
`;

describe("controller plugs and action fallback", () => {
  let endpoint: Endpoint;
  let debug: Endpoint;
  beforeAll(async () => {
    const app = await buildApp({
      "app/templates/thing/boom.html.eta": "<p>\n<%= it.nope.deep %>\n</p>\n",
      "app/router.ts": routerSource(["ThingController"], `  r.get("/boom", ThingController, "boom");\n  r.get("/open", ThingController, "open");\n  r.get("/secret", ThingController, "secret");\n  r.get("/missing", ThingController, "missing");\n  r.get("/nothing", ThingController, "nothing");`),
      "app/controllers/thing-controller.ts": CONTROLLER,
    });
    expect(app.errors).toEqual([]);
    const router = await import(`${app.root}/.fawkes/router.gen.ts`);
    const { templates } = await import(`${app.root}/.fawkes/templates.gen.ts`);
    endpoint = defineEndpoint({ router, views: { templates }, config: { logger: () => {} } });
    debug = defineEndpoint({ router, views: { templates }, config: { logger: () => {}, debugErrors: true } });
  });

  it("controller plugs run before the action, except where excluded, and can halt", async () => {
    expect(textResponse(await get(endpoint, "/open"), 200)).toBe("open\n");
    expect(textResponse(await get(endpoint, "/secret"), 401)).toBe("login first\n");
    expect(textResponse(await get(endpoint, "/secret?user=ok"), 200)).toBe("secret for ok\n");
  });

  it("the action fallback answers results that are not a Conn", async () => {
    expect(jsonResponse(await get(endpoint, "/missing?user=ok"), 404)).toEqual({ errors: { detail: "Not Found" } });
    expect(textResponse(await get(endpoint, "/nothing?user=ok"), 500)).toBe("unexpected result\n");
  });

  it("the debug page names the route's router line and the template line of a throw", async () => {
    const page = htmlResponse(await get(debug, "/boom"), 500);
    expect(page).toContain("TemplateError: app/templates/thing/boom.html.eta:2: Cannot read properties of undefined");
    expect(page).toMatch(/Route: GET \/boom → ThingController\.boom \(app\/router\.ts:\d+:\d+\)/);
    expect(page).toContain("Template: app/templates/thing/boom.html.eta:2");
    expect(htmlResponse(await get(endpoint, "/boom"), 500)).not.toContain("boom.html.eta");
  });

  it("a throw in a controller plug is a 500 that names it in the debug page", async () => {
    const page = htmlResponse(await get(debug, "/secret?user=boom"), 500);
    expect(page).toContain("Error: boom in requireUser");
  });
});
