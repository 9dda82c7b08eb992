// The core components (link, button, form, input, flash, flashGroup, header, table, list) as
// `fawkes new` writes them and the demo uses them: one source (the scaffold), the demo's copies
// identical (scripts/sync-components.mjs), each component's HTML, and a form built from them
// posting through a real endpoint (port 0) with the session, CSRF protection and method override.

import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineEndpoint, methodOverride, parsers, type Endpoint } from "fawkes";
import { formatDiagnostic } from "../compiler/index.js";
import * as router from "../fixtures/demo/.fawkes/router.gen.js";
import { templates } from "../fixtures/demo/.fawkes/templates.gen.js";
import { checkTemplateTypes } from "../compiler/templates/typecheck.js";
import { compileFixture, GENERATED, removeFixtures, type TemplateFixture } from "./support/templates.js";
// @ts-expect-error: a plain script, no types
import { componentFiles } from "../scripts/sync-components.mjs";

const ROOT = resolve(import.meta.dirname, "..");
const SCAFFOLD = join(ROOT, "compiler/cli/scaffold/html/app/templates/components");

/** The scaffold's components, as `fawkes new` writes them (the `.tmpl` suffix dropped). */
function coreComponents(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of readdirSync(SCAFFOLD)) files[`components/${f.replace(/\.tmpl$/, "")}`] = readFileSync(join(SCAFFOLD, f), "utf8");
  return files;
}

afterAll(() => removeFixtures());

describe("one source for the scaffold and the demo", () => {
  it("the demo's components and their CSS are the scaffold's, byte for byte (node scripts/sync-components.mjs)", () => {
    const pairs = componentFiles() as [string, string][];
    expect(pairs.length).toBe(10);
    for (const [from, to] of pairs) expect(readFileSync(join(ROOT, to), "utf8"), `${to}: run node scripts/sync-components.mjs`).toBe(readFileSync(join(ROOT, from), "utf8"));
    expect(readdirSync(join(ROOT, "fixtures/demo/app/templates/components")).length).toBe(9);
  });
});

describe("the core components render", () => {
  let f: TemplateFixture;
  beforeAll(async () => {
    f = await compileFixture({ ...coreComponents(), "page/all.html.eta": PAGE, "page/links.html.eta": LINKS }, {}, "core");
  });
  const render = (data: object) => {
    if (!f.module) throw new Error(`${f.problem?.error}\n${f.diagnostics.map(formatDiagnostic).join("\n")}`);
    return (f.module.templates["page/all.html"] as (it: object) => string)(data);
  };

  it("compile without diagnostics or type errors", () => {
    expect(f.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(checkTemplateTypes(f.root, f.modules).map(formatDiagnostic)).toEqual([]);
  });

  const html = () => render(DATA);
  const has = (fragment: string) => expect(html()).toContain(fragment);

  it("flashGroup and flash: the flash of each kind, escaped, nothing for a kind without one", () => {
    has('<div id="flash-group" class="flash-group">\n<div id="flash-info" class="flash flash-info" role="status">Saved &amp; done</div>\n</div>\n');
    expect(html()).not.toContain("flash-error");
  });

  it("header: the title (inner slot), subtitle and actions slots", () => {
    has('<header class="header header-with-actions">\n  <div>\n    <h1>Users</h1>\n    <p class="header-subtitle">All of them</p>\n  </div>\n' +
      '  <div class="header-actions"><a href="/users/new" class="button button-primary">New user</a></div>\n</header>\n');
  });

  it("table: a row per item, a cell per column slot called with the row, action slots last", () => {
    has('<tr><th>Name</th><th>Email</th><th><span class="sr-only">Actions</span></th></tr>');
    has('<tbody id="users">\n    <tr id="user-1"><td><a href="/users/1">Ada &lt;L&gt;</a></td><td>ada@example.com</td><td class="table-actions">' +
      '<form class="link-form" method="post" action="/users/1"><input type="hidden" name="_method" value="delete"><input type="hidden" name="_csrf_token" value="tok&#39;en"><button type="submit" class="link">Delete</button></form></td></tr>\n' +
      '    <tr id="user-2"><td><a href="/users/2">Bob &amp; Co</a></td>');
  });

  it("list: a title and its content per item (a string is text)", () => {
    has('<dl class="list">\n  <div class="list-item"><dt>Count</dt><dd>2</dd></div>\n  <div class="list-item"><dt>A &amp; B</dt><dd>&lt;x&gt;</dd></div>\n</dl>\n');
  });

  it("form: post with _method for put, the CSRF token, the inner slot and the actions row", () => {
    has('<form class="form" action="/users/1" method="post">\n  <input type="hidden" name="_method" value="put">\n  <input type="hidden" name="_csrf_token" value="tok&#39;en">\n');
    has('  <div class="form-actions"><button type="submit" class="button">Save</button></div>\n</form>\n');
  });

  it("input: text with its label and errors; email, checkbox, select, textarea, number, password", () => {
    has('<div class="field field-with-errors">\n  <label class="field-label" for="user_name">Name</label>\n' +
      '  <input type="text" id="user_name" name="user[name]" value="O&#39;Brien &lt;3" class="field-input field-input-error">\n  <p class="field-error">can&#39;t be blank</p>\n</div>');
    has('<input type="email" id="user_email" name="user[email]" value="" class="field-input" placeholder="you@example.com" required>');
    has('<input type="hidden" name="user[admin]" value="false">\n  <label class="field-check"><input type="checkbox" id="user_admin" name="user[admin]" value="true" checked> Admin</label>');
    has('<select id="user_role" name="user[role]" class="field-input">\n    <option value="">Choose</option>\n    <option value="guest">guest</option>\n    <option value="owner" selected>Owner &amp; admin</option>\n  </select>');
    has('<textarea id="user_bio" name="user[bio]" class="field-input">&lt;/textarea&gt;</textarea>');
    has('<input type="number" id="user_age" name="user[age]" value="42" class="field-input">');
    has('<input type="password" id="user_password" name="user[password]" value="" class="field-input">');
  });

  it("link and button: an <a>, a <button>, and a form for a method other than get", () => {
    const one = (tpl: string) => (f.module!.templates[tpl] as (it: object) => string)({});
    expect(one("page/links.html")).toBe(
      '<a href="/a" class="x" id="l1" data-role="nav">A &amp; B</a>|' +
        '<button type="button" class="button button-danger" name="go" value="1" disabled>Go</button>|' +
        '<form class="link-form" method="post" action="/p"><input type="hidden" name="_csrf_token" value="t"><button type="submit" class="link">Post</button></form>|' +
        '<form class="link-form" method="post" action="/b"><input type="hidden" name="_method" value="patch"><input type="hidden" name="_csrf_token" value="t"><button type="submit" class="link button">B</button></form>',
    );
  });
});

describe("a form built from the components, through the demo's endpoint (port 0): CSRF and method override", () => {
  let endpoint: Endpoint;
  let base: string;
  let forms: TemplateFixture;
  beforeAll(async () => {
    endpoint = defineEndpoint({ router, views: { templates }, plugs: [parsers, methodOverride], config: { logger: () => {}, debugErrors: false } });
    const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${port}`;
    forms = await compileFixture({
      ...coreComponents(),
      "page/forms.html.eta": `<%/* @type { token: string } */%><%~ c.form({ action: "/users/1", method: "put", csrfToken: it.token }, "") %>|<%~ c.link({ href: "/users/1", method: "delete", csrfToken: it.token }, "Delete") %>`,
    }, {}, "forms");
  });
  afterAll(() => endpoint.stop());

  const cookieOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  /** The hidden fields of the HTML's forms, in order (`_method`, `_csrf_token`). */
  const hidden = (html: string) => [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]] as [string, string]);
  const post = (path: string, cookie: string, fields: [string, string][]) =>
    fetch(base + path, { method: "POST", redirect: "manual", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
  const session = async () => {
    const page = await fetch(`${base}/users/new`);
    const html = await page.text();
    return { cookie: cookieOf(page), html, token: new Map(hidden(html)).get("_csrf_token")! };
  };

  it("the demo's new-user form (c.form, c.input, c.button) posts with its token; the flash shows through c.flashGroup", async () => {
    const { cookie, html, token } = await session();
    expect(html).toContain('<form class="form" action="/users" method="post">');
    expect(html).toContain('<input type="text" id="user_name" name="user[name]" value="" class="field-input" required>');
    expect(token).toHaveLength(56);
    const posted = await post("/users", cookie, [...hidden(html), ["user[name]", "Ada & <Lin>"]]);
    expect(posted.status).toBe(302);
    const shown = await fetch(base + posted.headers.get("location"), { headers: { cookie: cookieOf(posted) } });
    expect(await shown.text()).toContain('<div id="flash-info" class="flash flash-info" role="status">Welcome, Ada &amp; &lt;Lin&gt;!</div>');
  });

  it("without the token the same post is refused (403)", async () => {
    const { cookie } = await session();
    expect((await post("/users", cookie, [["user[name]", "x"]])).status).toBe(403);
  });

  it("c.form with method put and c.link with method delete reach update and delete (_method override, token checked)", async () => {
    const { cookie, token } = await session();
    const html = (forms.module!.templates["page/forms.html"] as (it: object) => string)({ token });
    const [form, link] = html.split("|");
    expect(hidden(form)).toEqual([["_method", "put"], ["_csrf_token", token]]);
    expect(hidden(link)).toEqual([["_method", "delete"], ["_csrf_token", token]]);
    const updated = await post("/users/1", cookie, hidden(form));
    expect([updated.status, await updated.text()]).toEqual([200, "updated\n"]);
    const deleted = await post("/users/1", cookie, hidden(link));
    expect([deleted.status, await deleted.text()]).toEqual([200, "deleted\n"]);
    expect((await post("/users/1", cookie, [["_method", "delete"]])).status).toBe(403);
  });
});

const PAGE = `<%/* @type { users: { id: number; name: string; email: string }[]; flash: Record<string, string>; token: string; errors: Record<string, string[]> } */%>
<%~ c.flashGroup({ flash: it.flash }) %>
<%~ c.header({ subtitle: "All of them", actions: () => { %><%~ c.button({ href: "/users/new", variant: "primary" }, "New user") %><% } }, "Users") %>
<%~ c.table({ id: "users", rows: it.users, rowId: (u) => "user-" + u.id, col: [
  { label: "Name", inner: (u) => { %><%~ c.link({ href: "/users/" + u.id }, () => { %><%= u.name %><% }) %><% } },
  { label: "Email", inner: (u) => { %><%= u.email %><% } },
], action: [(u) => { %><%~ c.link({ href: "/users/" + u.id, method: "delete", csrfToken: it.token }, "Delete") %><% }] }) %>
<%~ c.list({ item: [{ title: "Count", inner: () => { %><%= it.users.length %><% } }, { title: "A & B", inner: "<x>" }] }) %>
<%~ c.form({ action: "/users/1", method: "put", csrfToken: it.token, actions: () => { %><%~ c.button({}, "Save") %><% } }, () => { %>
  <%~ c.input({ name: "user[name]", label: "Name", value: "O'Brien <3", errors: it.errors.name }) %>
  <%~ c.input({ name: "user[email]", type: "email", label: "Email", placeholder: "you@example.com", required: true }) %>
  <%~ c.input({ name: "user[admin]", type: "checkbox", label: "Admin", value: true }) %>
  <%~ c.input({ name: "user[role]", type: "select", label: "Role", prompt: "Choose", options: ["guest", ["Owner & admin", "owner"]], value: "owner" }) %>
  <%~ c.input({ name: "user[bio]", type: "textarea", label: "Bio", value: "</textarea>" }) %>
  <%~ c.input({ name: "user[age]", type: "number", label: "Age", value: 42 }) %>
  <%~ c.input({ name: "user[password]", type: "password", label: "Password" }) %>
<% }) %>
`;
const DATA = {
  users: [{ id: 1, name: "Ada <L>", email: "ada@example.com" }, { id: 2, name: "Bob & Co", email: "bob@example.com" }],
  flash: { info: "Saved & done" },
  token: "tok'en",
  errors: { name: ["can't be blank"] },
};
const LINKS = `<%~ c.link({ href: "/a", class: "x", id: "l1", attrs: { "data-role": "nav" } }, "A & B") %>|<%~ c.button({ type: "button", variant: "danger", name: "go", value: "1", disabled: true }, () => { %>Go<% }) %>|<%~ c.link({ href: "/p", method: "post", csrfToken: "t" }, "Post") %>|<%~ c.button({ href: "/b", method: "patch", class: "", csrfToken: "t" }, "B") %>`;
