// Every path from the socket to the response that once ended the process (issue 11), each a
// regression test: the request gets a logged 500 (or its 4xx), and the same server answers the
// next request. An unhandled rejection or uncaught exception fails the run in vitest.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  beforeSend,
  defineEndpoint,
  fetchSession,
  halt,
  putRespCookie,
  putView,
  render,
  putRespHeader,
  putSession,
  putStatus,
  redirect,
  sendDownload,
  text,
  type Conn,
  type Endpoint,
} from "fawkes";
import * as router from "../../fixtures/demo/.fawkes/router.gen.js";
import { templates } from "../../fixtures/demo/.fawkes/templates.gen.js";
import { parseQuery } from "../../runtime/http/body/query.js";
import { get, rawRequest } from "./_client.js";

const SECRET = "crash-paths-secret-0123456789abcdef0123456789abcdef0123456789abcdef";
const later = <T>(v: T) => new Promise<T>((resolve) => setImmediate(() => resolve(v)));
const param = (conn: Conn, name: string) => new URLSearchParams(conn.queryString).get(name) ?? "";

// Endpoint plugs that do what careless (or hostile-fed) app code does, on paths no route has.
function faults(conn: Conn): Conn | Promise<Conn> {
  const session = { key: "_k", secretKeyBase: SECRET, signingSalt: "salt" };
  switch (conn.requestPath) {
    case "/async-then-hook-throws":
      beforeSend(conn, () => {
        throw new Error("hook failed");
      });
      return later(halt(text(conn, "never sent\n")));
    case "/sync-then-hook-throws":
      beforeSend(conn, () => {
        throw new Error("hook failed");
      });
      return halt(text(conn, "never sent\n"));
    case "/redirect-return-to":
      return later(halt(redirect(conn, { to: param(conn, "return_to") })));
    case "/redirect-list":
      return halt(redirect(conn, { to: parseQuery(conn.queryString).return_to as string }));
    case "/header-undefined":
      return later(halt(text(putRespHeader(conn, "x-user", undefined as unknown as string), "x\n")));
    case "/header-direct":
      // Around the checks: straight into the headers object. The write refuses it.
      conn.respHeaders["x-raw"] = "a\r\nInjected: 1";
      return later(halt(text(conn, "x\n")));
    case "/status-from-param":
      return later(halt(text(putStatus(conn, Number(param(conn, "s"))), "x\n")));
    case "/status-direct":
      conn.status = Number(param(conn, "s"));
      conn.respBody = "x";
      conn.state = "set";
      return later(halt(conn));
    case "/body-list":
      return later(halt(text(conn, parseQuery(conn.queryString).q as string)));
    case "/body-direct":
      conn.respBody = [1, 2] as unknown as string;
      conn.state = "set";
      conn.status = 200;
      return later(halt(conn));
    case "/download":
      return later(halt(sendDownload(conn, "data", { filename: param(conn, "name") })));
    case "/cookie":
      return later(halt(text(putRespCookie(conn, "c", param(conn, "v")), "x\n")));
    case "/session-overflow":
      return later(fetchSession(conn, session)).then((c) => halt(text(putSession(c, "big", "x".repeat(5000)), "x\n")));
    case "/render-throws":
      // A template that reads through a missing assign: the TypeError is thrown inside render.
      return later(halt(render(putView(conn, "user"), "show.html", { user: null })));
    case "/render-throws-sync":
      return halt(render(putView(conn, "user"), "show.html", { user: null }));
    case "/throw-null":
      return later(null).then(() => {
        throw null;
      });
    case "/error-page-throws":
      // The debug page reads the stack as text: a stack that is not one makes the page throw.
      return later(null).then(() => {
        throw Object.assign(new Error("outer"), { stack: 42 });
      });
    default:
      return conn;
  }
}

function messageOf(e: unknown): string {
  try {
    return e instanceof Error ? e.message : "";
  } catch {
    return "(an error whose message throws)";
  }
}

describe("crash paths end in a logged 500 and the server goes on", () => {
  const logged: string[] = [];
  let endpoint: Endpoint;
  let port: number;
  beforeAll(async () => {
    endpoint = defineEndpoint({
      router,
      views: { templates },
      plugs: [faults],
      config: { secretKeyBase: SECRET, debugErrors: true, logger: (m, e) => void logged.push(`${m} ${messageOf(e)}`) },
    });
    ({ port } = await endpoint.start({ port: 0, host: "127.0.0.1" }));
  });
  afterAll(() => endpoint.stop());

  async function expectAlive(): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${port}/about`);
    expect(res.status).toBe(200);
  }

  async function answers(path: string, status: number, log?: RegExp): Promise<string> {
    const before = logged.length;
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { redirect: "manual" });
    expect(res.status, path).toBe(status);
    const body = await res.text();
    if (log) expect(logged.slice(before).join("\n"), path).toMatch(log);
    await expectAlive();
    return body;
  }

  it("a before-send hook that throws after an async plug is a 500, as after a sync one", async () => {
    await answers("/async-then-hook-throws", 500, /GET \/async-then-hook-throws failed hook failed/);
    await answers("/sync-then-hook-throws", 500, /GET \/sync-then-hook-throws failed hook failed/);
  });

  it("a redirect to a return_to with CR/LF is refused at the call, no header injected", async () => {
    const res = await rawRequest(port, get("/redirect-return-to?return_to=/x%0D%0AX:1"));
    expect(res.status).toBe(500);
    expect(res.headers.x).toBeUndefined();
    expect(res.headers.location).toBeUndefined();
    await expectAlive();
  });

  it.each([
    ["/\t/evil.example", "tab"],
    ["//evil.example", "protocol-relative"],
    ["/\\evil.example", "backslash"],
    ["/%09/evil.example", "encoded tab"],
    ["https://evil.example", "absolute"],
    ["javascript:alert(1)", "scheme"],
    ["evil.example", "relative"],
  ])("redirect({ to: %j }) (%s) is refused: no Location", async (to) => {
    const res = await rawRequest(port, get(`/redirect-return-to?return_to=${encodeURIComponent(to)}`));
    expect(res.status).toBe(500);
    expect(res.headers.location).toBeUndefined();
    expect(logged.at(-1)).toMatch(/redirect to: /);
  });

  it("a list param as redirect target is refused, not joined into two Location headers", async () => {
    const res = await rawRequest(port, get("/redirect-list?return_to[]=/x&return_to[]=//evil.example"));
    expect(res.status).toBe(500);
    expect(res.headers.location).toBeUndefined();
    expect(logged.at(-1)).toMatch(/expects a path string, got: an array of 2/);
    await expectAlive();
  });

  it("a local redirect still works", async () => {
    const res = await rawRequest(port, get(`/redirect-return-to?return_to=${encodeURIComponent("/users/1?tab=posts#top")}`));
    expect(res.status).toBe(302);
    expect(res.headers.location).toEqual(["/users/1?tab=posts#top"]);
  });

  it("header values nobody may send: undefined at the call, CR/LF set around the checks at the write", async () => {
    await answers("/header-undefined", 500, /the value of the "x-user" header must be a string, got: undefined/);
    const res = await rawRequest(port, get("/header-direct"));
    expect(res.status).toBe(500);
    expect(res.headers.injected).toBeUndefined();
    expect(res.body).toBe("Internal Server Error\n");
    expect(logged.at(-1)).toMatch(/the response could not be written/);
    await expectAlive();
  });

  it.each(["1000", "99", "abc", "200.5", "-1"])("a status from a param (%s) is a 500 at putStatus", async (s) => {
    await answers(`/status-from-param?s=${s}`, 500, /putStatus: expected an HTTP status/);
  });

  it.each(["1000", "99", "abc", "-1"])("a status (%s) set around putStatus is a 500 at the write", async (s) => {
    await answers(`/status-direct?s=${s}`, 500, /could not be written/);
  });

  it("a body that is not a string (a list param echoed) is a 500", async () => {
    await answers("/body-list?q[]=x", 500, /text: expected a string body, got: an array of 1/);
    await answers("/body-direct", 500, /could not be written/);
  });

  it("a download name with CR/LF is refused; a non-Latin-1 name is sent encoded", async () => {
    await answers(`/download?name=${encodeURIComponent("a\r\nSet-Cookie: x=1")}`, 500, /sendDownload: the filename must be/);
    const res = await rawRequest(port, get(`/download?name=${encodeURIComponent("日本.txt")}`));
    expect(res.status).toBe(200);
    expect(res.headers["content-disposition"]).toEqual([`attachment; filename="__.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt`]);
  });

  it("a response cookie over 4096 bytes is a CookieOverflowError, the session too", async () => {
    await answers(`/cookie?v=${"y".repeat(5000)}`, 500, /the cookie "c" is \d+ bytes, over the 4096/);
    const res = await rawRequest(port, get("/session-overflow"));
    expect(res.status).toBe(500);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(logged.at(-1)).toMatch(/the cookie "_k" is \d+ bytes/);
    await expectAlive();
  });

  it("a template that throws while rendering is a 500 naming the template, sync and async", async () => {
    await answers("/render-throws", 500, /GET \/render-throws failed .*user\/show\.html\.eta/);
    await answers("/render-throws-sync", 500, /GET \/render-throws-sync failed .*user\/show\.html\.eta/);
  });

  it("throwing null, and an error whose message and stack throw, still answer", async () => {
    await answers("/throw-null", 500);
    const body = await answers("/error-page-throws", 500, /rendering the 500 page .* failed; answering in plain text/);
    expect(body).toBe("Internal Server Error\n");
  });
});

describe("a logger that throws", () => {
  it("is reported on stderr; the request still gets its 500 and the server goes on", async () => {
    const endpoint = defineEndpoint({ router, plugs: [faults], config: { secretKeyBase: SECRET, logger: () => { throw new Error("logger down"); } } });
    const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
    const errors: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      expect((await fetch(`http://127.0.0.1:${port}/throw-null`)).status).toBe(500);
      expect(String(errors[0]?.[0])).toMatch(/the logger threw while logging: GET \/throw-null failed/);
      expect((await fetch(`http://127.0.0.1:${port}/about`)).status).toBe(200);
    } finally {
      console.error = original;
      await endpoint.stop();
    }
  });
});

describe("startup checks", () => {
  it("refuses a session secret under 64 bytes at start(), naming the plug", async () => {
    const endpoint = defineEndpoint({
      router,
      plugs: [[fetchSession, { key: "_k", secretKeyBase: "short", signingSalt: "s" }]],
      config: { secretKeyBase: SECRET, logger: () => {} },
    });
    await expect(endpoint.start({ port: 0, host: "127.0.0.1" })).rejects.toThrow(/fetchSession in an endpoint plug: secret_key_base must be at least 64 bytes/);
  });

  it("checks the router's pipelines too (the demo's browser pipeline has a valid one)", async () => {
    const endpoint = defineEndpoint({ router, config: { secretKeyBase: "s".repeat(20), logger: () => {} } });
    await expect(endpoint.start({ port: 0, host: "127.0.0.1" })).rejects.toThrow(/secretKeyBase is 20 bytes/);
    const ok = defineEndpoint({ router, config: { secretKeyBase: SECRET, logger: () => {} } });
    await ok.start({ port: 0, host: "127.0.0.1" });
    await ok.stop();
  });

  it("in production, no secret refuses to start", async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    try {
      const endpoint = defineEndpoint({ router, config: { logger: () => {} } });
      await expect(endpoint.start({ port: 0, host: "127.0.0.1" })).rejects.toThrow(/NODE_ENV is production and the endpoint has no secretKeyBase/);
    } finally {
      process.env.NODE_ENV = previous;
    }
  });

  it("binds to localhost by default outside production", async () => {
    const endpoint = defineEndpoint({ router, config: { secretKeyBase: SECRET, logger: () => {} } });
    const { url } = await endpoint.start({ port: 0 });
    try {
      const address = (endpoint as unknown as { server: { address(): { address: string } } }).server.address().address;
      expect(["127.0.0.1", "::1"]).toContain(address);
      expect(url).toMatch(/^http:\/\/localhost:\d+$/);
    } finally {
      await endpoint.stop();
    }
  });
});
