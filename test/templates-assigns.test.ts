// A missing assign raises in development (issue 14, Phoenix's KeyError): a template whose
// `@type` requires a key the render call left undefined throws a TemplateError at the line that
// first reads it, naming the declaration and what was passed; optional keys, types that admit
// undefined, and templates without a @type render as before; in production nothing is checked.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { defineEndpoint, MissingAssignError, TemplateError, type Endpoint } from "fawkes";
import { compileTemplates, formatDiagnostic } from "../compiler/index.js";
import { literalMembers } from "../compiler/templates/assigns.js";
import { buildApp, routerSource } from "./support/app.js";
import { templatesText } from "./support/generated.js";

const ROOT = resolve(import.meta.dirname, "..");
const TMP = join(ROOT, ".fawkes-tmp");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SHOW = [
  '<%/* @import { User } from "../../models/user.js" */%>',
  "<%/* @type { user: User; postsHref: string; title?: string; note: string | undefined; extra: any } */%>",
  "<h1><%= it.title ?? 'Users' %></h1>",
  "<p><%= it.user.name %></p>",
  '<a href="<%= it.postsHref %>">posts</a>',
  "",
].join("\n");

const TEMPLATES: Record<string, string> = {
  "user/show.html.eta": SHOW,
  "user/loose.html.eta": "<%= it.anything %>",
  "user/unread.html.eta": "<%/* @type { never: string } */%>static",
  "user/quoted.html.eta": '<%/* @type { "data-id": number } & { n: number } */%><%= it["data-id"] %>/<%= it.n %>',
  "user/named.html.eta": '<%/* @import { Named } from "../../models/user.js" */%><%/* @type Named */%><%= it.user %>',
};

/** Compiles the templates into a fresh project and returns the generated registry's path and the modules' text. */
function generate(): { file: string; text: string } {
  mkdirSync(TMP, { recursive: true });
  const root = mkdtempSync(join(TMP, "assigns-"));
  dirs.push(root);
  for (const [rel, text] of Object.entries(TEMPLATES)) {
    mkdirSync(dirname(join(root, "app/templates", rel)), { recursive: true });
    writeFileSync(join(root, "app/templates", rel), text);
  }
  mkdirSync(join(root, "app/models"), { recursive: true });
  writeFileSync(join(root, "app/models/user.ts"), "export interface User { name: string }\nexport interface Named { user: string }\n");
  const result = compileTemplates({ root });
  expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
  for (const [rel, contents] of result.files) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), contents);
  }
  return { file: join(root, ".fawkes/templates.gen.ts"), text: templatesText(result.files)! };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("it did not throw");
}

describe("in development (NODE_ENV is not production)", () => {
  let mod: { renderTemplate: (name: string, data?: object) => string };
  let text: string;
  beforeAll(async () => {
    expect(process.env.NODE_ENV).not.toBe("production");
    const g = generate();
    text = g.text;
    mod = await import(pathToFileURL(g.file).href);
  });

  it("a required assign left out raises at the line that first reads it, naming the declaration and what was passed", () => {
    const error = thrown(() => mod.renderTemplate("user/show.html.eta", { postsHref: "/p", title: "T", flash: {}, conn: {} }));
    expect(error).toBeInstanceOf(TemplateError);
    const e = error as TemplateError;
    expect(e.message).toBe('app/templates/user/show.html.eta:4: assign "user" is missing (declared at line 2: { user: User; ... }); the render call passed: postsHref, title, flash, conn');
    expect([e.template, e.line]).toEqual(["app/templates/user/show.html.eta", 4]);
    expect(e.cause).toBeInstanceOf(MissingAssignError);
    expect((e.cause as MissingAssignError).assign).toBe("user");
  });

  it("an assign passed as undefined is missing too; the first one read is named, the others listed", () => {
    const e = thrown(() => mod.renderTemplate("user/show.html.eta", { user: undefined, note: "n" })) as TemplateError;
    expect(e.message).toBe('app/templates/user/show.html.eta:4: assign "user" is missing (declared at line 2: { user: User; ... }), and "postsHref"; the render call passed: note');
    expect((thrown(() => mod.renderTemplate("user/show.html.eta")) as Error).message).toMatch(/assign "user" is missing .*; the render call passed: nothing$/);
  });

  it("every required assign present renders; optional ones, `| undefined` and `any` may be missing; null is a value", () => {
    expect(mod.renderTemplate("user/show.html.eta", { user: { name: "A&B" }, postsHref: "/p" })).toBe("<h1>Users</h1>\n<p>A&amp;B</p>\n<a href=\"/p\">posts</a>\n");
    expect(() => mod.renderTemplate("user/show.html.eta", { user: null, postsHref: "/p" })).toThrow(/show\.html\.eta:4: Cannot read properties of null/);
  });

  it("an assign never read is reported at the @type's line; quoted keys and intersections of literals are checked", () => {
    expect((thrown(() => mod.renderTemplate("user/unread.html.eta", {})) as Error).message).toBe('app/templates/user/unread.html.eta:1: assign "never" is missing (declared at line 1: { never: string }); the render call passed: nothing');
    expect((thrown(() => mod.renderTemplate("user/quoted.html.eta", { n: 1 })) as Error).message).toBe('app/templates/user/quoted.html.eta:1: assign "data-id" is missing (declared at line 1: { "data-id": number; ... }); the render call passed: n');
    expect(mod.renderTemplate("user/quoted.html.eta", { "data-id": 7, n: 1 })).toBe("7/1");
  });

  it("templates without a @type, or with a named type, are not checked", () => {
    expect(mod.renderTemplate("user/loose.html.eta", {})).toBe("undefined");
    expect(mod.renderTemplate("user/named.html.eta", {})).toBe("undefined");
    expect(text).not.toMatch(/t_user_loose_html\$assigns|t_user_named_html\$assigns/);
  });
});

describe("in production", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("no check runs: the template renders what it reads, as Eta would", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.resetModules();
    const { file } = generate();
    const mod = await import(pathToFileURL(file).href);
    const runtime = await import("fawkes");
    expect(runtime.checkAssigns).toBe(false);
    expect(mod.renderTemplate("user/unread.html.eta", {})).toBe("static");
    expect(mod.renderTemplate("user/quoted.html.eta", {})).toBe("undefined/undefined");
    expect(() => mod.renderTemplate("user/show.html.eta", { postsHref: "/p" })).toThrow(/show\.html\.eta:4: Cannot read properties of undefined \(reading 'name'\)/);
  });
});

describe("which members are required", () => {
  it.each([
    ["{ a: string; b?: string; c: string | undefined; d: any; e: unknown; f: void; g: (undefined | number) }", ["a"], 7],
    ["{ a: User; b: User[]; c: User | null; d: () => void }", ["a", "b", "c", "d"], 4],
    ["({ a: string }) & Base & { b: number, c?: 1 }", ["a", "b"], 3],
    ["Named", [], 0],
    ["{ [key: string]: string; m(): void; 'q-x': 1 }", ["q-x"], 3],
  ])("%s", (type, required, members) => {
    const r = literalMembers(type);
    expect(r.required.map((m) => m.key)).toEqual(required);
    expect(r.members).toBe(members);
  });
});

describe("through a real endpoint (port 0)", () => {
  let endpoint: Endpoint;
  let base: string;
  beforeAll(async () => {
    const app = await buildApp(
      {
        "app/router.ts": routerSource(["UserController"], '  r.get("/users/:id", UserController, "show");\n  r.get("/ok/:id", UserController, "ok");'),
        "app/controllers/user-controller.ts": [
          'import { render, type Conn } from "fawkes";',
          'export const show = (conn: Conn) => render(conn, "show.html", { title: "Users" });',
          'export const ok = (conn: Conn) => render(conn, "show.html", { user: { name: conn.params.id } });',
          "",
        ].join("\n"),
        "app/templates/user/show.html.eta": "<%/* @type { user: { name: string }; title?: string } */%>\n<h1><%= it.title %></h1>\n<p><%= it.user.name %></p>\n",
      },
      "assigns",
    );
    expect(app.errors).toEqual([]);
    dirs.push(app.root);
    const router = await import(`${app.root}/.fawkes/router.gen.ts`);
    const { templates } = await import(`${app.root}/.fawkes/templates.gen.ts`);
    endpoint = defineEndpoint({ router, views: { templates }, config: { logger: () => {}, debugErrors: true } });
    base = (await endpoint.start({ port: 0, host: "127.0.0.1" })).url;
  });
  afterAll(async () => {
    await endpoint?.stop();
  });

  it("a missing assign is a 500 whose dev error page says which, where", async () => {
    const res = await fetch(`${base}/users/1`, { headers: { accept: "text/html" } });
    expect(res.status).toBe(500);
    const page = await res.text();
    expect(page).toContain("TemplateError: app/templates/user/show.html.eta:3: assign &quot;user&quot; is missing (declared at line 1: { user: { name: string }; ... }); the render call passed: flash, title, conn");
    expect(page).toContain("Template: app/templates/user/show.html.eta:3");
  });

  it("with the assign passed, the page renders", async () => {
    const res = await fetch(`${base}/ok/Ada`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("<h1>undefined</h1>\n<p>Ada</p>\n");
  });
});
