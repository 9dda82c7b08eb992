// Includes verified at build (issue 14): a literal name given to include, includeAsync or layout
// resolves at build time as the runtime resolves it, or the build fails with TEMPLATE_NOT_FOUND
// at the literal's line and column with the nearest names; Phoenix-style names without the
// engine's extension resolve when one template fits, and render as the full name does.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compileTemplates, formatDiagnostic, type Diagnostic, type TemplateConfig } from "../compiler/index.js";
import { templatesText } from "./support/generated.js";

const ROOT = resolve(import.meta.dirname, "..");
const TMP = join(ROOT, ".fawkes-tmp");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  mkdirSync(TMP, { recursive: true });
  const root = mkdtempSync(join(TMP, "includes-"));
  dirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** Compiles app/templates/<name> files; returns the diagnostics (formatted) and the module. */
function compile(templates: Record<string, string>, config: TemplateConfig = {}, extra: Record<string, string> = {}) {
  const root = project({ ...Object.fromEntries(Object.entries(templates).map(([k, v]) => [`app/templates/${k}`, v])), ...extra });
  const result = compileTemplates({ root, config });
  return { root, diagnostics: result.diagnostics, text: result.diagnostics.map(formatDiagnostic), generated: templatesText(result.files), files: result.files };
}

/** Compiles and imports the generated module. */
async function load(templates: Record<string, string>, config: TemplateConfig = {}, extra: Record<string, string> = {}) {
  const c = compile(templates, config, extra);
  expect(c.text).toEqual([]);
  for (const [rel, text] of c.files) {
    mkdirSync(dirname(join(c.root, rel)), { recursive: true });
    writeFileSync(join(c.root, rel), text);
  }
  const file = join(c.root, ".fawkes/templates.gen.ts");
  return { ...c, mod: await import(pathToFileURL(file).href) };
}

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);

describe("literal names resolve as the runtime resolves them", () => {
  it("relative to the including template, absolute from the root, and @named", async () => {
    const { mod, generated } = await load(
      {
        "user/_row.html.eta": "<li><%= it.name %></li>",
        "user/index.html.eta": '<ul><%~ include("./_row.html.eta", { name: "a" }) %><%~ include("_row.html.eta", { name: "b" }) %><%~ include("/user/_row.html.eta", { name: "c" }) %><%~ include("@card", { name: "d" }) %></ul>',
        "layouts/frame.html.eta": "<main><%~ it.body %></main>",
        "user/show.html.eta": '<% layout("../layouts/frame.html.eta") %>show',
      },
      { named: { "@card": "app/cards/card.eta" } },
      { "app/cards/card.eta": "[<%= it.name %>]" },
    );
    expect(mod.renderTemplate("user/index.html.eta", {})).toBe("<ul><li>a</li><li>b</li><li>c</li>[d]</ul>");
    expect(mod.renderTemplate("user/show.html.eta", {})).toBe("<main>show</main>");
    // Literal sync includes of file templates are direct calls (emit-render.ts; the partial reads
    // only it.name, so without Eta's merge: include-data.ts), the @name one is not.
    for (const name of ["a", "b", "c"]) expect(generated).toContain(`__res += t_user__row_html({ name: "${name}" } as any, t_user__row_html$options)`);
    expect(generated).toContain('include("@card", { name: "d" })');
  });

  it("a misspelt name is TEMPLATE_NOT_FOUND at the literal, with the nearest name written the same way", () => {
    const { text } = compile({
      "user/test.html.eta": "t",
      "user/show.html.eta": 'line 1\n  <%~ include("./tset.html.eta") %>\n<%~ include("/user/tset.html") %>',
    });
    expect(text).toEqual([
      'app/templates/user/show.html.eta:2:15: error[TEMPLATE_NOT_FOUND]: include("./tset.html.eta"): no template app/templates/user/tset.html.eta\n  hint: did you mean "./test.html.eta"?',
      'app/templates/user/show.html.eta:3:13: error[TEMPLATE_NOT_FOUND]: include("/user/tset.html"): no template app/templates/user/tset.html\n  hint: did you mean "/user/test.html.eta"?',
    ]);
  });

  it("with nothing near, the hint lists the folder's templates", () => {
    const { text } = compile({ "user/a.html.eta": "a", "user/b.html.eta": "b", "user/show.html.eta": '<%~ include("./zzzzzzzz.html") %>' });
    expect(text).toEqual([
      'app/templates/user/show.html.eta:1:13: error[TEMPLATE_NOT_FOUND]: include("./zzzzzzzz.html"): no template app/templates/user/zzzzzzzz.html\n  hint: app/templates/user/ has: a.html.eta, b.html.eta, show.html.eta',
    ]);
  });

  it("includeAsync and layout are checked too, on the line and column of their literal", () => {
    const { diagnostics } = compile({
      "page.eta": '<% layout("/layouts/nope.eta") %>\n<%~ await includeAsync(`./missing`) %>',
    });
    expect(diagnostics.map((d) => [d.code, d.loc.line, d.loc.column, d.message])).toEqual([
      ["TEMPLATE_NOT_FOUND", 1, 11, 'layout("/layouts/nope.eta"): no template app/templates/layouts/nope.eta'],
      ["TEMPLATE_NOT_FOUND", 2, 24, "includeAsync(`./missing`): no template app/templates/missing.eta"],
    ]);
  });

  it("a missing @name says where names come from, or the nearest name", () => {
    const { text } = compile({ "a.eta": '<%~ include("@crad") %><%~ include("@zzzzzz") %>' }, { named: { "@card": "app/cards/card.eta" } }, { "app/cards/card.eta": "c" });
    expect(text).toEqual([
      'app/templates/a.eta:1:13: error[TEMPLATE_NOT_FOUND]: include("@crad"): no template is named @crad\n  hint: did you mean "@card"?',
      'app/templates/a.eta:1:36: error[TEMPLATE_NOT_FOUND]: include("@zzzzzz"): no template is named @zzzzzz\n  hint: named templates come from templates.named and templates.namedDir in fawkes.config.ts (there are: @card)',
    ]);
  });

  it("a name outside the templates folder is an error", () => {
    const { text } = compile({ "user/show.html.eta": '<%~ include("../../secret.eta") %>' });
    expect(text).toEqual([
      'app/templates/user/show.html.eta:1:13: error[TEMPLATE_NOT_FOUND]: include("../../secret.eta") names a file outside the templates folder (app/templates)\n  hint: names resolve from the including template\'s folder, and a leading "/" from app/templates; nothing outside it can be included',
    ]);
  });
});

describe("Phoenix-style names, without the engine's extension", () => {
  it("`./_row.html` is `_row.html.eta`, `user/_form.html` from the root is `user/_form.html.eta`: rewritten, so the runtime finds them", async () => {
    const { mod, generated } = await load({
      "user/_row.html.eta": "<li><%= it.name %></li>",
      "user/_form.html.eta": "<form><%= it.name %></form>",
      "user/index.html.eta": '<%~ include("./_row.html", { name: "r" }) %><%~ await includeAsync("./_row.html", { name: "s" }) %>',
      "page.html.eta": '<%~ include("user/_form.html", { name: "f" }) %>',
    });
    expect(mod.renderTemplate("page.html.eta", {})).toBe("<form>f</form>");
    expect(await mod.renderTemplateAsync("user/index.html.eta", {})).toBe("<li>r</li><li>s</li>");
    expect(generated).toContain('await includeAsync("./_row.html.eta", { name: "s" })');
    expect(generated).not.toContain('"./_row.html"');
  });

  it("a name with no extension at all is the one template of that name with a format", async () => {
    const { mod } = await load({ "user/_row.html.eta": "<li><%= it.name %></li>", "user/index.html.eta": "<%~ include('./_row', { name: 'x' }) %>" });
    expect(mod.renderTemplate("user/index.html.eta", {})).toBe("<li>x</li>");
  });

  it("Eta's own rule wins: `./_row` is `_row.eta` when that exists", async () => {
    const { mod } = await load({ "user/_row.eta": "plain", "user/_row.html.eta": "html", "user/index.html.eta": "<%~ include('./_row') %>" });
    expect(mod.renderTemplate("user/index.html.eta", {})).toBe("plain");
  });

  it("two formats are TEMPLATE_AMBIGUOUS, naming both", () => {
    const { text } = compile({ "user/_row.html.eta": "h", "user/_row.json.eta": "j", "user/index.html.eta": '<%~ include("./_row") %>' });
    expect(text).toEqual([
      'app/templates/user/index.html.eta:1:13: error[TEMPLATE_AMBIGUOUS]: include("./_row") could be ./_row.html.eta or ./_row.json.eta\n  hint: name one with its format: "./_row.html" or "./_row.json"',
    ]);
  });
});

describe("what is not a literal include stays as it is", () => {
  it("dynamic names, methods, strings and comments are not checked", async () => {
    const template = [
      "<% const name = './x.eta' %>",
      "<% const list = { include: (n) => n } %>",
      "<%= list.include('./nope.eta') %>",
      '<%= "include(\'./nope.eta\')" %>',
      "<% /* include('./nope.eta') */ %>",
      "<% if (it.go) { %><%~ include(it.which) %><%~ include(`./${it.which}`) %><%~ include('./' + it.which) %><% } %>",
    ].join("\n");
    const { mod } = await load({ "x.eta": "X", "t.eta": template });
    expect(mod.renderTemplate("t.eta", { go: false })).toBe("./nope.etainclude(&#39;./nope.eta&#39;)");
    expect(mod.renderTemplate("t.eta", { go: true, which: "x.eta" })).toContain("XXX");
  });

  it("a named template's relative names are its includer's: left to the runtime; its / names are checked", () => {
    const { text } = compile({ "a.eta": "a" }, { named: { "@card": "app/cards/card.eta" } }, { "app/cards/card.eta": '<%~ include("./whatever.eta") %><%~ include("/nope.eta") %>' });
    expect(codes(compile({ "a.eta": "a" }, { named: { "@card": "app/cards/card.eta" } }, { "app/cards/card.eta": '<%~ include("./whatever.eta") %>' }).diagnostics)).toEqual([]);
    expect(text).toEqual(['app/cards/card.eta:1:45: error[TEMPLATE_NOT_FOUND]: include("/nope.eta"): no template app/templates/nope.eta\n  hint: app/templates/ has: a.eta']);
  });
});

describe("through the CLI", () => {
  it("fawkes build and fawkes check print the diagnostic at file:line:col and fail", () => {
    const root = project({
      "package.json": '{ "name": "includes-app", "type": "module" }\n',
      "app/router.ts": 'import { defineRouter } from "fawkes";\nimport * as Page from "./controllers/page.js";\nexport default defineRouter((r) => {\n  r.get("/", Page, "index");\n});\n',
      "app/controllers/page.ts": "export const index = (conn: unknown) => conn;\n",
      "app/templates/user/test.html.eta": "t",
      "app/templates/user/show.html.eta": "<h1>x</h1>\n<%~ include('./tset.html') %>\n",
    });
    const r = spawnSync(process.execPath, [join(ROOT, "dist/compiler/cli/main.js"), "build", "--root", root], { encoding: "utf8" });
    const out = r.stdout + r.stderr;
    expect(out).toContain("app/templates/user/show.html.eta:2:13: error[TEMPLATE_NOT_FOUND]: include('./tset.html'): no template app/templates/user/tset.html");
    expect(out).toContain('hint: did you mean "./test.html.eta"?');
    expect(r.status).not.toBe(0);
    const check = spawnSync(process.execPath, [join(ROOT, "dist/compiler/cli/main.js"), "check", "--root", root], { encoding: "utf8" });
    expect(check.stdout + check.stderr).toContain("app/templates/user/show.html.eta:2:13: error[TEMPLATE_NOT_FOUND]");
    expect(check.status).toBe(1);
  });
});
