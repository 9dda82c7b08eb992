// Verified paths at build time (compiler/verify): every `p` literal bound to the fawkes import
// is checked against the route table and the static folder. fixtures/verified/app must build
// clean; fixtures/verified/errors-paths holds each kind of mistake, and expected/diagnostics.txt
// is what `fawkes build` says about them (UPDATE_GOLDEN=1 rewrites it). The cases after that
// run the checker on small sources against the app fixture's route table.

import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { build, formatDiagnostic, type BuildResult, type Diagnostic, type RouteIR } from "../compiler/index.js";
import { checkPathLiterals } from "../compiler/verify/check.js";
import { findPathLiterals, listAppSources, readCandidates } from "../compiler/verify/scan.js";
import { indexStatics } from "../compiler/verify/statics.js";
import { buildApp } from "./support/app.js";
import { locate } from "./support/source.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/verified");
const APP = join(FIXTURES, "app");
const ERRORS = join(FIXTURES, "errors-paths");
const update = process.env.UPDATE_GOLDEN === "1";

let ok: BuildResult;
let failed: BuildResult;
beforeAll(() => {
  ok = build({ root: APP, outDir: ".fawkes-verified-test" });
  failed = build({ root: ERRORS });
}, 120_000);

/** The checker on one module's source, against the app fixture's routes and static folder. */
function check(source: string, name = "app/x.ts"): Diagnostic[] {
  const literals = findPathLiterals([{ name, text: source }]);
  return checkPathLiterals(literals, { routes: ok.router!.routes as RouteIR[], statics: indexStatics(APP, "priv/static") });
}
const codes = (ds: Diagnostic[]) => ds.map((d) => `${d.loc.line}:${d.loc.column} ${d.code}`);
const IMPORT = 'import { p } from "fawkes";\n';

describe("fixtures/verified/app", () => {
  it("builds with no diagnostic, its templates module importing p", () => {
    expect(ok.diagnostics.map(formatDiagnostic)).toEqual([]);
    const templates = ok.files.get(".fawkes-verified-test/templates/page/home.html.gen.ts")!;
    expect(templates).toMatch(/^import \{ escapeHtml as __e, .*\bp, templateError as __error, type TemplateOptions \} from "fawkes";$/m);
  });

  it("hoists one builder per template literal and calls it in place of p; the template's own p stays", () => {
    const templates = ok.files.get(".fawkes-verified-test/templates/page/home.html.gen.ts")!;
    expect(templates).toContain('const t_page_home_html$p3 = p.site(["/users/","/edit#name"]);  // app/templates/page/home.html.eta:6');
    expect(templates).toContain("__e(t_page_home_html$p3`/users/${u.id}/edit#name`)");
    expect(templates).not.toMatch(/[^.\w]p`\/users/);
    expect(templates).toContain("__e(p`/not/checked`)");
  });

  it("has its p literals found: modules (alias, namespace, verbs) and templates, not the local p", () => {
    const files = listAppSources(APP, "app", ".fawkes", []);
    const found = findPathLiterals(readCandidates(APP, files));
    expect(found.map((l) => l.text)).toContain("fawkes.p`/users?${{ page: 2, q: \"a b\" }}#list`");
    expect(found.map((l) => l.verb)).toEqual(expect.arrayContaining(["GET", "PUT", "PATCH", "DELETE", null]));
    expect(found.some((l) => l.text.includes("/nowhere"))).toBe(false);
    expect(found).toHaveLength(11);
  });

  it("lists the app's files and the router's inputs among what it watches", () => {
    const watched = ok.inputs.map((f) => f.slice(APP.length + 1));
    expect(watched).toEqual(expect.arrayContaining(["app/controllers/page-controller.ts", "app/plugs/admin.ts", "app/templates/page/home.html.eta"]));
  });
});

describe("fixtures/verified/errors-paths", () => {
  const file = join(ERRORS, "expected/diagnostics.txt");
  it("fails with exactly expected/diagnostics.txt", () => {
    const text = failed.diagnostics.map(formatDiagnostic).join("\n\n") + "\n";
    if (update) writeFileSync(file, text);
    expect(existsSync(file)).toBe(true);
    expect(text).toBe(readFileSync(file, "utf8"));
    expect(failed.files.size).toBe(0);
  });

  it("places each error at its literal (module and template lines)", () => {
    const at = (d: Diagnostic) => `${d.loc.file}:${d.loc.line}:${d.loc.column}`;
    const page = join(ERRORS, "app/controllers/page-controller.ts");
    const byCode = (code: string) => failed.diagnostics.filter((d) => d.code === code).map(at);
    expect(byCode("VERIFIED_PATH_NO_ROUTE")).toContain(locate(page, "p`/userz/", "app/controllers/page-controller.ts"));
    expect(byCode("VERIFIED_PATH_NO_ROUTE")).toContain(locate(page, "path`/nope`", "app/controllers/page-controller.ts"));
    expect(byCode("VERIFIED_PATH_NO_ROUTE")).toContain(locate(page, "F.p`/users/", "app/controllers/page-controller.ts"));
    expect(byCode("VERIFIED_PATH_VERB")).toContain(locate(page, "p.post`", "app/controllers/page-controller.ts"));
    expect(byCode("VERIFIED_PATH_STATIC")).toContain(locate(page, "p`/images/logoo.png`", "app/controllers/page-controller.ts"));
    const template = join(ERRORS, "app/templates/page/home.html.eta");
    expect(byCode("VERIFIED_PATH_NO_ROUTE")).toContain(locate(template, "p`/uzers/", "app/templates/page/home.html.eta"));
    expect(byCode("VERIFIED_PATH_VERB")).toContain(locate(template, "p.post`/about`", "app/templates/page/home.html.eta"));
  });

  it("does not check the local p", () => {
    expect(failed.diagnostics.some((d) => d.message.includes("local"))).toBe(false);
  });
});

describe("matching a path against the routes", () => {
  it("takes literal, param, prefixed-param, glob and forward routes", () => {
    const ds = check(IMPORT + [
      "p`/`;",
      "p`/about`;",
      "p`/about/`;", // a trailing slash: the router drops empty segments
      "p`/users/${1}`;",
      "p`/u/@${'ada'}`;",
      "p`/files/${['a', 'b']}`;",
      "p`/files`;", // a glob takes no segments too
      "p`/admin`;",
      "p`/admin/deep/${1}/er`;",
    ].join("\n"));
    expect(ds).toEqual([]);
  });

  it("refuses a hole where the route has literal text, and a missing prefix", () => {
    // /users/new exists; a hole could be anything, so p`/users/${x}/new` has no route.
    expect(codes(check(IMPORT + "p`/users/${1}/new`;"))).toEqual(["2:1 VERIFIED_PATH_NO_ROUTE"]);
    expect(codes(check(IMPORT + "p`/u/${'ada'}`;"))).toEqual(["2:1 VERIFIED_PATH_NO_ROUTE"]);
    expect(codes(check(IMPORT + "p`/about/${1}`;"))).toEqual(["2:1 VERIFIED_PATH_NO_ROUTE"]);
  });

  it("cuts the query and the fragment off before matching", () => {
    const ds = check(IMPORT + "p`/users?${{ page: 2 }}&sort=${'name'}#top`;\np`/users/${1}/edit#${'name'}`;\np`/about?a=1&b=${2}`;");
    expect(ds).toEqual([]);
    const [bad] = check(IMPORT + "p`/users/${1}/edits?tab=1#top`;");
    expect(bad.message).toBe("no route matches p`/users/${1}/edits?tab=1#top`");
    expect(bad.hint).toBe("did you mean p`/users/${…}/edit`?");
  });

  it("checks the verb with p.<verb>; HEAD is GET's; p accepts any", () => {
    expect(check(IMPORT + "p.get`/users/${1}`; p.head`/users/${1}`; p.put`/users/${1}`; p.post`/users`; p.delete`/users/${1}`;")).toEqual([]);
    const [post] = check(IMPORT + "p.post`/users/${1}`;");
    expect(post.code).toBe("VERIFIED_PATH_VERB");
    expect(post.message).toBe("no POST route matches p.post`/users/${1}`");
    expect(post.related?.map((r) => r.message)).toEqual(["GET /users/:id matches it", "PATCH /users/:id matches it", "PUT /users/:id matches it"]);
    // The forward is for every verb.
    expect(check(IMPORT + "p.post`/admin/x`;")).toEqual([]);
  });

  it("lists the nearest routes, one per path, and suggests the closest", () => {
    const [d] = check(IMPORT + "p`/userz/${1}/edit`;");
    expect(d.related?.[0]).toEqual({ message: "nearest route: GET /users/:id/edit", loc: expect.objectContaining({ file: "app/router.ts", line: 11 }) });
    expect(d.related).toHaveLength(3);
    expect(new Set(d.related!.map((r) => r.message.split(" ").pop())).size).toBe(3);
    expect(d.hint).toBe("did you mean p`/users/${…}/edit`?");
    // Nothing close: no guess, a pointer to the route list.
    const [far] = check(IMPORT + "p`/completely/different/thing`;");
    expect(far.hint).toBe("`fawkes routes` lists every route");
  });

  it("names a misspelt verb", () => {
    const [d] = check(IMPORT + "p.pots`/users`;");
    expect(d).toMatchObject({ code: "VERIFIED_PATH_VERB", message: "p.pots is not a verb", hint: "did you mean p.post?" });
  });

  it("reports a badly formed path at the place in it", () => {
    const ds = check(IMPORT + "const a = 1, b = 2;\np`users`;\np`/a/${a}${b}`;\np`/users?x${a}`;\np`/users?${{ a }}x`;\np`//evil.example`;");
    expect(codes(ds)).toEqual(["3:3 VERIFIED_PATH_SYNTAX", "4:10 VERIFIED_PATH_SYNTAX", "5:11 VERIFIED_PATH_SYNTAX", "6:18 VERIFIED_PATH_SYNTAX", "7:3 VERIFIED_PATH_SYNTAX"]);
    expect(ds[1].message).toContain("two interpolations in a row");
  });
});

describe("which p is checked", () => {
  it("only a p bound to the fawkes import: alias and namespace yes, a local or another module's no", () => {
    const source = [
      'import { p as path } from "fawkes";',
      'import * as F from "fawkes";',
      'import { p as other } from "./elsewhere.js";',
      "path`/nope1`;",
      "F.p`/nope2`;",
      "other`/nope3`;",
      "function f(p: (s: TemplateStringsArray) => string) { return p`/nope4`; }",
      "for (const path of [String.raw]) path`/nope5`;",
      "{ const F = { p: String.raw }; F.p`/nope6`; }",
      "path`/about`;",
    ].join("\n");
    expect(check(source).map((d) => d.message)).toEqual(["no route matches path`/nope1`", "no route matches F.p`/nope2`"]);
  });

  it("a type-only import is no binding, and a file without the fawkes import is not parsed", () => {
    expect(check('import type { p } from "fawkes";\ndeclare const p: any;\np`/nope`;')).toEqual([]);
    expect(readCandidates(APP, [join(APP, "app/plugs/admin.ts")]).map((s) => s.name)).toEqual(["app/plugs/admin.ts"]);
    expect(readCandidates(APP, [join(APP, "app/router.ts")])).toEqual([]); // imports fawkes, no backtick
  });
});

describe("static files", () => {
  it("are checked against priv/static, the file itself or, with holes, some file that fits", () => {
    expect(check(IMPORT + "p`/images/logo.png`; p`/favicon.ico`; p`/css/app.css?v=1#x`; p`/images/${'logo'}.png`; p`/css/${'app.css'}`;")).toEqual([]);
    const [missing] = check(IMPORT + "p`/images/logoo.png`;");
    expect(missing).toMatchObject({ code: "VERIFIED_PATH_STATIC", message: "p`/images/logoo.png`: no file images/logoo.png in priv/static", hint: "did you mean p`/images/logo.png`?" });
    const [none] = check(IMPORT + "p`/images/${'x'}.svg`;");
    expect(none.message).toBe("p`/images/${'x'}.svg`: no file images/${…}.svg in priv/static fits it");
  });

  it("a first segment that is no static entry is a route path", () => {
    const [d] = check(IMPORT + "p`/img/logo.png`;");
    expect(d.code).toBe("VERIFIED_PATH_NO_ROUTE");
    expect(d.hint).toContain("a static file's first folder must be in priv/static");
  });
});

describe("which files are scanned", () => {
  it("the app folder and what the router imports; not dot-folders, node_modules, the out dir or a dangling link", async () => {
    const bad = 'import { p } from "fawkes";\nexport const x = p`/nope`;\n';
    const built = await buildApp({
      "app/router.ts": 'import { defineRouter } from "fawkes";\nimport * as Page from "./page.js";\nimport { links } from "../lib/links.js";\nvoid links;\nexport default defineRouter((r) => { r.get("/", Page, "home"); });\n',
      "app/page.ts": 'import { p, text, type Conn } from "fawkes";\nexport const home = (conn: Conn) => text(conn, p`/`);\n',
      "app/channels/chat.ts": bad,
      "lib/links.ts": 'import { p } from "fawkes";\nexport const links = [p`/`, p`/missing`];\n',
      "lib/unimported.ts": bad,
      "app/.hidden/x.ts": bad,
      "app/node_modules/x.ts": bad,
      "app/types.d.ts": bad,
      ".fawkes/x.ts": bad,
    }, "verified-scan");
    try {
      symlinkSync(join(built.root, "app/gone.ts"), join(built.root, "app/dangling.ts"));
      const again = build({ root: built.root });
      const where = again.diagnostics.map((d) => `${d.loc.file}:${d.loc.line} ${d.code}`);
      expect(where).toEqual(["app/channels/chat.ts:2 VERIFIED_PATH_NO_ROUTE", "lib/links.ts:2 VERIFIED_PATH_NO_ROUTE"]);
      expect(again.diagnostics[1].message).toBe("no route matches p`/missing`");
    } finally {
      rmSync(built.root, { recursive: true, force: true });
    }
  }, 120_000);
});
