// Typed from route to template, end to end: a small app is built (the compiler's build(), files
// written as `fawkes build` writes them) and type-checked with the TypeScript API, as `tsc
// --noEmit` would. The issue's scenario: the app compiles; renaming the route's `:messenger` to
// `:mesenger` makes the controller's read of it a tsc error at the controller's line; dropping an
// assign the template declares makes the render call an error; a misspelt template name too; an
// action annotated with another action's conn is an error in the generated dispatch, at the line
// whose comment names the router line. The app lives under .fawkes-tmp (inside the repository),
// so `fawkes` resolves (tsconfig paths) to this checkout's runtime and @types/node to ours.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { transformSync } from "esbuild";
import ts from "typescript";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { build, formatDiagnostic } from "../compiler/index.js";
import { writeFiles } from "../compiler/write.js";

const ROOT = resolve(import.meta.dirname, "..");
// A program over the app and the runtime's sources: tens of seconds on a busy machine.
const SLOW = { timeout: 300_000 };

const ROUTER = `import { defineRouter, putLayout, putRootLayout } from "fawkes";
import * as HelloController from "./controllers/hello-controller.js";

export default defineRouter((r) => {
  r.pipeline("browser", (p) => {
    p.plug(putRootLayout, "layouts/root.html");
    p.plug(putLayout, "layouts/app.html");
  });
  r.scope("/", () => {
    r.pipeThrough("browser");
    r.get("/hello/:messenger", HelloController, "show");
    r.get("/hello", HelloController, "index");
  });
});
`;

const CONTROLLER = `import { render, text, type Conn } from "fawkes";
import type { ActionConn } from "../../.fawkes/actions.gen.js";

export function show(conn: ActionConn<"hello", "show">): Conn {
  const messenger = conn.pathParams.messenger;
  return render(conn, "show.html", { messenger, receiver: "world", title: "Hello" });
}

export function index(conn: ActionConn<"hello", "index">): Conn {
  return text(conn, "hello\\n");
}
`;

let dir: string;
let program: ts.Program | undefined;

/** Writes the app's file (relative to the app) with these contents. */
function put(rel: string, contents: string): void {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), contents);
}

/** `fawkes build`: the generated modules written; a build error fails the test with its diagnostics. */
function fawkesBuild(): void {
  const result = build({ root: dir });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map(formatDiagnostic)).toEqual([]);
  writeFiles(dir, result.files);
}

/** `tsc --noEmit` over the app: its errors as `file:line:col: message`, files relative to the app. */
function tsc(): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(dir, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n")); } })!;
  // The previous program is reused: only the files that changed are read again.
  program = ts.createProgram({ rootNames: config.fileNames, options: config.options, oldProgram: program });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0];
    if (!d.file || d.start === undefined) return message;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${relative(dir, d.file.fileName).split("\\").join("/")}:${line + 1}:${character + 1}: ${message}`;
  });
}

/** The 1-based line of the file (relative to the app) that contains `text`. */
function lineOf(rel: string, text: string): number {
  const lines = readFileSync(join(dir, rel), "utf8").split("\n");
  const i = lines.findIndex((l) => l.includes(text));
  expect(i, `${rel} has no line with ${text}`).toBeGreaterThanOrEqual(0);
  return i + 1;
}

/** `line:column` (1-based) of `token` on the first line of the file that contains `text`. */
function where(rel: string, text: string, token: string): string {
  const line = lineOf(rel, text);
  const column = readFileSync(join(dir, rel), "utf8").split("\n")[line - 1].indexOf(text) + text.indexOf(token) + 1;
  return `${line}:${column}`;
}

beforeAll(() => {
  mkdirSync(join(ROOT, ".fawkes-tmp"), { recursive: true });
  dir = mkdtempSync(join(ROOT, ".fawkes-tmp", "typed-conn-"));
  const runtime = relative(dir, join(ROOT, "runtime/index.ts")).split("\\").join("/");
  put("tsconfig.json", JSON.stringify({
    compilerOptions: {
      target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: true,
      isolatedModules: true, verbatimModuleSyntax: true, lib: ["ES2023"], types: ["node"], noEmit: true,
      paths: { fawkes: [runtime] },
    },
    include: ["app", ".fawkes/*.ts"],
  }, null, 2));
  put("app/router.ts", ROUTER);
  put("app/controllers/hello-controller.ts", CONTROLLER);
  put("app/templates/hello/show.html.eta", `<%/* @type { messenger: string; receiver: string } */%>\n<p>Hello <%= it.receiver %>, from <%= it.messenger %></p>\n`);
  put("app/templates/layouts/app.html.eta", `<%/* @type { title: string; innerContent: string } */%>\n<h1><%= it.title %></h1><%~ it.innerContent %>\n`);
  put("app/templates/layouts/root.html.eta", `<%/* @type { innerContent: string } */%>\n<!DOCTYPE html><html><body><%~ it.innerContent %></body></html>\n`);
  fawkesBuild();
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("typed from route to template: build, then tsc", () => {
  // Each test starts from the app as written (a failed one must not leave its edit behind).
  afterEach(() => {
    put("app/router.ts", ROUTER);
    put("app/controllers/hello-controller.ts", CONTROLLER);
  });

  it("the app as written type-checks", SLOW, () => {
    expect(readFileSync(join(dir, ".fawkes/actions.gen.ts"), "utf8")).toContain('show: TypedConn<{ messenger: string }, ViewRenders<T, "hello", "layouts/app.html", "layouts/root.html">>;');
    expect(tsc()).toEqual([]);
  });

  it("costs nothing at run time: actions.gen.ts compiles to no code, the dispatch's checks and the controller's annotations to nothing", () => {
    const js = (rel: string) => transformSync(readFileSync(join(dir, rel), "utf8"), { loader: "ts", format: "esm" }).code;
    expect(js(".fawkes/actions.gen.ts")).toBe("");
    const dispatch = js(".fawkes/dispatch.gen.ts");
    expect(dispatch).toContain("handler: HelloController.show,");
    expect(dispatch).not.toMatch(/satisfies|actions\.gen|ActionFor/);
    expect(js("app/controllers/hello-controller.ts")).not.toMatch(/actions\.gen|ActionConn/);
  });

  it("a route param renamed in the router is an error at the controller's line that reads it", SLOW, () => {
    put("app/router.ts", ROUTER.replace("/hello/:messenger", "/hello/:mesenger"));
    try {
      fawkesBuild();
      const at = where("app/controllers/hello-controller.ts", "conn.pathParams.messenger", "messenger");
      expect(tsc()).toEqual([
        `app/controllers/hello-controller.ts:${at}: Property 'messenger' does not exist on type 'Readonly<{ mesenger: string; }>'. Did you mean 'mesenger'?`,
      ]);
    } finally {
      put("app/router.ts", ROUTER);
      fawkesBuild();
    }
    expect(tsc()).toEqual([]);
  });

  it("an assign the template declares, dropped from render, is an error at the call", SLOW, () => {
    put("app/controllers/hello-controller.ts", CONTROLLER.replace(`{ messenger, receiver: "world", title: "Hello" }`, `{ messenger, title: "Hello" }`));
    const line = lineOf("app/controllers/hello-controller.ts", "render(conn, \"show.html\"");
    const errors = tsc();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^app/controllers/hello-controller\\.ts:${line}:\\d+: Argument of type '\\{ messenger: string; title: string; \\}' is not assignable to parameter of type '\\{ messenger: string; receiver: string; title: string; \\}'\\.$`));
  });

  it("the layout's need (title) dropped, or an assign misspelt, is an error at the call", SLOW, () => {
    put("app/controllers/hello-controller.ts", CONTROLLER.replace(`, title: "Hello" }`, ` }`));
    const line = lineOf("app/controllers/hello-controller.ts", "render(conn, \"show.html\"");
    expect(tsc()).toEqual([expect.stringMatching(new RegExp(`^app/controllers/hello-controller\\.ts:${line}:\\d+: Argument of type '\\{ messenger: string; receiver: string; \\}' is not assignable to parameter of type '\\{ messenger: string; receiver: string; title: string; \\}'\\.$`))]);
    put("app/controllers/hello-controller.ts", CONTROLLER.replace(`receiver: "world"`, `reciever: "world"`));
    expect(tsc()).toEqual([expect.stringMatching(new RegExp(`^app/controllers/hello-controller\\.ts:${line}:\\d+: Object literal may only specify known properties, but 'reciever' does not exist in type .*Did you mean to write 'receiver'\\?$`))]);
  });

  it("a template name the view does not have is an error at the call", SLOW, () => {
    put("app/controllers/hello-controller.ts", CONTROLLER.replace(`"show.html"`, `"shwo.html"`));
    const at = where("app/controllers/hello-controller.ts", "render(conn, \"shwo.html\"", "\"shwo");
    expect(tsc()).toEqual([`app/controllers/hello-controller.ts:${at}: Argument of type '"shwo.html"' is not assignable to parameter of type '"show" | "show.html"'.`]);
  });

  it("an action annotated with another action's conn is an error in the dispatch, at the route's line", SLOW, () => {
    // index is reached by GET /hello, which gives no :messenger.
    put("app/controllers/hello-controller.ts", CONTROLLER.replace(`index(conn: ActionConn<"hello", "index">)`, `index(conn: ActionConn<"hello", "show">)`));
    const errors = tsc();
    expect(errors).toHaveLength(1);
    const dispatch = readFileSync(join(dir, ".fawkes/dispatch.gen.ts"), "utf8").split("\n");
    const at = Number(/^\.fawkes\/dispatch\.gen\.ts:(\d+):/.exec(errors[0])?.[1]);
    expect(errors[0]).toContain("does not satisfy the expected type");
    expect(dispatch[at - 1]).toContain("handler: HelloController.index satisfies");
    // The comment above it names the route in the router.
    expect(dispatch[at - 2]).toBe(`  // app/router.ts:${ROUTER.split("\n").findIndex((l) => l.includes('"/hello", HelloController'))+ 1}  GET /hello -> HelloController.index  [browser]`);
    put("app/controllers/hello-controller.ts", CONTROLLER);
    expect(tsc()).toEqual([]);
  });

  it("a plug that declares what it assigns: the action's conn has it, render does not ask for it, and its declared type is checked", SLOW, () => {
    const layout = readFileSync(join(dir, "app/templates/layouts/app.html.eta"), "utf8");
    const plug = (type: string) => `import { assign, type Plug } from "fawkes";\n\nexport const fetchCurrentUser: Plug<void, { currentUser: ${type} }> = (conn) => assign(conn, "currentUser", conn.getReqHeader("x-user") ?? null);\n`;
    try {
      // The Phoenix pattern: a plug in the browser pipeline assigns currentUser, the layout reads it.
      put("app/plugs/current-user.ts", plug("string | null"));
      put("app/router.ts", ROUTER.replace(`import * as HelloController`, `import { fetchCurrentUser } from "./plugs/current-user.js";\nimport * as HelloController`)
        .replace(`p.plug(putLayout, "layouts/app.html");`, `p.plug(putLayout, "layouts/app.html");\n    p.plug(fetchCurrentUser);`));
      put("app/templates/layouts/app.html.eta", layout.replace("title: string;", "title: string; currentUser: string | null;"));
      put("app/controllers/hello-controller.ts", CONTROLLER.replace("const messenger = conn.pathParams.messenger;", "const messenger = conn.pathParams.messenger;\n  const who: string | null = conn.assigns.currentUser;\n  void who;"));
      fawkesBuild();
      const actions = readFileSync(join(dir, ".fawkes/actions.gen.ts"), "utf8");
      expect(actions).toContain('import type { fetchCurrentUser } from "../app/plugs/current-user.js";');
      expect(actions).toContain('show: TypedConn<{ messenger: string }, ViewRenders<T, "hello", "layouts/app.html", "layouts/root.html">, PlugAssigns<typeof fetchCurrentUser>>;');
      expect(tsc()).toEqual([]);
      // Types only: the import and the annotation compile to nothing.
      expect(transformSync(actions, { loader: "ts", format: "esm" }).code).toBe("");

      // The plug's declared type no longer what the layout takes: render asks for currentUser
      // again, and the action's read of it is a type error (no rebuild: the types follow the plug).
      put("app/plugs/current-user.ts", plug("number"));
      const render = lineOf("app/controllers/hello-controller.ts", "render(conn, \"show.html\"");
      const read = where("app/controllers/hello-controller.ts", "const who: string | null", "who");
      expect(tsc()).toEqual([
        `app/controllers/hello-controller.ts:${read}: Type 'number' is not assignable to type 'string'.`,
        expect.stringMatching(new RegExp(`^app/controllers/hello-controller\\.ts:${render}:\\d+: Argument of type '\\{ messenger: string; receiver: string; title: string; \\}' is not assignable to parameter of type '\\{[^']*currentUser: string \\| null;[^']*\\}'\\.$`)),
      ]);
    } finally {
      rmSync(join(dir, "app/plugs"), { recursive: true, force: true });
      put("app/templates/layouts/app.html.eta", layout);
      put("app/router.ts", ROUTER);
      fawkesBuild();
    }
    put("app/controllers/hello-controller.ts", CONTROLLER);
    expect(tsc()).toEqual([]);
  });
});
