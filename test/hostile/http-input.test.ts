// Hostile input in what the demo reads: bodies over the limits, deep JSON and query strings,
// prototype keys wherever params are built, multipart abuse, sessions, CSRF and method
// override. Each case has its answer; the same server answers GET /about after each one, and
// nothing in Object.prototype changes (the server runs in this process).

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { encodeSession } from "../../runtime/http/crypto/session-cookie.js";
import { secretKeyBase, session as sessionOptions } from "../../fixtures/demo/app/config.js";
import { get } from "./_client.js";
import { request, startDemo, type HostileDemo } from "./_demo.js";

let demo: HostileDemo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(() => demo.stop());
afterEach(async () => {
  expect(Object.getOwnPropertyNames(Object.prototype).filter((k) => /admin|polluted|x$/.test(k)), "Object.prototype untouched").toEqual([]);
  await demo.alive();
});

const JSON_TYPE = "Content-Type: application/json";
const FORM = "Content-Type: application/x-www-form-urlencoded";
const post = (path: string, headers: string[], body: string | Buffer = "") => demo.send(request("POST", path, headers, body), { all: true });
/** The params the input became: GET /users/:user_id/posts and POST /api/v1/items answer them as JSON. */
const echo = async (path: string, headers: string[] = [], body: string | Buffer = "") => {
  const res = await demo.send(request(body === "" ? "GET" : "POST", body === "" ? path : "/api/v1/items", headers, body), { all: true });
  expect(res.status, res.body).toBe(body === "" ? 200 : 201);
  return JSON.parse(res.body).params as Record<string, unknown>;
};
const nested = (depth: number, open = "[", close = "]", inner = "1") => open.repeat(depth) + inner + close.repeat(depth);

describe("bodies over the limits are a 413 before they are read", () => {
  it.each([
    ["JSON", JSON_TYPE],
    ["urlencoded", FORM],
    ["multipart", "Content-Type: multipart/form-data; boundary=x"],
  ])("%s declared at 9 MB (limit 8 MB)", async (_name, type) => {
    // Only the head is sent: the answer must not wait for 9 MB that never come.
    const res = await demo.send(request("POST", "/api/v1/items", [type, "Content-Length: 9000000"]), { all: true });
    expect(res.status).toBe(413);
    expect(res.closed).toBe(true);
  });

  it("an unsupported type declared at 9 MB is a 415, unread", async () => {
    const res = await demo.send(request("POST", "/api/v1/items", ["Content-Type: application/octet-stream", "Content-Length: 9000000"]), { all: true });
    expect(res.status).toBe(415);
    expect(res.closed).toBe(true);
  });

  it.each([
    ["JSON", JSON_TYPE],
    ["urlencoded", FORM],
  ])("%s chunked past 8 MB is a 413 once the limit is passed", async (_name, type) => {
    const chunk = "a".repeat(1 << 20);
    const chunks = Array.from({ length: 9 }, () => `${(1 << 20).toString(16)}\r\n${chunk}\r\n`).join("");
    const res = await demo.send(request("POST", "/api/v1/items", [type, "Transfer-Encoding: chunked"], chunks + "0\r\n\r\n"), { all: true, timeout: 30_000 });
    expect(res.status).toBe(413);
  });

  it("a JSON body of 4 MB (under the limit) is read", async () => {
    const res = await post("/api/v1/items", [JSON_TYPE], JSON.stringify({ blob: "x".repeat(4_000_000) }));
    expect(res.status).toBe(201);
  });
});

describe("malformed JSON bodies are a 400", () => {
  it.each([
    ["an open brace", "{"],
    ["a missing value", '{"a":}'],
    ["a trailing comma", "[1,]"],
    ["a bare word", "nul"],
    ["single quotes", "{'a':1}"],
    ["trailing garbage", "{} x"],
    ["two documents", '{"a":1}{"b":2}'],
    ["NaN", '{"a":NaN}'],
    ["a comment", '{"a":1 /* c */}'],
    ["an unterminated string", '{"a":"b'],
    ["a raw control character in a string", '{"a":"b\u0001"}'],
    ["a bad escape", '{"a":"\\x41"}'],
    ["an unquoted key", "{a:1}"],
    ["a leading zero", '{"a":01}'],
    ["a hex number", '{"a":0x10}'],
  ])("%s (%j)", async (_name, body) => {
    const res = await post("/api/v1/items", [JSON_TYPE], body);
    expect(res.status).toBe(400);
    expect(res.body).not.toContain(body.length > 3 ? body : "\u0000");
  });

  it.each([
    ["a lone 0xFF byte", Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])],
    ["an overlong slash", Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d])],
    ["a truncated sequence", Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0x22, 0x7d])],
    ["an encoded surrogate", Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])],
    ["Latin-1 text", Buffer.from('{"a":"caf\xe9"}', "latin1")],
  ])("invalid UTF-8: %s", async (_name, body) => {
    const res = await post("/api/v1/items", [JSON_TYPE], body);
    expect(res.status).toBe(400);
  });

  it.each([
    ["a top-level array", "[1,2]"],
    ["a top-level string", '"x"'],
    ["a top-level number", "42"],
    ["an escaped lone surrogate (valid JSON)", '{"a":"\\ud800"}'],
    ["valid multi-byte UTF-8", '{"a":"日本 😀"}'],
    ["a UTF-8 BOM-less body with whitespace", '  \n {"a":1} \n '],
  ])("well-formed JSON is read: %s", async (_name, body) => {
    const res = await post("/api/v1/items", [JSON_TYPE], body);
    expect(res.status).toBe(201);
  });
});

describe("deep JSON is refused before it is parsed", () => {
  it.each([
    ["arrays, 513 deep", nested(513)],
    ["objects, 513 deep", nested(513, '{"a":', "}")],
    ["mixed, 600 deep", nested(300, '[{"a":', "}]")],
    ["arrays, 1 000 000 deep (2 MB)", nested(1_000_000)],
    ["an unclosed 100 000 deep", "[".repeat(100_000)],
  ])("%s: 400 json_too_deep", async (_name, body) => {
    const started = Date.now();
    const res = await post("/api/v1/items", [JSON_TYPE], body);
    expect(res.status).toBe(400);
    expect(res.body).not.toContain("[[[");
    // Refused in one pass, not after building a million-level tree (seconds, hundreds of MB).
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each([
    ["arrays, 512 deep", nested(512)],
    ["brackets inside strings do not count", JSON.stringify({ a: "[".repeat(10_000) + "{".repeat(10_000) })],
    ["escaped quotes inside strings", JSON.stringify({ a: '\\"[[[[' + "[".repeat(1000) })],
  ])("%s: read", async (_name, body) => {
    const res = await post("/api/v1/items", [JSON_TYPE], body);
    expect(res.status).toBe(201);
  });

  it("a deep body with __proto__ keys (the reviver path) is refused the same way", async () => {
    const res = await post("/api/v1/items", [JSON_TYPE], nested(5000, '{"__proto__":', "}"));
    expect(res.status).toBe(400);
  });

  it("a deep body of \\u escapes (the reviver path) is refused the same way", async () => {
    const res = await post("/api/v1/items", [JSON_TYPE], nested(5000, '{"\\u0061":', "}"));
    expect(res.status).toBe(400);
  });
});

describe("query strings: depth, count, sparse arrays", () => {
  it.each([
    ["nesting 6 deep (limit 5)", "a[b][c][d][e][f][g]=1", 400],
    ["1001 parameters (limit 1000)", Array.from({ length: 1001 }, (_, i) => `p${i}=1`).join("&"), 400],
    ["1001 list items", Array.from({ length: 1001 }, () => "a[]=1").join("&"), 400],
    ["an unclosed bracket", "a[b=1", 200],
    ["a stray closing bracket", "a]b=1", 200],
    ["empty keys", "=1&=2&&&", 200],
    ["nesting 5 deep", "a[b][c][d][e][f]=1", 200],
    ["1000 parameters", Array.from({ length: 1000 }, (_, i) => `p${i}=1`).join("&"), 200],
  ])("%s: %i", async (_name, query, status) => {
    const res = await demo.send(get(`/users/1/posts?${query}`));
    expect(res.status).toBe(status);
  });

  it("a huge index does not allocate a sparse array", async () => {
    const params = await echo("/users/1/posts?a[999999999]=x&b[5]=y");
    expect(params.a).toEqual({ "999999999": "x" });
    expect(Array.isArray(params.a)).toBe(false);
  });

  it("a[]=1&a[b]=2 (a list then a map) is read without a crash", async () => {
    const params = await echo("/users/1/posts?a[]=1&a[b]=2");
    expect(params.a).toBeDefined();
  });

  it("a deep query of 10 000 brackets is a 400, fast", async () => {
    const res = await demo.send(get(`/users/1/posts?a${"[b]".repeat(3000)}=1`));
    expect(res.status).toBe(400);
  });
});

describe("prototype keys are dropped wherever params are built", () => {
  const keys = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__", "isPrototypeOf"];

  it.each(keys.flatMap((k) => [
    [`${k}[admin]=1`, k],
    [`user[${k}][admin]=1`, k],
  ]))("in the query: %s", async (query, key) => {
    const params = await echo(`/users/1/posts?${query}&ok=1`);
    expect(params.ok).toBe("1");
    expect(JSON.stringify(params)).not.toContain("admin");
    expect(Object.keys(params)).not.toContain(key);
  });

  it.each(["__proto__[admin]=1", "constructor[prototype][admin]=1", "a[__proto__][admin]=1", "__proto__=x", "a[constructor][prototype][polluted]=1"])(
    "in an urlencoded body: %s",
    async (body) => {
      const params = await echo("/users/1/posts", [FORM], `${body}&ok=1`);
      expect(params.ok).toBe("1");
      expect(JSON.stringify(params)).not.toMatch(/admin|polluted/);
    },
  );

  it.each([
    ['{"__proto__":{"admin":true},"ok":1}', "a top-level __proto__"],
    ['{"a":{"__proto__":{"admin":true}},"ok":1}', "a nested __proto__"],
    ['{"\\u005f_proto__":{"admin":true},"ok":1}', "an escaped __proto__"],
    ['{"constructor":{"prototype":{"polluted":true}},"ok":1}', "constructor.prototype"],
    ['[{"__proto__":{"admin":true}}]', "__proto__ inside a top-level array"],
  ])("in a JSON body: %s (%s)", async (body) => {
    const params = await echo("/users/1/posts", [JSON_TYPE], body);
    if (!body.startsWith("[")) expect(params.ok).toBe(1);
    expect(JSON.stringify(params)).not.toContain('"__proto__"');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(["__proto__[admin]", "constructor[prototype][admin]", "a[__proto__][admin]"])("in a multipart field name: %s", async (name) => {
    const body = multipart([{ name, value: "1" }, { name: "ok", value: "1" }]);
    const params = await echo("/users/1/posts", [`Content-Type: multipart/form-data; boundary=${BOUNDARY}`], body);
    expect(params.ok).toBe("1");
    expect(JSON.stringify(params)).not.toContain("admin");
  });

  it.each(["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"])("as a path param: /users/%s/posts", async (id) => {
    const params = await echo(`/users/${id}/posts`);
    expect(params.user_id).toBe(id);
  });

  it.each(["__proto__", "constructor", "toString"])("as a user id the controller looks up: /users/%s is a 404", async (id) => {
    const res = await demo.send(get(`/users/${id}`));
    expect(res.status).toBe(404);
  });
});

const BOUNDARY = "----hostileBoundary7MA4YWxk";
function multipart(parts: { name?: string; value: string; filename?: string; type?: string; raw?: string }[], boundary = BOUNDARY): string {
  return (
    parts
      .map((p) => {
        const disposition = p.raw ?? `Content-Disposition: form-data${p.name !== undefined ? `; name="${p.name}"` : ""}${p.filename !== undefined ? `; filename="${p.filename}"` : ""}`;
        return `--${boundary}\r\n${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ""}\r\n${p.value}\r\n`;
      })
      .join("") + `--${boundary}--\r\n`
  );
}

describe("multipart abuse", () => {
  const type = `Content-Type: multipart/form-data; boundary=${BOUNDARY}`;
  it.each([
    ["no boundary", "Content-Type: multipart/form-data", multipart([{ name: "a", value: "1" }]), 400],
    ["an empty boundary", 'Content-Type: multipart/form-data; boundary=""', multipart([{ name: "a", value: "1" }]), 400],
    ["a boundary of 71 characters", `Content-Type: multipart/form-data; boundary=${"b".repeat(71)}`, multipart([{ name: "a", value: "1" }], "b".repeat(71)), 400],
    ["a body that never closes", type, `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1`, 400],
    ["a body with no parts at all", type, "garbage without any boundary", 400],
    ["101 files (limit 100)", type, multipart(Array.from({ length: 101 }, (_, i) => ({ name: `f${i}`, filename: `f${i}.txt`, value: "x" }))), 413],
    ["1001 fields (limit 1000)", type, multipart(Array.from({ length: 1001 }, (_, i) => ({ name: `p${i}`, value: "x" }))), 413],
    ["a field over 1 MB", type, multipart([{ name: "big", value: "x".repeat(1_000_001) }]), 413],
    ["a field nested 6 deep", type, multipart([{ name: "a[b][c][d][e][f][g]", value: "1" }]), 400],
  ])("%s", async (_name, contentType, body, status) => {
    const res = await demo.send(request("POST", "/api/v1/items", [contentType], body), { all: true });
    expect(res.status).toBe(status);
  });

  it.each([
    ["a part without a name is skipped", [{ value: "x" }, { name: "ok", value: "1" }]],
    ["a part without Content-Disposition is skipped", [{ raw: "X-Other: 1", value: "x" }, { name: "ok", value: "1" }]],
    ["a filename with path traversal is kept as data", [{ name: "f", filename: "../../../../etc/passwd", value: "x" }, { name: "ok", value: "1" }]],
    ["a filename with a NUL", [{ name: "f", filename: "a\0b.txt", value: "x" }, { name: "ok", value: "1" }]],
    ["a part with a header injection attempt", [{ raw: 'Content-Disposition: form-data; name="a"\r\nSet-Cookie: x=1', value: "x" }, { name: "ok", value: "1" }]],
    ["an empty file", [{ name: "f", filename: "empty.txt", value: "" }, { name: "ok", value: "1" }]],
    ["a name with quotes and brackets", [{ raw: 'Content-Disposition: form-data; name="a\\"]["', value: "x" }, { name: "ok", value: "1" }]],
  ] as [string, Parameters<typeof multipart>[0]][])("%s", async (_name, parts) => {
    const res = await demo.send(request("POST", "/api/v1/items", [type], multipart(parts)), { all: true });
    expect(res.status).toBe(201);
    expect(res.headers["set-cookie"]?.some((c) => c.startsWith("x="))).toBeFalsy();
    expect(JSON.parse(res.body).params.ok).toBe("1");
  });

  it("a file upload is kept under the temp dir whatever its name says", async () => {
    const res = await demo.send(request("POST", "/api/v1/items", [type], multipart([{ name: "f", filename: "../../../../tmp/owned.txt", value: "x" }])), { all: true });
    expect(res.status).toBe(201);
    const upload = JSON.parse(res.body).params.f as { filename: string; path: string };
    expect(upload.filename).toBe("owned.txt");
    expect(upload.path).not.toContain("..");
    expect(upload.path).not.toMatch(/owned\.txt$/);
  });
});

describe("session cookies: tampered, foreign and odd ones are an empty session", () => {
  async function fresh(): Promise<{ cookie: string; token: string }> {
    const res = await demo.send(get("/users/new"));
    expect(res.status).toBe(200);
    const cookie = res.headers["set-cookie"]?.[0]?.split(";")[0];
    const token = /name="_csrf_token" value="([^"]+)"/.exec(res.body)?.[1];
    expect(cookie).toMatch(/^_demo_key=/);
    expect(token).toBeTruthy();
    return { cookie: cookie!, token: token! };
  }
  const create = (cookie: string, token: string) => post("/users", [FORM, `Cookie: ${cookie}`], `_csrf_token=${encodeURIComponent(token)}&user[name]=Ann`);

  it("the untouched pair creates (302): the baseline every tampered case differs from", async () => {
    const { cookie, token } = await fresh();
    const res = await create(cookie, token);
    expect(res.status).toBe(302);
    expect(res.headers.location).toEqual(["/users/1"]);
  });

  const tamperings: [string, (value: string) => string][] = [
    ["one signature character changed", (v) => v.slice(0, -2) + (v.at(-2) === "A" ? "B" : "A") + v.slice(-1)],
    ["one payload character changed", (v) => { const i = v.indexOf(".") + 3; return v.slice(0, i) + (v[i] === "A" ? "B" : "A") + v.slice(i + 1); }],
    ["the signature removed", (v) => v.slice(0, v.lastIndexOf("."))],
    ["the signature swapped for another cookie's", (v) => v.slice(0, v.lastIndexOf(".")) + ".AAAA"],
    ["truncated by half", (v) => v.slice(0, v.length >> 1)],
    ["doubled", (v) => v + v],
    ["percent-encoded garbage", () => "%%%zz"],
    ["empty", () => ""],
    ["only dots", () => "...."],
    ["four segments", () => "a.b.c.d"],
    ["4000 characters", () => "A".repeat(4000)],
    ["non-base64 characters", () => "!!!!.@@@@.####"],
    ["a JSON text instead of a token", () => encodeURIComponent('{"_csrf_token":"x"}')],
    ["signed with another secret", () => encodeSession({ _csrf_token: "x" }, { ...sessionOptions, secretKeyBase: "another-app-secret-".repeat(5) })],
    ["signed with another salt", () => encodeSession({ _csrf_token: "x" }, { ...sessionOptions, signingSalt: "other salt" })],
  ];

  it.each(tamperings)("%s: a new session, the old CSRF token refused (403)", async (_name, tamper) => {
    const { cookie, token } = await fresh();
    const value = cookie.slice("_demo_key=".length);
    const res = await create(`_demo_key=${tamper(value)}`, token);
    expect(res.status).toBe(403);
  });

  it.each(tamperings)("%s: pages still render (200)", async (_name, tamper) => {
    const { cookie } = await fresh();
    const res = await demo.send(get("/", [`Cookie: _demo_key=${tamper(cookie.slice("_demo_key=".length))}`]));
    expect(res.status).toBe(200);
  });

  it.each([
    ["a CSRF secret that is a number", { _csrf_token: 42 }],
    ["a CSRF secret that is a list", { _csrf_token: ["a", "b"] }],
    ["a flash that is a string", { phoenix_flash: "not a map" }],
    ["a flash that is a list", { phoenix_flash: ["a"] }],
    ["a flash message that is an object", { phoenix_flash: { info: { nested: true } } }],
    ["a flash message with markup", { phoenix_flash: { info: "<script>alert(1)</script>" } }],
    ["an own __proto__ key", { ["__proto__"]: { admin: true } }],
    ["a flash with an own __proto__", { phoenix_flash: { ["__proto__"]: { admin: true }, info: "hi" } }],
  ] as [string, Record<string, unknown>][])("a validly signed session holding %s is not a 500", async (_name, session) => {
    const cookie = `_demo_key=${encodeSession(session, sessionOptions)}`;
    const page = await demo.send(get("/", [`Cookie: ${cookie}`]));
    expect(page.status).toBe(200);
    expect(page.body).not.toContain("<script>alert(1)</script>");
    const res = await post("/users", [FORM, `Cookie: ${cookie}`], "_csrf_token=anything&user[name]=Ann");
    expect(res.status).toBe(403);
  });

  it("two session cookies: a forged first one does not shadow the real one into a 500", async () => {
    const { cookie, token } = await fresh();
    const res = await create(`_demo_key=forged; ${cookie}`, token);
    expect([302, 403]).toContain(res.status);
  });
});

describe("CSRF", () => {
  async function fresh(): Promise<{ cookie: string; token: string }> {
    const res = await demo.send(get("/users/new"));
    return { cookie: res.headers["set-cookie"]![0].split(";")[0], token: /name="_csrf_token" value="([^"]+)"/.exec(res.body)![1] };
  }

  it.each([
    ["no token, no session", [], ""],
    ["no token, a session", ["session"], ""],
    ["an empty token", ["session"], "_csrf_token="],
    ["a garbage token", ["session"], "_csrf_token=abc"],
    ["a token of 10 kB", ["session"], `_csrf_token=${"A".repeat(10_000)}`],
    ["a token as a list", ["session"], "_csrf_token[]=a&_csrf_token[]=b"],
    ["a token as a map", ["session"], "_csrf_token[a]=b"],
    ["a stale token (another session's)", ["session", "other"], "_csrf_token=OTHER"],
    ["the unmasked secret's shape with a wrong mask", ["session"], "_csrf_token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["a valid token without its session cookie", ["token-only"], "_csrf_token=TOKEN"],
    ["the token in the query string only", ["session", "query"], ""],
    ["a token with a NUL", ["session"], "_csrf_token=%00"],
  ] as [string, string[], string][])("%s: 403", async (_name, flags, body) => {
    const mine = await fresh();
    const other = await fresh();
    const headers = [FORM];
    if (flags.includes("session")) headers.push(`Cookie: ${mine.cookie}`);
    const path = flags.includes("query") ? `/users?_csrf_token=${encodeURIComponent(mine.token)}` : "/users";
    const text = body.replace("OTHER", encodeURIComponent(other.token)).replace("TOKEN", encodeURIComponent(mine.token));
    const res = await post(path, headers, `${text}${text ? "&" : ""}user[name]=Ann`);
    expect(res.status).toBe(403);
    expect(res.headers["set-cookie"]?.some((c) => c.includes("phoenix_flash"))).toBeFalsy();
  });

  it.each([
    ["in the form", (t: string) => [[FORM], `_csrf_token=${encodeURIComponent(t)}&user[name]=Ann`]],
    ["in x-csrf-token", (t: string) => [[FORM, `x-csrf-token: ${t}`], "user[name]=Ann"]],
    ["in a JSON body", (t: string) => [[JSON_TYPE], JSON.stringify({ _csrf_token: t, user: { name: "Ann" } })]],
  ] as [string, (t: string) => [string[], string]][])("a valid token %s: 302", async (_name, build) => {
    const { cookie, token } = await fresh();
    const [headers, body] = build(token);
    const res = await post("/users", [...headers, `Cookie: ${cookie}`], body);
    expect(res.status).toBe(302);
  });

  it.each(["PUT", "PATCH", "DELETE"])("%s /users/1 without a token: 403", async (method) => {
    const res = await demo.send(request(method, "/users/1", [FORM], "user[name]=x"), { all: true });
    expect(res.status).toBe(403);
  });

  it.each(["GET", "HEAD", "OPTIONS"])("%s is not checked", async (method) => {
    const res = await demo.send(request(method, "/users/1", []), { all: true });
    expect(res.status).not.toBe(403);
  });

  it("a 403 page says forbidden and leaks no token", async () => {
    const res = await post("/users", [FORM], "user[name]=Ann");
    expect(res.status).toBe(403);
    expect(res.body).not.toMatch(/_csrf_token|InvalidCsrfTokenError/);
  });
});

describe("method override", () => {
  // The API pipeline has no CSRF check, so what the override did shows in the route taken:
  // POST /api/v1/items is `create` (201); PUT/DELETE /api/v1/items have no route (404).
  it.each([
    ["_method=PUT", 404],
    ["_method=DELETE", 404],
    ["_method=PATCH", 404],
    ["_method=delete (lower case, as Plug upcases)", 404],
    ["_method=GET (only PUT, PATCH, DELETE)", 201],
    ["_method=HEAD", 201],
    ["_method=TRACE", 201],
    ["_method=CONNECT", 201],
    ["_method=OPTIONS", 201],
    ["_method=PUT%0D%0AX-Injected:%201", 201],
    ["_method[]=PUT&_method[]=DELETE", 201],
    ["_method[a]=PUT", 201],
    ["_method=", 201],
    [`_method=${"P".repeat(5000)}`, 201],
  ])("POST with %s: %i", async (body, status) => {
    const res = await post("/api/v1/items", [FORM], body.replace(/ \(.*\)$/, ""));
    expect(res.status).toBe(status);
    expect(res.headers["x-injected"]).toBeUndefined();
  });

  it("_method in the query string is ignored (Plug reads the body)", async () => {
    const res = await post("/api/v1/items?_method=DELETE", [FORM], "a=1");
    expect(res.status).toBe(201);
  });

  it("_method on a GET is ignored", async () => {
    const res = await demo.send(request("GET", "/api/v1/items", [FORM], "_method=DELETE"), { all: true });
    expect(res.status).toBe(200);
  });

  it("_method=DELETE on a browser route still needs the CSRF token", async () => {
    const res = await post("/users/1", [FORM], "_method=DELETE");
    expect(res.status).toBe(403);
  });
});
