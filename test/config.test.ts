// `fawkes.config.ts`: one file read by the CLI and both plugins. Its values change what is
// built (out dir, templates folder, Eta's tags); an unknown key or a wrong type is an error at
// its line in the config file, with the nearest known key as a hint; flags win over the file.

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildProject, formatDiagnostic, loadConfig } from "fawkes/compiler";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "dist/compiler/cli/main.js");
const FIXTURE = join(ROOT, "fixtures/config/custom-tags");
// Inside the repo, so that a config's `import ... from "fawkes/config"` resolves to this package.
const TMP = join(ROOT, ".fawkes-tmp");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A project with these files (path → contents), in a fresh directory. */
function project(files: Record<string, string>): string {
  mkdirSync(TMP, { recursive: true });
  const dir = mkdtempSync(join(TMP, "config-"));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const TEMPLATE = { "views/page/hello.html.eta": "<p>Hello {{= it.name }}!</p>\n" };
const config = (body: string) => `import { defineConfig } from "fawkes/config";\n\nexport default defineConfig(${body});\n`;
const fawkes = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

describe("loading fawkes.config.ts", () => {
  it("a project without a config builds with the defaults", async () => {
    const dir = project({ "app/templates/page/a.html.eta": "<p><%= it.x %></p>\n" });
    const loaded = await loadConfig(dir);
    expect(loaded).toEqual({ file: null, config: {}, diagnostics: [], inputs: [] });
    const result = await buildProject({ root: dir });
    expect([...result.files.keys()]).toEqual([".fawkes/templates.gen.ts"]);
  });

  it("reads the values, and lists the config and the modules it imports as inputs", async () => {
    const dir = project({
      "fawkes.config.ts": `import { defineConfig } from "fawkes/config";\nimport { tags } from "./config/tags.js";\n\nexport default defineConfig({ templates: { dir: "views", tags } });\n`,
      "config/tags.ts": `export const tags: [string, string] = ["{{", "}}"];\n`,
      ...TEMPLATE,
    });
    const loaded = await loadConfig(dir);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.file).toBe("fawkes.config.ts");
    expect(loaded.config).toEqual({ templates: { dir: "views", tags: ["{{", "}}"] } });
    expect(loaded.inputs.filter((f) => f.startsWith(dir)).sort()).toEqual([join(dir, "config/tags.ts"), join(dir, "fawkes.config.ts")]);
    // The temporary module it ran from is gone.
    expect(readdirSync(dir).filter((f) => f.endsWith(".mjs"))).toEqual([]);
  });

  it.each(["fawkes.config.mts", "fawkes.config.js", "fawkes.config.mjs"])("finds %s", async (name) => {
    const dir = project({ [name]: `export default { outDir: "out" };\n` });
    expect((await loadConfig(dir)).config).toEqual({ outDir: "out" });
  });

  it.each([
    ["a misspelt key", `{ templates: { dir: "views", autoEscapee: false } }`, 3, 58, 'error[CONFIG_UNKNOWN_KEY]: unknown key "templates.autoEscapee"', 'hint: did you mean "templates.autoEscape"?'],
    ["a misspelt top-level key", `{\n  outdir: "out",\n}`, 4, 3, 'unknown key "outDir"'.replace("outDir", "outdir"), 'hint: did you mean "outDir"?'],
    ["a key nothing near", `{ zzzzzz: 1 }`, 3, 31, 'unknown key "zzzzzz"', "hint: known keys here: router, outDir, strict, templates"],
    ["a wrong type", `{ strict: "yes" }`, 3, 31, 'error[CONFIG_TYPE]: "strict" must be true or false, got "yes"', null],
    ["a bad tags pair", `{ templates: { tags: ["{{"] } }`, 3, 44, '"templates.tags" must be a pair of non-empty strings', null],
    ["a bad autoTrim", `{ templates: { autoTrim: "all" } }`, 3, 44, '"templates.autoTrim" must be false, "nl", "slurp"', null],
    ["an Eta option that cannot work here", `{ templates: { useWith: true } }`, 3, 44, '"templates.useWith" is not supported: `with` is not allowed in ES modules', null],
  ])("%s is an error at its line in the config", async (_name, body, line, column, message, hint) => {
    const dir = project({ "fawkes.config.ts": config(body), ...TEMPLATE });
    const result = await buildProject({ root: dir });
    expect(result.files.size).toBe(0);
    expect(result.diagnostics).toHaveLength(1);
    const text = formatDiagnostic(result.diagnostics[0]);
    expect(text).toContain(`fawkes.config.ts:${line}:${column}: `);
    expect(text).toContain(message);
    if (hint) expect(text).toContain(hint);
  });

  it("points into a config written as a const and spread through defineConfig", async () => {
    const dir = project({ "fawkes.config.ts": `import { defineConfig } from "fawkes/config";\n\nconst templates = {\n  dir: "views",\n  tagz: ["{{", "}}"],\n};\n\nexport default defineConfig({ templates });\n` });
    const [d] = (await loadConfig(dir)).diagnostics;
    expect(formatDiagnostic(d)).toMatch(/^fawkes\.config\.ts:5:3: error\[CONFIG_UNKNOWN_KEY\]: unknown key "templates\.tagz"\n {2}hint: did you mean "templates\.tags"\?/);
  });

  it.each([
    ["a syntax error", `export default defineConfig({ outDir: ".fawkes" ;\n`, /^fawkes\.config\.ts:1:\d+: error\[CONFIG_SYNTAX\]: Expected/],
    ["a throw while it runs", `throw new Error("no config today");\n`, /^fawkes\.config\.ts:1:1: error\[CONFIG_LOAD\]: running fawkes\.config\.ts failed: no config today/],
    ["no default export", `export const config = {};\n`, /^fawkes\.config\.ts:1:1: error\[CONFIG_INVALID\]: fawkes\.config\.ts has no default export/],
    ["a default export that is not an object", `export default 42;\n`, /error\[CONFIG_TYPE\]: the config must be an object, got 42/],
    ["an import that does not resolve", `import "./nowhere.js";\nexport default {};\n`, /^fawkes\.config\.ts:1:8: error\[CONFIG_SYNTAX\]: Could not resolve "\.\/nowhere\.js"/],
  ])("%s is a diagnostic, not a crash", async (_name, source, pattern) => {
    const dir = project({ "fawkes.config.ts": source });
    const loaded = await loadConfig(dir);
    expect(loaded.diagnostics).toHaveLength(1);
    expect(formatDiagnostic(loaded.diagnostics[0])).toMatch(pattern);
  });

  it("--config names a file that must exist", async () => {
    const dir = project({});
    const [d] = (await loadConfig(dir, "config/fawkes.ts")).diagnostics;
    expect(formatDiagnostic(d)).toBe("config/fawkes.ts:1:1: error[CONFIG_NOT_FOUND]: config file config/fawkes.ts does not exist");
  });
});

describe("fawkes build reads the config", () => {
  it("custom tags, templates folder and out dir from the config change what is emitted (golden)", () => {
    const copy = project({});
    cpSync(FIXTURE, copy, { recursive: true });
    rmSync(join(copy, "generated"), { recursive: true, force: true });
    const r = fawkes(["build", "--root", copy]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("wrote generated/templates.gen.ts");
    const emitted = readFileSync(join(copy, "generated/templates.gen.ts"), "utf8");
    // {{= it.name }} is code with the config's tags, not text.
    expect(emitted).toContain("__e(it.name)");
    expect(emitted).not.toContain("{{=");
    expect(emitted).toBe(readFileSync(join(FIXTURE, "generated/templates.gen.ts"), "utf8"));
  });

  it("the generated module renders with the config's tags", async () => {
    const { renderTemplate } = await import("../fixtures/config/custom-tags/generated/templates.gen.js");
    expect(renderTemplate("page/hello.html.eta", { name: "<Ann>", admin: true })).toBe("<p>Hello &lt;Ann&gt;!</p>\n<b>admin</b>\n");
  });

  it("without the config the same template is text: the config is what made the difference", () => {
    const copy = project({});
    cpSync(join(FIXTURE, "views"), join(copy, "app/templates"), { recursive: true });
    expect(fawkes(["build", "--root", copy]).status).toBe(0);
    expect(readFileSync(join(copy, ".fawkes/templates.gen.ts"), "utf8")).toContain("{{= it.name }}");
  });

  it("a flag wins over the config", () => {
    const copy = project({});
    cpSync(FIXTURE, copy, { recursive: true });
    const r = fawkes(["build", "--root", copy, "--out", "elsewhere"]);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(copy, "elsewhere/templates.gen.ts"))).toBe(true);
  });

  it("an unknown key fails the build with exit 1, the location and the hint", () => {
    const dir = project({ "fawkes.config.ts": config(`{ templates: { autoEscapee: false } }`), ...TEMPLATE });
    const r = fawkes(["build", "--root", dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('fawkes.config.ts:3:44: error[CONFIG_UNKNOWN_KEY]: unknown key "templates.autoEscapee"');
    expect(r.stderr).toContain('hint: did you mean "templates.autoEscape"?');
    expect(existsSync(join(dir, ".fawkes"))).toBe(false);
  });

  it("`fawkes check` passes on the committed fixture output", () => {
    const r = fawkes(["check", "--root", FIXTURE]);
    expect(r.status, r.stderr).toBe(0);
  });

  it("--config takes another file", () => {
    const dir = project({ "config/dev.ts": config(`{ outDir: "dev-out", templates: { dir: "views", tags: ["{{", "}}"] } }`), ...TEMPLATE });
    const r = fawkes(["build", "--root", dir, "--config", "config/dev.ts"]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "dev-out/templates.gen.ts"), "utf8")).toContain("__e(it.name)");
  });
});
