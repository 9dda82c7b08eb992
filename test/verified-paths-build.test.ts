// Verified paths through the tools people run: the built `fawkes` bin (build and check exit 1
// with the diagnostic), the esbuild plugin (the error as an esbuild message at the literal),
// and a template using `p` without an assign, rendered from the generated module.

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build as esbuild } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { build, writeFiles } from "../compiler/index.js";
import { defineEndpoint, p } from "../runtime/index.js";
import { fawkes } from "../plugin-esbuild/esbuild.js";
import { staticPath, type StaticManifest } from "../runtime/http/static/manifest.js";
import { releaseStaticManifest, useStaticManifest } from "../runtime/router/verified.js";
import { TMP } from "./support/app.js";
import { locate } from "./support/source.js";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "dist/compiler/cli/main.js");
const FIXTURES = join(ROOT, "fixtures/verified");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of a fixture inside the repo (so "fawkes" resolves to this checkout). */
function copy(name: string): string {
  mkdirSync(TMP, { recursive: true });
  const dir = mkdtempSync(join(TMP, `verified-${name}-`));
  dirs.push(dir);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  rmSync(join(dir, "expected"), { recursive: true, force: true });
  return dir;
}

const run = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

describe("the fawkes CLI", () => {
  it("build exits 1 with each diagnostic at its literal, and writes nothing", () => {
    const dir = copy("errors-paths");
    const r = run(["build"], dir);
    expect(r.status).toBe(1);
    const page = join(dir, "app/controllers/page-controller.ts");
    expect(r.stderr).toContain(`${locate(page, "p`/userz/", "app/controllers/page-controller.ts")}: error[VERIFIED_PATH_NO_ROUTE]: no route matches p\`/userz/\${id}\``);
    expect(r.stderr).toContain("  hint: did you mean p`/users/${…}`?");
    expect(r.stderr).toContain(`${locate(join(dir, "app/templates/page/home.html.eta"), "p`/uzers/", "app/templates/page/home.html.eta")}: error[VERIFIED_PATH_NO_ROUTE]`);
    expect(existsSync(join(dir, ".fawkes"))).toBe(false);
  }, 90_000);

  it("check fails the same way; a fixed path builds", () => {
    const dir = copy("errors-paths");
    expect(run(["check"], dir).status).toBe(1);
    // Leave one mistake, fixed by hand, and the build goes through.
    const page = join(dir, "app/controllers/page-controller.ts");
    writeFileSync(page, 'import { p } from "fawkes";\nexport const home = () => p`/users/${1}/edit`;\nexport const about = () => p`/about`;\n');
    writeFileSync(join(dir, "app/templates/page/home.html.eta"), "<a href=\"<%= p`/users` %>\">users</a>\n");
    const r = run(["build"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, ".fawkes/templates/page/home.html.gen.ts"), "utf8")).toContain('import { escapeHtml as __e, p, templateError as __error, type TemplateOptions } from "fawkes";');
  }, 90_000);
});

describe("the esbuild plugin", () => {
  it("fails the build with the error at the literal", async () => {
    const dir = copy("errors-paths");
    writeFileSync(join(dir, "main.ts"), 'import { routes } from "./.fawkes/routes.gen.js";\nexport const n = routes.length;\n');
    const failure = await esbuild({
      absWorkingDir: dir,
      entryPoints: ["main.ts"],
      bundle: true,
      write: false,
      platform: "node",
      format: "esm",
      alias: { fawkes: join(ROOT, "runtime/index.ts") },
      plugins: [fawkes()],
      logLevel: "silent",
    }).catch((e: { errors: unknown[] }) => e);
    const { errors } = failure as { errors: { text: string; location: { file: string; line: number; column: number; lineText: string } | null }[] };
    const error = errors.find((e) => e.text.startsWith("no POST route matches p.post`/users/${id}/edit`"));
    expect(error, errors.map((e) => e.text).join("\n")).toBeDefined();
    const [, line, column] = locate(join(dir, "app/controllers/page-controller.ts"), "p.post`", "x").split(":").map(Number);
    expect(error!.location).toMatchObject({ file: "app/controllers/page-controller.ts", line, column: column - 1 });
    expect(error!.location!.lineText).toContain("p.post`/users/${id}/edit`");
  }, 90_000);
});

describe("p in a template", () => {
  it("renders through the generated module's own import, static files through a lent manifest", async () => {
    const dir = copy("app");
    const result = build({ root: dir });
    expect(result.diagnostics).toEqual([]);
    writeFiles(dir, result.files);
    const { renderTemplate } = await import(pathToFileURL(join(dir, ".fawkes/templates.gen.ts")).href);
    const html: string = renderTemplate("page/home.html.eta", { users: [{ id: 1, name: "Ada" }, { id: "g h", name: "Grace" }], about: "/about" });
    expect(html).toContain('<a href="/users/1">Ada</a> <a href="/users/1/edit#name">edit</a>');
    expect(html).toContain('<a href="/users/g%20h">Grace</a>');
    expect(html).toContain('<link rel="stylesheet" href="/css/app.css">');
    expect(html).toContain("/not/checked"); // the template's own p
    const manifest: StaticManifest = { latest: { "css/app.css": "css/app-0d1e.css", "images/logo.png": "images/logo-77aa.png" }, digests: {} };
    const owner = {};
    useStaticManifest(owner, manifest, (path) => staticPath(manifest, path));
    try {
      const digested: string = renderTemplate("page/home.html.eta", { users: [], about: "/about" });
      expect(digested).toContain('href="/css/app-0d1e.css?vsn=d"');
      expect(digested).toContain('src="/images/logo-77aa.png?vsn=d"');
    } finally {
      releaseStaticManifest(owner);
    }
  }, 90_000);
});

describe("p behind a real endpoint with cacheStaticManifest", () => {
  it("serves pages whose static paths are digested while it runs, and plain after it stops", async () => {
    const dir = copy("app");
    const result = build({ root: dir });
    expect(result.diagnostics).toEqual([]);
    writeFiles(dir, result.files);
    const manifest = { latest: { "css/app.css": "css/app-0d1e.css", "images/logo.png": "images/logo-77aa.png" }, digests: { "css/app-0d1e.css": { logical_path: "css/app.css" } } };
    writeFileSync(join(dir, "priv/static/cache_manifest.json"), JSON.stringify(manifest));
    const router = await import(pathToFileURL(join(dir, ".fawkes/router.gen.ts")).href);
    const { templates } = await import(pathToFileURL(join(dir, ".fawkes/templates.gen.ts")).href);
    const endpoint = defineEndpoint({ router, views: { templates }, config: { cacheStaticManifest: join(dir, "priv/static"), staticUrl: { host: "localhost", path: "/assets" } } });
    const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('href="/assets/css/app-0d1e.css?vsn=d"');
      expect(html).toContain('src="/assets/images/logo-77aa.png?vsn=d"');
      expect(html).toContain('href="/about"'); // a route is no static file
      expect(p`/css/app.css`).toBe("/assets/css/app-0d1e.css?vsn=d");
    } finally {
      await endpoint.stop();
    }
    expect(p`/css/app.css`).toBe("/css/app.css");
  }, 90_000);
});
