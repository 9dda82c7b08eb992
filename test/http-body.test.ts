// Body parsing, query strings, negotiation and method override, over real sockets: a server on
// port 0 calls the functions under test and answers their result (or their HttpError).

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  accepts,
  BadRequest,
  HttpError,
  methodOverride,
  parseBody,
  parseQuery,
  PayloadTooLarge,
  readBody,
  UnsupportedMediaType,
  writeHttpError,
  type ParseBodyOptions,
  type ParsedBody,
} from "../runtime/http/body/index.js";

let base = "";
let uploads = ""; // tmpDir of /upload
let limited = ""; // tmpDir of /upload-limited
let origin = "";
let server: http.Server;
let lastBody: ParsedBody | undefined;
let onHandled: ((outcome: { status: number; error?: unknown }) => void) | undefined;

/** Resolves once the server has finished handling the next request (parsed or failed). */
function nextHandled(): Promise<{ status: number; error?: unknown }> {
  return new Promise((resolve) => (onHandled = resolve));
}

function routes(): Record<string, ParseBodyOptions> {
  return {
    "/body": {},
    "/small": { json: { limit: 64 }, urlencoded: { limit: 64 } },
    "/shallow": { urlencoded: { depth: 2 } },
    "/pass": { pass: ["text/*"] },
    "/upload": { multipart: { tmpDir: uploads } },
    "/upload-limited": {
      multipart: { tmpDir: limited, fileSize: 1000, files: 2, fields: 3, fieldSize: 100, length: 20_000 },
    },
  };
}

function sendJson(res: ServerResponse, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  try {
    if (url.pathname === "/query") return sendJson(res, parseQuery(url.search));
    if (url.pathname === "/raw") return sendJson(res, { bytes: (await readBody(req, { limit: 1024 })).length });
    if (url.pathname === "/format") return sendJson(res, { format: accepts(req.headers.accept, ["html", "json"]) ?? null });
    const options = routes()[url.pathname];
    if (options === undefined) return void res.writeHead(404).end();
    const body = await parseBody(req, options);
    lastBody = body;
    const rest = url.pathname === "/pass" ? (await readBody(req, { limit: 1024 })).toString() : null;
    const copy: Record<string, unknown> = Object.assign({}, body.params);
    sendJson(res, {
      method: methodOverride(req.method ?? "GET", body.params),
      params: body.params,
      files: body.files,
      rest,
      copyPolluted: copy.polluted ?? null,
    });
    onHandled?.({ status: 200 });
  } catch (error) {
    writeHttpError(res, error);
    onHandled?.({ status: error instanceof HttpError ? error.status : 500, error });
  }
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "fawkes-body-test-"));
  uploads = await mkdtemp(join(base, "uploads-"));
  limited = await mkdtemp(join(base, "limited-"));
  server = http.createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(base, { recursive: true, force: true });
});

beforeEach(() => {
  lastBody = undefined;
  onHandled = undefined;
});

// What the test server answers for a parsed body.
type Reply = any;

async function post(path: string, body: NonNullable<RequestInit["body"]>, contentType?: string, method = "POST") {
  const res = await fetch(origin + path, { method, body, headers: contentType ? { "content-type": contentType } : {} });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: (): Reply => JSON.parse(text) };
}

/** The server still answers after an error (the 413 and 415 cases close their connection). */
async function expectServing(): Promise<void> {
  const res = await post("/body", JSON.stringify({ ok: true }), "application/json");
  expect(res.status).toBe(200);
  expect(res.json().params).toEqual({ ok: true });
}

/** Sends the start of a body over a raw http.request and never ends it; resolves with the response. */
function sendUnfinished(path: string, headers: Record<string, string>, chunk: Buffer | string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(origin + path, { method: "POST", headers });
    req.on("error", () => {}); // the server closes the connection after its answer
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        req.destroy();
      });
      res.on("error", reject);
    });
    req.write(chunk);
  });
}

describe("JSON bodies", () => {
  it("decodes an object into params", async () => {
    const res = await post("/body", JSON.stringify({ user: { name: "Ann" }, n: 1 }), "application/json");
    expect(res.status).toBe(200);
    expect(res.json().params).toEqual({ user: { name: "Ann" }, n: 1 });
  });

  it("accepts application/*+json and a charset parameter", async () => {
    const res = await post("/body", JSON.stringify({ a: 1 }), "application/vnd.api+json; charset=utf-8");
    expect(res.json().params).toEqual({ a: 1 });
  });

  it("puts a top-level non-object under _json, as Plug.Parsers.JSON", async () => {
    expect((await post("/body", "[1,2]", "application/json")).json().params).toEqual({ _json: [1, 2] });
    expect((await post("/body", '"hi"', "application/json")).json().params).toEqual({ _json: "hi" });
    expect((await post("/body", "null", "application/json")).json().params).toEqual({ _json: null });
  });

  it("answers 400 to malformed JSON, naming the problem", async () => {
    const res = await post("/body", '{"a": 1,', "application/json");
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/^malformed JSON body: /);
    await expectServing();
  });

  it("drops __proto__ keys, so copying the params cannot change a prototype", async () => {
    for (const text of ['{"__proto__": {"polluted": 1}, "a": 1}', '{"\\u005f_proto__": {"polluted": 1}, "a": 1}']) {
      const res = await post("/body", text, "application/json");
      expect(res.status).toBe(200);
      expect(res.text).not.toContain("__proto__");
      expect(res.json().params).toEqual({ a: 1 });
      expect(res.json().copyPolluted).toBeNull();
    }
  });
});

describe("size limits", () => {
  it("answers 413 from content-length alone, closing the connection, and serves the next request", async () => {
    const res = await post("/small", JSON.stringify({ text: "x".repeat(200) }), "application/json");
    expect(res.status).toBe(413);
    expect(res.text).toContain("limit of 64 bytes");
    expect(res.headers.get("connection")).toBe("close");
    await expectServing();
  });

  it("rejects a declared length over the limit without waiting for the body", async () => {
    // Only 10 of the declared 10 MB are ever sent: an answer proves nothing more was awaited.
    const res = await sendUnfinished("/small", { "content-type": "application/json", "content-length": "10000000" }, "{\"a\": 1, ");
    expect(res.status).toBe(413);
    expect(res.body).toContain("10000000 bytes (content-length)");
    await expectServing();
  });

  it("stops a chunked body as soon as it passes the limit (the body is never finished)", async () => {
    const res = await sendUnfinished("/small", { "content-type": "application/json", "transfer-encoding": "chunked" }, Buffer.alloc(200, 32));
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe("close");
    await expectServing();
  });

  it("readBody counts bytes: a body at the limit passes, one byte over is 413", async () => {
    expect((await post("/raw", "x".repeat(1024), "application/octet-stream")).json()).toEqual({ bytes: 1024 });
    expect((await post("/raw", "x".repeat(1025), "application/octet-stream")).status).toBe(413);
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 3; i++) controller.enqueue(new Uint8Array(400));
        controller.close();
      },
    });
    const res = await fetch(origin + "/raw", { method: "POST", body: streamed, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
    await expectServing();
  });

  it("applies the urlencoded limit too", async () => {
    const res = await post("/small", `a=${"x".repeat(100)}`, "application/x-www-form-urlencoded");
    expect(res.status).toBe(413);
  });
});

describe("content types", () => {
  it("answers 415 to an unknown type with a body, and the server keeps serving", async () => {
    const res = await post("/body", "hello", "text/plain");
    expect(res.status).toBe(415);
    expect(res.text).toContain('unsupported media type "text/plain"');
    expect(res.text).toContain('pass: ["text/plain"]');
    await expectServing();
  });

  it("answers 415 to a body without a content-type", async () => {
    const res = await post("/body", new Uint8Array([1, 2, 3]));
    expect(res.status).toBe(415);
    expect(res.text).toContain("no content-type");
  });

  it("lets a type listed in pass through, leaving the body unread", async () => {
    const res = await post("/pass", "plain words", "text/plain; charset=utf-8");
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ params: {}, rest: "plain words" });
  });

  it("gives empty params without a body: GET, content-length 0, methods Plug does not parse", async () => {
    const get = await fetch(origin + "/body?a=1", { headers: { "content-type": "application/json" } });
    expect(((await get.json()) as Reply).params).toEqual({});
    // A text/plain body would be a 415 if an empty one were taken for a body.
    expect((await post("/body", "", "text/plain")).json().params).toEqual({});
    const options = await fetch(origin + "/body", { method: "OPTIONS", body: "{", headers: { "content-type": "application/json" } });
    expect(((await options.json()) as Reply).params).toEqual({});
  });
});

describe("urlencoded bodies", () => {
  it("nests params and turns + into a space", async () => {
    const res = await post("/body", "user[name]=Ann+Lee&user[tags][]=a&user[tags][]=b&q=%C3%B8", "application/x-www-form-urlencoded");
    expect(res.json().params).toEqual({ user: { name: "Ann Lee", tags: ["a", "b"] }, q: "ø" });
  });

  it("answers 400 past the depth limit and to malformed percent-encoding", async () => {
    const deep = await post("/shallow", "a[b][c][d]=1", "application/x-www-form-urlencoded");
    expect(deep.status).toBe(400);
    expect(deep.text).toContain("limit of 2 (depth)");
    expect((await post("/shallow", "a[b][c]=1", "application/x-www-form-urlencoded")).json().params).toEqual({ a: { b: { c: "1" } } });
    const bad = await post("/body", "a=%E0%A4%A", "application/x-www-form-urlencoded");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("invalid urlencoded params");
  });

  it("overrides POST with _method, as Plug.MethodOverride", async () => {
    expect((await post("/body", "_method=delete", "application/x-www-form-urlencoded")).json().method).toBe("DELETE");
    expect((await post("/body", "_method=PATCH", "application/x-www-form-urlencoded")).json().method).toBe("PATCH");
    expect((await post("/body", "_method=GET", "application/x-www-form-urlencoded")).json().method).toBe("POST");
    const put = await post("/body", "_method=DELETE", "application/x-www-form-urlencoded", "PUT");
    expect(put.json().method).toBe("PUT");
  });
});

describe("multipart bodies", () => {
  it("streams each file to a temporary file holding its bytes, and nests the fields", async () => {
    const bytes = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 256);
    const form = new FormData();
    form.append("user[name]", "Ann");
    form.append("user[tags][]", "a");
    form.append("user[tags][]", "b");
    form.append("avatar", new Blob([bytes], { type: "image/png" }), "dir/me.png");
    const res = await fetch(origin + "/upload", { method: "POST", body: form });
    expect(res.status).toBe(200);
    const { params, files } = (await res.json()) as Reply;
    expect(params).toEqual({ user: { name: "Ann", tags: ["a", "b"] } });
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ fieldName: "avatar", filename: "me.png", contentType: "image/png", size: 3000 });
    expect(files[0].path.startsWith(join(uploads, "fawkes-uploads-"))).toBe(true);
    expect(readFileSync(files[0].path)).toEqual(Buffer.from(bytes));

    await lastBody!.cleanup();
    expect(existsSync(files[0].path)).toBe(false);
    expect(readdirSync(uploads)).toEqual([]);
  });

  it("skips a file input left empty and treats a part without filename as a field, as Plug", async () => {
    const body =
      '--B\r\ncontent-disposition: form-data; name="photo"; filename=""\r\ncontent-type: application/octet-stream\r\n\r\n\r\n' +
      '--B\r\ncontent-disposition: form-data; name="note"\r\ncontent-type: application/octet-stream\r\n\r\nplain\r\n--B--\r\n';
    const res = await post("/upload", body, "multipart/form-data; boundary=B");
    expect(res.json()).toMatchObject({ params: { note: "plain" }, files: [] });
    expect(readdirSync(uploads)).toEqual([]);
  });

  const file = (size: number) => new Blob([new Uint8Array(size).fill(65)], { type: "application/octet-stream" });
  const overLimit: Array<[string, () => FormData, string]> = [
    ["fileSize", () => formWith([["small", file(10), "s.bin"], ["big", file(5000), "b.bin"]]), 'file "b.bin" (field "big") is larger than the limit of 1000 bytes (fileSize)'],
    ["files", () => formWith([["a", file(10), "a.bin"], ["b", file(10), "b.bin"], ["c", file(10), "c.bin"]]), "more than 2 files (files)"],
    ["fields", () => formWith([["f", file(10), "f.bin"], ["a", "1"], ["b", "2"], ["c", "3"], ["d", "4"]]), "more than 3 fields (fields)"],
    ["fieldSize", () => formWith([["f", file(10), "f.bin"], ["a", "x".repeat(101)]]), 'field "a" is larger than the limit of 100 bytes (fieldSize)'],
  ];

  it.each(overLimit)("answers 413 past the %s limit and leaves no temporary file", async (_name, form, message) => {
    expect(readdirSync(limited)).toEqual([]);
    const res = await fetch(origin + "/upload-limited", { method: "POST", body: form() });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain(message);
    expect(readdirSync(limited)).toEqual([]);
    await expectServing();
  });

  it("answers 413 past the total length limit and leaves no temporary file", async () => {
    // Streamed (no content-length), so the limit is found while counting, after a file was written.
    const parts = formWith([["f", file(10), "f.bin"], ["g", file(900), "g.bin"]]);
    const encoded = new Uint8Array(await new Response(parts).arrayBuffer());
    const type = new Response(parts).headers.get("content-type")!;
    const padding = new Uint8Array(25_000).fill(45);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoded.subarray(0, encoded.length - 100)); // both parts, closing boundary cut
        controller.enqueue(padding);
        controller.close();
      },
    });
    const res = await fetch(origin + "/upload-limited", { method: "POST", body, duplex: "half", headers: { "content-type": type } } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("limit of 20000 bytes");
    expect(readdirSync(limited)).toEqual([]);
  });

  it("answers 400 to a malformed multipart body and removes the files it had written", async () => {
    const noBoundary = await post("/upload-limited", "--x\r\n", "multipart/form-data");
    expect(noBoundary.status).toBe(400);
    expect(noBoundary.text).toContain("malformed multipart body");

    const truncated = '--B\r\ncontent-disposition: form-data; name="f"; filename="f.txt"\r\ncontent-type: text/plain\r\n\r\nhello';
    const res = await post("/upload-limited", truncated, "multipart/form-data; boundary=B");
    expect(res.status).toBe(400);
    expect(res.text).toContain("malformed multipart body");
    expect(readdirSync(limited)).toEqual([]);
  });

  it("removes the files of an upload the client abandons", async () => {
    const handled = nextHandled();
    const head = '--B\r\ncontent-disposition: form-data; name="f"; filename="f.txt"\r\ncontent-type: text/plain\r\n\r\n';
    const req = http.request(origin + "/upload-limited", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=B", "transfer-encoding": "chunked" },
    });
    req.on("error", () => {});
    req.write(head + "x".repeat(500), () => req.destroy());
    const outcome = await handled;
    expect(outcome.status).toBe(400);
    expect((outcome.error as Error).message).toContain("could not be read");
    expect(readdirSync(limited)).toEqual([]);
  });
});

function formWith(entries: Array<[string, Blob, string] | [string, string]>): FormData {
  const form = new FormData();
  for (const entry of entries) {
    if (entry.length === 3) form.append(entry[0], entry[1], entry[2]);
    else form.append(entry[0], entry[1]);
  }
  return form;
}

describe("query strings", () => {
  it("parses nested params over a real request, + as a space", async () => {
    const res = await fetch(origin + "/query?user[name]=Ann+Lee&user[age]=3&ids[]=1&ids[]=2&flag");
    expect(await res.json()).toEqual({ user: { name: "Ann Lee", age: "3" }, ids: ["1", "2"], flag: "" });
  });

  it("keeps the last of repeated keys, as Plug", () => {
    expect(parseQuery("a=1&a=2")).toEqual({ a: "2" });
    expect(parseQuery("?a=1")).toEqual({ a: "1" });
  });

  it("enforces depth and parameterLimit with a 400", async () => {
    expect(parseQuery("a[b][c][d][e][f]=1")).toEqual({ a: { b: { c: { d: { e: { f: "1" } } } } } });
    expect(() => parseQuery("a[b][c][d][e][f][g]=1")).toThrow(BadRequest);
    expect(() => parseQuery("a[b][c]=1", { depth: 1 })).toThrow(/limit of 1 \(depth\)/);
    expect(parseQuery("a=1&b=2&c=3", { parameterLimit: 3 })).toEqual({ a: "1", b: "2", c: "3" });
    expect(() => parseQuery("a=1&b=2&c=3", { parameterLimit: 2 })).toThrow(/got 3, the limit is 2/);
    const res = await fetch(origin + "/query?" + Array.from({ length: 1001 }, (_, i) => `k${i}=1`).join("&"));
    expect(res.status).toBe(400);
  });

  it("turns an array past arrayLimit into an object keyed by index (no huge sparse array)", () => {
    expect(parseQuery("a[1]=x&a[0]=y")).toEqual({ a: ["y", "x"] });
    expect(parseQuery("a[2]=x", { arrayLimit: 1 })).toEqual({ a: { 2: "x" } });
    expect(parseQuery("a[999999999]=x")).toEqual({ a: { 999999999: "x" } });
  });

  it("cannot pollute a prototype", () => {
    for (const q of ["__proto__[polluted]=1", "a[__proto__][polluted]=1", "constructor[prototype][polluted]=1", "%5F_proto__[polluted]=1"]) {
      const params = parseQuery(q);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
      expect((params as Record<string, unknown>).polluted).toBeUndefined();
      expect(JSON.stringify(params)).not.toContain("polluted");
    }
  });
});

describe("accepts and methodOverride", () => {
  it("chooses the format by the Accept header over a real request", async () => {
    const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    const format = async (accept?: string) =>
      ((await (await fetch(origin + "/format", { headers: accept ? { accept } : {} })).json()) as Reply).format;
    expect(await format(browser)).toBe("html");
    expect(await format("application/json")).toBe("json");
    expect(await format("image/png")).toBeNull();
  });

  it("follows q-values, wildcards and the order of the formats", () => {
    expect(accepts("application/json;q=0.5, text/html", ["json", "html"])).toBe("html");
    expect(accepts("*/*", ["json", "html"])).toBe("json");
    expect(accepts(undefined, ["html", "json"])).toBe("html");
    expect(accepts("text/*", ["json", "txt"])).toBe("txt");
    expect(accepts("application/vnd.api+json", ["html", "application/vnd.api+json"])).toBe("application/vnd.api+json");
    expect(() => accepts("*/*", ["nosuchformat"])).toThrow(/unknown format "nosuchformat"/);
  });

  it("overrides only POST, only to DELETE, PUT or PATCH", () => {
    expect(methodOverride("POST", { _method: "put" })).toBe("PUT");
    expect(methodOverride("post", { _method: "Delete" })).toBe("DELETE");
    expect(methodOverride("POST", { _method: "OPTIONS" })).toBe("POST");
    expect(methodOverride("POST", { _method: ["DELETE"] })).toBe("POST");
    expect(methodOverride("GET", { _method: "DELETE" })).toBe("GET");
  });
});

describe("errors", () => {
  it("carry status and code", () => {
    expect(new BadRequest("malformed_json", "x")).toMatchObject({ status: 400, code: "malformed_json" });
    expect(new PayloadTooLarge("x")).toMatchObject({ status: 413, code: "payload_too_large" });
    expect(new UnsupportedMediaType("x")).toMatchObject({ status: 415, code: "unsupported_media_type" });
    expect(new PayloadTooLarge("x")).toBeInstanceOf(HttpError);
  });
});
