// Telemetry: the tracing channels carry Phoenix's metadata, and the default logger built on them
// prints one line per request. Also the small controller functions and ConnTest's cookies.

import { describe, expect, it } from "vitest";
import { get as get_ } from "node:http";
import { join } from "node:path";
import { acceptsFormats, attachLogger, Conn, defineEndpoint, dispatchChannel, errorChannel, sendDownload, serveStatic, socket } from "fawkes";
import { get, getRespHeader, recycleCookies } from "fawkes/testing";
import * as router from "../fixtures/demo/.fawkes/router.gen.js";
import { templates } from "../fixtures/demo/.fawkes/templates.gen.js";
import { UserSocket } from "../fixtures/demo/app/channels/user-socket.js";

const endpoint = defineEndpoint({ router, views: { templates }, config: { logger: () => {} } });

describe("telemetry", () => {
  it("router_dispatch reports the route pattern, params, pipelines and handler", async () => {
    const seen: Record<string, unknown>[] = [];
    const handlers = { start: (m: unknown) => void seen.push(m as Record<string, unknown>), end() {}, asyncStart() {}, asyncEnd() {}, error() {} };
    dispatchChannel.subscribe(handlers);
    try {
      await get(endpoint, "/users/42");
    } finally {
      dispatchChannel.unsubscribe(handlers);
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ route: "/users/:id", pathParams: { id: "42" }, pipeThrough: ["browser"], plug: "UserController", plugOpts: "show" });
  });

  it("error_rendered reports the status", async () => {
    const seen: unknown[] = [];
    const listener = (m: unknown) => void seen.push(m);
    errorChannel.subscribe(listener);
    try {
      await get(endpoint, "/missing");
    } finally {
      errorChannel.unsubscribe(listener);
    }
    expect(seen).toEqual([expect.objectContaining({ status: 404, kind: "no_route" })]);
  });

  it("the default logger prints method, path, status, time and handler", async () => {
    const lines: string[] = [];
    const detach = attachLogger((l) => void lines.push(l));
    try {
      await get(endpoint, "/users/42");
      await get(endpoint, "/nope");
    } finally {
      detach();
    }
    expect(lines[0]).toMatch(/^GET \/users\/42 200 in \d+(\.\d)?(µs|ms) UserController\.show$/);
    expect(lines[1]).toMatch(/^GET \/nope 404 in /);
  });

  it("the logger gives a static file's status too (serveStatic answers it itself), over a real socket", async () => {
    const statics = defineEndpoint({ router, plugs: [[serveStatic, { root: join(import.meta.dirname, "../fixtures/demo/priv/static") }]], config: { logger: () => {} } });
    const { port } = await statics.start({ port: 0, host: "127.0.0.1" });
    const lines: string[] = [];
    const detach = attachLogger((l) => void lines.push(l));
    try {
      const first = await fetch(`http://127.0.0.1:${port}/css/app.css`);
      expect(first.status).toBe(200);
      await first.text();
      // node:http, not fetch: fetch adds cache-control: no-cache to a conditional request.
      const again = await new Promise<number | undefined>((done, fail) => {
        get_(`http://127.0.0.1:${port}/css/app.css`, { headers: { "if-none-match": first.headers.get("etag")!, "accept-encoding": "gzip" } }, (res) => {
          res.resume();
          done(res.statusCode);
        }).once("error", fail);
      });
      expect(again).toBe(304);
    } finally {
      detach();
      await statics.stop();
    }
    expect(lines[0]).toMatch(/^GET \/css\/app\.css 200 in \d/);
    expect(lines[1]).toMatch(/^GET \/css\/app\.css 304 in \d/);
  });
});

describe("controller functions and ConnTest helpers", () => {
  const conn = (accept: string, format?: string) => {
    const c = new Conn({ method: "GET", url: "/x", headers: { accept } });
    if (format) c.queryParams = { _format: format };
    return c;
  };

  it("acceptsFormats picks from _format first, then Accept; 406 when nothing fits", () => {
    expect(acceptsFormats(conn("application/json"), ["html", "json"]).private.format).toBe("json");
    expect(acceptsFormats(conn("text/html,application/json;q=0.5"), ["json", "html"]).private.format).toBe("html");
    expect(acceptsFormats(conn("application/json", "html"), ["html", "json"]).private.format).toBe("html");
    expect(() => acceptsFormats(conn("image/png"), ["html", "json"])).toThrow(expect.objectContaining({ status: 406 }));
  });

  it("sendDownload sets an attachment with a safe filename", () => {
    const c = sendDownload(conn("*/*"), "a,b\n", { filename: 'report "q1".csv', contentType: "text/csv" });
    expect(c.status).toBe(200);
    expect(c.respHeaders["content-disposition"]).toBe(`attachment; filename="report _q1_.csv"; filename*=UTF-8''report%20%22q1%22.csv`);
    expect(c.respHeaders["content-type"]).toBe("text/csv");
  });

  it("recycleCookies carries the session to the next ConnTest request", async () => {
    const first = await get(endpoint, "/users/new");
    const cookies = recycleCookies(first);
    expect(Object.keys(cookies)).toEqual(["_demo_key"]);
    const second = await get(endpoint, "/users/new", { cookies });
    // The session came back: no new cookie is needed, so none is set.
    expect(getRespHeader(second, "set-cookie")).toBeUndefined();
  });

  it("a test session reaches the action without a cookie, and bypassThrough runs only the pipeline", async () => {
    const { getSession } = await import("fawkes");
    const conn = await get(endpoint, "/users/new", { session: { user_id: 7 }, bypassThrough: true });
    expect(conn.state).toBe("unset");
    expect(getSession(conn, "user_id")).toBe(7);
    expect(conn.private.flash).toEqual({});
    expect(conn.respHeaders["x-content-type-options"]).toBe("nosniff");
    const rendered = await get(endpoint, "/users/new", { session: { user_id: 7 } });
    expect(rendered.status).toBe(200);
    expect(getSession(rendered, "user_id")).toBe(7);
    expect(typeof getSession(rendered, "_csrf_token")).toBe("string");
  });
});

describe("forceSsl", () => {
  const ssl = defineEndpoint({ router, views: { templates }, config: { forceSsl: {}, logger: () => {} } });

  it("redirects plain HTTP to HTTPS: 301 for GET, 307 for other methods", async () => {
    const conn = await get(ssl, "/users/1?tab=posts", { host: "example.com" });
    expect(conn.status).toBe(301);
    expect(conn.respHeaders.location).toBe("https://example.com/users/1?tab=posts");
    const { post } = await import("fawkes/testing");
    expect((await post(ssl, "/users", { host: "example.com" })).status).toBe(307);
  });

  it("sends HSTS on HTTPS requests", async () => {
    const conn = new Conn({ method: "GET", url: "/about", headers: { host: "example.com" }, scheme: "https" });
    const out = await ssl.call(conn);
    expect(out.status).toBe(200);
    expect(out.respHeaders["strict-transport-security"]).toBe("max-age=31536000");
  });
});

describe("https", () => {
  it("serves over TLS with the configured key and certificate", async () => {
    const { execFileSync } = await import("node:child_process");
    const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const { request } = await import("node:https");
    const dir = mkdtempSync(join(tmpdir(), "fawkes-tls-"));
    try {
      // A throwaway self-signed certificate (openssl is installed by .ci/run).
      execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
        "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
      const key = readFileSync(join(dir, "key.pem"));
      const cert = readFileSync(join(dir, "cert.pem"));
      // With a socket mounted, so that upgrades are the endpoint's to decline.
      const tls = defineEndpoint({ router, views: { templates }, sockets: [socket("/socket", UserSocket)], config: { https: { key, cert }, secretKeyBase: "s".repeat(64), logger: () => {} } });
      const { port, url } = await tls.start({ port: 0, host: "127.0.0.1" });
      try {
        expect(url).toBe(`https://127.0.0.1:${port}`);
        const fetchBody = (headers: Record<string, string>) =>
          new Promise<string>((resolve, reject) => {
            const req = request({ host: "127.0.0.1", port, path: "/about", ca: cert, servername: "localhost", headers }, (res) => {
              let data = "";
              res.on("data", (d) => (data += d));
              res.on("end", () => resolve(data));
            });
            req.on("error", reject);
            req.end();
          });
        expect(await fetchBody({})).toBe("Fawkes: Phoenix for TypeScript, compiled.\n");
        // An upgrade the endpoint declines is served as HTTP over the same TLS connection.
        expect(await fetchBody({ connection: "Upgrade", upgrade: "foo/1" })).toBe("Fawkes: Phoenix for TypeScript, compiled.\n");
      } finally {
        await tls.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("endpoint tokens", () => {
  it("signs and verifies with the endpoint's secret_key_base; a different salt is invalid", () => {
    const e = defineEndpoint({ router, config: { secretKeyBase: "s".repeat(64) } });
    const token = e.signToken("user socket", { name: "alice" });
    expect(e.verifyToken("user socket", token)).toEqual({ ok: true, data: { name: "alice" } });
    expect(e.verifyToken("other salt", token)).toEqual({ ok: false, error: "invalid" });
    expect(e.verifyToken("user socket", undefined)).toEqual({ ok: false, error: "missing" });
    expect(() => defineEndpoint({ router }).signToken("x", 1)).toThrow(/no secretKeyBase/);
  });
});
