// Components (compiler/templates/components.ts): a template declaring `@component` with typed
// props is called from other templates as `c.<name>(props, inner?)`, compiled to a direct call.
// Here: what calls render (props, the inner slot, named slots with an argument, escaping), that
// a call renders what the equivalent include renders, the build's diagnostics (a component not
// found, a call that is escaped, a bad declaration) and a wrong prop reported by the type check
// at the calling template's line.

import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatDiagnostic } from "../compiler/index.js";
import { checkTemplateTypes } from "../compiler/templates/typecheck.js";
import { compileFixture, GENERATED, removeFixtures, type TemplateFixture } from "./support/templates.js";

afterAll(() => removeFixtures());

const CARD = `<%/* @component { title: string; tone?: "info" | "error"; inner?: Slot; footer?: Slot } */%>
<section class="card<%= it.tone ? " card-" + it.tone : "" %>"><h2><%= it.title %></h2>
<%~ slot(inner) %>
<% if (it.footer) { %><footer><%~ slot(it.footer) %></footer><% } %>
</section>
`;
const TABLE = `<%/* @component<Row> { rows: Row[]; col: { label: string; inner: Slot<Row> }[] } */%>
<table><tr><% for (const col of it.col) { %><th><%= col.label %></th><% } %></tr>
<% for (const row of it.rows) { %><tr><% for (const col of it.col) { %><td><%~ slot(col.inner, row) %></td><% } %></tr>
<% } %></table>
`;

async function fixture(files: Record<string, string>, label: string): Promise<TemplateFixture> {
  const f = await compileFixture({ "components/card.html.eta": CARD, "components/data_table.html.eta": TABLE, ...files }, {}, label);
  return f;
}

function render(f: TemplateFixture, name: string, data: object): string {
  if (!f.module) throw new Error(`no module: ${f.problem?.error} ${f.diagnostics.map(formatDiagnostic).join("\n")}`);
  const fn = f.module.templates[name] as ((it: object) => string) | undefined;
  if (!fn) throw new Error(`no template ${name}`);
  return fn(data);
}

describe("calling a component", () => {
  it("renders its props and the inner slot written as template text, escaped as Eta escapes", async () => {
    const f = await fixture({
      "page/show.html.eta": `<%/* @type { name: string } */%>
<h1>Hi</h1>
<%~ c.card({ title: it.name, tone: "info" }, () => { %>Hello <b><%= it.name %></b>!<% }) %>
<p>after</p>
`,
    }, "inner");
    expect(render(f, "page/show.html", { name: "<Jo & 'Al'>" })).toBe(
      "<h1>Hi</h1>\n" +
        '<section class="card card-info"><h2>&lt;Jo &amp; &#39;Al&#39;&gt;</h2>\n' +
        "Hello <b>&lt;Jo &amp; &#39;Al&#39;&gt;</b>!</section>\n" +
        "<p>after</p>\n",
    );
  });

  it("takes the inner slot as a prop too, and a string slot is text (escaped)", async () => {
    const f = await fixture({
      "page/a.html.eta": `<%~ c.card({ title: "T", inner: () => { %><i>i</i><% }, footer: "a & <b>" }) %>`,
    }, "string-slot");
    expect(render(f, "page/a.html", {})).toBe('<section class="card"><h2>T</h2>\n<i>i</i><footer>a &amp; &lt;b&gt;</footer></section>\n');
  });

  it("named slots get their argument (Phoenix's :let): a table with column slots", async () => {
    const f = await fixture({
      "page/users.html.eta": `<%/* @type { users: { id: number; name: string }[] } */%>
<%~ c.dataTable({ rows: it.users, col: [
  { label: "Id", inner: (u) => { %><%= u.id %><% } },
  { label: "Name & more", inner: (u) => { %><a href="/users/<%= u.id %>"><%= u.name %></a><% } },
] }) %>
`,
    }, "table");
    expect(render(f, "page/users.html", { users: [{ id: 1, name: "A&B" }, { id: 2, name: "<C>" }] })).toBe(
      "<table><tr><th>Id</th><th>Name &amp; more</th></tr>\n" +
        '<tr><td>1</td><td><a href="/users/1">A&amp;B</a></td></tr>\n' +
        '<tr><td>2</td><td><a href="/users/2">&lt;C&gt;</a></td></tr>\n' +
        "</table>\n",
    );
  });

  it("a component sees only its props, not the caller's assigns", async () => {
    const f = await fixture({
      "components/peek.html.eta": `<%/* @component { shown: string } */%><%= JSON.stringify(Object.keys(it)) %>`,
      "page/p.html.eta": `<%~ c.peek({ shown: "x" }) %>`,
    }, "only-props");
    expect(render(f, "page/p.html", { secret: 1, other: 2 })).toBe('[&quot;shown&quot;]');
  });

  it("components call components, slots nest, and the caller's output around them is kept", async () => {
    const f = await fixture({
      "components/box.html.eta": `<%/* @component { inner?: Slot } */%><div class="box"><%~ c.card({ title: "in box" }, () => { %>[<%~ slot(inner) %>]<% }) %></div>`,
      "page/n.html.eta": `before <%~ c.box({}, () => { %>x<%~ c.card({ title: "deep" }, () => { %>y<% }) %>z<% }) %> after`,
    }, "nested");
    expect(render(f, "page/n.html", {})).toBe(
      'before <div class="box"><section class="card"><h2>in box</h2>\n[x<section class="card"><h2>deep</h2>\ny</section>\nz]</section>\n</div> after',
    );
  });

  it("renders what the equivalent include renders", async () => {
    const f = await fixture({
      "page/call.html.eta": `<%/* @type { t: string } */%><%~ c.card({ title: it.t, footer: "f & g" }, "inner <text>") %>`,
      "page/include.html.eta": `<%/* @type { t: string } */%><%~ include("../components/card.html.eta", { title: it.t, footer: "f & g", inner: "inner <text>" }) %>`,
    }, "include");
    const data = { t: "<T>" };
    const called = render(f, "page/call.html", data);
    expect(called).toBe('<section class="card"><h2>&lt;T&gt;</h2>\ninner &lt;text&gt;<footer>f &amp; g</footer></section>\n');
    expect(render(f, "page/include.html", data)).toBe(called);
    // The component by name, as renderTemplate and render(conn, ...) find templates.
    expect(render(f, "components/card.html", { title: "<T>", footer: "f & g", inner: "inner <text>" })).toBe(called);
  });

  it("compiles to a direct call, the caller's capture first, with no lookup and no merge of the caller's it", async () => {
    const f = await fixture({ "page/d.html.eta": `<%~ c.card({ title: "x" }) %>` }, "direct");
    expect(f.generated).toContain(`__eta.res += c_card(capture, { title: "x" });  // app/templates/page/d.html.eta:1`);
    expect(f.generated).toContain("export function c_card(__capture: Capture, it: CardProps, __inner?: CardProps[\"inner\"]): string {");
    expect(f.generated).toContain("export function c_dataTable<Row>(__capture: Capture, it: DataTableProps<Row>): string {");
  });

  it("a template with a `c` of its own keeps it", async () => {
    const f = await fixture({
      "page/own.html.eta": `<%/* @type { comments: { body: string }[] } */%><% for (const c of it.comments) { %><%= c.body.trim() %>;<% } %>`,
    }, "own-c");
    expect(f.diagnostics).toEqual([]);
    expect(render(f, "page/own.html", { comments: [{ body: " a " }, { body: "<b>" }] })).toBe("a;&lt;b&gt;;");
  });
});

describe("the golden fixture (fixtures/templates/components)", () => {
  it("its page renders the component around a generic table component, slots and all", async () => {
    const { templates } = await import("../fixtures/templates/components/expected/templates.gen.js");
    expect(templates["user/index.html"]({ title: "All & <some>", users: [{ id: 7, name: "O'Neil" }] })).toBe(
      "<h1>All &amp; &lt;some&gt;</h1>\n" +
        '<section class="card card-info">\n  <h2>Users</h2>\n  ' +
        '  <table>\n  <tr><th>Name</th></tr>\n  <tr id="row-7"><td><a href="/users/7">O&#39;Neil</a></td></tr>\n</table>\n' +
        "  <footer>1 in all</footer>\n</section>\n",
    );
  });
});

describe("diagnostics", () => {
  const errors = (f: TemplateFixture) => f.diagnostics.map(formatDiagnostic);

  it("a component not found is a build error at its name, with the nearest name", async () => {
    const f = await fixture({ "page/x.html.eta": `<p>\n  <%~ c.crad({ title: "x" }) %></p>` }, "not-found");
    expect(f.generated).toBeNull();
    expect(errors(f)).toEqual([
      "app/templates/page/x.html.eta:2:9: error[COMPONENT_NOT_FOUND]: no component named crad\n" +
        '    <%~ c.crad({ title: "x" }) %></p>\n' +
        "          ^\n" +
        "  hint: did you mean c.card? (components: card, dataTable)",
    ]);
  });

  it("with nothing close, the hint lists the components", async () => {
    const f = await fixture({ "page/x.html.eta": `<%~ c.modal({}) %>` }, "not-found-list");
    expect(errors(f)[0]).toMatch(/error\[COMPONENT_NOT_FOUND\]: no component named modal\n[\s\S]*hint: the components are: card, dataTable/);
  });

  it("a call in an escaping tag, and a reference that is not a call, are errors", async () => {
    const f = await fixture({ "page/x.html.eta": `<%= c.card({ title: "x" }) %>\n<% const k = c.card %>` }, "escaped");
    const found = errors(f);
    expect(found[0]).toMatch(/^app\/templates\/page\/x\.html\.eta:1:7: error\[COMPONENT_ESCAPED\]: c\.card\(\.\.\.\) in an escaping <%= %> tag/);
    expect(found[0]).toContain("hint: write <%~ c.card(...) %>");
    expect(found[1]).toMatch(/^app\/templates\/page\/x\.html\.eta:2:16: error\[COMPONENT_CALL\]: c\.card is a component reference that is not a call/);
  });

  it("two components of one name, and a component with @type too, are declaration errors", async () => {
    const f = await compileFixture({
      "components/card.html.eta": CARD,
      "other/card.html.eta": `<%/* @component {} */%>x`,
      "components/both.html.eta": `<%/* @type { a: string } */%>\n<%/* @component { a: string } */%>`,
    }, {}, "duplicate");
    const found = errors(f);
    expect(found).toContain("app/templates/components/both.html.eta:2:1: error[COMPONENT_DECLARATION]: app/templates/components/both.html.eta declares both @type and @component\n  hint: a component's props are its @component type: remove the @type");
    expect(found).toContain("app/templates/other/card.html.eta:1:1: error[COMPONENT_DUPLICATE]: c.card is declared twice\n  first declared here (app/templates/components/card.html.eta:1:1)\n  hint: components are named by their file name: rename one of them");
  });
});

describe("props are type-checked at the calling template's line", () => {
  it("a wrong prop, a missing prop and a wrong slot argument are type errors there", async () => {
    const f = await fixture({
      "page/typed.html.eta": `<%/* @type { users: { id: number; name: string }[] } */%>
<h1>Users</h1>
<%~ c.card({ title: 42 }) %>
<%~ c.card({ tone: "info" }) %>
<%~ c.card({ title: "t", tone: "warn" }) %>
<%~ c.dataTable({ rows: it.users, col: [{ label: "x", inner: (u) => { %><%= u.nmae %><% } }] }) %>
<%~ c.card({ title: "ok" }, () => { %>fine<% }) %>
<%~ c.dataTable({ rows: 5, col: [
  { label: "x", inner: (u) => { %>x<% } },
] }) %>
`,
    }, "types");
    expect(f.diagnostics).toEqual([]);
    const found = checkTemplateTypes(f.root, f.modules).map(formatDiagnostic);
    const at = (line: number) => found.filter((d) => d.startsWith(`app/templates/page/typed.html.eta:${line}:`));
    expect(at(3)[0]).toMatch(/Type 'number' is not assignable to type 'string'/);
    expect(at(4)[0]).toMatch(/Property 'title' is missing/);
    expect(at(5)[0]).toMatch(/"warn"/);
    expect(at(6)[0]).toMatch(/Property 'nmae' does not exist/);
    // A call over several lines: its first line's error is the tag's line, not the previous tag's.
    expect(at(8)[0]).toMatch(/Type 'number' is not assignable/);
    expect(found.filter((d) => !/typed\.html\.eta:([3-6]|8):/.test(d))).toEqual([]);
  });
});

describe("through the CLI on a copy of the demo (the built bin)", () => {
  const ROOT = resolve(import.meta.dirname, "..");
  const BIN = join(ROOT, "dist/compiler/cli/main.js");
  const app = join(ROOT, `.fawkes-tmp/components-cli-${process.pid}`);
  afterAll(() => rmSync(app, { recursive: true, force: true }));
  const fawkes = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args, "--root", app], { cwd: ROOT, encoding: "utf8" });
  const edit = (file: string, from: string, to: string) => {
    const path = join(app, "app/templates", file);
    const text = readFileSync(path, "utf8");
    expect(text).toContain(from);
    writeFileSync(path, text.replace(from, to));
  };

  it("fawkes check reports a wrong prop at the calling template's line; fawkes build a component not found", () => {
    rmSync(app, { recursive: true, force: true });
    cpSync(join(ROOT, "fixtures/demo"), app, { recursive: true });
    edit("user/new.html.eta", `c.header({ subtitle: "c.form posts the request's CSRF token (csrfToken())." }`, "c.header({ subtitle: 42 }");
    const built = fawkes("build");
    expect(built.status, built.stderr).toBe(0);
    const checked = fawkes("check");
    expect(checked.status).toBe(1);
    expect(checked.stdout + checked.stderr).toMatch(/app\/templates\/user\/new\.html\.eta:1:1: error\[TEMPLATE_TYPE\]: .*'number' is not assignable to type/);

    edit("page/home.html.eta", "c.button({ href: p`/users/new`", "c.buton({ href: p`/users/new`");
    const broken = fawkes("build");
    expect(broken.status).toBe(1);
    expect(broken.stdout + broken.stderr).toMatch(/app\/templates\/page\/home\.html\.eta:\d+:\d+: error\[COMPONENT_NOT_FOUND\]: no component named buton\n[\s\S]*hint: did you mean c\.button\?/);
  });
});
