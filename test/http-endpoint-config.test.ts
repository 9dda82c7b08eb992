// Endpoint config for static files: cacheStaticManifest (read on start) and staticUrl.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defineEndpoint } from "fawkes";

const dir = join(process.cwd(), ".fawkes-tmp", `endpoint-config-${process.pid}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "cache_manifest.json"), JSON.stringify({ version: 1, latest: { "css/app.css": "css/app-0a1b2c.css" }, digests: {} }));

const router = { match: () => null, dispatch: [] };
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(stops.map((s) => s()));
});

describe("endpoint static config", () => {
  it("reads cache_static_manifest on start; staticPath gives digested paths under the static path prefix", async () => {
    const endpoint = defineEndpoint({ router, config: { cacheStaticManifest: dir, staticUrl: { scheme: "https", host: "cdn.example", path: "/assets" } } });
    expect(endpoint.staticPath("/css/app.css")).toBe("/assets/css/app.css");
    await endpoint.start({ port: 0, host: "127.0.0.1" });
    stops.push(() => endpoint.stop());
    expect(endpoint.staticPath("/css/app.css")).toBe("/assets/css/app-0a1b2c.css?vsn=d");
    expect(endpoint.staticPath("/unknown.js")).toBe("/assets/unknown.js");
    expect(endpoint.staticUrl()).toBe("https://cdn.example");
  });

  it("without staticUrl, static paths follow url", () => {
    const endpoint = defineEndpoint({ router, config: { url: { host: "example.com", port: 8080, path: "/app" } } });
    expect(endpoint.staticUrl()).toBe("http://example.com:8080");
    expect(endpoint.staticPath("/x.css")).toBe("/app/x.css");
  });

  it("refuses to start when the manifest is missing, naming the file", async () => {
    const endpoint = defineEndpoint({ router, config: { cacheStaticManifest: join(dir, "nowhere") } });
    await expect(endpoint.start({ port: 0, host: "127.0.0.1" })).rejects.toThrow(/could not find static manifest at ".*nowhere\/cache_manifest.json"/);
  });
});
