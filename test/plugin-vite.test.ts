// The Vite plugin, driven by Vite itself (SSR build of an entry importing the generated helpers
// and templates), and a broken router failing the build at the router line.

import { build } from "vite";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { fawkes } from "../plugin-esbuild/vite.js";
import { TMP } from "./support/app.js";

const DEMO = resolve(import.meta.dirname, "../fixtures/demo");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function copyDemo(): string {
  mkdirSync(TMP, { recursive: true }); // this file may be the first to run
  const dir = mkdtempSync(join(TMP, "vite-"));
  dirs.push(dir);
  cpSync(DEMO, dir, { recursive: true });
  rmSync(join(dir, ".fawkes"), { recursive: true, force: true });
  writeFileSync(
    join(dir, "entry.ts"),
    `import { Routes } from "./.fawkes/helpers.gen.js";\nimport { templates } from "./.fawkes/templates.gen.js";\n` +
      `export const path = Routes.userPath("show", 42);\nexport const page = templates["page/home.html"]({ users: [{ id: 1, name: "A&B", href: "/users/1" }] });\n`,
  );
  return dir;
}

const config = (dir: string) => ({
  root: dir,
  logLevel: "silent" as const,
  configFile: false as const,
  plugins: [fawkes()],
  resolve: { alias: { fawkes: resolve(import.meta.dirname, "../runtime/index.ts") } },
  build: { ssr: join(dir, "entry.ts"), outDir: join(dir, "out"), write: true, rollupOptions: { output: { entryFileNames: "entry.mjs" } } },
});

describe("fawkes/vite", () => {
  it("generates the modules before the build and bundles them", async () => {
    const dir = copyDemo();
    await build(config(dir));
    expect(readFileSync(join(dir, ".fawkes/templates.gen.ts"), "utf8")).toContain("function t_page_home_html");
    const mod = await import(pathToFileURL(join(dir, "out/entry.mjs")).href);
    expect(mod.path).toBe("/users/42");
    expect(mod.page).toContain('<li><a href="/users/1">A&amp;B</a></li>');
  });

  it("fails the build with the diagnostic at the router line", async () => {
    const dir = copyDemo();
    const router = join(dir, "app/router.ts");
    writeFileSync(router, readFileSync(router, "utf8").replace('r.get("/about", PageController, "about");', 'r.get("/about", PageController, "gone");'));
    await expect(build(config(dir))).rejects.toThrow(/app\/router\.ts:\d+:\d+: error\[ACTION_MISSING\]: PageController has no action "gone"/);
  });
});

describe("fawkes/vite reads fawkes.config.ts", () => {
  it("builds with the config's out dir, templates folder and tags; an unknown key fails at its line", async () => {
    mkdirSync(TMP, { recursive: true });
    const dir = mkdtempSync(join(TMP, "vite-config-"));
    dirs.push(dir);
    cpSync(resolve(import.meta.dirname, "../fixtures/config/custom-tags"), dir, { recursive: true });
    rmSync(join(dir, "generated"), { recursive: true, force: true });
    writeFileSync(join(dir, "entry.ts"), `import { renderTemplate } from "./generated/templates.gen.js";\nexport const html = renderTemplate("page/hello.html.eta", { name: "Ann", admin: true });\n`);
    const options = { ...config(dir), build: { ...config(dir).build, ssr: join(dir, "entry.ts") } };
    await build(options);
    const mod = await import(pathToFileURL(join(dir, "out/entry.mjs")).href);
    expect(mod.html).toBe("<p>Hello Ann!</p>\n<b>admin</b>\n");

    const file = join(dir, "fawkes.config.ts");
    writeFileSync(file, readFileSync(file, "utf8").replace('dir: "views"', 'dirr: "views"'));
    await expect(build(options)).rejects.toThrow(/fawkes\.config\.ts:\d+:\d+: error\[CONFIG_UNKNOWN_KEY\]: unknown key "templates\.dirr"\n {2}hint: did you mean "templates\.dir"\?/);
  });
});
