// The debug page's stack maps frames in generated code (.fawkes/*.gen.ts) to the router or
// template line they came from, read from the generated files' origin comments (runtime/http/stack.ts):
// from the .gen.ts files directly, and from an esbuild bundle run with --enable-source-maps.

import { build } from "esbuild";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineEndpoint, type Endpoint } from "fawkes";
import { get, htmlResponse } from "fawkes/testing";
import { mapStack, originAt } from "../runtime/http/stack.js";
import { buildApp, routerSource, TMP, type BuiltApp } from "./support/app.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A generated file in a fresh temporary `.fawkes/` folder; returns its path. */
function genFile(name: string, text: string): string {
  mkdirSync(TMP, { recursive: true });
  const dir = mkdtempSync(join(TMP, "stack-"));
  dirs.push(dir);
  mkdirSync(join(dir, ".fawkes"));
  const file = join(dir, ".fawkes", name);
  writeFileSync(file, text);
  return file;
}

// Shaped like the compiler's output (fixtures/demo/.fawkes): line numbers matter below.
const TEMPLATES = `// templates.gen.ts — GENERATED
import { templateError as __error } from "fawkes";

// app/templates/user/show.html.eta
function t_user_show_html(it: any): string {
  let __res = "";
  let __line = 1;
  try {
    __line = 3;
    __res += '<h1>' + __e(it.user.name) + '</h1>';  // app/templates/user/show.html.eta:3
    __line = 4;
    __res += __e(it.user.email);  // app/templates/user/show.html.eta:4
    __res += '</p>';
  } catch (error) {
    throw __error(error, "app/templates/user/show.html.eta", __line);
  }
  return __res;
}
`;

const DISPATCH = `export const dispatch = [
  // app/router.ts:29  GET / -> PageController.home  [browser]
  { route: routes[0], handler: PageController.home },
  // app/router.ts:31  GET /users/:id -> UserController.show  [browser]
  { route: routes[1], handler: UserController.show },
];
`;

const HELPERS = `function user$(helper: string, action: string, a0?: unknown): string {
  switch (action) {
    case "index":  // GET /users  app/router.ts:31
      return "/users";
    case "show":  // GET /users/:id  app/router.ts:32
      return "/users/" + $segment(a0 as ParamValue, "userPath :id");
    default: throw $unknownAction(helper, action, ["index","show"]);
  }
}
`;

describe("mapStack", () => {
  it("maps frames in a generated file to the origin comment on or above their line", () => {
    const file = genFile("templates.gen.ts", TEMPLATES);
    const stack = [
      "TypeError: Cannot read properties of undefined (reading 'email')",
      `    at t_user_show_html (${file}:12:22)`,
      `    at ${pathToFileURL(file).href}:10:5`,
      `    at renderView (/srv/app/node_modules/fawkes/dist/runtime/views/render.js:60:18)`,
      `    at async show (${file}:13:1)`,
    ].join("\n");
    expect(mapStack(stack).map((l) => l.origin)).toEqual([
      null,
      "app/templates/user/show.html.eta:4",
      "app/templates/user/show.html.eta:3",
      null,
      // A line without its own comment, under a commented sibling: no origin is invented.
      null,
    ]);
    expect(mapStack(stack).map((l) => l.text)).toEqual(stack.split("\n"));
  });

  it("a comment line above an entry names it; a block opener names the lines inside it", () => {
    const dispatch = genFile("dispatch.gen.ts", DISPATCH);
    const helpers = genFile("helpers.gen.ts", HELPERS);
    const stack = `Error: x\n    at Object.<anonymous> (${dispatch}:5:3)\n    at user$ (${helpers}:6:27)\n    at user$ (${helpers}:4:7)`;
    expect(mapStack(stack).map((l) => l.origin)).toEqual([null, "app/router.ts:31", "app/router.ts:32", "app/router.ts:31"]);
  });

  it("stops at the enclosing block or a blank line instead of borrowing a neighbour's origin", () => {
    const templates = TEMPLATES.split("\n");
    // `throw __error(...)` in the catch block: its opener `} catch (error) {` names nothing.
    expect(originAt(templates, templates.findIndex((l) => l.includes("throw __error")))).toBeNull();
    // The function's first line sits under a blank line and a header without a line number.
    expect(originAt(templates, templates.findIndex((l) => l.startsWith("function")))).toBeNull();
    const helpers = HELPERS.split("\n");
    // `default:` belongs to no route although `case "show":` above it names one.
    expect(originAt(helpers, helpers.findIndex((l) => l.includes("default:")))).toBeNull();
    expect(originAt(helpers, 999)).toBeNull();
  });

  it("leaves frames in other files, missing generated files and non-frame lines untouched", () => {
    const missing = join(TMP, "no-such-dir", ".fawkes", "templates.gen.ts");
    const stack = [
      "Error: at /x/.fawkes/templates.gen.ts:1:1 in the message",
      `    at show (${resolve("app/controllers/user-controller.ts")}:3:9)`,
      `    at t_user_show_html (${missing}:12:22)`,
      "    at async Promise.all (index 0)",
    ].join("\n");
    expect(() => mapStack(stack)).not.toThrow();
    expect(mapStack(stack)).toEqual(stack.split("\n").map((text) => ({ text, origin: null })));
  });

  it("rereads a generated file that was regenerated since it was cached", () => {
    const file = genFile("templates.gen.ts", TEMPLATES);
    const frame = `Error: x\n    at t (${file}:12:5)`;
    expect(mapStack(frame)[1].origin).toBe("app/templates/user/show.html.eta:4");
    writeFileSync(file, TEMPLATES.replace(/show\.html\.eta:4/, "show.html.eta:40"));
    expect(mapStack(frame)[1].origin).toBe("app/templates/user/show.html.eta:40");
  });
});

const ROUTER_BODY = [
  `  r.get("/boom", ThingController, "boom");`,
  `  r.get("/helper", ThingController, "helper");`,
  `  r.get("/things/:id", ThingController, "show");`,
  `  r.get("/link", ThingController, "link");`,
  `  r.get("/ctl", ThingController, "ctl");`,
].join("\n");

const CONTROLLER = `import { render, text, type Conn } from "fawkes";
import { Routes } from "../../.fawkes/helpers.gen.js";

function explode(): string {
  throw new Error("exploded in a helper");
}

export const boom = (conn: Conn) => render(conn, "boom.html", {});
export const helper = (conn: Conn) => render(conn, "helper.html", { explode });
export const show = (conn: Conn) => text(conn, "thing\\n");
// thingPath("show") without the id: the generated helper throws.
export const link = (conn: Conn) => text(conn, (Routes.thingPath as (a: string) => string)("show"));
export const ctl = (_conn: Conn): Conn => {
  throw new Error("exploded in a controller");
};
`;

const APP = {
  "app/router.ts": routerSource(["ThingController"], ROUTER_BODY),
  "app/controllers/thing-controller.ts": CONTROLLER,
  "app/templates/thing/boom.html.eta": "<p>\n<%= it.nope.deep %>\n</p>\n",
  "app/templates/thing/helper.html.eta": "<h1>Helper</h1>\n<p>\n<%= it.explode() %>\n</p>\n",
};

/** The line of app/router.ts that declares `path`. */
const routerLine = (path: string) => APP["app/router.ts"].split("\n").findIndex((l) => l.includes(`"${path}"`)) + 1;

describe("the debug page maps generated frames (app run from the .gen.ts files)", () => {
  let app: BuiltApp;
  let debug: Endpoint;
  let prod: Endpoint;
  beforeAll(async () => {
    app = await buildApp(APP, "debug-stack");
    expect(app.errors).toEqual([]);
    const router = await import(`${app.root}/.fawkes/router.gen.ts`);
    const { templates } = await import(`${app.root}/.fawkes/templates.gen.ts`);
    debug = defineEndpoint({ router, views: { templates }, config: { logger: () => {}, debugErrors: true } });
    prod = defineEndpoint({ router, views: { templates }, config: { logger: () => {}, debugErrors: false } });
  });

  it("a function called from a template: the template's frame names the template line", async () => {
    const page = htmlResponse(await get(debug, "/helper"), 500);
    expect(page).toContain("Template: app/templates/thing/helper.html.eta:3");
    // The TemplateError's cause holds the frame of the line that threw.
    expect(page).toContain("Caused by: Error: exploded in a helper");
    expect(page).toMatch(/at t_thing_helper_html \([^)]*\.fawkes\/templates\/thing\/helper\.html\.gen\.ts:\d+:\d+\) {2}<span class="origin">→ app\/templates\/thing\/helper\.html\.eta:3<\/span>/);
    // The helper's own frame is app code, not generated: left as it is.
    expect(page).toMatch(/at (?:Object\.)?explode \([^)]*thing-controller\.ts:\d+:\d+\)\n/);
  });

  it("a throw in the template's own code names its line; route and template lines stay", async () => {
    const page = htmlResponse(await get(debug, "/boom"), 500);
    expect(page).toContain("TemplateError: app/templates/thing/boom.html.eta:2: Cannot read properties of undefined");
    expect(page).toMatch(/Route: GET \/boom → ThingController\.boom \(app\/router\.ts:\d+:\d+\)/);
    expect(page).toMatch(/templates\/thing\/boom\.html\.gen\.ts:\d+:\d+\) {2}<span class="origin">→ app\/templates\/thing\/boom\.html\.eta:2<\/span>/);
  });

  it("a throw in a generated route helper called by a controller names the route's router line", async () => {
    const page = htmlResponse(await get(debug, "/link"), 500);
    expect(page).toMatch(new RegExp(`helpers\\.gen\\.ts:\\d+:\\d+\\) {2}<span class="origin">→ app/router\\.ts:${routerLine("/things/:id")}</span>`));
  });

  it("a controller throw: no generated frame on the stack (the runtime calls the action), the Route line names the router", async () => {
    const page = htmlResponse(await get(debug, "/ctl"), 500);
    expect(page).toContain("Error: exploded in a controller");
    expect(page).toContain(`Route: GET /ctl → ThingController.ctl (app/router.ts:${routerLine("/ctl")}:`);
    expect(page).not.toContain(".gen.ts:");
    expect(page).not.toContain('class="origin"');
  });

  it("production mode shows neither the stack nor its mapping", async () => {
    for (const path of ["/helper", "/boom", "/link", "/ctl"]) {
      const page = htmlResponse(await get(prod, path), 500);
      expect(page).toBe("<!DOCTYPE html><html><head><title>Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>\n");
    }
  });
});

describe("the debug page maps generated frames (esbuild bundle)", () => {
  /** Bundles a server for the built app with a linked source map; returns the bundle's path. */
  async function bundle(root: string): Promise<string> {
    writeFileSync(
      join(root, "server.ts"),
      `import { defineEndpoint } from "fawkes";
import * as router from "./.fawkes/router.gen.js";
import { templates } from "./.fawkes/templates.gen.js";
const endpoint = defineEndpoint({ router, views: { templates }, config: { logger: () => {}, debugErrors: true } });
const { url } = await endpoint.start({ port: 0, host: "127.0.0.1" });
console.log("listening on " + url);
`,
    );
    const outfile = join(root, "out", "server.mjs");
    await build({
      absWorkingDir: root,
      entryPoints: ["server.ts"],
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      alias: { fawkes: resolve(import.meta.dirname, "../runtime/index.ts") },
      sourcemap: true,
      outfile,
      logLevel: "silent",
    });
    return outfile;
  }

  /** Runs the bundle with `flags`, fetches `path`, returns the page. */
  async function pageFrom(file: string, flags: string[], path: string): Promise<string> {
    const child = spawn(process.execPath, [...flags, file], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      let out = "";
      const url = await new Promise<string>((res, rej) => {
        child.stdout.on("data", (d: Buffer) => {
          out += d;
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) res(m[1]);
        });
        child.once("exit", (code) => rej(new Error(`server exited (${code}): ${out}`)));
      });
      const res = await fetch(url + path);
      expect(res.status).toBe(500);
      return await res.text();
    } finally {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    }
  }

  it("with --enable-source-maps the bundle's frames name the .gen.ts files, mapped to the template", async () => {
    const app = await buildApp(APP, "debug-stack-bundle");
    expect(app.errors).toEqual([]);
    const file = await bundle(app.root);
    const mapped = await pageFrom(file, ["--enable-source-maps"], "/helper");
    expect(mapped).toMatch(/templates\/thing\/helper\.html\.gen\.ts:\d+:\d+\) {2}<span class="origin">→ app\/templates\/thing\/helper\.html\.eta:3<\/span>/);
    // Without source maps the frames name the bundle: nothing to map, nothing made up.
    const raw = await pageFrom(file, [], "/helper");
    expect(raw).toContain("server.mjs:");
    expect(raw).not.toContain('class="origin"');
  });
});
