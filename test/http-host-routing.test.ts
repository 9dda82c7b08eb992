// Host-scoped routes through the endpoint: the Host header is read (lazily) only when the router
// has such routes, and then decides the route, over a real socket.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { defineEndpoint, type Endpoint } from "fawkes";
import { buildApp, routerSource } from "./support/app.js";

const APP = {
  "app/router.ts": routerSource(
    ["SiteController"],
    `  r.scope("/", { host: "api." }, () => {
    r.get("/where", SiteController, "api");
  });
  r.get("/where", SiteController, "www");`,
  ),
  "app/controllers/site-controller.ts": `import { text, type Conn } from "fawkes";
export const api = (conn: Conn) => text(conn, "api " + conn.host + ":" + conn.port);
export const www = (conn: Conn) => text(conn, "www " + conn.host);
`,
};

function getWithHost(port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/where", headers: { host } }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("host-scoped routes through the endpoint", () => {
  let endpoint: Endpoint;
  let port: number;
  beforeAll(async () => {
    const app = await buildApp(APP, "host-routing");
    expect(app.errors).toEqual([]);
    const router = await import(`${app.root}/.fawkes/router.gen.ts`);
    endpoint = defineEndpoint({ router, config: { logger: () => {} } });
    port = (await endpoint.start({ port: 0, host: "127.0.0.1" })).port;
  });
  afterAll(() => endpoint.stop());

  it("routes by the Host header, and the conn reads host and port from it", async () => {
    expect(await getWithHost(port, "api.example.com:8080")).toBe("api api.example.com:8080");
    expect(await getWithHost(port, "www.example.com")).toBe("www www.example.com");
    expect(await getWithHost(port, "[::1]:9000")).toBe("www [::1]");
  });
});
