// Telemetry: the tracing channels carry Phoenix's metadata, and the default logger built on them
// prints one line per request. Also the small controller functions and ConnTest's cookies.

import { describe, expect, it } from "vitest";
import { acceptsFormats, attachLogger, Conn, defineEndpoint, dispatchChannel, errorChannel, sendDownload } from "fawkes";
import { get, getRespHeader, recycleCookies } from "fawkes/testing";
import * as router from "../fixtures/demo/.fawkes/router.gen.js";
import { templates } from "../fixtures/demo/.fawkes/templates.gen.js";

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
});
