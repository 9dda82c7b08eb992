// Hostile input at the HTTP layer, against the demo on port 0: request lines, targets,
// percent-encoding, headers, request-smuggling shapes and protocol edges. Each case gives the
// bytes an attacker (or a broken client) sends and the answer RFC 9110/9112 asks for; after each
// case the same server answers GET /about.

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { get } from "./_client.js";
import { Token } from "fawkes";
import { SOCKET_SALT } from "../../fixtures/demo/app/channels/user-socket.js";
import { secretKeyBase } from "../../fixtures/demo/app/config.js";
import { request, startDemo, type HostileDemo } from "./_demo.js";

let demo: HostileDemo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(() => demo.stop());
afterEach(() => demo.alive());

const CRLF = "\r\n";
const token = () => encodeURIComponent(Token.sign(secretKeyBase, SOCKET_SALT, "mallory"));
const lines = (...l: string[]) => l.join(CRLF) + CRLF + CRLF;

describe("malformed request lines are a 400 and the connection closes", () => {
  it.each([
    ["no target or version", "GET" + CRLF + CRLF],
    ["three words then more", lines("GET / HTTP/1.1 extra", "Host: localhost")],
    ["lower-case method", lines("get / HTTP/1.1", "Host: localhost")],
    ["a method that is not a token", lines("G@T / HTTP/1.1", "Host: localhost")],
    ["an unknown method", lines("FROB / HTTP/1.1", "Host: localhost")],
    ["a bad version", lines("GET / HTTP/1.x", "Host: localhost")],
    ["a version without HTTP", lines("GET / 1.1", "Host: localhost")],
    ["lower-case http", lines("GET / http/1.1", "Host: localhost")],
    ["a space in the target", lines("GET /a b HTTP/1.1", "Host: localhost")],
    ["a NUL in the target", lines("GET /a\0b HTTP/1.1", "Host: localhost")],
    ["a tab in the target", lines("GET /a\tb HTTP/1.1", "Host: localhost")],
    ["a DEL in the target", lines("GET /a\x7fb HTTP/1.1", "Host: localhost")],
    ["a raw CR in the target", "GET /a\rb HTTP/1.1" + CRLF + "Host: localhost" + CRLF + CRLF],
    ["binary garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + CRLF + CRLF],
    ["only CRLFs then garbage", CRLF + CRLF + "\x00\x01\x02" + CRLF + CRLF],
    ["a header line without a colon", lines("GET / HTTP/1.1", "Host: localhost", "NoColonHere")],
  ])("%s", async (_name, bytes) => {
    const res = await demo.send(bytes);
    expect(res.status).toBe(400);
    expect(res.closed).toBe(true);
  });

  it.each([
    ["HTTP/0.9 (no version)", "GET /about" + CRLF + CRLF],
    ["HTTP/2.0 in an HTTP/1 request line", lines("GET /about HTTP/2.0", "Host: localhost")],
  ])("%s is a 505: only HTTP/1.0 and 1.1 are served", async (_name, bytes) => {
    const res = await demo.send(bytes, { all: true });
    expect(res.status).toBe(505);
    expect(res.closed).toBe(true);
  });

  it.each([
    ["HTTP/3.1", lines("GET /about HTTP/3.1", "Host: localhost")],
    ["HTTP/0.1", lines("GET /about HTTP/0.1", "Host: localhost")],
  ])("%s is a 400 from the parser", async (_name, bytes) => {
    const res = await demo.send(bytes, { all: true });
    expect(res.status).toBe(400);
  });

  it("runs of spaces between the request-line words are read as one (RFC 9112 §3 lets a server)", async () => {
    const res = await demo.send(lines("GET  /about  HTTP/1.1", "Host: localhost", "Connection: close"));
    expect(res.status).toBe(200);
  });

  it("an HTTP/1.1 request without Host is a 400 (RFC 9112 §3.2)", async () => {
    const res = await demo.send(lines("GET /about HTTP/1.1", "Connection: close"));
    expect(res.status).toBe(400);
  });

  it("an HTTP/1.0 request without Host is served (Host is optional in 1.0)", async () => {
    const res = await demo.send(lines("GET /about HTTP/1.0"), { all: true });
    expect(res.status).toBe(200);
    expect(res.body).toBe("Fawkes: Phoenix for TypeScript, compiled.\n");
  });

  it("HTTP/2 prior knowledge on the HTTP/1 port is refused, not read as a request", async () => {
    const res = await demo.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    expect([400, 505]).toContain(res.status);
    expect(res.closed).toBe(true);
  });

});

describe("request targets", () => {
  it.each([
    ["absolute-form http", "http://localhost/about", 200],
    ["absolute-form https", "https://localhost/about", 200],
    ["absolute-form with a port", "http://localhost:4000/about", 200],
    ["absolute-form upper-case scheme", "HTTP://localhost/about", 200],
    ["absolute-form without a path is /", "http://localhost", 200],
    ["absolute-form with a query and no path", "http://localhost?x=1", 200],
    ["absolute-form with an IPv6 host", "http://[::1]:4000/about", 200],
  ])("%s (%s) is routed by its path: %i", async (_name, target, status) => {
    const res = await demo.send(`GET ${target} HTTP/1.1\r\nHost: ignored.example\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(status);
  });

  it("an absolute-form target is routed by its path, its authority as the host", async () => {
    const res = await demo.send(`GET http://localhost/about HTTP/1.1\r\nHost: other.example\r\nConnection: close\r\n\r\n`);
    expect(res.body).toBe("Fawkes: Phoenix for TypeScript, compiled.\n");
  });

  it.each([
    ["a relative path", "about"],
    ["a scheme we do not serve", "ftp://localhost/about"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["authority-form outside CONNECT", "localhost:4000"],
    ["a fragment-only target", "#top"],
    ["a query-only target", "?a=1"],
    ["absolute-form with an invalid host", "http://local host/about"],
    ["absolute-form with userinfo", "http://user@localhost/about"],
    ["an asterisk with GET", "*"],
  ])("%s (%j) is a 400", async (_name, target) => {
    const res = await demo.send(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(400);
    expect(res.closed || res.headers.connection?.[0] === "close").toBe(true);
  });

  it("OPTIONS * is answered 204 with Allow", async () => {
    const res = await demo.send(lines("OPTIONS * HTTP/1.1", "Host: localhost", "Connection: close"));
    expect(res.status).toBe(204);
    expect(res.headers.allow?.[0]).toMatch(/GET/);
  });

  it("CONNECT is not a proxy here: refused, no tunnel", async () => {
    const res = await demo.send(lines("CONNECT evil.example:443 HTTP/1.1", "Host: evil.example:443"));
    expect(res.status === 0 ? "closed" : res.status).not.toBe(200);
    expect(res.raw).not.toMatch(/^HTTP\/1\.1 2/);
  });

  it.each([
    ["TRACE", 404],
    ["PROPFIND", 404],
    ["MKCOL", 404],
    ["LOCK", 404],
    ["TRACK", 400],
  ])("%s / is a %i, nothing echoed", async (method, status) => {
    const res = await demo.send(lines(`${method} / HTTP/1.1`, "Host: localhost", "X-Echo-Me: <script>alert(1)</script>", "Connection: close"));
    expect(res.status).toBe(status);
    expect(res.raw).not.toContain("<script>");
  });

  it("HEAD sends the GET headers and no body", async () => {
    const res = await demo.send(lines("HEAD /about HTTP/1.1", "Host: localhost", "Connection: close"), { all: true });
    expect(res.status).toBe(200);
    expect(res.raw.slice(res.raw.indexOf("\r\n\r\n") + 4)).toBe("");
  });

  it("a target of 64 kB is a 431 (the head is over node's 16 kB)", async () => {
    const res = await demo.send(get("/" + "a".repeat(65_536)));
    expect(res.status).toBe(431);
  });

  it("a target of 8 kB is routed (a 404 for a path no route has)", async () => {
    const res = await demo.send(get("/" + "a".repeat(8192)));
    expect(res.status).toBe(404);
  });
});

describe("percent-encoding in the path and query", () => {
  it.each([
    ["an invalid escape", "/users/%ZZ"],
    ["a truncated escape", "/users/%E0%A4%A"],
    ["a lone %", "/users/%"],
    ["a % at the end of a segment", "/users/1%/posts"],
    ["an overlong UTF-8 slash", "/users/%C0%AF"],
    ["an overlong dot", "/files/%C0%AE%C0%AE/x"],
    ["a lone continuation byte", "/users/%80"],
    ["a surrogate half (CESU-8)", "/users/%ED%A0%80"],
    ["a code point past U+10FFFF", "/users/%F4%90%80%80"],
    ["a truncated 4-byte sequence", "/files/%F0%9F%98"],
    ["a hex digit that is not", "/users/%G1"],
    ["an escape in a glob", "/files/a/%XX/b"],
  ])("%s (%s) is a 400 in the path", async (_name, path) => {
    const res = await demo.send(get(path));
    expect(res.status).toBe(400);
  });

  it.each([
    ["an invalid escape", "?a=%ZZ"],
    ["a lone %", "?a=%"],
    ["an invalid escape in a key", "?%ZZ=1"],
    ["an overlong sequence", "?a=%C0%AF"],
    ["a truncated sequence", "?name=%E2%82"],
  ])("%s (%s) is a 400 in the query", async (_name, query) => {
    const res = await demo.send(get(`/api/v1/items${query}`));
    expect(res.status).toBe(400);
  });

  it.each([
    ["an encoded slash stays in its segment", "/users/1%2F2", 404],
    ["an encoded NUL in a segment", "/users/%00", 404],
    ["an encoded dot-dot in a glob is data, not a path step", "/files/%2e%2e/%2e%2e/etc/passwd", 200],
    ["a valid 4-byte character", "/files/%F0%9F%98%80", 200],
    ["an encoded CR/LF in a glob", "/files/a%0D%0ASet-Cookie:%20x=1", 200],
  ])("%s (%s): %i", async (_name, path, status) => {
    const res = await demo.send(get(path));
    expect(res.status).toBe(status);
    expect(res.headers["set-cookie"]?.some((c) => c.startsWith("x="))).toBeFalsy();
  });

  it("a glob echo of an encoded dot-dot is plain text with nosniff", async () => {
    const res = await demo.send(get("/files/%2e%2e/%2e%2e/etc/passwd"));
    expect(res.body).toBe("file ../../etc/passwd\n");
    expect(res.headers["content-type"]?.[0]).toMatch(/^text\/plain/);
    expect(res.headers["x-content-type-options"]).toEqual(["nosniff"]);
  });
});

describe("headers", () => {
  it.each([
    ["a header of 20 kB", [`X-Big: ${"a".repeat(20_000)}`], 431],
    ["a cookie of 20 kB", [`Cookie: a=${"b".repeat(20_000)}`], 431],
    ["3000 small headers", Array.from({ length: 3000 }, (_, i) => `X-H${i}: ${i}`), 431],
    ["a space in a header name", ["X Y: 1"], 400],
    ["a space before the colon", ["X-Y : 1"], 400],
    ["an empty header name", [": 1"], 400],
    ["a NUL in a header value", ["X-Y: a\0b"], 400],
    ["a bare CR in a header value", ["X-Y: a\rb"], 400],
    ["a folded header (obs-fold)", ["X-Y: a", " b"], 400],
    ["a DEL in a header name", ["X-\x7fY: 1"], 400],
    ["a non-token character in a header name", ["X-(Y): 1"], 400],
  ])("%s is a %i", async (_name, headers, status) => {
    const res = await demo.send(get("/about", headers));
    expect(res.status).toBe(status);
  });

  it.each([
    ["two Host headers", ["Host: evil.example"]],
    ["a Host with a space", [], "local host"],
    ["a Host with a slash", [], "localhost/evil"],
    ["a Host with userinfo", [], "user@localhost"],
    ["a Host with a bad port", [], "localhost:80x"],
    ["a Host with a quote", [], 'local"host'],
    ["a Host with angle brackets", [], "<script>"],
    ["a Host with a backslash", [], "localhost\\evil"],
  ] as [string, string[], string?][])("%s is a 400", async (_name, extra, host) => {
    const head = host === undefined ? ["GET /about HTTP/1.1", "Host: localhost", ...extra] : ["GET /about HTTP/1.1", `Host: ${host}`];
    const res = await demo.send(lines(...head, "Connection: close"));
    expect(res.status).toBe(400);
    expect(res.raw).not.toContain("evil");
  });

  it.each([
    ["an IPv6 literal", "[::1]:4000"],
    ["an IPv4 address", "127.0.0.1:4000"],
    ["a name without port", "localhost"],
    ["a name with a trailing dot", "localhost."],
    ["an empty port", "localhost:"],
  ])("a Host that is %s (%s) is served", async (_name, host) => {
    const res = await demo.send(lines("GET /about HTTP/1.1", `Host: ${host}`, "Connection: close"));
    expect(res.status).toBe(200);
  });

  it("repeated Cookie and Accept headers are served", async () => {
    const res = await demo.send(get("/about", ["Cookie: a=1", "Cookie: b=2", "Accept: text/html", "Accept: */*"]));
    expect(res.status).toBe(200);
  });

  it("a non-ASCII (Latin-1) header value is served, not echoed", async () => {
    const res = await demo.send(Buffer.from(get("/about", ["X-Name: caf\xe9"]), "latin1"));
    expect(res.status).toBe(200);
  });

  it("a malformed Accept header is not a 500", async () => {
    for (const accept of [";;;,,,", "text/html;q=abc", "*/*;q=-1", "a/b/c", "\x01"]) {
      const res = await demo.send(get("/", [`Accept: ${accept}`]));
      expect(res.status, accept).toBeLessThan(500);
    }
  });
});

describe("request smuggling shapes", () => {
  const body = "hello";
  it.each([
    ["Content-Length and Transfer-Encoding together", 400, ["Content-Length: 5", "Transfer-Encoding: chunked"], `0${CRLF}${CRLF}`],
    ["Transfer-Encoding then Content-Length", 400, ["Transfer-Encoding: chunked", "Content-Length: 5"], `0${CRLF}${CRLF}`],
    ["two different Content-Lengths", 400, ["Content-Length: 5", "Content-Length: 6"], body],
    ["a list Content-Length", 400, ["Content-Length: 5, 6"], body],
    ["a negative Content-Length", 400, ["Content-Length: -1"], body],
    ["a signed Content-Length", 400, ["Content-Length: +5"], body],
    ["a hex Content-Length", 400, ["Content-Length: 0x5"], body],
    ["a Content-Length with a space inside", 400, ["Content-Length: 5 5"], body],
    ["a Content-Length past 2^53", 400, ["Content-Length: 99999999999999999999"], body],
    ["a space before the colon of Transfer-Encoding", 400, ["Transfer-Encoding : chunked"], `5${CRLF}hello${CRLF}0${CRLF}${CRLF}`],
    ["gzip, chunked", 501, ["Transfer-Encoding: gzip, chunked"], `5${CRLF}hello${CRLF}0${CRLF}${CRLF}`],
    // RFC 9112 §6.3: chunked not the final coding of a request is a 400.
    ["chunked, gzip", 400, ["Transfer-Encoding: chunked, gzip"], `5${CRLF}hello${CRLF}0${CRLF}${CRLF}`],
    ["two Transfer-Encoding headers, gzip last", 400, ["Transfer-Encoding: chunked", "Transfer-Encoding: gzip"], `5${CRLF}hello${CRLF}0${CRLF}${CRLF}`],
    ["two Transfer-Encoding headers, chunked last", 501, ["Transfer-Encoding: gzip", "Transfer-Encoding: chunked"], `5${CRLF}hello${CRLF}0${CRLF}${CRLF}`],
    ["identity", 501, ["Transfer-Encoding: identity"], body],
    ["xchunked", 501, ["Transfer-Encoding: xchunked"], `5${CRLF}hello${CRLF}0${CRLF}${CRLF}`],
    ["chunked with a vertical tab", 400, ["Transfer-Encoding: \x0bchunked"], `5${CRLF}hello${CRLF}0${CRLF}${CRLF}`],
    ["an invalid chunk size", 400, ["Transfer-Encoding: chunked"], `zz${CRLF}hello${CRLF}0${CRLF}${CRLF}`],
    ["a chunk size that overflows", 400, ["Transfer-Encoding: chunked"], `ffffffffffffffffffff${CRLF}hello${CRLF}0${CRLF}${CRLF}`],
    ["a negative chunk size", 400, ["Transfer-Encoding: chunked"], `-5${CRLF}hello${CRLF}0${CRLF}${CRLF}`],
    ["a chunk longer than its size", 400, ["Transfer-Encoding: chunked"], `2${CRLF}hello${CRLF}0${CRLF}${CRLF}`],
    ["a bare LF after a chunk size", 400, ["Transfer-Encoding: chunked"], `5\nhello${CRLF}0${CRLF}${CRLF}`],
  ])("%s is a %i", async (_name, status, headers, payload) => {
    // Read until the server closes: a framing it cannot trust leaves nothing to keep alive for.
    const res = await demo.send(request("POST", "/api/v1/items", ["Content-Type: application/json", ...headers], payload), { all: true });
    expect(res.status).toBe(status);
    expect(res.closed).toBe(true);
    expect(res.raw.match(/HTTP\/1\.1 \d{3}/g)).toHaveLength(1);
  });

  it("a request hidden after a body is answered as its own request, not as part of the first", async () => {
    // A well-framed POST followed by a second request on the same connection: pipelining. The
    // second must be parsed from where the first body ends, by its own Content-Length.
    const first = "POST /api/v1/items HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    const second = "GET /about HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    const res = await demo.send(first + second, { all: true });
    const statuses = [...res.raw.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
    expect(statuses).toEqual([201, 200]);
  });

  it("a chunked body with extensions and trailers is read as its chunks", async () => {
    const payload = `2;ext=1${CRLF}{}${CRLF}0${CRLF}X-Trailer: 1${CRLF}${CRLF}`;
    const res = await demo.send(request("POST", "/api/v1/items", ["Content-Type: application/json", "Transfer-Encoding: chunked"], payload));
    expect(res.status).toBe(201);
  });
});

describe("upgrades that are not socket upgrades are ordinary requests", () => {
  it.each([
    ["h2c (curl --http2)", ["Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c", "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA"]],
    ["websocket on a page", ["Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]],
    ["TLS/1.0 (RFC 2817)", ["Connection: Upgrade", "Upgrade: TLS/1.0"]],
    ["an unknown protocol", ["Connection: Upgrade", "Upgrade: foo/1"]],
  ])("%s: GET /about is 200 with its body", async (_name, headers) => {
    const res = await demo.send(lines("GET /about HTTP/1.1", "Host: localhost", ...headers));
    expect(res.status).toBe(200);
    expect(res.body).toBe("Fawkes: Phoenix for TypeScript, compiled.\n");
  });

  it("h2c on a POST with a body: the body reaches the action", async () => {
    const res = await demo.send(
      lines("POST /api/v1/items HTTP/1.1", "Host: localhost", "Connection: Upgrade, HTTP2-Settings, close", "Upgrade: h2c", "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA", "Content-Type: application/json", "Content-Length: 2") + "{}",
    );
    expect(res.status).toBe(201);
  });

  it("h2c on a 404 path is the 404 of that path", async () => {
    const res = await demo.send(lines("GET /nope HTTP/1.1", "Host: localhost", "Connection: Upgrade, close", "Upgrade: h2c"));
    expect(res.status).toBe(404);
  });

  it("two h2c requests pipelined on one connection are both answered", async () => {
    const one = lines("GET /about HTTP/1.1", "Host: localhost", "Connection: Upgrade", "Upgrade: h2c");
    const two = lines("GET /api/v1/status HTTP/1.1", "Host: localhost", "Connection: Upgrade, close", "Upgrade: h2c");
    const res = await demo.send(one + two, { all: true });
    const statuses = [...res.raw.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
    expect(statuses).toEqual([200, 200]);
    expect(res.raw).toContain('{"status":"ok"}');
  });

  it("a websocket upgrade on the socket path without a valid key is refused, not a crash", async () => {
    const res = await demo.send(lines(`GET /socket/websocket?vsn=2.0.0&token=${token()} HTTP/1.1`, "Host: localhost", "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: short"));
    expect(res.status).toBe(400);
  });

  it("a websocket upgrade with an unsupported version is refused", async () => {
    const res = await demo.send(lines(`GET /socket/websocket?vsn=2.0.0&token=${token()} HTTP/1.1`, "Host: localhost", "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 7", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="));
    expect(res.status).toBe(400);
  });
});

describe("responses carry safe headers", () => {
  it.each([
    ["text", "/about", /^text\/plain/],
    ["JSON", "/api/v1/status", /^application\/json/],
    ["a JSON 404", "/api/v1/items/999", /^application\/json/],
  ])("%s answers say nosniff", async (_name, path, type) => {
    const res = await demo.send(get(path));
    expect(res.headers["content-type"]?.[0]).toMatch(type);
    expect(res.headers["x-content-type-options"]).toEqual(["nosniff"]);
  });

  it("a browser page has the secure browser headers", async () => {
    const res = await demo.send(get("/"));
    expect(res.status).toBe(200);
    expect(res.headers["x-content-type-options"]).toEqual(["nosniff"]);
    // Phoenix 1.7+: frame-ancestors in a CSP rather than the older X-Frame-Options.
    expect(res.headers["content-security-policy"]?.[0]).toMatch(/frame-ancestors 'self'/);
  });

  it.each([
    ["a path no route has", get("/api/v1/nope", ["Accept: text/html"]), 404],
    ["a method no route has", request("DELETE", "/api/v1/items", ["Accept: text/html"]), 404],
    ["malformed JSON", request("POST", "/api/v1/items", ["Content-Type: application/json", "Accept: text/html"], "{nope"), 400],
    ["an Accept the API cannot answer", get("/api/v1/status", ["Accept: text/html"]), 406],
  ])("the JSON API answers %s in JSON, whatever Accept says", async (_name, bytes, status) => {
    const res = await demo.send(bytes, { all: true });
    expect(res.status).toBe(status);
    expect(res.headers["content-type"]?.[0]).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toHaveProperty("errors.detail");
  });

  it("a 404 page without debugErrors lists no routes", async () => {
    const res = await demo.send(get("/no/such/page"));
    expect(res.status).toBe(404);
    expect(res.body).not.toMatch(/PageController|UserController|\/users\/:id/);
  });
});
