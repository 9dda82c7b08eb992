// Module plugs as Plug runs them: `init(options)` once per plug site, when the endpoint is built,
// and its result is what `call(conn, options)` receives on every request. Sites: endpoint plugs,
// pipeline plugs (shared by every route piping through them), controller plugs (shared by the
// controller's actions) and forward targets. A throwing init stops the endpoint, naming the site.

import { beforeAll, describe, expect, it } from "vitest";
import { defineEndpoint, type Endpoint } from "fawkes";
import { get, textResponse } from "fawkes/testing";
import { buildApp, routerSource } from "./support/app.js";

// Each plug module counts its inits in a global the test reads, and echoes what call received.
const TAG_PLUG = `import type { Conn } from "fawkes";
const g = globalThis as { __inits?: string[] };
export function init(opts: { tag: string }) {
  (g.__inits ??= []).push(opts.tag);
  if (opts.tag === "explode") throw new Error("no tag for you");
  return { tag: opts.tag.toUpperCase(), at: (g.__inits ?? []).length };
}
export function call(conn: Conn, opts: { tag: string; at: number }): Conn {
  conn.assigns.seen = [...((conn.assigns.seen as string[]) ?? []), opts.tag];
  return conn;
}
`;

const CONTROLLER = `import { text, type Conn, type ControllerPlug } from "fawkes";
import * as TagPlug from "../plugs/tag-plug.js";
export const plugs: ControllerPlug[] = [{ plug: TagPlug, options: { tag: "controller" }, only: ["one", "two"] }];
const show = (conn: Conn) => text(conn, (conn.assigns.seen as string[]).join(",") + "\\n");
export { show as one, show as two, show as three };
`;

const FORWARD = `import { text, type Conn } from "fawkes";
const g = globalThis as { __inits?: string[] };
export function init(opts: { realm: string }) { (g.__inits ??= []).push("forward:" + opts.realm); return { realm: opts.realm, prepared: true }; }
export function call(conn: Conn, opts: { realm: string; prepared?: boolean }): Conn {
  return text(conn, "forward " + opts.realm + " prepared=" + String(opts.prepared) + " " + ((conn.assigns.seen as string[]) ?? []).join(",") + "\\n");
}
`;

const ROUTER = routerSource(
  ["ThingController"],
  `  r.pipeline("a", (p) => { p.plug(TagPlug, { tag: "pipe-a" }); });
  r.pipeline("b", (p) => { p.plug(TagPlug, { tag: "pipe-b" }); });
  r.scope("/", () => {
    r.pipeThrough("a");
    r.get("/one", ThingController, "one");
    r.get("/two", ThingController, "two");
  });
  r.scope("/both", () => {
    r.pipeThrough("a", "b");
    r.get("/three", ThingController, "three");
  });
  r.forward("/admin", AdminPlug, { realm: "staff" });`,
).replace('import { defineRouter } from "fawkes";', 'import { defineRouter } from "fawkes";\nimport * as TagPlug from "./plugs/tag-plug.js";\nimport * as AdminPlug from "./plugs/admin-plug.js";');

const inits = () => ((globalThis as { __inits?: string[] }).__inits ??= []);

describe("module plug init", () => {
  let router: { match: never; dispatch: never };
  let TagPlug: { init: (o: { tag: string }) => unknown; call: (...a: never[]) => unknown };
  let endpoint: Endpoint;
  beforeAll(async () => {
    const app = await buildApp({ "app/router.ts": ROUTER, "app/plugs/tag-plug.ts": TAG_PLUG, "app/plugs/admin-plug.ts": FORWARD, "app/controllers/thing-controller.ts": CONTROLLER });
    expect(app.errors).toEqual([]);
    router = await import(`${app.root}/.fawkes/router.gen.ts`);
    TagPlug = await import(`${app.root}/app/plugs/tag-plug.ts`);
    inits().length = 0;
    endpoint = defineEndpoint({ router, plugs: [[TagPlug as never, { tag: "endpoint" }]], config: { logger: () => {} } });
  });

  it("runs once per plug site when the endpoint is built, before any request", () => {
    // Endpoint plug, each pipeline's plug once (pipeline "a" is shared by three routes and two
    // pipeThrough lists), the controller plug once for its two actions, the forward target once.
    expect([...inits()].sort()).toEqual(["controller", "endpoint", "forward:staff", "pipe-a", "pipe-b"]);
  });

  it("call receives what init returned, on every request, without init running again", async () => {
    const before = inits().length;
    expect(textResponse(await get(endpoint, "/one"), 200)).toBe("ENDPOINT,PIPE-A,CONTROLLER\n");
    expect(textResponse(await get(endpoint, "/two"), 200)).toBe("ENDPOINT,PIPE-A,CONTROLLER\n");
    expect(textResponse(await get(endpoint, "/both/three"), 200)).toBe("ENDPOINT,PIPE-A,PIPE-B\n");
    expect(textResponse(await get(endpoint, "/admin/x"), 200)).toBe("forward staff prepared=true ENDPOINT\n");
    expect(inits().length).toBe(before);
  });

  it("a second endpoint over the same router runs its own inits (startup, not per request)", () => {
    inits().length = 0;
    defineEndpoint({ router, config: { logger: () => {} } });
    expect([...inits()].sort()).toEqual(["controller", "forward:staff", "pipe-a", "pipe-b"]);
  });

  it("a throwing init stops the endpoint at construction and names the plug site", () => {
    expect(() => defineEndpoint({ router, plugs: [(c) => c, [TagPlug as never, { tag: "explode" }]] })).toThrow(
      "init of the module plug at endpoint plug 2 of 2 threw: no tag for you",
    );
    try {
      defineEndpoint({ router, plugs: [[TagPlug as never, { tag: "explode" }]] });
    } catch (e) {
      expect((e as Error).name).toBe("PlugInitError");
      expect(((e as Error).cause as Error).message).toBe("no tag for you");
    }
  });

  it("an init that returns a promise is refused: init is synchronous, as in Plug", () => {
    const AsyncPlug = { init: async () => ({}), call: (c: never) => c };
    expect(() => defineEndpoint({ router, plugs: [[AsyncPlug as never, {}]] })).toThrow(/endpoint plug 1 of 1 returned a promise; init runs once at startup and must return the options synchronously/);
  });
});

describe("module plug init in the router's sites", () => {
  it("names the pipeline, the controller and the forward of a failing init", async () => {
    const bad = (tag: string, where: "pipe" | "controller" | "forward") =>
      buildApp({
        "app/router.ts": ROUTER.replace(where === "pipe" ? '{ tag: "pipe-b" }' : where === "forward" ? '{ realm: "staff" }' : "@@", where === "pipe" ? `{ tag: "${tag}" }` : `{ realm: "${tag}" }`),
        "app/plugs/tag-plug.ts": TAG_PLUG,
        "app/plugs/admin-plug.ts": FORWARD.replace("(g.__inits ??= [])", 'if (opts.realm === "explode") throw new Error("no realm"); (g.__inits ??= [])'),
        "app/controllers/thing-controller.ts": where === "controller" ? CONTROLLER.replace('{ tag: "controller" }', `{ tag: "${tag}" }`) : CONTROLLER,
      });
    const start = async (where: "pipe" | "controller" | "forward") => {
      const app = await bad("explode", where);
      expect(app.errors).toEqual([]);
      const router = await import(`${app.root}/.fawkes/router.gen.ts`);
      return () => defineEndpoint({ router });
    };
    expect(await start("pipe")).toThrow(/^init of the module plug at plug 2 of pipeThrough\("a", "b"\) \(first piped by GET \/both\/three \(app\/router\.ts:\d+:\d+\)\) threw: no tag for you$/);
    expect(await start("controller")).toThrow(/^init of the module plug at controller plug 1 of ThingController \(first used by GET \/one \(app\/router\.ts:\d+:\d+\)\) threw: no tag for you$/);
    expect(await start("forward")).toThrow(/^init of the module plug at the forward target of \* \/admin \(app\/router\.ts:\d+:\d+\) threw: no realm$/);
  });
});
