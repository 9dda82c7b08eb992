// The esbuild plugin, driven by esbuild itself: a bundle that imports the generated helpers
// runs; a broken router fails the build with esbuild messages pointing at the router line.

import { build, context, type BuildContext, type BuildResult } from "esbuild";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { fawkes, type TypeCheckReport } from "../plugin-esbuild/esbuild.js";
import { TMP } from "./support/app.js";
import { locate } from "./support/source.js";
import { readTemplatesText } from "./support/generated.js";

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

  it("a template broken at the first build reports its error, and fixing it rebuilds", async () => {
    const { dir, ctx, next } = await watching();
    const file = join(dir, "app/templates/page/home.html.eta");
    const good = readFileSync(file, "utf8");
    writeFileSync(file, good + "<% if (x { %>\n");
    await ctx.watch();
    const first = await next();
    expect(first.errors.map((e) => e.text)).toEqual([expect.stringMatching(/^`\{` is never closed/)]);
    expect(first.errors[0].location).toMatchObject({ file: "app/templates/page/home.html.eta" });
    writeFileSync(file, good);
    expect((await next()).errors).toEqual([]);
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

describe("fawkes/esbuild rebuilds incrementally", () => {
  // Two full compiles of the demo each (ts-morph's program is the slow part), on a shared machine.
  const SLOW = { timeout: 180_000 };
  const contexts: BuildContext[] = [];
  afterAll(() => Promise.all(contexts.map((c) => c.dispose())));
  // A whole second, so that setting it back is exact (a stat's mtime has more digits than utimes takes).
  const STAMP = new Date("2026-01-01T00:00:00Z");
  async function incremental() {
    const dir = copyDemo();
    utimesSync(join(dir, "app/router.ts"), STAMP, STAMP);
    const ctx = await context({
      absWorkingDir: dir,
      entryPoints: ["main.ts"],
      bundle: true,
      format: "esm",
      platform: "node",
      write: false,
      alias: { fawkes: resolve(import.meta.dirname, "../runtime/index.ts") },
      logLevel: "silent",
      plugins: [fawkes()],
    });
    contexts.push(ctx);
    const rebuild = () => ctx.rebuild().then((r) => r.errors, (e: { errors: { text: string }[] }) => e.errors);
    expect(await rebuild()).toEqual([]);
    return { dir, rebuild, ctx };
  }
  /**
   * Writes a broken router that looks unchanged to a stat (same size, same mtime): the compiler
   * only sees it when it reads the router again.
   */
  function breakRouterQuietly(dir: string): () => void {
    const router = join(dir, "app/router.ts");
    const good = readFileSync(router, "utf8");
    expect(statSync(router).mtime).toEqual(STAMP);
    writeFileSync(router, good.replace('r.get("/about", PageController, "about");', 'r.get("/about", PageController, "abuot");'));
    utimesSync(router, STAMP, STAMP);
    return () => {
      // Touched: now it is a change.
      const later = new Date(STAMP.getTime() + 5000);
      utimesSync(router, later, later);
    };
  }

  it("nothing the router reads changed: the compiler does not run", SLOW, async () => {
    const { dir, rebuild } = await incremental();
    const touch = breakRouterQuietly(dir);
    writeFileSync(join(dir, "main.ts"), readFileSync(join(dir, "main.ts"), "utf8") + "export const more = 1;\n");
    expect(await rebuild()).toEqual([]);
    touch();
    expect((await rebuild()).map((e) => e.text)).toEqual(['PageController has no action "abuot" [ACTION_MISSING]']);
  });

  it("only templates changed: only the templates are compiled again (the router is not read)", SLOW, async () => {
    const { dir, rebuild } = await incremental();
    const touch = breakRouterQuietly(dir);
    const about = join(dir, "app/templates/page/home.html.eta");
    writeFileSync(about, readFileSync(about, "utf8") + "<p>added</p>\n");
    // Created in a new folder, too.
    mkdirSync(join(dir, "app/templates/page/extra"));
    writeFileSync(join(dir, "app/templates/page/extra/card.html.eta"), "<p><%= it.name %></p>\n");
    expect(await rebuild()).toEqual([]);
    const templates = readTemplatesText(join(dir, ".fawkes"));
    expect(templates).toContain("<p>added</p>");
    expect(templates).toContain('"page/extra/card.html"');
    // A template error on this path is reported as on a full build.
    writeFileSync(about, "<% if (x { %>\n");
    const errors = await rebuild();
    expect(errors.map((e) => e.text)).toEqual([expect.stringMatching(/^`\{` is never closed/)]);
    touch();
    writeFileSync(about, "<p>fixed</p>\n");
    expect((await rebuild()).map((e) => e.text)).toEqual(['PageController has no action "abuot" [ACTION_MISSING]']);
  });

  // Until 2026-12-07 a template's error dropped the last good generation, and its fix was a full
  // build of the router and every template (0.4-1 s in bench:build's app, where the edit is ~30 ms;
  // fawkes server's page came back that much later).
  it("a template's fix after its parse error is compiled alone too (the router is not read)", SLOW, async () => {
    const { dir, rebuild } = await incremental();
    const touch = breakRouterQuietly(dir);
    const home = join(dir, "app/templates/page/home.html.eta");
    const good = readFileSync(home, "utf8");
    writeFileSync(home, good + "<% if (x { %>\n");
    expect((await rebuild()).map((e) => e.text)).toEqual([expect.stringMatching(/^`\{` is never closed/)]);
    writeFileSync(home, good + "<p>fixed</p>\n");
    // No ACTION_MISSING: the router, broken quietly, was not read again.
    expect(await rebuild()).toEqual([]);
    expect(readTemplatesText(join(dir, ".fawkes"))).toContain("<p>fixed</p>");
    // Once the router reads as changed, its break is found: it was there all along.
    touch();
    expect((await rebuild()).map((e) => e.text)).toEqual(['PageController has no action "abuot" [ACTION_MISSING]']);
  });

  it("a view module created (and one edited) rebuilds the templates that call it", SLOW, async () => {
    const { dir, rebuild } = await incremental();
    const home = join(dir, "app/templates/page/home.html.eta");
    writeFileSync(home, readFileSync(home, "utf8") + '<p><%= typeof welcome === "function" ? welcome() : "none" %></p>\n');
    expect(await rebuild()).toEqual([]);
    const generated = () => readTemplatesText(join(dir, ".fawkes"));
    expect(generated()).not.toContain("__view_page$welcome");
    // A new module in the views folder: only the folder's listing says so.
    writeFileSync(join(dir, "app/views/page.ts"), 'export const welcome = (): string => "hello";\n');
    expect(await rebuild()).toEqual([]);
    expect(generated()).toContain('import { welcome as __view_page$welcome } from "../../../app/views/page.js";');
    // An export renamed in an existing one: its import goes with it (the template's call of the
    // old name is left to the type check, `fawkes check`: esbuild does not type-check).
    const user = join(dir, "app/views/user.ts");
    writeFileSync(user, readFileSync(user, "utf8").replace("export const mailto", "export const mailTo"));
    const errors = await rebuild();
    expect(generated()).not.toContain("__view_user$mailto");
    expect(errors).toEqual([]);
  });

  it("the warm program sees each edit: a controller's action removed, then put back, then a route added to the router", SLOW, async () => {
    const { dir, rebuild } = await incremental();
    const controller = join(dir, "app/controllers/page-controller.ts");
    const good = readFileSync(controller, "utf8");
    writeFileSync(controller, good.replace("export function about(", "function about("));
    expect((await rebuild()).map((e) => e.text)).toEqual(['PageController has no action "about" [ACTION_MISSING]']);
    writeFileSync(controller, good);
    expect(await rebuild()).toEqual([]);
    const router = join(dir, "app/router.ts");
    writeFileSync(router, readFileSync(router, "utf8").replace('r.get("/about", PageController, "about");', 'r.get("/about", PageController, "about");\n    r.get("/about-us", PageController, "about", { as: "aboutUs" });'));
    expect(await rebuild()).toEqual([]);
    expect(readFileSync(join(dir, ".fawkes/helpers.gen.ts"), "utf8")).toContain("aboutUsPath");
  });

  /** A watch-mode context with typeCheck "deferred", and the type check reports as they arrive. */
  async function deferred() {
    const dir = copyDemo();
    const reports: TypeCheckReport[] = [];
    let arrived: (() => void) | null = null;
    const ctx = await context({
      absWorkingDir: dir,
      entryPoints: ["main.ts"],
      bundle: true,
      format: "esm",
      platform: "node",
      write: false,
      alias: { fawkes: resolve(import.meta.dirname, "../runtime/index.ts") },
      logLevel: "silent",
      plugins: [fawkes({ typeCheck: "deferred", onTypeCheck: (r) => (reports.push(r), arrived?.()) })],
    });
    contexts.push(ctx);
    const rebuild = () => ctx.rebuild().then((r) => r.errors, (e: { errors: { text: string }[] }) => e.errors);
    /** The next report (waits for it). */
    const report = async () => {
      while (!reports.length) await new Promise<void>((r) => (arrived = r));
      return reports.shift()!;
    };
    expect(await rebuild()).toEqual([]);
    expect((await report()).errors).toEqual([]);
    return { dir, rebuild, report, reports };
  }

  it('typeCheck "deferred": a router naming a missing action is served, then the type check reports ACTION_MISSING; the fix reports none', SLOW, async () => {
    const { dir, rebuild, report } = await deferred();
    const router = join(dir, "app/router.ts");
    const good = readFileSync(router, "utf8");
    writeFileSync(router, good.replace('r.get("/about", PageController, "about");', 'r.get("/about", PageController, "abuot");'));
    // The syntax alone cannot tell: the build passes and its modules are written.
    expect(await rebuild()).toEqual([]);
    expect(readFileSync(join(dir, ".fawkes/dispatch.gen.ts"), "utf8")).toContain("abuot");
    const late = await report();
    expect(late.errors.map((e) => e.text)).toEqual(['PageController has no action "abuot" [ACTION_MISSING]']);
    expect(late.errors[0].location).toMatchObject({ file: "app/router.ts", lineText: expect.stringContaining('"abuot"') });
    // Reported, not forgotten: the next build reads the router again and its check reports again.
    expect(await rebuild()).toEqual([]);
    expect((await report()).errors.map((e) => e.text)).toEqual(['PageController has no action "abuot" [ACTION_MISSING]']);
    writeFileSync(router, good);
    expect(await rebuild()).toEqual([]);
    expect(await report()).toMatchObject({ errors: [], regenerated: false });
  });

  it('typeCheck "deferred": a check whose router changed before it answered is dropped, not written over the next build (its check reports)', SLOW, async () => {
    const { dir, rebuild, report, reports } = await deferred();
    const router = join(dir, "app/router.ts");
    const good = readFileSync(router, "utf8");
    writeFileSync(router, good.replace('r.get("/about", PageController, "about");', 'r.get("/about", PageController, "abuot");'));
    expect(await rebuild()).toEqual([]);
    // The check of that build is in its worker (its answer is a message, not yet taken): the
    // router changes under it, as an editor saving twice in a row does.
    writeFileSync(router, good + "// saved again\n");
    expect(await rebuild()).toEqual([]);
    // One report, the second build's: the first check's ACTION_MISSING (or its read of the new
    // router) is about sources no build served.
    expect(await report()).toMatchObject({ errors: [], regenerated: false });
    expect(readFileSync(join(dir, ".fawkes/dispatch.gen.ts"), "utf8")).not.toContain("abuot");
    expect(await rebuild()).toEqual([]); // nothing changed: no read, no check
    expect(reports).toEqual([]);
  });

  it('typeCheck "deferred": a router or template error still fails the build itself', SLOW, async () => {
    const { dir, rebuild, report, reports } = await deferred();
    const router = join(dir, "app/router.ts");
    const good = readFileSync(router, "utf8");
    writeFileSync(router, good.replace('r.get("/about", PageController, "about");', 'r.get("/about/:9", PageController, "about");'));
    expect((await rebuild()).map((e) => e.text).join("\n")).toContain("BAD_PARAM_NAME");
    writeFileSync(router, good);
    expect(await rebuild()).toEqual([]);
    const home = join(dir, "app/templates/page/home.html.eta");
    const template = readFileSync(home, "utf8");
    writeFileSync(home, template + "<% if (it.x) { %>\n");
    expect((await rebuild()).length).toBeGreaterThan(0);
    writeFileSync(home, template);
    expect(await rebuild()).toEqual([]);
    // The good build that read the router (its fix) leaves a check; the template's fix is a
    // template edit as any (the router not read: no check), since 2026-12-07 (until then a full
    // build read the router again and left a second).
    expect((await report()).errors).toEqual([]);
    expect(reports).toEqual([]);
  });

  it("an edit to the router that leaves its route table as it was writes nothing", SLOW, async () => {
    const { dir, rebuild, report } = await deferred();
    const generated = readdirSync(join(dir, ".fawkes")).filter((f) => f.endsWith(".gen.ts")).map((f) => join(dir, ".fawkes", f));
    const before = generated.map((f) => statSync(f).mtimeMs);
    const router = join(dir, "app/router.ts");
    writeFileSync(router, readFileSync(router, "utf8") + "// a comment at the end\n");
    expect(await rebuild()).toEqual([]);
    expect(await report()).toMatchObject({ errors: [], regenerated: false });
    expect(generated.map((f) => statSync(f).mtimeMs)).toEqual(before);
  });

  it("a router edit with no template changed still checks the templates' Routes calls against the new table", SLOW, async () => {
    const { dir, rebuild } = await incremental();
    const router = join(dir, "app/router.ts");
    const good = readFileSync(router, "utf8");
    // user/show.html.eta calls Routes.userPostPath("index", ...): an action the edit takes away.
    writeFileSync(router, good.replace('r.resources("/posts", PostController, { except: ["delete"] }', 'r.resources("/posts", PostController, { only: ["show"] }'));
    const errors = await rebuild();
    expect(errors.map((e) => e.text).join("\n")).toMatch(/TEMPLATE_ROUTES_(ACTION|HELPER)/);
    expect((errors.find((e) => /TEMPLATE_ROUTES_/.test(e.text)) as { location?: { file: string } } | undefined)?.location?.file).toBe("app/templates/user/show.html.eta");
    writeFileSync(router, good);
    expect(await rebuild()).toEqual([]);
  });

  it("generated modules edited by hand between builds are written back, and the bundle has the generated text", SLOW, async () => {
    const { dir, ctx } = await incremental();
    // The bundle takes the templates too.
    writeFileSync(join(dir, "main.ts"), readFileSync(join(dir, "main.ts"), "utf8") + `export { templates } from "./.fawkes/templates.gen.js";\n`);
    const bundled = async () => {
      const r = await ctx.rebuild();
      expect(r.errors).toEqual([]);
      return r.outputFiles!.map((f) => f.text).join("\n");
    };
    // A module the plugin loads itself (helpers.gen.ts), and a template's, which esbuild reads.
    const helpers = join(dir, ".fawkes/helpers.gen.ts");
    const show = join(dir, ".fawkes/templates/user/show.html.gen.ts");
    const generated = { helpers: readFileSync(helpers, "utf8"), show: readFileSync(show, "utf8") };
    writeFileSync(helpers, generated.helpers + "\nexport const handEditedHelpers = 1;\n");
    writeFileSync(show, generated.show.replace("export {", "export const handEditedShow = 1;\nexport {"));
    const text = await bundled();
    expect(readFileSync(helpers, "utf8")).toBe(generated.helpers);
    expect(readFileSync(show, "utf8")).toBe(generated.show);
    expect(text).not.toContain("handEdited");
    // Then a template edit: the other modules are not read back, and stay as generated.
    const template = join(dir, "app/templates/user/show.html.eta");
    writeFileSync(template, readFileSync(template, "utf8") + "\n<p>edited-by-test</p>\n");
    expect(await bundled()).toContain("edited-by-test");
    expect(readFileSync(show, "utf8")).toContain("edited-by-test");
    expect(readFileSync(helpers, "utf8")).toBe(generated.helpers);
  });

  it("a generated module deleted between builds is written again", SLOW, async () => {
    const { dir, rebuild } = await incremental();
    rmSync(join(dir, ".fawkes/helpers.gen.ts"));
    expect(await rebuild()).toEqual([]);
    expect(existsSync(join(dir, ".fawkes/helpers.gen.ts"))).toBe(true);
  });
});
