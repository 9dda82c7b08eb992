// Configuration checked by start(): a session without a signing salt (wherever fetchSession is
// declared, and a socket's session option), a cacheStaticManifest that is not there. start()
// refuses with the reason and the place, before anything is listening or connected.

import { beforeAll, describe, expect, it } from "vitest";
import { defineEndpoint, defineSocket, fetchSession, PubSub, socket, type RouterModules, type SessionOptions } from "fawkes";
import { buildApp, routerSource } from "./support/app.js";

const SECRET = "s".repeat(64);
const listen = { port: 0, host: "127.0.0.1" };

const CONTROLLER = (plugs: string) => `import { fetchSession, text, type Conn, type ControllerPlug } from "fawkes";
export const plugs: ControllerPlug[] = ${plugs};
export const home = (conn: Conn) => text(conn, "home\\n");
`;

async function routerWith(pipelineSession: string, controllerPlugs = "[]") {
  const app = await buildApp({
    "app/router.ts": routerSource(["PageController"], `  r.pipeline("browser", (p) => { p.plug(fetchSession, ${pipelineSession}); });\n  r.pipeThrough("browser");\n  r.get("/", PageController, "home");`).replace(
      'import { defineRouter } from "fawkes";',
      'import { defineRouter, fetchSession } from "fawkes";',
    ),
    "app/controllers/page-controller.ts": CONTROLLER(controllerPlugs),
  });
  expect(app.errors).toEqual([]);
  return import(`${app.root}/.fawkes/router.gen.ts`);
}

describe("a session without a signing salt refuses to start", () => {
  let good: RouterModules;
  beforeAll(async () => {
    good = await routerWith(`{ key: "_k", secretKeyBase: "${SECRET}", signingSalt: "salt" }`);
  });

  it("in a pipeline: the message names the pipeline's route and the missing option", async () => {
    const router = await routerWith(`{ key: "_k", secretKeyBase: "${SECRET}" }`);
    const endpoint = defineEndpoint({ router, config: { secretKeyBase: SECRET, logger: () => {} } });
    await expect(endpoint.start(listen)).rejects.toThrow(
      /^fetchSession in the pipeline of GET \/ \(app\/router\.ts:\d+:\d+\): the cookie session store expects a signingSalt option \(a non-empty string\), got undefined$/,
    );
  });

  it("an empty salt, in a controller plug", async () => {
    const router = await routerWith(`{ key: "_k", secretKeyBase: "${SECRET}", signingSalt: "salt" }`, `[{ plug: fetchSession, options: { key: "_k", secretKeyBase: "${SECRET}", signingSalt: "" } }]`);
    const endpoint = defineEndpoint({ router, config: { secretKeyBase: SECRET, logger: () => {} } });
    await expect(endpoint.start(listen)).rejects.toThrow(/^fetchSession in a controller plug of GET \/ \(app\/router\.ts:\d+:\d+\): the cookie session store expects a signingSalt option \(a non-empty string\), got ""$/);
  });

  it("in an endpoint plug and in a socket's session option", async () => {
    const noSalt = { key: "_k", secretKeyBase: SECRET } as SessionOptions;
    const plug = defineEndpoint({ router: good, plugs: [[fetchSession, noSalt]], config: { secretKeyBase: SECRET, logger: () => {} } });
    await expect(plug.start(listen)).rejects.toThrow("fetchSession in an endpoint plug: the cookie session store expects a signingSalt option (a non-empty string), got undefined");
    const UserSocket = defineSocket({ channels: {}, connect: () => true });
    const sock = defineEndpoint({ router: good, sockets: [socket("/socket", UserSocket, { websocket: true, session: noSalt })], config: { secretKeyBase: SECRET, logger: () => {} } });
    await expect(sock.start(listen)).rejects.toThrow("the session option of the socket at /socket: the cookie session store expects a signingSalt option (a non-empty string), got undefined");
  });

  it("with the salt, the same endpoint starts", async () => {
    const endpoint = defineEndpoint({ router: good, config: { secretKeyBase: SECRET, logger: () => {} } });
    await endpoint.start(listen);
    await endpoint.stop();
  });
});

describe("a missing cacheStaticManifest refuses to start", () => {
  it("names the file, and refuses before the PubSub adapter connects", async () => {
    let started = 0;
    const pubsub = new PubSub({ adapter: { start: () => void started++, publish: () => {}, stop: () => {} } });
    const endpoint = defineEndpoint({ router: { match: () => null, dispatch: [] }, pubsub, config: { cacheStaticManifest: "/nonexistent/priv/static", logger: () => {} } });
    await expect(endpoint.start(listen)).rejects.toThrow('could not find static manifest at "/nonexistent/priv/static/cache_manifest.json"');
    expect(started).toBe(0);
  });
});
