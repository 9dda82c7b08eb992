// `fawkes server`'s router swap (compiler/cli/server/router-side.ts): a router edit builds the
// router's modules alone and swaps them into the running app, no bundle and no restart, when the
// bundle would not change; otherwise the app is bundled and restarted as before. Real edits on a
// copy of fixtures/dev-app whose API controller imports the endpoint (to broadcast) and the route
// helpers, and whose endpoint mounts a socket; every answer says which process served it.

import { describe, expect, it } from "vitest";
import { Socket as PhoenixSocket, type Channel } from "phoenix";
import { WebSocket } from "ws";
import { devServerSuite, getPage, WAIT_MS } from "./dev-server-support.js";

const SLOW = { timeout: 4 * WAIT_MS };
const ROUTER = "app/router.ts";

const API_CONTROLLER = `import { json, type Conn } from "fawkes";
import { Routes } from "../../.fawkes/helpers.gen.js";
import { endpoint } from "../endpoint.js";

export function ping(conn: Conn): Conn {
  return json(conn, { pid: process.pid, path: Routes.apiPath("ping") });
}

/** Broadcasts on the endpoint this module imports, and says whether that is the one serving the request. */
export function announce(conn: Conn): Conn {
  endpoint.broadcast("lobby", "announced", { pid: process.pid });
  return json(conn, { pid: process.pid, same: conn.private.endpoint === endpoint });
}
`;

const LOBBY = `import { defineChannel, defineSocket, ok } from "fawkes";

export const LobbyChannel = defineChannel({ join: () => ok() });
export const LobbySocket = defineSocket({ channels: { lobby: LobbyChannel }, connect: () => true });
`;

const ENDPOINT = `import { fileURLToPath } from "node:url";
import { defineEndpoint, parsers, serveStatic, socket } from "fawkes";
import * as router from "../.fawkes/router.gen.js";
import { templates } from "../.fawkes/templates.gen.js";
import { LobbySocket } from "./channels/lobby.js";

const staticDir = fileURLToPath(new URL("../priv/static", import.meta.url));

export const endpoint = defineEndpoint({
  router,
  views: { templates },
  plugs: [[serveStatic, { root: staticDir }], parsers],
  sockets: [socket("/socket", LobbySocket)],
  config: {
    http: { port: Number(process.env.PORT ?? 4000) },
    secretKeyBase: "dev-app-secret-key-base-for-development-only-0123456789abcdef0123",
    debugErrors: true,
  },
});
`;

// A plug the router imports by name: that router module is bundled alone (router-side.ts: a
// binding is live, a read of it is not), and still swaps.
const TAG_PLUG = `import { putRespHeader, type Conn } from "fawkes";

export function tag(conn: Conn, label: string): Conn {
  return putRespHeader(conn, "x-tag", label);
}
`;

const EXTRA_CONTROLLER = `import { json, type Conn } from "fawkes";

export function show(conn: Conn): Conn {
  return json(conn, { extra: true, pid: process.pid });
}
`;

/** The router: the API scope's routes as given, and any imports and lines more. */
function router(api: string[], more: { imports?: string[]; lines?: string[] } = {}): string {
  return [
    `import { defineRouter, putRootLayout } from "fawkes";`,
    `import * as PageController from "./controllers/page-controller.js";`,
    `import * as ApiController from "./controllers/api-controller.js";`,
    ...(more.imports ?? []),
    ``,
    `export default defineRouter((r) => {`,
    `  r.pipeline("browser", (p) => {`,
    `    p.plug(putRootLayout, "layouts/root.html");`,
    `  });`,
    `  r.scope("/", () => {`,
    `    r.pipeThrough("browser");`,
    `    r.get("/", PageController, "home");`,
    `  });`,
    `  r.scope("/api", () => {`,
    ...api.map((line) => `    ${line}`),
    `  });`,
    ...(more.lines ?? []).map((line) => `  ${line}`),
    `});`,
    ``,
  ].join("\n");
}

describe("fawkes server: router edits swapped into the running app", () => {
  const app = devServerSuite({
    "app/controllers/api-controller.ts": API_CONTROLLER,
    "app/channels/lobby.ts": LOBBY,
    "app/endpoint.ts": ENDPOINT,
    [ROUTER]: router([`r.get("/ping", ApiController, "ping");`]),
  });
  const api = async (path: string) => {
    const res = await fetch(app.dev.url + path);
    return { status: res.status, body: res.status === 200 ? ((await res.json()) as { pid: number; path?: string; same?: boolean }) : null };
  };
  /** Writes the router and waits for its reload; what the dev server printed meanwhile. */
  const edit = async (text: string) => {
    const live = await app.dev.live();
    await live.next("hello");
    const since = app.dev.output().length;
    app.dev.write(ROUTER, text);
    const reload = await live.next("reload");
    live.close();
    return { reason: reload.reason, printed: app.dev.output().slice(since) };
  };

  it("a route's path changed is served at once by the same process, and the helpers a controller imports follow", SLOW, async () => {
    // The router, with namespace imports of the controllers only, transformed (no bundle: no CommonJS registry module).
    expect(app.dev.read("_build/dev-router/side/app/router.mjs")).toMatch(/__fawkesModule\("app\/controllers\/api-controller\.ts"\)/);
    const before = await api("/api/ping");
    expect(before).toEqual({ status: 200, body: { pid: expect.any(Number), path: "/api/ping" } });
    const { reason, printed } = await edit(router([`r.get("/pong", ApiController, "ping");`]));
    expect(reason).toBe(`${ROUTER} changed`);
    expect(printed).toMatch(/\[fawkes\] rebuilt in \d+ ms, the router swapped into the app in \d+ ms \(app\/router\.ts changed\)/);
    expect(printed).not.toMatch(/restarted/);
    expect(await api("/api/pong")).toEqual({ status: 200, body: { pid: before.body!.pid, path: "/api/pong" } });
    expect((await api("/api/ping")).status).toBe(404);
  });

  it("a new route to an action of a controller the router imports already is swapped in", SLOW, async () => {
    const before = await api("/api/pong");
    const { printed } = await edit(router([`r.get("/pong", ApiController, "ping");`, `r.post("/announce", ApiController, "announce");`, `r.get("/announce", ApiController, "announce");`]));
    expect(printed).toMatch(/the router swapped into the app/);
    expect(await api("/api/announce")).toEqual({ status: 200, body: { pid: before.body!.pid, same: true } });
  });

  it("after a swap, a controller that imports the endpoint broadcasts through the serving one (the official client hears it)", SLOW, async () => {
    const socket = new PhoenixSocket(app.dev.url.replace(/^http/, "ws") + "/socket", { transport: WebSocket, reconnectAfterMs: () => 60_000 });
    socket.connect();
    try {
      const channel: Channel = socket.channel("lobby", {});
      await new Promise<void>((resolve, reject) => channel.join().receive("ok", () => resolve()).receive("error", (e: unknown) => reject(new Error(`join refused: ${JSON.stringify(e)}`))));
      const heard = new Promise<{ pid: number }>((resolve) => channel.on("announced", (payload: { pid: number }) => resolve(payload)));
      const answer = await api("/api/announce");
      expect(answer.body?.same).toBe(true);
      expect(await heard).toEqual({ pid: answer.body!.pid });
    } finally {
      socket.disconnect();
    }
  });

  it("a router that imports a controller it did not is bundled again and restarted", SLOW, async () => {
    const before = await api("/api/pong");
    const live = await app.dev.live();
    await live.next("hello");
    let since = app.dev.output().length;
    app.dev.write("app/controllers/extra-controller.ts", EXTRA_CONTROLLER);
    await app.dev.waitForOutput(/extra-controller\.ts changed\)/, since);
    live.close();
    const { printed } = await edit(
      router([`r.get("/pong", ApiController, "ping");`, `r.get("/announce", ApiController, "announce");`, `r.get("/extra", ExtraController, "show");`], { imports: [`import * as ExtraController from "./controllers/extra-controller.js";`] }),
    );
    expect(printed).toMatch(/\[fawkes\] rebuilt in \d+ ms, app restarted in \d+ ms \(app\/router\.ts changed\)/);
    expect(printed).not.toMatch(/swapped/);
    const extra = await api("/api/extra");
    expect(extra).toEqual({ status: 200, body: { extra: true, pid: expect.any(Number) } });
    expect(extra.body!.pid).not.toBe(before.body!.pid);
    since = app.dev.output().length;
    // The restarted app's router swaps again.
    const { printed: again } = await edit(
      router([`r.get("/pong2", ApiController, "ping");`, `r.get("/announce", ApiController, "announce");`, `r.get("/extra", ExtraController, "show");`], { imports: [`import * as ExtraController from "./controllers/extra-controller.js";`] }),
    );
    expect(again).toMatch(/the router swapped into the app/);
    expect(await api("/api/pong2")).toEqual({ status: 200, body: { pid: extra.body!.pid, path: "/api/pong2" } });
  });

  it("a broken router: page loads get the error page at its line, the rest the last good router; the fix is swapped in", SLOW, async () => {
    const before = await api("/api/pong2");
    const extra = { imports: [`import * as ExtraController from "./controllers/extra-controller.js";`] };
    const broken = router([`r.pipeThrough("nope");`, `r.get("/pong2", ApiController, "ping");`, `r.get("/extra", ExtraController, "show");`], extra);
    const { reason } = await edit(broken);
    expect(reason).toBe("the build failed");
    const line = broken.split("\n").findIndex((l) => l.includes('"nope"')) + 1;
    const page = await getPage(app.dev.url + "/");
    expect(page.status).toBe(500);
    expect(page.body).toContain(`app/router.ts:${line}:`);
    expect((await api("/api/pong2")).body?.pid).toBe(before.body!.pid);
    const { reason: fixed, printed } = await edit(router([`r.get("/pong3", ApiController, "ping");`, `r.get("/extra", ExtraController, "show");`], extra));
    expect(fixed).toBe(`${ROUTER} changed`);
    expect(printed).toMatch(/the router swapped into the app/);
    expect((await getPage(app.dev.url + "/")).status).toBe(200);
    expect(await api("/api/pong3")).toEqual({ status: 200, body: { pid: before.body!.pid, path: "/api/pong3" } });
  });

  it("a router that imports a plug by name (bundled alone, not transformed) swaps its edits in too", SLOW, async () => {
    const extra = (label: string, path: string) =>
      router([`r.get("/pong3", ApiController, "ping");`], {
        imports: [`import * as ExtraController from "./controllers/extra-controller.js";`, `import { tag } from "./plugs/tag.js";`],
        lines: [`r.pipeline("tagged", (p) => {`, `  p.plug(tag, ${JSON.stringify(label)});`, `});`, `r.scope("/tagged", () => {`, `  r.pipeThrough("tagged");`, `  r.get(${JSON.stringify(path)}, ExtraController, "show");`, `});`],
      });
    const live = await app.dev.live();
    await live.next("hello");
    const since = app.dev.output().length;
    app.dev.write("app/plugs/tag.ts", TAG_PLUG);
    await app.dev.waitForOutput(/tag\.ts changed\)/, since);
    live.close();
    // A new import of the app's (the plug's module): bundled again and restarted.
    const { printed: first } = await edit(extra("one", "/a"));
    expect(first).toMatch(/app restarted/);
    const a = await fetch(app.dev.url + "/tagged/a");
    expect([a.status, a.headers.get("x-tag")]).toEqual([200, "one"]);
    const { pid } = (await a.json()) as { pid: number };
    // Then the plug's options and a path changed: swapped into the same process.
    const { printed } = await edit(extra("two", "/b"));
    expect(printed).toMatch(/the router swapped into the app/);
    const b = await fetch(app.dev.url + "/tagged/b");
    expect([b.status, b.headers.get("x-tag")]).toEqual([200, "two"]);
    expect(((await b.json()) as { pid: number }).pid).toBe(pid);
    expect((await fetch(app.dev.url + "/tagged/a")).status).toBe(404);
    // Bundled: the plug's module read through the registry's CommonJS module, not transformed.
    expect(app.dev.read("_build/dev-router/side/app/router.mjs")).toMatch(/__commonJS/);
  });
});
