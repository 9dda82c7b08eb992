// What the demo sends back of the client's input: XSS payloads in every echoed param (HTML pages
// escape them, text and JSON go out with their type and nosniff), open redirects through
// /continue, and path traversal against the static files. The same server answers after each.

import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { get } from "./_client.js";
import { request, startDemo, type HostileDemo } from "./_demo.js";

let demo: HostileDemo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(() => demo.stop());
afterEach(() => demo.alive());

const PAYLOADS = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  "</title><script>alert(1)</script>",
  '" autofocus onfocus="alert(1)',
  "' onmouseover='alert(1)",
  "javascript:alert(1)",
  "<iframe src=javascript:alert(1)>",
  "<% it.constructor.constructor('alert(1)')() %>",
  "{{constructor.constructor('alert(1)')()}}",
  "${alert(1)}",
  "&lt;script&gt;alert(1)&lt;/script&gt;",
  "<scr<script>ipt>alert(1)</script>",
  "\u2028<script>alert(1)</script>\u2029",
  "<ScRiPt>alert(1)</sCrIpT>",
  "<a href=\"&#x6a;avascript:alert(1)\">x</a>",
];

/** The payload as HTML text: what an escaping template must turn it into (our own oracle, not the runtime's). */
const escaped = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** A payload with markup characters never appears raw; it appears escaped where the page shows it. */
function expectInert(html: string, payload: string, shownAs: (escapedText: string) => string): void {
  if (/[<>"'&]/.test(payload)) expect(html).not.toContain(payload);
  expect(html).toContain(shownAs(escaped(payload)));
}

describe("HTML pages escape every echoed param", () => {
  it.each(PAYLOADS)("/chat?name=%s", async (payload) => {
    const res = await demo.send(get(`/chat?name=${encodeURIComponent(payload)}`));
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]?.[0]).toMatch(/^text\/html/);
    // The page's own script tag is the only one, and it is ours.
    expect(res.body.match(/<script/g)).toEqual(["<script"]);
    expect(res.body).toContain('<script type="module" src="/js/chat.js"></script>');
    expectInert(res.body, payload, (e) => `<h1>Chat as ${e.trim()}</h1>`);
  });

  it("a name is escaped as text: <, >, &, quotes", async () => {
    const res = await demo.send(get(`/chat?name=${encodeURIComponent(`<b>"Tom" & 'Jerry'</b>`)}`));
    expect(res.body).toContain("<h1>Chat as &lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;</h1>");
  });

  it.each(PAYLOADS.slice(0, 6))("a flash built from user[name]=%s is escaped after the redirect", async (payload) => {
    const form = await demo.send(get("/users/new"));
    const cookie = form.headers["set-cookie"]![0].split(";")[0];
    const token = /name="_csrf_token" value="([^"]+)"/.exec(form.body)![1];
    const created = await demo.send(
      request("POST", "/users", ["Content-Type: application/x-www-form-urlencoded", `Cookie: ${cookie}`], `_csrf_token=${encodeURIComponent(token)}&user[name]=${encodeURIComponent(payload)}`),
      { all: true },
    );
    expect(created.status).toBe(302);
    const next = created.headers["set-cookie"]![0].split(";")[0];
    const page = await demo.send(get("/users/1", [`Cookie: ${next}`]));
    expect(page.status).toBe(200);
    expectInert(page.body, payload, (e) => `<div id="flash-info" class="flash flash-info" role="status">Welcome, ${e}!</div>`);
  });

  it.each(PAYLOADS.slice(0, 4))("a 404 for /%s does not echo the path", async (payload) => {
    const res = await demo.send(get(`/${encodeURIComponent(payload)}`));
    expect(res.status).toBe(404);
    expect(res.body).not.toContain(payload);
    expect(res.body).not.toContain("alert(1)");
  });

  it.each(PAYLOADS.slice(0, 4))("a 400 for a bad query next to %s does not echo it", async (payload) => {
    const res = await demo.send(get(`/chat?bad=%ZZ&name=${encodeURIComponent(payload)}`));
    expect(res.status).toBe(400);
    expect(res.body).not.toContain("alert(1)");
  });
});

describe("text and JSON answers go out with their type and nosniff", () => {
  it.each(PAYLOADS.slice(0, 8))("/files/*path with %s is text/plain", async (payload) => {
    const res = await demo.send(get(`/files/${encodeURIComponent(payload)}`));
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toEqual(["text/plain; charset=utf-8"]);
    expect(res.headers["x-content-type-options"]).toEqual(["nosniff"]);
    expect(res.body).toBe(`file ${payload}\n`);
  });

  it.each(PAYLOADS.slice(0, 8))("JSON params with %s are application/json and round-trip", async (payload) => {
    const res = await demo.send(get(`/users/1/posts?q=${encodeURIComponent(payload)}`));
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toEqual(["application/json; charset=utf-8"]);
    expect(res.headers["x-content-type-options"]).toEqual(["nosniff"]);
    expect(JSON.parse(res.body).params.q).toBe(payload);
  });

  it.each(PAYLOADS.slice(0, 4))("the admin forward echoes %s as text/plain", async (payload) => {
    const res = await demo.send(get(`/admin/${encodeURIComponent(payload)}`));
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toEqual(["text/plain; charset=utf-8"]);
    expect(res.headers["x-content-type-options"]).toEqual(["nosniff"]);
  });

  it("a JSON answer cannot be read as HTML by a browser that sniffs: no leading markup", async () => {
    const res = await demo.send(get(`/users/1/posts?q=${encodeURIComponent("<html><script>alert(1)</script>")}`));
    expect(res.body.startsWith("{")).toBe(true);
  });

  it("an encoded CR/LF in a glob does not split the response", async () => {
    const res = await demo.send(get("/files/a%0D%0ASet-Cookie:%20owned=1%0D%0A%0D%0A<script>"));
    expect(res.status).toBe(200);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.headers["content-length"]).toEqual([String(Buffer.byteLength(res.body))]);
  });
});

describe("/continue?return_to= only goes to paths on this site", () => {
  it.each([
    ["//evil.example"],
    ["///evil.example"],
    ["/\\evil.example"],
    ["\\\\evil.example"],
    ["/\t/evil.example"],
    ["/\n/evil.example"],
    ["/\r/evil.example"],
    ["/%09/evil.example"],
    ["https://evil.example"],
    ["http:evil.example"],
    ["HTTPS://evil.example"],
    ["javascript:alert(1)"],
    ["data:text/html,<script>alert(1)</script>"],
    ["evil.example"],
    ["@evil.example"],
    ["/x\r\nSet-Cookie: owned=1"],
    ["/x\u0000y"],
    [" //evil.example"],
  ])("%j is refused: a 500, no Location, logged", async (to) => {
    const mark = demo.logged.length;
    const res = await demo.send(get(`/continue?return_to=${encodeURIComponent(to)}`));
    expect(res.status).toBe(500);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers["set-cookie"]?.some((c) => c.startsWith("owned"))).toBeFalsy();
    expect(demo.since(mark).join("\n")).toMatch(/GET \/continue failed.*redirect/);
  });

  it.each([
    ["/", "/"],
    ["/users/1", "/users/1"],
    ["/users/1?tab=posts#top", "/users/1?tab=posts#top"],
    ["/a/b/../c", "/a/b/../c"],
    // An encoded backslash stays encoded in the path: browsers do not decode it into the authority.
    ["/%5Cevil.example", "/%5Cevil.example"],
  ])("%j is followed", async (to, location) => {
    const res = await demo.send(get(`/continue?return_to=${encodeURIComponent(to)}`));
    expect(res.status).toBe(302);
    expect(res.headers.location).toEqual([location]);
  });

  it("a list of targets is not joined: the demo falls back to /", async () => {
    const res = await demo.send(get("/continue?return_to[]=/x&return_to[]=//evil.example"));
    expect(res.status).toBe(302);
    expect(res.headers.location).toEqual(["/"]);
  });

  it("a log line for a refused target shows it escaped, on one line", async () => {
    const mark = demo.logged.length;
    await demo.send(get(`/continue?return_to=${encodeURIComponent("/x\r\n[info] forged line")}`));
    const lines = demo.since(mark);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toMatch(/\n\[info\] forged/);
  });
});

describe("static files: no path leaves priv/static", () => {
  const PACKAGE = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  const secret = (body: string) => body.includes('"name": "fawkes"') || body.includes("root:x:0:0") || body.includes(PACKAGE.slice(0, 40));

  it.each([
    "/../package.json",
    "/../../package.json",
    "/%2e%2e/package.json",
    "/%2e%2e/%2e%2e/%2e%2e/package.json",
    "/css/..%2f..%2f..%2f..%2fpackage.json",
    "/css/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json",
    "/css/..%5c..%5c..%5c..%5cpackage.json",
    "/%5c..%5c..%5c..%5cpackage.json",
    "/css/%252e%252e/%252e%252e/package.json",
    "/css/%c0%ae%c0%ae/%c0%ae%c0%ae/package.json",
    "/css/%ef%bc%8e%ef%bc%8e/package.json",
    "/css/....//....//package.json",
    "/css/..;/..;/package.json",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/..%00/package.json",
    "/css/app.css%00.png",
    "/css/app.css%00",
    "/css/./app.css",
    "/css/app.css/..",
    "/.%2e/.%2e/package.json",
    "/css/.%2e/.%2e/.%2e/package.json",
    "/..\\..\\package.json",
    "/file:///etc/passwd",
    "/css/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd",
  ])("%s is a 4xx with nothing from outside", async (path) => {
    const res = await demo.send(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(secret(res.body)).toBe(false);
  });

  it.each([
    ["/css/app.css", /^text\/css/],
    ["/css/app.css/", /^text\/css/],
    ["/js/chat.js", /javascript/],
    ["/favicon.ico", /icon/],
    ["/vendor/phoenix/phoenix.mjs", /javascript/],
  ])("%s is served", async (path, type) => {
    const res = await demo.send(get(path));
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]?.[0]).toMatch(type);
  });

  it.each(["/vendor/phoenix/../../fawkes/package.json", "/vendor/phoenix/%2e%2e/package.json", "/vendor/phoenix/..%2f..%2f..%2fpackage.json"])(
    "the vendor mount does not reach node_modules: %s",
    async (path) => {
      const res = await demo.send(get(path));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.body).not.toMatch(/"name": "phoenix"|"name": "fawkes"/);
    },
  );

  it.each([
    ["Range: bytes=0-0,1-1,2-2,3-3,4-4,5-5,6-6,7-7,8-8,9-9,10-10"],
    ["Range: bytes=999999999-"],
    ["Range: bytes=-0"],
    ["Range: bytes=abc"],
    ["Range: bytes=5-1"],
    ["If-Modified-Since: not a date"],
    ["If-None-Match: " + '"x",'.repeat(2000)],
    ["Accept-Encoding: " + "gzip;q=0.".repeat(1000)],
  ])("a hostile %s on a static file is not a 500", async (header) => {
    const res = await demo.send(get("/css/app.css", [header]));
    expect(res.status).toBeLessThan(500);
    expect(res.status).not.toBe(0);
  });

  it("POST to a static path falls through to the router (404), not the file", async () => {
    const res = await demo.send(request("POST", "/css/app.css", ["Content-Type: application/json"], "{}"), { all: true });
    expect(res.status).toBe(404);
  });
});
