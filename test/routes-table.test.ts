// `fawkes routes --json` and `--info` (compiler/cli/routes-table.ts) on a built app: what the
// CLI prints is computed from the IR by these functions; the CLI itself is tested in
// cli.test.ts and built-package.test.ts. Then the socket lines: the endpoint found from the
// server entry (compiler/router/sockets.ts), its sockets with the runtime's defaults.

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { defineEndpoint, defineSocket, socket, type SocketOptions } from "fawkes";
import { formatRouteInfo, formatRoutes, routesJson } from "../compiler/cli/routes-table.js";
import { readRouteTable } from "../compiler/router/routes.js";
import { buildApp, controller, TMP, type BuiltApp } from "./support/app.js";

// A build makes a program: on a busy machine the first one takes well over the default 30 s.
const SLOW = 600_000;

describe("routes --json: module", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp({
      "app/router.ts": `import { defineRouter } from "fawkes";
import * as Api from "./controllers/api/index.js";
import { StatusController } from "./controllers/api/index.js";
import * as PageController from "./controllers/page-controller.js";
import { LocalController } from "./controllers/local.js";

export default defineRouter((r) => {
  r.get("/items", Api.ItemController, "index");
  r.get("/status", Api.StatusController, "show");
  r.get("/status2", StatusController, "show", { as: "status2" });
  r.get("/local", Api.LocalController, "index");
  r.get("/", PageController, "index");
  r.get("/named", LocalController, "index", { as: "named" });
});
`,
      "app/controllers/api/index.ts": `export * as ItemController from "./item-controller.js";
export { StatusController } from "./status.js";
import type { Conn } from "fawkes";
export const LocalController = { index: (conn: Conn) => conn };
`,
      "app/controllers/api/item-controller.ts": controller(["index"]),
      "app/controllers/api/status.ts": `import type { Conn } from "fawkes";\nexport const StatusController = { show: (conn: Conn) => conn };\n`,
      "app/controllers/page-controller.ts": controller(["index"]),
      "app/controllers/local.ts": `import type { Conn } from "fawkes";\nexport const LocalController = { index: (conn: Conn) => conn };\n`,
    });
  }, SLOW);

  const modules = () => (JSON.parse(routesJson(a.result.router!)) as { path: string; controller: string; module: string }[]).map((r) => [r.controller, r.module]);

  it("builds", () => {
    expect(a.errors).toEqual([]);
  });

  it("names the controller's own module, through a namespace import and re-exports", () => {
    expect(modules()).toEqual([
      ["Api.ItemController", "app/controllers/api/item-controller.ts"],
      ["Api.StatusController", "app/controllers/api/status.ts"],
      ["StatusController", "app/controllers/api/status.ts"],
      // Declared in the index module itself: that is its module.
      ["Api.LocalController", "app/controllers/api/index.ts"],
      ["PageController", "app/controllers/page-controller.ts"],
      ["LocalController", "app/controllers/local.ts"],
    ]);
  });

  it("--info names it too", () => {
    expect(formatRouteInfo(a.result.router!, "GET", "/items").text).toContain("Module: Api.ItemController (app/controllers/api/item-controller.ts)\n");
  });

  it("generated code still imports it the way the router does", () => {
    expect(a.result.files.get(".fawkes/dispatch.gen.ts")).toContain('import * as Api from "../app/controllers/api/index.js";');
  });
});

// ---- socket lines ------------------------------------------------------------------------------

const DEMO = resolve(import.meta.dirname, "../fixtures/demo");
const WORK = join(TMP, `routes-sockets-${process.pid}`);
afterAll(() => rmSync(WORK, { recursive: true, force: true }));
let apps = 0;

/** An app with a router of one route, and the given files (an endpoint, a server entry...). */
function socketApp(files: Record<string, string>): string {
  const root = join(WORK, `app-${apps++}`);
  const all: Record<string, string> = {
    "app/router.ts": `import { defineRouter } from "fawkes";\nimport * as Page from "./controllers/page.js";\nexport default defineRouter((r) => { r.get("/", Page, "index"); });\n`,
    "app/controllers/page.ts": controller(["index"]),
    "app/channels/user-socket.ts": `import { defineSocket } from "fawkes";\nexport const UserSocket = defineSocket({ channels: {} });\nexport const AdminSocket = UserSocket;\n`,
    ...files,
  };
  for (const [rel, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** app/endpoint.ts (imported by server.ts, as `fawkes new` writes them) with these socket mounts. */
function endpointWith(sockets: string): Record<string, string> {
  return {
    "server.ts": `import { endpoint } from "./app/endpoint.js";\nawait endpoint.start();\n`,
    "app/endpoint.ts": `import { defineEndpoint, socket } from "fawkes";
import * as router from "../.fawkes/router.gen.js";
import { UserSocket, AdminSocket } from "./channels/user-socket.js";
export const endpoint = defineEndpoint({
  router,
  sockets: ${sockets},
});
`,
  };
}

const lines = (root: string) => readRouteTable({ root }).sockets.sockets.map((s) => `${s.verbs.join("|")} ${s.path} ${s.socket}`);

describe("routes: socket lines", () => {
  it("the demo: its endpoint (endpoint.ts, imported by server.ts) mounts /socket with both transports", () => {
    const table = readRouteTable({ root: DEMO });
    expect(table.diagnostics).toEqual([]);
    expect(table.sockets.endpoint).toBe("endpoint.ts");
    expect(table.sockets.sockets.map((s) => [s.transport, s.verbs, s.path, s.socket, s.module])).toEqual([
      ["websocket", ["WS"], "/socket/websocket", "UserSocket", "app/channels/user-socket.ts"],
      ["longpoll", ["GET", "POST"], "/socket/longpoll", "UserSocket", "app/channels/user-socket.ts"],
    ]);
    // After the routes, as phx.routes prints them: no helper, the verb, the path, the socket; aligned with the routes.
    const text = formatRoutes(table.ir!, table.sockets.sockets).split("\n").filter(Boolean);
    expect(text.slice(-3).map((l) => l.trim().split(/\s+/))).toEqual([
      ["WS", "/socket/websocket", "UserSocket"],
      ["GET", "/socket/longpoll", "UserSocket"],
      ["POST", "/socket/longpoll", "UserSocket"],
    ]);
    const column = (l: string) => l.indexOf("/");
    expect(new Set(text.map(column)).size).toBe(1);
  });

  it("has the runtime's defaults: no options is websocket only; with options websocket is on unless false, longpoll off unless given", () => {
    expect(lines(socketApp(endpointWith(`[socket("/socket", UserSocket)]`)))).toEqual(["WS /socket/websocket UserSocket"]);
    expect(lines(socketApp(endpointWith(`[socket("/socket", UserSocket, { longpoll: true })]`)))).toEqual([
      "WS /socket/websocket UserSocket",
      "GET|POST /socket/longpoll UserSocket",
    ]);
    expect(lines(socketApp(endpointWith(`[socket("/live", UserSocket, { websocket: false, longpoll: { window: 5000 } }), socket("/admin/socket", AdminSocket, { websocket: { maxPayload: 1024 }, longpoll: false })]`)))).toEqual([
      "GET|POST /live/longpoll UserSocket",
      "WS /admin/socket/websocket AdminSocket",
    ]);
  });

  it("finds the endpoint from the server entry, breadth first through its imports", () => {
    const root = socketApp({
      "fawkes.config.ts": `export default { server: { entry: "src/main.ts" } };\n`,
      "src/main.ts": `import { start } from "./boot.js";\nawait start();\n`,
      // Names defineEndpoint in a comment only: not the endpoint.
      "src/boot.ts": `// calls defineEndpoint(...) through web/endpoint.ts\nimport { endpoint } from "../web/endpoint.js";\nexport const start = () => endpoint.start();\n`,
      "web/endpoint.ts": `import { defineEndpoint, socket } from "fawkes";\nimport { UserSocket } from "../app/channels/user-socket.js";\nexport const endpoint = defineEndpoint({ router: {} as never, sockets: [socket("/ws", UserSocket, { websocket: true })] });\n`,
    });
    const table = readRouteTable({ root, entry: "src/main.ts" });
    expect(table.sockets.endpoint).toBe("web/endpoint.ts");
    expect(table.sockets.sockets.map((s) => `${s.path} ${s.module} ${s.loc.file}:${s.loc.line}`)).toEqual(["/ws/websocket app/channels/user-socket.ts web/endpoint.ts:3"]);
    // Without the entry (server.ts, app/endpoint.ts, endpoint.ts do not exist): no endpoint, no lines.
    expect(readRouteTable({ root }).sockets).toEqual({ endpoint: null, sockets: [], diagnostics: [] });
  });

  it("says what it cannot read: sockets that are not an array literal, a mount that is not socket(...) with a literal path", () => {
    const computed = readRouteTable({ root: socketApp(endpointWith(`makeSockets()`)) }).sockets;
    expect(computed.sockets).toEqual([]);
    expect(computed.diagnostics.map((d) => `${d.severity} ${d.code} ${d.loc.file}:${d.loc.line}`)).toEqual(["warning SOCKET_NOT_STATIC app/endpoint.ts:6"]);
    const mixed = readRouteTable({ root: socketApp(endpointWith(`[socket(path, UserSocket), socket("/socket", UserSocket, options)]`)) }).sockets;
    expect(mixed.sockets.map((s) => s.path)).toEqual(["/socket/websocket"]);
    expect(mixed.diagnostics.map((d) => d.message)).toEqual([
      'cannot list the socket `socket(path, UserSocket)`: fawkes routes reads socket("/path", Socket, options) with a literal path',
      "the socket's options are not an object literal: listed with the defaults (websocket on, longpoll off)",
    ]);
  });

  it("--json lists them with kind socket, after the routes", () => {
    const table = readRouteTable({ root: DEMO });
    const json = JSON.parse(routesJson(table.ir!, table.sockets.sockets)) as Record<string, unknown>[];
    const sockets = json.filter((r) => r.kind === "socket");
    expect(json.slice(-3)).toEqual(sockets);
    expect(sockets[0]).toEqual({
      helper: null,
      verb: "WS",
      path: "/socket/websocket",
      kind: "socket",
      controller: "UserSocket",
      module: "app/channels/user-socket.ts",
      view: null,
      action: null,
      pipeThrough: [],
      hosts: [],
      router: null,
      transport: "websocket",
      endpoint: "endpoint.ts",
      source: sockets[0].source,
    });
    expect(sockets.map((s) => `${s.verb} ${s.path}`)).toEqual(["WS /socket/websocket", "GET /socket/longpoll", "POST /socket/longpoll"]);
    expect(sockets[0].source).toMatch(/^endpoint\.ts:\d+:\d+$/);
  });

  it("--info names the socket for its paths and verbs, and the route otherwise", () => {
    const table = readRouteTable({ root: DEMO });
    const info = (method: string, path: string) => formatRouteInfo(table.ir!, method, path, "", table.sockets.sockets);
    expect(info("WS", "/socket/websocket").text).toMatch(/^Socket: UserSocket \(app\/channels\/user-socket\.ts\)\nTransport: websocket/);
    expect(info("POST", "/socket/longpoll?vsn=2.0.0").text).toContain("Transport: longpoll");
    expect(info("DELETE", "/socket/longpoll").found).toBe(false);
    expect(info("GET", "/users/1").text).toContain("Function: show");
  });
});

// The static reading against the runtime: an endpoint with the same socket options, on a real
// port, answers a WebSocket upgrade and longpoll requests exactly where the lines say it does.
describe("routes: socket lines agree with what the endpoint serves", () => {
  const UserSocket = defineSocket({ channels: {} });
  const cases: [string | undefined, SocketOptions | undefined][] = [
    [undefined, undefined],
    ["{}", {}],
    ["{ websocket: true }", { websocket: true }],
    ["{ longpoll: true }", { longpoll: true }],
    ["{ websocket: false, longpoll: { window: 5000 } }", { websocket: false, longpoll: { window: 5000 } }],
    ["{ websocket: true, longpoll: false }", { websocket: true, longpoll: false }],
  ];

  /** What a real endpoint answers: a WebSocket that opens, longpoll requests that are not 404. */
  async function served(options: SocketOptions | undefined): Promise<string[]> {
    const mount = options === undefined ? socket("/socket", UserSocket) : socket("/socket", UserSocket, options);
    const endpoint = defineEndpoint({ router: { match: () => null, dispatch: [] }, sockets: [mount], config: { secretKeyBase: "routes-sockets-secret-key-base-0123456789abcdef0123456789abcdef0123" } });
    const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
    try {
      const out: string[] = [];
      const opened = await new Promise<boolean>((done) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/socket/websocket?vsn=2.0.0`);
        ws.on("open", () => ws.close());
        ws.on("close", () => done(true));
        ws.on("error", () => done(false));
      });
      if (opened) out.push("WS /socket/websocket");
      for (const method of ["GET", "POST"]) {
        const res = await fetch(`http://127.0.0.1:${port}/socket/longpoll?vsn=2.0.0`, { method, ...(method === "POST" ? { body: "[]" } : {}) });
        await res.arrayBuffer();
        if (res.status !== 404) out.push(`${method} /socket/longpoll`);
      }
      return out;
    } finally {
      await endpoint.stop();
    }
  }

  it.each(cases)("socket(\"/socket\", UserSocket, %s)", async (text) => {
    const listed = readRouteTable({ root: socketApp(endpointWith(`[socket("/socket", UserSocket${text === undefined ? "" : `, ${text}`})]`)) }).sockets.sockets;
    const lines = listed.flatMap((s) => s.verbs.map((v) => `${v} ${s.path}`));
    const options = cases.find(([t]) => t === text)![1];
    expect(lines).toEqual(await served(options));
    expect(lines.length).toBeGreaterThan(0);
  }, SLOW);
});
