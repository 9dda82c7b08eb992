// serveStatic and the digest manifest over real sockets. Raw paths go through node:http, because
// fetch normalizes "..", "%2e%2e" and "\" away before sending, and would hide what is tested.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import {
  IMMUTABLE,
  loadManifest,
  serveStatic,
  staticPath,
  type ServeStaticOptions,
  type StaticManifest,
} from "../runtime/http/static/index.js";

const CSS = "body { color: red }\n".repeat(50);
const GZ = gzipSync(CSS);
const BR = brotliCompressSync(CSS);
const SECRET = "TOP SECRET";

let base = "";
let root = "";
let port = 0;
let server: http.Server;
let manifest: StaticManifest;

function optionsFor(url: string): ServeStaticOptions {
  const prefix = /^\/([a-z]+)\//.exec(url)?.[1];
  switch (prefix) {
    case "static":
      return { root, at: "/static" };
    case "noetag":
      return { root, at: "/noetag", etag: false };
    case "nocompress":
      return { root, at: "/nocompress", gzip: false, brotli: false };
    case "dots":
      return { root, at: "/dots", dotfiles: true };
    case "custom":
      return { root, at: "/custom", cacheControl: "public, max-age=60" };
    default:
      return { root, manifest };
  }
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (await serveStatic(req, res, optionsFor(req.url ?? "/"))) return;
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  } catch (error) {
    res.writeHead(500, { "content-type": "text/plain" }).end(`error: ${(error as Error).message}`);
  }
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "fawkes-static-test-"));
  root = join(base, "public");
  mkdirSync(join(root, "dir"), { recursive: true });
  mkdirSync(join(root, "assets"));
  writeFileSync(join(base, "secret.txt"), SECRET); // outside the root: must never be served
  writeFileSync(join(root, "app.css"), CSS);
  writeFileSync(join(root, "app.css.gz"), GZ);
  writeFileSync(join(root, "app.css.br"), BR);
  writeFileSync(join(root, "plain.txt"), "plain");
  writeFileSync(join(root, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(join(root, "dir", "inner.txt"), "inner");
  writeFileSync(join(root, ".env"), SECRET);
  // A real file named `a\..\b`: only the backslash rule keeps it from being served.
  writeFileSync(join(root, "a\\..\\b"), SECRET);
  writeFileSync(join(root, "assets", "app-abc123.css"), "digested");
  writeFileSync(
    join(root, "cache_manifest.json"),
    JSON.stringify({
      version: 1,
      latest: { "assets/app.css": "assets/app-abc123.css", "font.svg": "font-d41d8c.svg" },
      digests: { "assets/app-abc123.css": { logical_path: "assets/app.css", digest: "abc123", size: 8, mtime: 1 } },
    }),
  );
  manifest = await loadManifest(root);
  server = http.createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(base, { recursive: true, force: true });
});

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A request with the path sent exactly as given, and the body as raw bytes (no decompression). */
function request(path: string, headers: Record<string, string> = {}, method = "GET"): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("serveStatic", () => {
  it("serves a file with its content-type, length, weak ETag, vary and cache-control", async () => {
    const res = await request("/app.css");
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(CSS);
    expect(res.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(res.headers["content-length"]).toBe(String(Buffer.byteLength(CSS)));
    expect(res.headers.etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect(res.headers.vary).toBe("accept-encoding");
    expect(res.headers["cache-control"]).toBe("public");
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect((await request("/logo.png")).headers["content-type"]).toBe("image/png");
    expect((await request("/dir/inner.txt")).body.toString()).toBe("inner");
  });

  it("works with fetch, which decompresses what it asked for", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/app.css`);
    expect(res.status).toBe(200);
    expect(["br", "gzip"]).toContain(res.headers.get("content-encoding"));
    expect(await res.text()).toBe(CSS);
  });

  it("answers HEAD with the headers of GET and no body", async () => {
    const res = await request("/app.css", {}, "HEAD");
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe(String(Buffer.byteLength(CSS)));
    expect(res.headers.etag).toMatch(/^W\//);
    expect(res.body.length).toBe(0);
  });

  it("leaves other methods to the router", async () => {
    expect((await request("/app.css", {}, "POST")).status).toBe(404);
    expect((await request("/app.css", {}, "DELETE")).status).toBe(404);
  });

  it("answers 304 to a matching If-None-Match, 200 otherwise", async () => {
    const { headers } = await request("/app.css");
    const etag = headers.etag!;
    const cached = await request("/app.css", { "if-none-match": etag });
    expect(cached.status).toBe(304);
    expect(cached.body.length).toBe(0);
    expect(cached.headers.etag).toBe(etag);
    expect(cached.headers["content-type"]).toBeUndefined();
    expect((await request("/app.css", { "if-none-match": `W/"0-0", ${etag}` })).status).toBe(304);
    expect((await request("/app.css", { "if-none-match": 'W/"0-0"' })).status).toBe(200);
    expect((await request("/app.css", { "if-none-match": etag, "cache-control": "no-cache" })).status).toBe(200);
  });

  it("sends no ETag and never 304 with etag: false", async () => {
    const res = await request("/noetag/app.css", { "if-none-match": "*" });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBeUndefined();
  });

  it("serves the .br or .gz sibling the client accepts, preferring br", async () => {
    const br = await request("/app.css", { "accept-encoding": "gzip, deflate, br" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.body.equals(BR)).toBe(true);
    expect(br.headers["content-length"]).toBe(String(BR.length));
    expect(br.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(br.headers.vary).toBe("accept-encoding");

    const gz = await request("/app.css", { "accept-encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.body.equals(GZ)).toBe(true);

    expect((await request("/app.css", { "accept-encoding": "br;q=0.5, gzip" })).headers["content-encoding"]).toBe("gzip");
    expect((await request("/app.css", { "accept-encoding": "br;q=0, gzip" })).headers["content-encoding"]).toBe("gzip");
    expect((await request("/app.css", { "accept-encoding": "identity" })).body.toString()).toBe(CSS);
    expect((await request("/app.css", { "accept-encoding": "gzip;q=0" })).headers["content-encoding"]).toBeUndefined();
    expect(br.headers.etag).not.toBe((await request("/app.css")).headers.etag);
  });

  it("serves the original when there is no sibling or compression is off", async () => {
    const plain = await request("/plain.txt", { "accept-encoding": "br, gzip" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString()).toBe("plain");
    expect(plain.headers.vary).toBe("accept-encoding");
    const off = await request("/nocompress/app.css", { "accept-encoding": "br, gzip" });
    expect(off.headers["content-encoding"]).toBeUndefined();
    expect(off.body.toString()).toBe(CSS);
    expect(off.headers.vary).toBeUndefined();
  });

  it("serves only under its `at` prefix", async () => {
    expect((await request("/static/app.css")).body.toString()).toBe(CSS);
    expect((await request("/staticapp.css")).status).toBe(404);
    expect((await request("/static")).status).toBe(404);
  });

  it("does not serve directories, missing files or dotfiles", async () => {
    for (const path of ["/dir", "/dir/", "/missing.css", "/.env", "/static/.env", "/"]) {
      const res = await request(path);
      expect(res.status, path).toBe(404);
    }
    expect((await request("/dots/.env")).status).toBe(200); // unless dotfiles: true
  });

  const traversals = [
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/..%2fsecret.txt",
    "/..%2Fsecret.txt",
    "/static/../secret.txt",
    "/dir/../../secret.txt",
    "/dir/%2e%2e/%2e%2e/secret.txt",
    "/a\\..\\b",
    "/a%5c..%5cb",
    "/%00",
    "/app.css%00",
    "/app.css%00.png",
    "/dir%2finner.txt",
    "/%2fetc%2fpasswd",
    "/C:%5cWindows%5cwin.ini",
    "http://127.0.0.1/../secret.txt",
    "http://127.0.0.1/%2e%2e/secret.txt",
  ];

  // Again with dotfiles allowed, where ".." is no longer caught as a dotfile along the way.
  const withDots = traversals.map((t) => t.replace(/^(http:\/\/127\.0\.0\.1)?\//, "$1/dots/"));

  it.each([...traversals, ...withDots])("does not serve %s", async (path) => {
    const res = await request(path);
    expect(res.status).toBe(404);
    expect(res.body.toString()).toBe("not found");
  });

  it("serves a plain absolute-form target", async () => {
    expect((await request(`http://127.0.0.1:${port}/app.css`)).body.toString()).toBe(CSS);
  });

  it("caches digested files and ?vsn= requests for a year, immutable", async () => {
    const digested = await request("/assets/app-abc123.css");
    expect(digested.body.toString()).toBe("digested");
    expect(digested.headers["cache-control"]).toBe(IMMUTABLE);
    expect(IMMUTABLE).toBe("public, max-age=31536000, immutable");
    expect((await request("/app.css?vsn=d")).headers["cache-control"]).toBe(IMMUTABLE);
    expect((await request("/app.css")).headers["cache-control"]).toBe("public");
    expect((await request("/custom/app.css")).headers["cache-control"]).toBe("public, max-age=60");
    expect((await request("/custom/app.css?vsn=d")).headers["cache-control"]).toBe(IMMUTABLE);
  });
});

describe("manifest and staticPath", () => {
  it("maps a logical path to its digested name with ?vsn=d, keeping a fragment", () => {
    expect(staticPath(manifest, "/assets/app.css")).toBe("/assets/app-abc123.css?vsn=d");
    expect(staticPath(manifest, "/font.svg#icon")).toBe("/font-d41d8c.svg?vsn=d#icon");
    expect(staticPath(manifest, "/assets/app.css", { skipVsn: true })).toBe("/assets/app-abc123.css");
  });

  it("leaves unknown files, and every file without a manifest, unchanged", () => {
    expect(staticPath(manifest, "/other.css")).toBe("/other.css");
    expect(staticPath(manifest, "/other.css#x")).toBe("/other.css#x");
    expect(staticPath(manifest, "/constructor")).toBe("/constructor");
    expect(staticPath(manifest, "/assets/app.css?x=1")).toBe("/assets/app.css?x=1");
    expect(staticPath(undefined, "/assets/app.css")).toBe("/assets/app.css");
  });

  it("throws, as Phoenix's static_path, for a path not starting with a single / or containing \\", () => {
    expect(() => staticPath(manifest, "assets/app.css")).toThrow('expected a path starting with a single / but got "assets/app.css"');
    expect(() => staticPath(manifest, "//evil.com/x.css")).toThrow("expected a path starting with a single /");
    expect(() => staticPath(manifest, "/\\evil.com")).toThrow("unsafe characters detected for path");
    expect(() => staticPath(undefined, "//x")).toThrow("expected a path starting with a single /");
  });

  it("gives a path the server answers with the digested file, cached immutably", async () => {
    const res = await fetch(`http://127.0.0.1:${port}${staticPath(manifest, "/assets/app.css")}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("digested");
    expect(res.headers.get("cache-control")).toBe(IMMUTABLE);
  });

  it("loadManifest names the file when it is missing, not JSON, or malformed", async () => {
    await expect(loadManifest(join(root, "dir"))).rejects.toThrow(/could not find static manifest at ".*cache_manifest\.json"/);
    const bad = join(base, "bad");
    mkdirSync(bad);
    writeFileSync(join(bad, "cache_manifest.json"), "{");
    await expect(loadManifest(bad)).rejects.toThrow(/is not valid JSON/);
    writeFileSync(join(bad, "cache_manifest.json"), JSON.stringify({ latest: {} }));
    await expect(loadManifest(bad)).rejects.toThrow("to include 'latest' and 'digests' keys");
  });
});
