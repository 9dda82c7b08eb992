// The templates compiler's cache across builds (compiler/templates/cache.ts): a watch loop keeps
// one, so a one-template edit compiles that template alone. Each test changes one thing a
// template's output depends on, then compiles with the cache and without one: the two must be
// the same (files and diagnostics), and the cache must have compiled again what changed (and
// only that, where the change is one template's own).

import { afterAll, describe, expect, test } from "vitest";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { compileTemplates, type TemplateCompileOptions } from "../compiler/build/templates.js";
import { TemplateCache } from "../compiler/templates/cache.js";
import { buildProject } from "../compiler/index.js";

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function app(files: Record<string, string>): { root: string; write(file: string, text: string): void; remove(file: string): void } {
  const root = mkdtempSync(join(tmpdir(), "fawkes-tcache-"));
  roots.push(root);
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  for (const [f, t] of Object.entries(files)) write(f, t);
  return { root, write, remove: (file) => rmSync(join(root, file)) };
}

/** Compiles with the cache and afresh; asserts they agree and returns the cached result and what the cache computed. */
function both(cache: TemplateCache, options: TemplateCompileOptions) {
  const cached = compileTemplates({ ...options, cache });
  const counts = { ...cache.counts };
  const fresh = compileTemplates(options);
  expect([...cached.files]).toEqual([...fresh.files]);
  expect(cached.diagnostics).toEqual(fresh.diagnostics);
  return { result: cached, counts };
}

const page = (n: number) => `<h1><%= it.title %> page ${n}</h1>\n<%~ include("./_row", { item: it.item }) %>\n`;
const ROW = `<td><%= it.item.name %></td>\n`;

function pages(n: number): Record<string, string> {
  const files: Record<string, string> = { "app/templates/user/_row.html.eta": ROW };
  for (let i = 0; i < n; i++) files[`app/templates/user/p${i}.html.eta`] = page(i);
  return files;
}

describe("what a compile takes from the cache", () => {
  test("nothing changed: nothing is compiled again, and the output is the same", () => {
    const a = app(pages(5));
    const cache = new TemplateCache();
    const first = both(cache, { root: a.root, routes: false });
    expect(first.counts).toEqual({ parsed: 6, included: 6, checked: 6, emitted: 6 });
    const again = both(cache, { root: a.root, routes: false });
    expect(again.counts).toEqual({ parsed: 0, included: 0, checked: 0, emitted: 0 });
  });

  test("one template's text edited: that template alone is parsed, checked and emitted", () => {
    const a = app(pages(5));
    const cache = new TemplateCache();
    both(cache, { root: a.root, routes: false });
    a.write("app/templates/user/p3.html.eta", page(3).replace("page 3", "page three"));
    const edited = both(cache, { root: a.root, routes: false });
    expect(edited.counts).toEqual({ parsed: 1, included: 1, checked: 1, emitted: 1 });
    expect(edited.result.files.get(".fawkes/templates/user/p3.html.gen.ts")).toContain("page three");
    // Back to the first text: the output is the first one's again.
    a.write("app/templates/user/p3.html.eta", page(3));
    expect(both(cache, { root: a.root, routes: false }).result.files.get(".fawkes/templates/user/p3.html.gen.ts")).not.toContain("page three");
  });

  test("told which templates were edited (`edited`, a watch loop's stamps), a compile reads those alone", () => {
    const a = app(pages(4));
    const cache = new TemplateCache();
    both(cache, { root: a.root, routes: false });
    const module = (n: number) => `.fawkes/templates/user/p${n}.html.gen.ts`;
    a.write("app/templates/user/p1.html.eta", page(1).replace("page 1", "page one"));
    const edited = new Set([join(a.root, "app/templates/user/p1.html.eta")]);
    const told = both(cache, { root: a.root, routes: false, edited });
    expect(told.counts).toEqual({ parsed: 1, included: 1, checked: 1, emitted: 1 });
    expect(told.result.files.get(module(1))).toContain("page one");
    // What the caller does not name is not read: a text written since and a template created stay unseen.
    a.write("app/templates/user/p2.html.eta", page(2).replace("page 2", "page two"));
    a.write("app/templates/user/p9.html.eta", page(9));
    const blind = compileTemplates({ root: a.root, routes: false, cache, edited });
    expect(blind.files.get(module(2))).not.toContain("page two");
    expect(blind.files.has(module(9))).toBe(false);
    // Without it, everything is read again.
    const all = both(cache, { root: a.root, routes: false });
    expect(all.result.files.get(module(2))).toContain("page two");
    expect(all.result.files.has(module(9))).toBe(true);
  });

  test("a syntax error in one template is reported from the cache as afresh, and its fix compiles", () => {
    const a = app(pages(3));
    const cache = new TemplateCache();
    both(cache, { root: a.root, routes: false });
    a.write("app/templates/user/p1.html.eta", "<% if (it.x { %>x<% } %>\n");
    const broken = both(cache, { root: a.root, routes: false });
    expect(broken.result.diagnostics.map((d) => d.code)).toContain("TEMPLATE_SYNTAX");
    expect(broken.result.files.size).toBe(0);
    // Unchanged since the error: the same diagnostics come back.
    expect(both(cache, { root: a.root, routes: false }).result.diagnostics.map((d) => d.code)).toContain("TEMPLATE_SYNTAX");
    a.write("app/templates/user/p1.html.eta", page(1));
    const fixed = both(cache, { root: a.root, routes: false });
    expect(fixed.result.diagnostics).toEqual([]);
    expect(fixed.result.files.size).toBe(6);
  });
});

describe("each cause of a template's output changing", () => {
  test("a partial now reading another key: its includers' direct calls pass it", () => {
    const a = app(pages(3));
    const cache = new TemplateCache();
    const before = both(cache, { root: a.root, routes: false }).result.files.get(".fawkes/templates/user/p0.html.gen.ts")!;
    expect(before).not.toContain('__own(it, "extra")');
    a.write("app/templates/user/_row.html.eta", `<td><%= it.item.name %><%= it.extra %></td>\n`);
    const after = both(cache, { root: a.root, routes: false });
    expect(after.result.files.get(".fawkes/templates/user/p0.html.gen.ts")).toContain('__own(it, "extra")');
    // The includers are emitted again (what the partial reads is part of their output).
    expect(after.counts.emitted).toBeGreaterThanOrEqual(4);
  });

  test("a template created makes a Phoenix-style include ambiguous (the include was rewritten in the cached IR)", () => {
    const a = app({ "app/templates/user/card.html.eta": "card\n", "app/templates/user/show.html.eta": `<%~ include("./card") %>\n` });
    const cache = new TemplateCache();
    const first = both(cache, { root: a.root, routes: false });
    expect(first.result.diagnostics).toEqual([]);
    a.write("app/templates/user/card.json.eta", "{}\n");
    const second = both(cache, { root: a.root, routes: false });
    expect(second.result.diagnostics.map((d) => d.code)).toEqual(["TEMPLATE_AMBIGUOUS"]);
    a.remove("app/templates/user/card.json.eta");
    expect(both(cache, { root: a.root, routes: false }).result.diagnostics).toEqual([]);
  });

  test("an included template deleted: its includer's include is an error", () => {
    const a = app(pages(2));
    const cache = new TemplateCache();
    both(cache, { root: a.root, routes: false });
    a.remove("app/templates/user/_row.html.eta");
    const after = both(cache, { root: a.root, routes: false });
    expect(after.result.diagnostics.map((d) => d.code)).toEqual(["TEMPLATE_NOT_FOUND", "TEMPLATE_NOT_FOUND"]);
  });

  test("an option changed: every template is compiled with it", () => {
    const a = app(pages(3));
    const cache = new TemplateCache();
    both(cache, { root: a.root, routes: false, config: { autoEscape: true } });
    const after = both(cache, { root: a.root, routes: false, config: { autoEscape: false } });
    expect(after.counts.parsed).toBe(4);
    expect(after.result.files.get(".fawkes/templates/user/_row.html.gen.ts")).not.toContain("__e(");
  });

  test("a plugin loaded again (a new object) compiles again; the same object does not", () => {
    const a = app(pages(2));
    const cache = new TemplateCache();
    const plugin = { processTemplate: (s: string) => s.replace("page", "PAGE") };
    both(cache, { root: a.root, routes: false, config: { plugins: [plugin] } });
    expect(both(cache, { root: a.root, routes: false, config: { plugins: [plugin] } }).counts.parsed).toBe(0);
    const other = both(cache, { root: a.root, routes: false, config: { plugins: [{ processTemplate: (s: string) => s.replace("page", "Page") }] } });
    expect(other.counts.parsed).toBe(3);
    expect(other.result.files.get(".fawkes/templates/user/p0.html.gen.ts")).toContain("Page 0");
  });

  test("a view module created: the templates of its view import the export they call", () => {
    const a = app({ "app/templates/user/show.html.eta": "<%= shout(it.name) %>\n", "app/templates/page/home.html.eta": "home\n" });
    const cache = new TemplateCache();
    both(cache, { root: a.root, routes: false });
    a.write("app/views/user.ts", `export function shout(s: string): string {\n  return s.toUpperCase();\n}\n`);
    const after = both(cache, { root: a.root, routes: false });
    expect(after.result.files.get(".fawkes/templates/user/show.html.gen.ts")).toContain("app/views/user.js");
    // A line moved in the view module moves the comment the template's binding carries.
    a.write("app/views/user.ts", `\nexport function shout(s: string): string {\n  return s.toUpperCase();\n}\n`);
    expect(both(cache, { root: a.root, routes: false }).result.files.get(".fawkes/templates/user/show.html.gen.ts")).toContain("app/views/user.ts:2:");
  });

  test("a component's signature changed: its callers' calls follow it", () => {
    const a = app({
      "app/templates/components/badge.html.eta": `<%/* @component { label: string } */%><b><%= it.label %></b>\n`,
      "app/templates/user/show.html.eta": `<%~ c.badge({ label: "x" }) %>\n`,
    });
    const cache = new TemplateCache();
    const before = both(cache, { root: a.root, routes: false }).result.files.get(".fawkes/templates/user/show.html.gen.ts")!;
    a.write("app/templates/components/badge.html.eta", `<%/* @component { label: string; inner?: Slot } */%><b><%= it.label %><%~ slot(inner) %></b>\n`);
    const after = both(cache, { root: a.root, routes: false });
    expect(after.counts.emitted).toBe(2);
    expect(after.result.files.get(".fawkes/templates/components/badge.html.gen.ts")).toContain("inner?: Slot");
    expect(before).toContain("c_badge(");
    // A component removed: the call is an error at the caller.
    a.remove("app/templates/components/badge.html.eta");
    expect(both(cache, { root: a.root, routes: false }).result.diagnostics.map((d) => d.code)).toContain("COMPONENT_NOT_FOUND");
  });

  test("the route helpers changed: a Routes call is checked against the new ones, no template emitted again", () => {
    const a = app({ "app/templates/user/show.html.eta": `<a href="<%= Routes.userPath("show", 1) %>">x</a>\n`, "app/templates/page/home.html.eta": "home\n" });
    const cache = new TemplateCache();
    const ok = both(cache, { root: a.root, routes: new Map([["userPath", ["show", "index"]]]) });
    expect(ok.result.diagnostics).toEqual([]);
    const gone = both(cache, { root: a.root, routes: new Map([["userPath", ["index"]]]) });
    expect(gone.result.diagnostics.map((d) => d.code)).toEqual(["TEMPLATE_ROUTES_ACTION"]);
    const back = both(cache, { root: a.root, routes: new Map([["userPath", ["show", "index"]], ["pagePath", ["home"]]]) });
    expect(back.result.diagnostics).toEqual([]);
    expect(back.counts).toEqual({ parsed: 0, included: 0, checked: 0, emitted: 0 });
  });
});

describe("through buildProject, as the esbuild plugin builds", () => {
  const ROUTER = (path: string) => `import { defineRouter } from "fawkes";\nimport * as UserController from "./controllers/user-controller.js";\nexport default defineRouter((r) => {\n  r.get("${path}", UserController, "show");\n});\n`;
  const CONTROLLER = `import type { Conn } from "fawkes";\nexport function show(conn: Conn): Conn {\n  return conn;\n}\n`;

  test("a template's p literal is checked against the route table of each build", async () => {
    const a = app({ "app/router.ts": ROUTER("/users/:id"), "app/controllers/user-controller.ts": CONTROLLER, "app/templates/user/show.html.eta": "<a href=\"<%= p`/users/${it.id}` %>\">x</a>\n" });
    const templateCache = new TemplateCache();
    const first = await buildProject({ root: a.root, templateCache });
    expect(first.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(first.files.get(".fawkes/templates/user/show.html.gen.ts")).toContain("p.site(");
    a.write("app/router.ts", ROUTER("/people/:id"));
    const moved = await buildProject({ root: a.root, templateCache });
    const fresh = await buildProject({ root: a.root });
    expect(moved.diagnostics).toEqual(fresh.diagnostics);
    expect(moved.diagnostics.some((d) => d.severity === "error" && d.loc.file === "app/templates/user/show.html.eta")).toBe(true);
    a.write("app/router.ts", ROUTER("/users/:id"));
    const back = await buildProject({ root: a.root, templateCache });
    expect([...back.files]).toEqual([...(await buildProject({ root: a.root })).files]);
    expect(templateCache.counts.parsed).toBe(0);
  }, 60_000);
});
