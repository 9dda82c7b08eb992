// `fawkes digest` and `fawkes digest.clean` end to end: the command (run from source in a child
// process) digests a copy of fixtures/digest/static, a real endpoint serves the result with
// cacheStaticManifest on port 0, and raw node:http requests (fetch would decompress the body and
// hide what was sent) check the bytes, content-encoding, vary and the immutable cache-control.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { join, resolve } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { defineEndpoint, serveStatic } from "../runtime/index.js";
import { IMMUTABLE, type StaticManifest } from "../runtime/http/static/index.js";
import { cleanDigests, digestStatic } from "../compiler/cli/digest.js";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURE = join(ROOT, "fixtures/digest/static");
const TMP = join(ROOT, ".fawkes-tmp");
const dirs: string[] = [];
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A project with the fixture as `public/` and a config naming it as the static folder. */
function project(): { root: string; stat: string } {
  mkdirSync(TMP, { recursive: true });
  const root = mkdtempSync(join(TMP, "digest-"));
  dirs.push(root);
  cpSync(FIXTURE, join(root, "public"), { recursive: true });
  writeFileSync(join(root, "fawkes.config.ts"), `export default { static: { dir: "public" } };\n`);
  return { root, stat: join(root, "public") };
}

function fawkes(args: string[], cwd: string) {
  return spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "compiler/cli/main.ts"), ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, "cache_manifest.json"), "utf8")) as StaticManifest & { version: number };

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

describe("fawkes digest", () => {
  it("writes fingerprinted, compressed copies and the manifest of the config's static folder", () => {
    const { root, stat } = project();
    const run = fawkes(["digest"], root);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^digested 10 file\(s\) into public \(\d+ compressed copies\); the manifest is public\/cache_manifest\.json\n$/);

    const manifest = manifestOf(stat);
    expect(manifest.version).toBe(1);
    // Dotfiles, already digested names and the manifest itself are not digested.
    expect(Object.keys(manifest.latest)).toEqual(["css/app.css", "css/app.css.map", "css/theme.css", "fonts/icons.svg", "fonts/sans.ttf", "images/logo.svg", "images/photo.png", "js/app.js", "js/app.js.map", "robots.txt"]);
    const logo = readFileSync(join(stat, "images/logo.svg"));
    const logoName = `images/logo-${createHash("md5").update(logo).digest("hex")}.svg`;
    expect(manifest.latest["images/logo.svg"]).toBe(logoName);
    expect(manifest.digests[logoName]).toMatchObject({ logical_path: "images/logo.svg", size: logo.length, sha512: createHash("sha512").update(logo).digest("base64") });
    expect(readFileSync(join(stat, logoName))).toEqual(logo);
    expect(gunzipSync(readFileSync(join(stat, `${logoName}.gz`)))).toEqual(logo);
    expect(brotliDecompressSync(readFileSync(join(stat, `${logoName}.br`)))).toEqual(logo);
    // An image format is not compressed; text is.
    expect(existsSync(join(stat, `${manifest.latest["images/photo.png"]}.gz`))).toBe(false);
    expect(existsSync(join(stat, `${manifest.latest["images/photo.png"]}.br`))).toBe(false);

    const css = readFileSync(join(stat, manifest.latest["css/app.css"]), "utf8");
    expect(css).toContain(`@import "./${manifest.latest["css/theme.css"].slice(4)}?vsn=d";`);
    expect(css).toContain(`url("../${logoName}?vsn=d")`);
    expect(css).toContain(`url(/${manifest.latest["fonts/sans.ttf"]}?vsn=d)`);
    expect(css).toContain(`url('../${manifest.latest["fonts/icons.svg"]}?vsn=d#icons')`);
    expect(css).toContain("url(data:image/gif;base64,R0lGODlhAQABAAAAACw=)");
    expect(css).toContain("url(https://cdn.example.com/banner.png)");
    expect(css).toContain("url(../images/nowhere.png)");
    expect(css).toContain(`/*# sourceMappingURL=${manifest.latest["css/app.css.map"].slice(4)} */`);
    // The stylesheet's name is the hash of what it serves (its references rewritten).
    expect(manifest.latest["css/app.css"]).toBe(`css/app-${createHash("md5").update(css).digest("hex")}.css`);
    // The original keeps its own references.
    expect(readFileSync(join(stat, "css/app.css"), "utf8")).toContain('url("../images/logo.svg")');
    expect(readFileSync(join(stat, manifest.latest["js/app.js"]), "utf8")).toContain(`//# sourceMappingURL=${manifest.latest["js/app.js.map"].slice(3)}\n`);
    expect(JSON.parse(readFileSync(join(stat, manifest.latest["js/app.js.map"]), "utf8")).file).toBe(manifest.latest["js/app.js"].slice(3));
  });

  it("--output writes elsewhere (originals too), --no-vsn leaves ?vsn=d out; a missing folder is an error", () => {
    const { root, stat } = project();
    const run = fawkes(["digest", "public", "-o", "out", "--no-vsn"], root);
    expect(run.status).toBe(0);
    const manifest = manifestOf(join(root, "out"));
    expect(readFileSync(join(root, "out/css/app.css"))).toEqual(readFileSync(join(stat, "css/app.css")));
    expect(readFileSync(join(root, "out", manifest.latest["css/app.css"]), "utf8")).toContain(`url("../${manifest.latest["images/logo.svg"]}")`);
    expect(existsSync(join(stat, "cache_manifest.json"))).toBe(false);

    // An output folder inside the input is not digested again by the next run.
    expect(fawkes(["digest", "-o", "public/assets"], root).status).toBe(0);
    expect(fawkes(["digest", "-o", "public/assets"], root).status).toBe(0);
    expect(Object.keys(manifestOf(join(stat, "assets")).latest).some((f) => f.startsWith("assets/"))).toBe(false);

    const missing = fawkes(["digest", "nowhere"], root);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('the input path "');
    expect(missing.stderr).toContain('nowhere" does not exist');
    expect(fawkes(["digest", "--keep", "2"], root).stderr).toContain("unknown option --keep");
  });

  it("refuses a manifest it cannot read and writes nothing", () => {
    const { root, stat } = project();
    writeFileSync(join(stat, "cache_manifest.json"), "{ not json");
    const run = fawkes(["digest"], root);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/cache_manifest\.json is not valid JSON .*: fix or delete it, then digest again/);
    expect(readFileSync(join(stat, "cache_manifest.json"), "utf8")).toBe("{ not json");
    expect(existsSync(join(stat, "robots-b6216d61c03e6ce0c9aea6ca7808f7ca.txt"))).toBe(false);
  });
});

describe("a digested folder behind a real endpoint", () => {
  it("serves the digested names with br or gzip, vary and a year of immutable caching; staticPath maps to them", async () => {
    const { root, stat } = project();
    expect(fawkes(["digest"], root).status).toBe(0);
    const manifest = manifestOf(stat);
    const endpoint = defineEndpoint({
      router: { match: () => null, dispatch: [] },
      plugs: [[serveStatic, { root: stat }]],
      config: { cacheStaticManifest: stat, logger: () => {} },
    });
    const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
    stops.push(() => endpoint.stop());

    const path = endpoint.staticPath("/css/app.css");
    expect(path).toBe(`/${manifest.latest["css/app.css"]}?vsn=d`);
    expect(endpoint.staticPath("/css/app.css#top")).toBe(`/${manifest.latest["css/app.css"]}?vsn=d#top`);
    expect(endpoint.staticPath("/not-digested.css")).toBe("/not-digested.css");
    const served = readFileSync(join(stat, manifest.latest["css/app.css"]));

    const br = await get(port, path, { "accept-encoding": "gzip, br" });
    expect(br.status).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toBe("accept-encoding");
    expect(br.headers["cache-control"]).toBe(IMMUTABLE);
    expect(br.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(Number(br.headers["content-length"])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(served.length);
    expect(brotliDecompressSync(br.body)).toEqual(served);

    const gz = await get(port, path, { "accept-encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.headers.vary).toBe("accept-encoding");
    expect(gz.headers["cache-control"]).toBe(IMMUTABLE);
    expect(gunzipSync(gz.body)).toEqual(served);

    const plain = await get(port, path);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toEqual(served);
    // The manifest's sha512 is the subresource integrity of the bytes served.
    expect(createHash("sha512").update(plain.body).digest("base64")).toBe(manifest.digests[manifest.latest["css/app.css"]].sha512);

    // A stylesheet's rewritten reference is a URL the endpoint serves.
    const logoRef = /url\("\.\.\/(images\/logo-[a-f\d]{32}\.svg\?vsn=d)"\)/.exec(served.toString("utf8"))![1];
    const logo = await get(port, `/${logoRef}`, { "accept-encoding": "br" });
    expect(logo.status).toBe(200);
    expect(logo.headers["content-type"]).toBe("image/svg+xml; charset=utf-8");
    expect(brotliDecompressSync(logo.body)).toEqual(readFileSync(join(stat, "images/logo.svg")));

    // No compressed copy: the file itself, whatever the client accepts.
    const photo = await get(port, endpoint.staticPath("/images/photo.png"), { "accept-encoding": "br, gzip" });
    expect(photo.status).toBe(200);
    expect(photo.headers["content-encoding"]).toBeUndefined();
    expect(photo.body).toEqual(readFileSync(join(stat, "images/photo.png")));
  });
});

describe("versions and fawkes digest.clean", () => {
  const HOUR = 3600_000;
  /** Digests the fixture four times, an hour apart, with app.css and theme.css changed each time. */
  function fourVersions(): { stat: string; root: string; names: string[]; start: number } {
    const { root, stat } = project();
    const start = Date.now() - 4 * HOUR;
    const names: string[] = [];
    for (let v = 0; v < 4; v++) {
      writeFileSync(join(stat, "css/theme.css"), `:root { --accent: #${String(v).repeat(6)}; }\n`);
      const result = digestStatic({ input: stat, now: new Date(start + v * HOUR) });
      names.push(result.manifest.latest["css/app.css"]);
    }
    return { stat, root, names, start };
  }

  it("keeps earlier versions listed; a changed import renames the stylesheet that imports it", () => {
    const { stat, names } = fourVersions();
    expect(new Set(names).size).toBe(4);
    const manifest = manifestOf(stat);
    const apps = Object.entries(manifest.digests).filter(([, d]) => d.logical_path === "css/app.css");
    expect(apps.map(([n]) => n).sort()).toEqual([...names].sort());
    for (const name of names) expect(existsSync(join(stat, name))).toBe(true);
    // Unchanged files keep their one name.
    expect(Object.values(manifest.digests).filter((d) => d.logical_path === "robots.txt")).toHaveLength(1);
  });

  it("keeps the latest and the --keep newest others younger than --age, with their .gz and .br", () => {
    const { stat, names, start } = fourVersions();
    const now = new Date(start + 3 * HOUR + 60_000);
    const { removed } = cleanDigests({ output: stat, keep: 2, age: 10 * 3600, now });
    // names[3] is the latest; names[2] and names[1] are the two kept.
    expect(removed.filter((f) => f.startsWith("css/app-"))).toEqual([names[0], `${names[0]}.gz`, `${names[0]}.br`]);
    for (const f of removed) expect(existsSync(join(stat, f))).toBe(false);
    for (const kept of names.slice(1)) expect(existsSync(join(stat, kept))).toBe(true);
    expect(Object.keys(manifestOf(stat).digests)).not.toContain(names[0]);

    // Younger than 90 minutes: of the older versions only names[2] (an hour old) stays.
    cleanDigests({ output: stat, keep: 2, age: 5400, now });
    expect(existsSync(join(stat, names[1]))).toBe(false);
    expect(existsSync(join(stat, names[2]))).toBe(true);
    expect(manifestOf(stat).latest["css/app.css"]).toBe(names[3]);
    expect(existsSync(join(stat, names[3]))).toBe(true);
  });

  it("the command: --keep 0 leaves the latest only; --all removes everything digested; bad numbers are usage errors", () => {
    const { root, stat, names } = fourVersions();
    const run = fawkes(["digest.clean", "--keep", "0", "--age", "999999"], root);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`removed ${names[0]}\n`);
    expect(run.stdout).toMatch(/public keeps the latest version of each file and up to 0 older one\(s\) younger than 999999 s\n$/);
    const apps = Object.values(manifestOf(stat).digests).filter((d) => d.logical_path === "css/app.css");
    expect(apps).toHaveLength(1);
    for (const name of names.slice(0, 3)) expect(existsSync(join(stat, name))).toBe(false);
    expect(existsSync(join(stat, names[3]))).toBe(true);

    const bad = fawkes(["digest.clean", "--keep", "two"], root);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--keep must be a whole number, got "two"');

    expect(fawkes(["digest.clean", "--all"], root).status).toBe(0);
    expect(existsSync(join(stat, "cache_manifest.json"))).toBe(false);
    expect(existsSync(join(stat, names[3]))).toBe(false);
    expect(existsSync(join(stat, "css/app.css"))).toBe(true);
    const nothing = fawkes(["digest.clean"], root);
    expect(nothing.status).toBe(1);
    expect(nothing.stderr).toContain("no cache_manifest.json in");
  });
});
