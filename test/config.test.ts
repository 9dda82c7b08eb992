// `fawkes.config.ts`: one file read by the CLI and both plugins. Its values change what is
// built (out dir, templates folder, Eta's tags); an unknown key or a wrong type is an error at
// its line in the config file, with the nearest known key as a hint; flags win over the file.

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildProject, formatDiagnostic, loadConfig } from "fawkes/compiler";
import { readTemplatesText, templatesText } from "./support/generated.js";

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
    expect([...result.files.keys()].sort()).toEqual([".fawkes/templates.gen.ts", ".fawkes/templates/__registry.gen.ts", ".fawkes/templates/page/a.html.gen.ts"]);
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

  // fawkes server compares the generated files' names with the folder (test/dev-server-out-dir.test.ts).
  it.each([["./gen/", "gen"], ["gen//sub/", "gen/sub"], ["./out/../gen", "gen"]])("gives outDir %j as the folder %j", async (given, folder) => {
    const dir = project({ "fawkes.config.ts": `export default { outDir: ${JSON.stringify(given)} };\n` });
    expect((await loadConfig(dir)).config).toEqual({ outDir: folder });
  });

  it.each(["fawkes.config.mts", "fawkes.config.js", "fawkes.config.mjs"])("finds %s", async (name) => {
    const dir = project({ [name]: `export default { outDir: "out" };\n` });
    expect((await loadConfig(dir)).config).toEqual({ outDir: "out" });
  });

  it.each([
    ["a misspelt key", `{ templates: { dir: "views", autoEscapee: false } }`, 3, 58, 'error[CONFIG_UNKNOWN_KEY]: unknown key "templates.autoEscapee"', 'hint: did you mean "templates.autoEscape"?'],
    ["a misspelt top-level key", `{\n  outdir: "out",\n}`, 4, 3, 'unknown key "outDir"'.replace("outDir", "outdir"), 'hint: did you mean "outDir"?'],
    ["a key nothing near", `{ zzzzzz: 1 }`, 3, 31, 'unknown key "zzzzzz"', "hint: known keys here: router, outDir, strict, static, server, templates"],
    ["a misspelt dev server key", `{ server: { prot: 4000 } }`, 3, 41, 'error[CONFIG_UNKNOWN_KEY]: unknown key "server.prot"', 'hint: did you mean "server.port"?'],
    ["a dev server port out of range", `{ server: { port: 70000 } }`, 3, 41, 'error[CONFIG_TYPE]: "server.port" must be a port number from 0 to 65535, got number 70000', null],
    ["a wrong type", `{ strict: "yes" }`, 3, 31, 'error[CONFIG_TYPE]: "strict" must be true or false, got string "yes"', null],
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
    ["a default export that is not an object", `export default 42;\n`, /error\[CONFIG_TYPE\]: the config must be an object, got number 42/],
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
    const emitted = readTemplatesText(join(copy, "generated"));
    // {{= it.name }} is code with the config's tags, not text.
    expect(emitted).toContain("__e(it.name)");
    expect(emitted).not.toContain("{{=");
    expect(emitted).toBe(readTemplatesText(join(FIXTURE, "generated")));
  });

  it("the generated module renders with the config's tags", async () => {
    const { renderTemplate } = await import("../fixtures/config/custom-tags/generated/templates.gen.js");
    expect(renderTemplate("page/hello.html.eta", { name: "<Ann>", admin: true })).toBe("<p>Hello &lt;Ann&gt;!</p>\n<b>admin</b>\n");
  });

  it("without the config the same template is text: the config is what made the difference", () => {
    const copy = project({});
    cpSync(join(FIXTURE, "views"), join(copy, "app/templates"), { recursive: true });
    expect(fawkes(["build", "--root", copy]).status).toBe(0);
    expect(readTemplatesText(join(copy, ".fawkes"))).toContain("{{= it.name }}");
  });

  it("a flag wins over the config", () => {
    const copy = project({});
    cpSync(FIXTURE, copy, { recursive: true });
    const r = fawkes(["build", "--root", copy, "--out", "elsewhere"]);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(copy, "elsewhere/templates.gen.ts"))).toBe(true);
  });

  it("--out is a folder however it is typed (./x/ is x), as the config's outDir", () => {
    const copy = project({});
    cpSync(FIXTURE, copy, { recursive: true });
    const r = fawkes(["build", "--root", copy, "--out", "./elsewhere//"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("wrote elsewhere/templates.gen.ts");
    expect(r.stdout).not.toMatch(/wrote \.\/|\/\//);
    expect(fawkes(["check", "--root", copy, "--out", "elsewhere/"]).status).toBe(0);
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
    expect(readTemplatesText(join(dir, "dev-out"))).toContain("__e(it.name)");
  });
});

// ─── templates options that are functions or code (issue 12) ─────────────────────────────────

const EVERY = join(ROOT, "fixtures/config/every-option");
const HELPERS = {
  "app/lib/helpers.ts": [
    "export const escapeAttr = (v: unknown): string => `{${String(v)}}`;",
    "export const trimmed = (v: unknown): string => String(v).trim();",
    "export const translate = (key: string, _data: unknown): string => key.trim().toUpperCase();",
    "export default function shout(v: unknown): string { return String(v) + \"!\"; }",
    "",
  ].join("\n"),
  "app/lib/plugins.ts": [
    "export const stars = { processTemplate: (s: string) => s.replaceAll(\":star:\", \"*\") };",
    "export function numbers() { return { processFnString: (s: string) => s.replace(\"@@n@@\", \"42\") }; }",
    "export const notAPlugin = { process: () => \"\" };",
    "",
  ].join("\n"),
};
const PAGE = { "app/templates/page.eta": "<p><%= it.x %></p>\n" };
/** The column of `needle` in a config written with `config(body)` on its third line. */
const columnOf = (body: string, needle: string) => "export default defineConfig(".length + body.indexOf(needle) + 1;

describe("templates options from fawkes.config.ts", () => {
  it("every function and code option: `fawkes build` emits the committed module (golden)", () => {
    const copy = project({});
    cpSync(EVERY, copy, { recursive: true });
    rmSync(join(copy, ".fawkes"), { recursive: true, force: true });
    const r = fawkes(["build", "--root", copy]);
    expect(r.status, r.stderr).toBe(0);
    const emitted = readTemplatesText(join(copy, ".fawkes"));
    expect(emitted).toBe(readTemplatesText(join(EVERY, ".fawkes")));
    expect(emitted).toContain('import { escapeAttr as __e, translate as __tag_$2a, trimmed as __f } from "../../../app/lib/helpers.js";');
    // The plugin ran at build time: its output is in the module, the plugin is not.
    expect(emitted).toContain("👋");
    expect(emitted).not.toContain("plugins.js");
  });

  it("the committed module renders with the config's functions, header, output name and named templates", async () => {
    const { renderTemplate } = await import("../fixtures/config/every-option/.fawkes/templates.gen.js");
    expect(renderTemplate("page/home.html.eta", { name: "  <Ann>  ", role: "admin`" })).toBe(
      // trimmed (the filter) also trims what include returns: the partials' last newline.
      '<p>Hello, &#60;Ann&#62; 👋</p>\n<small>2025</small><span class="badge">admin&#96;</span><section><h2>&#60;Card&#62;</h2></section>',
    );
  });

  it("`fawkes check` type-checks it against the helpers' signatures", () => {
    const r = fawkes(["check", "--root", EVERY]);
    expect(r.status, r.stderr).toBe(0);
  });

  it.each([
    ["escapeFunction", `{ templates: { escapeFunction: { from: "./app/lib/helpers.js", import: "escapeAttr" } } }`, ['import { escapeAttr as __e } from "../../app/lib/helpers.js";'], ["escapeHtml"]],
    ["escapeFunction, default export", `{ templates: { escapeFunction: { from: "./app/lib/helpers.js" } } }`, ['import { default as __e } from "../../app/lib/helpers.js";'], ["escapeHtml"]],
    ["filterFunction (with autoFilter)", `{ templates: { autoFilter: true, filterFunction: { from: "./app/lib/helpers.js", import: "trimmed" } } }`, ["__e(__f(it.x))", "trimmed as __f"], ["String(it.x)"]],
    ["customTags", `{ templates: { customTags: { "*": { from: "./app/lib/helpers.js", import: "translate" } } } }`, ['__tag_$2a("hi", it)', "translate as __tag_$2a"], []],
    ["functionHeader", `{ templates: { functionHeader: "const answer = 42;" } }`, ["const answer = 42;  // fawkes.config.ts:3"], []],
    ["outputFunctionName", `{ templates: { outputFunctionName: "echo" } }`, ["function echo(s: unknown): void { __eta.res += s; }"], ["function output("]],
    ["plugins: processTemplate", `{ templates: { plugins: [{ from: "./app/lib/plugins.js", import: "stars" }] } }`, ["'<i>*</i>"], [":star:"]],
    ["plugins: processFnString (a factory)", `{ templates: { plugins: [{ from: "./app/lib/plugins.js", import: "numbers" }] } }`, ["__e(42)", "// rewritten by processFnString of plugins[0] (./app/lib/plugins.js#numbers)"], ["@@n@@"]],
    ["named", `{ templates: { named: { "@box": "app/box.eta" } } }`, ['__registry.define("@box", t_named_box);'], []],
    ["namedDir", `{ templates: { namedDir: "app/parts" } }`, ['__registry.define("@forms/field", t_named_forms_field);'], []],
  ])("%s changes what `fawkes build` emits", async (_name, body, present, absent) => {
    const files = {
      ...HELPERS,
      "app/templates/page.eta": "<p><%= it.x %></p><%* hi %><% output('o') %><i>:star:</i><%= @@n@@ %>\n",
      "app/box.eta": "[box]\n",
      "app/parts/forms/field.eta": "<input>\n",
    };
    // Without the option the template is not valid code (`@@n@@`, the `*` tag is text): build only what the row needs.
    const template = body.includes("numbers") ? "<p><%= @@n@@ %></p>\n" : body.includes("customTags") ? "<%* hi %>\n" : body.includes("outputFunctionName") ? "<% echo('o') %>\n" : body.includes("stars") ? "<i>:star:</i>\n" : "<p><%= it.x %></p>\n";
    const dir = project({ ...files, "app/templates/page.eta": template, "fawkes.config.ts": config(body) });
    const result = await buildProject({ root: dir });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    const emitted = templatesText(result.files)!;
    for (const s of present) expect(emitted).toContain(s);
    for (const s of absent) expect(emitted).not.toContain(s);
    expect(emitted).toContain("the templates options of fawkes.config.ts");
  });

  const MODULE = `{ from: "./app/lib/helperz.js", import: "escapeAttr" }`;
  it.each([
    ["a module that does not exist", `{ templates: { escapeFunction: ${MODULE} } }`, 'from: "./app/lib/helperz.js"', "error[CONFIG_MODULE_NOT_FOUND]: templates.escapeFunction: module ./app/lib/helperz.js does not exist (looked for app/lib/helperz.js, app/lib/helperz.ts, app/lib/helperz.tsx)", 'hint: did you mean "./app/lib/helpers.js"?'],
    ["an export that does not exist", `{ templates: { escapeFunction: { from: "./app/lib/helpers.js", import: "escapeAtr" } } }`, 'import: "escapeAtr"', 'error[CONFIG_MODULE_EXPORT]: templates.escapeFunction: ./app/lib/helpers.js has no export named "escapeAtr"', 'hint: did you mean "escapeAttr"?'],
    ["a custom tag's module", `{ templates: { customTags: { "*": { from: "./app/lib/nope.js", import: "t" } } } }`, 'from: "./app/lib/nope.js"', "error[CONFIG_MODULE_NOT_FOUND]: templates.customTags.*: module ./app/lib/nope.js does not exist", null],
    ["a filter's export, even without autoFilter", `{ templates: { filterFunction: { from: "./app/lib/helpers.js", import: "trim" } } }`, 'import: "trim"', 'error[CONFIG_MODULE_EXPORT]: templates.filterFunction: ./app/lib/helpers.js has no export named "trim"', null],
    ["a plugin's module", `{ templates: { plugins: [{ from: "./app/lib/plugin.js", import: "stars" }] } }`, 'from: "./app/lib/plugin.js"', "error[CONFIG_MODULE_NOT_FOUND]: templates.plugins.0: module ./app/lib/plugin.js does not exist", 'hint: did you mean "./app/lib/plugins.js"?'],
    ["a plugin that is not one", `{ templates: { plugins: [{ from: "./app/lib/plugins.js", import: "notAPlugin" }] } }`, '{ from: "./app/lib/plugins.js", import: "notAPlugin" }', "error[CONFIG_PLUGIN]: templates.plugins[0] (./app/lib/plugins.js#notAPlugin): not an Eta plugin: expected an object with processTemplate, processAST, processFnString or a function returning one, got object", null],
    ["a function written into the config", `{ templates: { escapeFunction: function escapeAttr(v) { return v; } } }`, "escapeFunction:", 'error[CONFIG_TYPE]: "templates.escapeFunction" must be a module reference such as { from: "./app/escape.js", import: "escapeAttr" }, got a function', 'hint: functions run where templates render, so the generated module imports them: export escapeAttr from a module of the app and write { from: "./app/....js", import: "escapeAttr" }'],
    ["the string shape", `{ templates: { escapeFunction: "./app/lib/helpers.js#escapeAttr" } }`, "escapeFunction:", "error[CONFIG_TYPE]", 'hint: write { from: "./app/lib/helpers.js", import: "escapeAttr" }'],
    ["a package name", `{ templates: { escapeFunction: { from: "escape-html" } } }`, 'from: "escape-html"', 'error[CONFIG_TYPE]: "templates.escapeFunction.from" must be a path relative to the project root, starting with "./" or "../", got string "escape-html"', null],
    ["a named template that does not exist", `{ templates: { named: { "@box": "app/bx.eta" } } }`, '"@box"', "error[CONFIG_NAMED_NOT_FOUND]: templates.named: @box is app/bx.eta, which does not exist", null],
    ["a name without @", `{ templates: { named: { box: "app/box.eta" } } }`, "box:", 'error[CONFIG_TYPE]: "templates.named.box": the key must be a name starting with "@"', null],
    ["a custom tag prefix Eta already uses", `{ templates: { customTags: { "=": { from: "./app/lib/helpers.js", import: "translate" } } } }`, '"="', 'error[CONFIG_CUSTOM_TAG]: templates.customTags: the prefix "=" is already interpolate\'s (<%= ... %>)', "hint: pick a prefix no built-in tag uses"],
    ["an output function name the template already has", `{ templates: { outputFunctionName: "include" } }`, "outputFunctionName", 'error[CONFIG_OUTPUT_NAME]: templates.outputFunctionName: "include" is already a name in every template', null],
    ["functionHeader that does not parse", `{ templates: { functionHeader: "const x = ;" } }`, "functionHeader", "error[TEMPLATE_SYNTAX]: Expression expected in the code of templates.functionHeader", null],
  ])("%s is a diagnostic at its key in fawkes.config.ts", async (_name, body, needle, message, hint) => {
    const dir = project({ ...HELPERS, ...PAGE, "app/box.eta": "box\n", "fawkes.config.ts": config(body) });
    const result = await buildProject({ root: dir });
    expect(result.files.size).toBe(0);
    const texts = result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(`fawkes.config.ts:3:${columnOf(body, needle)}: `);
    expect(texts[0]).toContain(message);
    if (hint) expect(texts[0]).toContain(hint);
  });

  it("a plugin that throws on a template is an error at the template, related to its config key", async () => {
    const dir = project({
      ...PAGE,
      "app/lib/bad.ts": 'export const bad = { processTemplate: () => { throw new Error("no") } };\n',
      "fawkes.config.ts": config(`{ templates: { plugins: [{ from: "./app/lib/bad.js", import: "bad" }] } }`),
    });
    const [d] = (await buildProject({ root: dir })).diagnostics;
    expect(formatDiagnostic(d)).toBe(
      "app/templates/page.eta:1:1: error[TEMPLATE_PLUGIN]: processTemplate of plugins[0] (./app/lib/bad.js#bad) failed on this template: no\n" +
        `  the plugin is configured here (fawkes.config.ts:3:${columnOf(`{ templates: { plugins: [{ from: "./app/lib/bad.js", import: "bad" }] } }`, "{ from")})`,
    );
  });

  it("the plugin modules are inputs (a watcher rebuilds when one changes)", async () => {
    const dir = project({ ...HELPERS, ...PAGE, "fawkes.config.ts": config(`{ templates: { plugins: [{ from: "./app/lib/plugins.js", import: "stars" }], escapeFunction: { from: "./app/lib/helpers.js", import: "escapeAttr" } } }`) });
    const result = await buildProject({ root: dir });
    expect(result.inputs).toContain(join(dir, "app/lib/plugins.ts"));
    expect(result.inputs).toContain(join(dir, "app/lib/helpers.ts"));
  });
});

describe("templates options that work but are probably a mistake: warnings at the key", () => {
  it.each([
    ["a custom tag prefix that is a letter", `{ templates: { customTags: { t: { from: "./app/lib/helpers.js", import: "translate" } } } }`, "t:", 'warning[CONFIG_CUSTOM_TAG]: templates.customTags: the prefix "t" starts like code, so every <% ... %> whose code starts with "t" (<% try { %>) is read as this tag'],
    ["a filterFunction without autoFilter", `{ templates: { filterFunction: { from: "./app/lib/helpers.js", import: "trimmed" } } }`, "filterFunction", "warning[CONFIG_FILTER_UNUSED]: templates.filterFunction is never called: Eta applies it only with autoFilter: true"],
  ])("%s", async (_name, body, needle, message) => {
    const dir = project({ ...HELPERS, ...PAGE, "fawkes.config.ts": config(body) });
    const result = await buildProject({ root: dir });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([expect.stringContaining(`fawkes.config.ts:3:${columnOf(body, needle)}: ${message}`)]);
    // The registry, the registry object's module and the page's: a warning fails nothing.
    expect(result.files.size).toBe(3);
    // --strict makes it fail the build.
    expect((await buildProject({ root: dir, strict: true })).files.size).toBe(0);
  });
});
