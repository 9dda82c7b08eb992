// Run-time behaviour of compiled templates beyond Eta parity: errors name the template and
// line, the view layer wraps layouts, and nothing in the runtime generates code.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { renderToString, TemplateError, ViewNotFoundError } from "fawkes";
import { templates, renderTemplate } from "../fixtures/templates/basic/expected/templates.gen.js";

const ROOT = resolve(import.meta.dirname, "..");

describe("template errors", () => {
  it("a throw inside a template names the template and the line", () => {
    let caught: unknown;
    try {
      renderTemplate("user/show.html.eta", { user: null });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TemplateError);
    const err = caught as TemplateError;
    expect(err.template).toBe("app/templates/user/show.html.eta");
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/^app\/templates\/user\/show\.html\.eta:3: Cannot read properties of null/);
    expect(err.cause).toBeInstanceOf(TypeError);
  });

  it("an error in an included template keeps the innermost location", () => {
    expect(() => renderTemplate("user/index.html.eta", { title: "t", users: [null] })).toThrow(/^app\/templates\/user\/_row\.html\.eta:1: /);
  });

  it("a missing named template says where names come from", () => {
    expect(() => renderTemplate("@nope", {})).toThrow("Failed to get template '@nope': no template is named so (templates.named and templates.namedDir in fawkes.config.ts)");
  });

  it("a missing template is an error naming the resolved file", () => {
    expect(() => renderTemplate("user/nope.html.eta", {})).toThrow("Could not find template: user/nope.html.eta");
    expect(() => renderTemplate("../outside", {})).toThrow(/is not in the views directory/);
  });
});

describe("renderToString", () => {
  const views = { templates, functions: { user: { "index.json": (a: { users: { id: number }[] }) => ({ ids: a.users.map((u) => u.id) }) } } };

  it("wraps the template in the app layout and the root layout, as @inner_content", () => {
    const html = renderToString(views, "user", "show.html", { user: { id: 1, name: "A&B", email: "a@b" }, title: "T", flash: "hi" }, {
      layout: "layouts/app.html",
      rootLayout: "layouts/root.html",
    });
    expect(html).toBe(
      "<!DOCTYPE html>\n<html>\n<head><title>T</title></head>\n<body><main>\n  <p class=\"flash\">hi</p>\n" +
        "<h1>A&amp;B</h1>\n<p>Email: <a href=\"mailto:a@b\">a@b</a></p>\n</main>\n</body>\n</html>\n",
    );
  });

  it("renders without layouts when asked, and JSON views from plain functions", () => {
    expect(renderToString(views, "user", "show.html", { user: { id: 1, name: "x", email: "e" } }, { layout: false })).toBe(
      "<h1>x</h1>\n<p>Email: <a href=\"mailto:e\">e</a></p>\n",
    );
    expect(renderToString(views, "user", "index.json", { users: [{ id: 1 }, { id: 2 }] })).toBe('{"ids":[1,2]}');
  });

  it("names what a view has when a template is missing", () => {
    expect(() => renderToString(views, "user", "edit.html", {})).toThrow(ViewNotFoundError);
    expect(() => renderToString(views, "user", "edit.html", {})).toThrow(/it has: .*index\.json.*show\.html/);
    // Views nest (admin and admin/review): a sub-view's templates are not the view's.
    const nested = { templates: { "admin/index.html": () => "a", "admin/review/index.html": () => "r" } };
    expect(() => renderToString(nested, "admin", "show.html", {})).toThrow(/; it has: index\.html$/);
    expect(renderToString(nested, "admin/review", "index.html", {})).toBe("r");
  });
});

describe("no code generation at run time", () => {
  it("runtime/ and generated templates contain no new Function or eval", () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
    const checked = [...files(join(ROOT, "runtime")), join(ROOT, "fixtures/templates/basic/expected/templates.gen.ts")];
    for (const f of checked) expect(readFileSync(f, "utf8"), f).not.toMatch(/new Function\s*\(|\beval\s*\(|AsyncFunction/);
  });
});
