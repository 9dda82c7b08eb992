// The esbuild plugin, driven by esbuild itself: a bundle that imports the generated helpers
// runs; a broken router fails the build with esbuild messages pointing at the router line.

import { build, context, type BuildContext, type BuildResult } from "esbuild";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { fawkes } from "../plugin-esbuild/esbuild.js";
import { TMP } from "./support/app.js";
import { locate } from "./support/source.js";

const DEMO = resolve(import.meta.dirname, "../fixtures/demo");
const dirs: string[] = [];
const copyDemo = () => {
  mkdirSync(TMP, { recursive: true }); // this file may be the first to run
  const dir = mkdtempSync(join(TMP, "esbuild-"));
  dirs.push(dir);
  cpSync(DEMO, dir, { recursive: true });
  rmSync(join(dir, ".fawkes"), { recursive: true, force: true });
  writeFileSync(join(dir, "main.ts"), `import { Routes } from "./.fawkes/helpers.gen.js";\nexport const path = Routes.userPostPath("show", 42, "a b");\n`);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("fawkes/esbuild", () => {
  it("generates the router modules before the build and bundles them", async () => {
    const dir = copyDemo();
    const result = await build({
      absWorkingDir: dir,
      entryPoints: ["main.ts"],
      bundle: true,
      format: "esm",
      platform: "node",
      outfile: join(dir, "out.mjs"),
      alias: { fawkes: resolve(import.meta.dirname, "../runtime/index.ts") },
      plugins: [fawkes()],
      logLevel: "silent",
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    expect(readFileSync(join(dir, ".fawkes/helpers.gen.ts"), "utf8")).toContain("export const userPostPath");
    const mod = await import(pathToFileURL(join(dir, "out.mjs")).href);
    expect(mod.path).toBe("/users/42/posts/a%20b");
  });

  it("fails with esbuild messages at the router line", async () => {
    const dir = copyDemo();
    const router = join(dir, "app/router.ts");
    writeFileSync(router, readFileSync(router, "utf8").replace('r.get("/about", PageController, "about");', 'r.get("/about", PageController, "missing");'));
    const failure = await build({
      absWorkingDir: dir,
      entryPoints: ["main.ts"],
      bundle: true,
      write: false,
      platform: "node",
      alias: { fawkes: resolve(import.meta.dirname, "../runtime/index.ts") },
      plugins: [fawkes()],
      logLevel: "silent",
    }).catch((e: { errors: unknown[] }) => e);
    const { errors } = failure as { errors: { text: string; location: { file: string; line: number; column: number; lineText: string } }[] };
    const error = errors.find((e) => e.text.endsWith("[ACTION_MISSING]"))!;
    expect(error.text).toBe('PageController has no action "missing" [ACTION_MISSING]');
    const [, line, column] = locate(router, '"missing"', "app/router.ts").split(":").map(Number);
    expect(error.location).toMatchObject({ file: "app/router.ts", line, column: column - 1 });
    expect(error.location.lineText).toContain('"missing"');
  });
});

describe("fawkes/esbuild reads fawkes.config.ts", () => {
  const FIXTURE = resolve(import.meta.dirname, "../fixtures/config/custom-tags");
  const copyFixture = () => {
    mkdirSync(TMP, { recursive: true });
    const dir = mkdtempSync(join(TMP, "esbuild-config-"));
    dirs.push(dir);
    cpSync(FIXTURE, dir, { recursive: true });
    rmSync(join(dir, "generated"), { recursive: true, force: true });
    writeFileSync(join(dir, "main.ts"), `import { renderTemplate } from "./generated/templates.gen.js";\nexport const html = renderTemplate("page/hello.html.eta", { name: "Ann" });\n`);
    return dir;
  };
  const bundle = (dir: string) =>
    build({
      absWorkingDir: dir,
      entryPoints: ["main.ts"],
      bundle: true,
      format: "esm",
      platform: "node",
      outfile: join(dir, "out.mjs"),
      alias: { fawkes: resolve(import.meta.dirname, "../runtime/index.ts") },
      plugins: [fawkes()],
      logLevel: "silent",
      metafile: true,
    });

  it("builds into the config's out dir with its templates folder and tags, and watches the config", async () => {
    const dir = copyFixture();
    const result = await bundle(dir);
    expect(result.errors).toEqual([]);
    const mod = await import(pathToFileURL(join(dir, "out.mjs")).href);
    expect(mod.html).toBe("<p>Hello Ann!</p>\n\n");
  });

  it("an unknown key in the config fails the build at its line, with the hint as a note", async () => {
    const dir = copyFixture();
    const file = join(dir, "fawkes.config.ts");
    writeFileSync(file, readFileSync(file, "utf8").replace("autoTrim: false", "autoTrimm: false"));
    const failure = (await bundle(dir).catch((e: unknown) => e)) as { errors: { text: string; location: { file: string; line: number; column: number }; notes: { text: string }[] }[] };
    const error = failure.errors.find((e) => e.text.endsWith("[CONFIG_UNKNOWN_KEY]"))!;
    expect(error.text).toBe('unknown key "templates.autoTrimm" [CONFIG_UNKNOWN_KEY]');
    const [, line, column] = locate(file, "autoTrimm", "fawkes.config.ts").split(":").map(Number);
    expect(error.location).toMatchObject({ file: "fawkes.config.ts", line, column: column - 1 });
    expect(error.notes.map((n) => n.text)).toContain('hint: did you mean "templates.autoTrim"?');
  });
});

describe("fawkes/esbuild in watch mode", () => {
  /** esbuild's watch mode over a copy of the demo; `next()` waits for the next build to end. */
  async function watching() {
    const dir = copyDemo();
    const ends: BuildResult[] = [];
    const waiters: ((r: BuildResult) => void)[] = [];
    const ctx = await context({
      absWorkingDir: dir,
      entryPoints: ["main.ts"],
      bundle: true,
      format: "esm",
      platform: "node",
      outfile: join(dir, "out.mjs"),
      alias: { fawkes: resolve(import.meta.dirname, "../runtime/index.ts") },
      logLevel: "silent",
      plugins: [
        fawkes(),
        { name: "probe", setup: (b) => void b.onEnd((r) => void (waiters.length ? waiters.shift()!(r) : ends.push(r))) },
      ],
    });
    contexts.push(ctx);
    const next = () => new Promise<BuildResult>((done) => (ends.length ? done(ends.shift()!) : waiters.push(done)));
    return { dir, ctx, next };
  }
  const contexts: BuildContext[] = [];
  afterAll(() => Promise.all(contexts.map((c) => c.dispose())));

  it("a router broken at the first build reports its error (only it), and fixing it rebuilds", async () => {
    const { dir, ctx, next } = await watching();
    const router = join(dir, "app/router.ts");
    const good = readFileSync(router, "utf8");
    writeFileSync(router, good.replace('r.get("/about", PageController, "about");', 'r.get("/about", PageController, "missing");'));
    await ctx.watch();
    const first = await next();
    expect(first.errors.map((e) => e.text)).toEqual(['PageController has no action "missing" [ACTION_MISSING]']);
    writeFileSync(router, good);
    const second = await next();
    expect(second.errors).toEqual([]);
    const mod = await import(pathToFileURL(join(dir, "out.mjs")).href + "?fixed");
    expect(mod.path).toBe("/users/42/posts/a%20b");
  });

  it("a template created, then deleted, in a nested folder rebuilds each time", async () => {
    const { dir, ctx, next } = await watching();
    await ctx.watch();
    expect((await next()).errors).toEqual([]);
    const file = join(dir, "app/templates/user/extra/card.html.eta");
    mkdirSync(join(dir, "app/templates/user/extra"), { recursive: true });
    writeFileSync(file, "<p><%= it.name %></p>\n");
    expect((await next()).errors).toEqual([]);
    expect(readFileSync(join(dir, ".fawkes/templates.gen.ts"), "utf8")).toContain('"user/extra/card.html"');
    rmSync(file);
    expect((await next()).errors).toEqual([]);
    expect(readFileSync(join(dir, ".fawkes/templates.gen.ts"), "utf8")).not.toContain("user/extra/card.html");
  });
});
