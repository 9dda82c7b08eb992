// Templates calling, without an assign: `Routes.*`, `csrfToken()`, `getFlash(key)` and the
// exports of their view module (app/views/<view>.ts) and of the shared one (app/views/shared.ts).
// First through a real endpoint on port 0 with a session, flash and CSRF pipeline (the token a
// form renders verifies on POST, the flash set before a redirect shows after it, Routes paths and
// view functions in the page); then what the compiler emits and reports: names bound only where
// used, views scoped to their folder, a wrong Routes action and a misspelt view function at the
// template line (the type check over the built module), a reserved export at the export.

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineEndpoint, parsers, type Endpoint } from "fawkes";
import { build, formatDiagnostic } from "../compiler/index.js";
import { checkTemplateTypes } from "../compiler/templates/typecheck.js";
import { validateConfig } from "../compiler/config/validate.js";
import { buildApp as buildAppIn, type BuiltApp } from "./support/app.js";
import { compileFixture, GENERATED, removeFixtures } from "./support/templates.js";
import { templatesText } from "./support/generated.js";

// Every app this file builds, removed at the end (other files build theirs in the same folder).
const roots: string[] = [];
async function buildApp(files: Record<string, string>, label: string): Promise<BuiltApp> {
  const built = await buildAppIn(files, label);
  roots.push(built.root);
  return built;
}
afterAll(() => {
  removeFixtures();
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const SECRET = "a".repeat(64);

const ROUTER = `import { defineRouter, fetchFlash, fetchSession, protectFromForgery, putLayout } from "fawkes";
import * as UserController from "./controllers/user-controller.js";

export default defineRouter((r) => {
  r.pipeline("browser", (p) => {
    p.plug(fetchSession, { key: "_helpers_key", secretKeyBase: "${SECRET}", signingSalt: "helpers" });
    p.plug(fetchFlash);
    p.plug(protectFromForgery);
    p.plug(putLayout, "layouts/app.html");
  });
  r.scope("/", () => {
    r.pipeThrough("browser");
    r.resources("/users", UserController, { only: ["index", "show", "new", "create"] });
  });
});
`;

// No assign carries a helper: the templates call Routes, csrfToken() and the view's functions.
const CONTROLLER = `import { putFlash, redirect, render, text, type Conn } from "fawkes";
import { Routes } from "../../.fawkes/helpers.gen.js";

export const index = (conn: Conn) => text(conn, "users\\n");
export const show = (conn: Conn) => render(conn, "show.html", { user: { id: Number(conn.params.id), first: "Ada", last: "Lovelace <1815>" } });
const fresh = (conn: Conn) => render(conn, "new.html");
export { fresh as new };
export function create(conn: Conn): Conn {
  const user = conn.params.user as { name?: string } | undefined;
  putFlash(conn, "info", \`Welcome, \${user?.name ?? "stranger"}!\`);
  return redirect(conn, { to: Routes.userPath("show", 7) });
}
`;

const USER_VIEW = `export function fullName(u: { first: string; last: string }): string {
  return \`\${u.first} \${u.last}\`;
}
/** Wins over the shared module's initials in user/ templates. */
export const initials = (u: { first: string; last: string }): string => u.first[0] + u.last[0];
export * from "./user-more.js";
export type Unused = { a: 1 };
`;
const USER_MORE = `export const greeting = (name: string) => \`Hello, \${name}\`;\n`;
const SHARED = `export const shout = (s: string): string => s.toUpperCase();
export const initials = (): string => "(shared)";
`;

const TEMPLATES: Record<string, string> = {
  "app/templates/layouts/app.html.eta": `<main>
<% if (getFlash("info")) { %><p class="flash info"><%= getFlash("info") %></p><% } %>
<%~ it.innerContent %>
<footer><%= shout("fawkes") %></footer>
</main>
`,
  "app/templates/user/show.html.eta": `<%/* @type { user: { id: number; first: string; last: string } } */%>
<h1><%= fullName(it.user) %> [<%= initials(it.user) %>]</h1>
<p><%= greeting(it.user.first) %></p>
<a href="<%= Routes.userPath("index") %>">All users</a> <a href="<%= Routes.userPath("show", it.user.id) %>">Self</a>
`,
  "app/templates/user/new.html.eta": `<h1>New user</h1>
<form method="post" action="<%= Routes.userPath("create") %>">
  <input type="hidden" name="_csrf_token" value="<%= csrfToken() %>">
  <input name="user[name]">
</form>
`,
};

const APP: Record<string, string> = {
  "app/router.ts": ROUTER,
  "app/controllers/user-controller.ts": CONTROLLER,
  "app/views/user.ts": USER_VIEW,
  "app/views/user-more.ts": USER_MORE,
  "app/views/shared.ts": SHARED,
  ...TEMPLATES,
};

const load = (a: BuiltApp, file: string) => import(pathToFileURL(join(a.root, ".fawkes", file)).href);

describe("through a real endpoint with a session, flash and CSRF pipeline", () => {
  let a: BuiltApp;
  let endpoint: Endpoint;
  let base: string;
  let generated: string;
  beforeAll(async () => {
    a = await buildApp(APP, "helpers");
    if (a.errors.length) throw new Error(a.errors.join("\n"));
    generated = templatesText(a.result.files)!;
    const [router, { templates }] = await Promise.all([load(a, "router.gen.ts"), load(a, "templates.gen.ts")]);
    endpoint = defineEndpoint({ router, views: { templates }, plugs: [parsers], config: { secretKeyBase: SECRET, debugErrors: false, logger: () => {} } });
    const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${port}`;
  }, 120_000);
  afterAll(() => endpoint?.stop());

  const cookieOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

  it("the form's csrfToken() verifies on POST, Routes gives its action; without the token the POST is refused", async () => {
    const page = await fetch(`${base}/users/new`);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('<form method="post" action="/users">');
    const token = /name="_csrf_token" value="([^"]+)"/.exec(body)?.[1];
    expect(token).toMatch(/^[A-Za-z0-9_-]{56}$/);
    const cookie = cookieOf(page);
    expect(cookie).toMatch(/^_helpers_key=/);

    const post = (form: Record<string, string>) =>
      fetch(`${base}/users`, { method: "POST", redirect: "manual", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) });
    const refused = await post({ "user[name]": "Ann" });
    expect(refused.status).toBe(403);
    const forged = await post({ _csrf_token: token!.slice(0, -2) + (token!.endsWith("AA") ? "BB" : "AA"), "user[name]": "Ann" });
    expect(forged.status).toBe(403);

    const created = await post({ _csrf_token: token!, "user[name]": "Ann <3" });
    expect(created.status).toBe(302);
    expect(created.headers.get("location")).toBe("/users/7");

    // The flash set before the redirect, shown by the layout's getFlash("info") after it.
    const shown = await fetch(`${base}/users/7`, { headers: { cookie: cookieOf(created) } });
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain('<p class="flash info">Welcome, Ann &lt;3!</p>');
    // Shown once: the next request has no flash.
    const again = await fetch(`${base}/users/7`, { headers: { cookie: cookieOf(shown) || cookieOf(created) } });
    expect(await again.text()).not.toContain("flash info");
  });

  it("the page calls its view's functions, the shared module's, and Routes", async () => {
    const html = await (await fetch(`${base}/users/7`)).text();
    expect(html).toContain("<h1>Ada Lovelace &lt;1815&gt; [AL]</h1>");
    expect(html).toContain("<p>Hello, Ada</p>");
    expect(html).toContain('<a href="/users">All users</a> <a href="/users/7">Self</a>');
    expect(html).toContain("<footer>FAWKES</footer>");
    expect(html).not.toContain("flash");
  });

  it("imports Routes and the view exports templates use, and binds in each function only what its code names", () => {
    // Each template's module imports what its own code names, from its folder (.fawkes/templates/user/).
    expect(generated).toContain('import { Routes } from "../../helpers.gen.js";');
    expect(generated).toContain('import { fullName as __view_user$fullName, greeting as __view_user$greeting, initials as __view_user$initials } from "../../../app/views/user.js";');
    expect(generated).toContain('import { shout as __view$shout } from "../../../app/views/shared.js";');
    expect(generated).toMatch(/templateCsrfToken as __csrfToken, templateError as __error/);
    expect(generated).toContain("templateFlash as __flash, type FlashKey");
    const fn = (name: string) => generated.slice(generated.indexOf(`function ${name}(`), generated.indexOf(`export {`, generated.indexOf(`function ${name}(`)));
    expect(fn("t_user_new_html")).toContain("const csrfToken = (): string => __csrfToken(it);");
    expect(fn("t_user_new_html")).not.toMatch(/getFlash|var /);
    expect(fn("t_user_show_html")).toContain("var fullName = __view_user$fullName;  // app/views/user.ts:1:17 (view user)");
    expect(fn("t_user_show_html")).toContain("var greeting = __view_user$greeting;  // app/views/user-more.ts:1:14 (view user)");
    expect(fn("t_user_show_html")).not.toMatch(/csrfToken|getFlash|shout/);
    expect(fn("t_layouts_app_html")).toContain("const getFlash = (key: FlashKey): string | undefined => __flash(it, key);");
    expect(fn("t_layouts_app_html")).toContain("var shout = __view$shout;  // app/views/shared.ts:1:14 (shared)");
    // The view modules are inputs (watch lists), with the templates.
    for (const f of ["app/views/user.ts", "app/views/user-more.ts", "app/views/shared.ts"]) expect(a.result.inputs).toContain(join(a.root, f));
  });

  it("the built module type-checks", () => {
    expect(checkTemplateTypes(a.root, a.result.files).map(formatDiagnostic)).toEqual([]);
  });

  it("csrfToken() rendered outside a request is an error at its template line", async () => {
    const { templates } = await load(a, "templates.gen.ts");
    expect(() => templates["user/new.html"]({})).toThrow(
      "app/templates/user/new.html.eta:3: csrfToken() needs the request being rendered: render the template with render(conn, ...), or pass the conn as the `conn` assign",
    );
  });
});

/** Builds an app (router, controller, views) with the given templates and view files over APP's. */
async function typeErrors(files: Record<string, string>, label: string): Promise<string[]> {
  const built = await buildApp({ ...APP, ...files }, label);
  if (built.errors.length) return built.errors;
  return checkTemplateTypes(built.root, built.result.files).map(formatDiagnostic);
}

describe("reported at the template line", () => {
  it("a wrong Routes action and a Routes helper that does not exist fail the build, with the nearest as a hint", async () => {
    const errors = await typeErrors({
      "app/templates/user/show.html.eta": `<%/* @type { user: { id: number } } */%>\n<p>ok</p>\n<a href="<%= Routes.userPath("shwo", it.user.id) %>">x</a>\n<%= Routes.usrPath("index") %> <%= Routes.userPath("show", it.user.id) %>\n`,
    }, "wrong-action");
    expect(errors).toEqual([
      'app/templates/user/show.html.eta:3:30: error[TEMPLATE_ROUTES_ACTION]: Routes.userPath has no action "shwo"\n' +
        '  <a href="<%= Routes.userPath("shwo", it.user.id) %>">x</a>\n' +
        "                               ^\n" +
        '  hint: did you mean "show"? (its actions: index, new, show, create)',
      "app/templates/user/show.html.eta:4:12: error[TEMPLATE_ROUTES_HELPER]: Routes.usrPath does not exist: no route of the router has that helper\n" +
        '  <%= Routes.usrPath("index") %> <%= Routes.userPath("show", it.user.id) %>\n' +
        "             ^\n" +
        "  hint: did you mean Routes.userPath?",
    ]);
  }, 120_000);

  it("a Routes call the build cannot decide (a missing id, an action computed) is the type check's, at the template line", async () => {
    const errors = await typeErrors({
      "app/templates/user/show.html.eta": `<%/* @type { user: { id: number }; action: string } */%>\n<%= Routes.userPath("show") %>\n<%= Routes.userPath(it.action, it.user.id) %>\n`,
    }, "routes-types");
    expect(errors).toEqual([
      expect.stringMatching(/^app\/templates\/user\/show\.html\.eta:2:1: error\[TEMPLATE_TYPE\]: Argument of type '"show"' is not assignable to parameter of type '"index" \| "new" \| "create"'/),
      expect.stringMatching(/^app\/templates\/user\/show\.html\.eta:3:1: error\[TEMPLATE_TYPE\]: No overload matches this call\./),
    ]);
  }, 120_000);

  it("a misspelt view function, a wrong argument to one, and a view function outside its view's folder", async () => {
    const errors = await typeErrors({
      "app/templates/user/show.html.eta": `<%/* @type { user: { first: string; last: string } } */%>\n<h1><%= fulName(it.user) %></h1>\n<p><%= fullName({ first: "x" }) %></p>\n`,
      "app/templates/page/about.html.eta": `<p><%= fullName({ first: "a", last: "b" }) %> <%= shout("shared is everywhere") %></p>\n`,
    }, "misspelt-view");
    expect(errors).toEqual([
      expect.stringMatching(/^app\/templates\/page\/about\.html\.eta:1:1: error\[TEMPLATE_TYPE\]: Cannot find name 'fullName'\. \(TS2304\)$/),
      expect.stringMatching(/^app\/templates\/user\/show\.html\.eta:2:1: error\[TEMPLATE_TYPE\]: Cannot find name 'fulName'\. Did you mean 'fullName'\? \(TS2552\)$/),
      expect.stringMatching(/^app\/templates\/user\/show\.html\.eta:3:1: error\[TEMPLATE_TYPE\]: Argument of type .* is not assignable to parameter of type '\{ first: string; last: string; \}'/),
    ]);
  }, 120_000);
});

describe("the build's diagnostics", () => {
  it("a view export named like one of Eta's locals is an error at the export", async () => {
    const built = await buildApp({ ...APP, "app/views/user.ts": `export const fine = 1;\nexport function include(x: string) {\n  return x;\n}\nexport { fine as layout };\n` }, "reserved");
    expect(built.errors).toEqual([
      'app/views/user.ts:2:17: error[VIEW_EXPORT_RESERVED]: the view user exports "include", which templates already have: Eta\'s include(name, data)\n  hint: rename the export: templates under user/ call it by its bare name, so it would hide "include"',
      'app/views/user.ts:5:18: error[VIEW_EXPORT_RESERVED]: the view user exports "layout", which templates already have: Eta\'s layout(name, data)\n  hint: rename the export: templates under user/ call it by its bare name, so it would hide "layout"',
    ]);
    expect(built.result.files.has(".fawkes/templates.gen.ts")).toBe(false);
  }, 120_000);

  it("the shared module exporting `it` or a name of the generated code is an error at the export", async () => {
    const f = await compileFixture({ "page.eta": "<p>x</p>\n" }, {}, "reserved-shared", { "app/views/shared.ts": `export const it = 1, __res = 2;\nexport const ok = 3;\n` });
    expect(f.diagnostics.map((d) => `${d.loc.file}:${d.loc.line}:${d.loc.column} ${d.code} ${d.message}`)).toEqual([
      'app/views/shared.ts:1:14 VIEW_EXPORT_RESERVED the shared view module exports "it", which templates already have: the template\'s data (templates.varName)',
      'app/views/shared.ts:1:22 VIEW_EXPORT_RESERVED the shared view module exports "__res", which templates already have: the generated code\'s own names (they start with __)',
    ]);
  });

  it("Routes in an app without a router is an error at its first use (in code: not in a comment or a string)", async () => {
    const f = await compileFixture({
      "page.eta": "<p>x</p>\n<a href=\"<%= Routes.pagePath('home') %>\">home</a>\n",
      "doc.eta": "<%/* e.g. <%= Routes.userPath(\"new\") %> */%>\n<p><%= \"Routes\" + `Routes` %></p>\n",
    }, {}, "no-router");
    expect(f.diagnostics.map(formatDiagnostic)).toEqual([
      "app/templates/page.eta:2:14: error[TEMPLATE_NO_ROUTES]: app/templates/page.eta calls Routes, but the app has no router to generate them from\n" +
        "  <a href=\"<%= Routes.pagePath('home') %>\">home</a>\n" +
        "               ^\n" +
        "  hint: Routes.*Path helpers are generated from app/router.ts (the config's router): add the router, or pass the path as an assign",
    ]);
    expect(f.generated).toBeNull();
  });

  it("templates.viewsDir and templates.htmlHelpers move the modules; a folder that does not exist is an error at the key", async () => {
    const moved = await compileFixture({ "user/a.eta": "<%= hello() %> <%= everywhere() %>\n" }, { viewsDir: "src/views", htmlHelpers: "src/helpers.ts" }, "moved", {
      "src/views/user.ts": `export const hello = () => "hi";\n`,
      "src/helpers.ts": `export const everywhere = () => "all";\n`,
    });
    expect(moved.diagnostics).toEqual([]);
    expect(moved.module!.renderTemplate("user/a", {})).toBe("hi all");
    const missing = await compileFixture({ "a.eta": "x" }, { viewsDir: "nope" }, "missing-views");
    expect(missing.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(["CONFIG_VIEWS_NOT_FOUND templates.viewsDir: nope is not a folder"]);
  });
});

describe("the config keys", () => {
  it("a misspelt key has the nearest as a hint; an empty or non-string path is a type error", () => {
    expect(validateConfig({ templates: { viewDir: "app/views", htmlHelper: "app/h.ts" } })).toEqual([
      { path: ["templates", "viewDir"], code: "CONFIG_UNKNOWN_KEY", message: 'unknown key "templates.viewDir"', hint: 'did you mean "templates.viewsDir"?' },
      { path: ["templates", "htmlHelper"], code: "CONFIG_UNKNOWN_KEY", message: 'unknown key "templates.htmlHelper"', hint: 'did you mean "templates.htmlHelpers"?' },
    ]);
    expect(validateConfig({ templates: { viewsDir: "", htmlHelpers: 1 } }).map((i) => i.message)).toEqual([
      '"templates.viewsDir" must be a non-empty string, got string ""',
      '"templates.htmlHelpers" must be a non-empty string, got number 1',
    ]);
  });
});

describe("rendering", () => {
  it("a template's own let, const or var of a view export's name shadows it; a view's export wins over the shared one", async () => {
    const f = await compileFixture({
      "user/own.eta": `<% var fullName = () => "own var" %><%= fullName() %> <%= initials() %>`,
      "user/block.eta": `<% { const fullName = () => "own const"; %><%= fullName() %><% } %> <%= fullName() %>`,
      "page/p.eta": `<%= initials() %>`,
    }, {}, "shadow", {
      "app/views/user.ts": `export const fullName = () => "view";\nexport const initials = () => "user";\n`,
      "app/views/shared.ts": `export const initials = () => "shared";\n`,
    });
    expect(f.problem).toBeNull();
    expect(f.module!.renderTemplate("user/own", {})).toBe("own var user");
    expect(f.module!.renderTemplate("user/block", {})).toBe("own const view");
    expect(f.module!.renderTemplate("page/p", {})).toBe("shared");
  });

  it("getFlash reads the flash assign without a conn; a template that uses no helper compiles as before", async () => {
    const f = await compileFixture({
      "f.eta": `[<%= getFlash("info") ?? "-" %>|<%= getFlash("error") ?? "-" %>|<%= getFlash("constructor") ?? "-" %>]`,
      "plain.eta": `<p><%= it.csrfToken %> <%= it.x.getFlash %></p>`,
    }, {}, "flash");
    expect(f.module!.renderTemplate("f", { flash: { info: "<saved>" } })).toBe("[&lt;saved&gt;|-|-]");
    expect(f.module!.renderTemplate("f", {})).toBe("[-|-|-]");
    expect(f.generated).not.toContain("__csrfToken");
    const plain = f.generated!.slice(f.generated!.indexOf("function t_plain("));
    expect(plain).not.toMatch(/const getFlash|const csrfToken/);
  });
});

describe("inputs", () => {
  it("a view module added is read by the next build", () => {
    const root = join(import.meta.dirname, "../.fawkes-tmp", `views-added-${process.pid}`);
    roots.push(root);
    const write = (rel: string, text: string) => (mkdirSync(dirname(join(root, rel)), { recursive: true }), writeFileSync(join(root, rel), text));
    write("app/templates/user/a.eta", "<%= typeof hello === 'function' ? hello() : 'none' %>\n");
    const before = build({ root });
    expect(templatesText(before.files)).not.toContain("__view_user$hello");
    write("app/views/user.ts", `export const hello = () => "hi";\n`);
    const after = build({ root });
    expect(after.files.get(".fawkes/templates/user/a.gen.ts")).toContain('import { hello as __view_user$hello } from "../../../app/views/user.js";');
    expect(after.inputs).toContain(join(root, "app/views/user.ts"));
  });
});
