// The fast read of the router (compile.ts readRouterTable: syntax only, no program; what
// `fawkes routes` prints) against the full one (compileRouter: a program and the type checker;
// what `fawkes build` emits from): the same route table, the same IR and the same diagnostics
// but ACTION_MISSING (types only), for every router fixture, the demo, and every app the
// Phoenix-ported and HTTP tests build. Those apps are harvested from the test files themselves,
// so a new test's app is checked too: each file is copied with its `vitest` and `./support/app.js`
// imports bound to recorders, its beforeAll hooks run, and each buildApp call is recorded
// instead of built. Then the differences syntactic.ts documents, each shown on a small app.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Project } from "ts-morph";
import { afterAll, describe, expect, it } from "vitest";
import * as vitest from "vitest";
import { formatRoutes, routesJson } from "../compiler/cli/routes-table.js";
import { compileRouter } from "../compiler/build/router.js";
import { createProject, readRouterTable } from "../compiler/router/compile.js";
import type { Diagnostic } from "../compiler/diagnostics.js";
import type { RouterIR } from "../compiler/router/ir.js";
import { ModuleIndex } from "../compiler/router/_modules.js";
import * as support from "./support/app.js";

const ROOT = resolve(import.meta.dirname, "..");
// A full read builds a program: minutes on a busy machine for the first one.
const SLOW = 600_000;
const WORK = join(support.TMP, `fast-read-${process.pid}`);
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

// One program for every full read: the runtime and the libraries are parsed once, not per app.
const project = createProject(ROOT);

/** Both reads of the app at `root`: the route table as JSON, the IR, and the diagnostics. */
function bothReads(root: string, router?: string) {
  const full = compileRouter({ root, router, project });
  const fast = readRouterTable({ root, router });
  return { full, fast };
}

const codes = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.code} ${d.loc.file}:${d.loc.line}:${d.loc.column} ${d.message}`);

/** The IR without what only a build fills in (nothing today: the whole tree must agree). */
const irJson = (ir: RouterIR | null) => JSON.stringify(ir, null, 1);

function expectSame(root: string, router?: string): { ir: RouterIR | null; routes: number } {
  const { full, fast } = bothReads(root, router);
  expect(fast.ir !== null).toBe(full.ir !== null);
  if (full.ir && fast.ir) {
    expect(routesJson(fast.ir)).toBe(routesJson(full.ir));
    expect(irJson(fast.ir)).toBe(irJson(full.ir));
  }
  expect(codes(fast.diagnostics)).toEqual(codes(full.diagnostics.filter((d) => d.code !== "ACTION_MISSING")));
  return { ir: full.ir, routes: full.ir?.routes.length ?? 0 };
}

describe("fixtures: the fast read gives the full read's table", () => {
  const fixtures = ["fixtures/demo", "fixtures/dev-app", "fixtures/verified/app", "fixtures/verified/errors-paths",
    ...readdirSync(join(ROOT, "fixtures/router")).map((d) => `fixtures/router/${d}`)];

  it("covers every fixture with a router", () => {
    expect(fixtures).toContain("fixtures/router/mount");
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
  });

  it.each(fixtures)("%s", (fixture) => {
    const { routes } = expectSame(join(ROOT, fixture));
    expect(routes).toBeGreaterThan(0);
  }, SLOW);

  it("errors-static: the fast read reports all but ACTION_MISSING, which the full read does report", () => {
    const { full, fast } = bothReads(join(ROOT, "fixtures/router/errors-static"));
    expect(full.diagnostics.some((d) => d.code === "ACTION_MISSING")).toBe(true);
    expect(fast.diagnostics.some((d) => d.code === "ACTION_MISSING")).toBe(false);
    expect(fast.diagnostics.length).toBeGreaterThan(0);
  }, SLOW);
});

// ---- harvesting the apps other tests build ---------------------------------------------------

interface Harvested {
  test: string;
  name: string;
  files: Record<string, string>;
}

/** Stops a hook at its buildApp: the app is recorded, nothing is built or started after it. */
class Recorded extends Error {}

const noop = () => {};
const skipper = Object.assign(noop, { each: () => noop, skip: noop, only: noop, todo: noop, concurrent: noop, sequential: noop, runIf: () => noop, skipIf: () => noop });

/** A `vitest` whose describe blocks run at once and whose beforeAll hooks are kept; tests are not run. */
function recorderVitest(hooks: (() => unknown)[]) {
  const describeFn = (_name: string, fn?: () => void) => fn?.();
  const describe = Object.assign(describeFn, {
    each: (cases: unknown[]) => (_name: string, fn: (...args: unknown[]) => void) => {
      for (const c of cases) fn(...(Array.isArray(c) ? c : [c]));
    },
    skip: noop,
    only: describeFn,
    concurrent: describeFn,
    sequential: describeFn,
  });
  return { ...vitest, describe, it: skipper, test: skipper, beforeAll: (fn: () => unknown) => void hooks.push(fn), beforeEach: noop, afterEach: noop, afterAll: noop };
}

const parser = new Project({ useInMemoryFileSystem: true });

/** The test file with its vitest and support imports bound to globals and other relative imports made absolute. */
function rewrite(file: string): string {
  const sf = parser.createSourceFile(`/${file.replace(/[/\\]/g, "_")}`, readFileSync(file, "utf8"), { overwrite: true });
  for (const decl of sf.getImportDeclarations()) {
    const spec = decl.getModuleSpecifierValue();
    const names = decl.getNamedImports().filter((n) => !n.isTypeOnly()).map((n) => n.getText());
    if (spec === "vitest" || spec === "./support/app.js") {
      const bound = names.length && !decl.isTypeOnly() ? `const { ${names.join(", ")} } = (globalThis as any).__fastReadHarvest[${JSON.stringify(spec)}];` : "";
      decl.replaceWithText(bound);
    } else if (spec.startsWith(".")) {
      decl.setModuleSpecifier(resolve(dirname(file), spec));
    }
  }
  return sf.getFullText();
}

async function harvest(file: string): Promise<Harvested[]> {
  const hooks: (() => unknown)[] = [];
  const recorded: Harvested[] = [];
  const test = file.slice(ROOT.length + 1);
  const buildApp = async (files: Record<string, string>, name = "app") => {
    recorded.push({ test, name: `${name} #${recorded.length + 1}`, files });
    throw new Recorded();
  };
  (globalThis as Record<string, unknown>).__fastReadHarvest = { vitest: recorderVitest(hooks), "./support/app.js": { ...support, buildApp } };
  const copy = join(WORK, "harvest", test.replace(/[/\\]/g, "_").replace(/\.test\.ts$/, ".ts"));
  mkdirSync(dirname(copy), { recursive: true });
  writeFileSync(copy, rewrite(file));
  await import(pathToFileURL(copy).href);
  for (const hook of hooks) {
    try {
      await hook();
    } catch (e) {
      if (!(e instanceof Recorded)) throw new Error(`${test}: a beforeAll hook failed before its buildApp: ${(e as Error).message}`);
    }
  }
  return recorded;
}

const TEST_FILES = readdirSync(join(ROOT, "test"))
  .filter((f) => /^(phoenix-|http-|helpers-roundtrip|routes-table|smoke-app)/.test(f) && f.endsWith(".test.ts"))
  .sort();
const harvested: Harvested[] = [];
for (const f of TEST_FILES) harvested.push(...(await harvest(join(ROOT, "test", f))));

describe("the apps the Phoenix-ported and HTTP tests build: the fast read gives the full read's table", () => {
  it("harvests an app from every Phoenix-ported test file", () => {
    const from = new Set(harvested.map((h) => h.test));
    for (const f of TEST_FILES.filter((t) => t.startsWith("phoenix-"))) expect(from, f).toContain(`test/${f}`);
    expect(harvested.length).toBeGreaterThanOrEqual(20);
  });

  let n = 0;
  it.each(harvested.map((h) => [`${h.test} ${h.name}`, h] as const))("%s", (_label, h) => {
    expectSame(writeApp(`app-${n++}`, h.files));
  }, SLOW);
});

// ---- where the readers differ, as syntactic.ts documents -------------------------------------

function writeApp(name: string, files: Record<string, string>): string {
  const root = join(WORK, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const table = (ir: RouterIR | null) => (JSON.parse(routesJson(ir!)) as { path: string; action: string | null; module: string }[]).map((r) => [r.path, r.action, r.module]);

describe("the syntactic rules", () => {
  it("follows re-exports to the defining module: export * as, export { } from, export { default as }, export *", () => {
    const root = writeApp("reexports", {
      "app/router.ts": `import { defineRouter } from "fawkes";
import * as C from "./controllers/index.js";
import { Renamed, Star } from "./controllers/index.js";
export default defineRouter((r) => {
  r.get("/a", C.A, "index");
  r.get("/b", C.B, "index");
  r.get("/renamed", Renamed, "index");
  r.get("/star", Star, "index");
  r.get("/deep", C.Nested.Deep, "index");
});
`,
      "app/controllers/index.ts": `export * as A from "./a.js";
export { B } from "./b.js";
export { default as Renamed } from "./renamed.js";
export * from "./star.js";
export * as Nested from "./nested/index.js";
`,
      "app/controllers/a.ts": support.controller(["index"]),
      "app/controllers/b.ts": `import type { Conn } from "fawkes";\nexport const B = { index: (conn: Conn) => conn };\n`,
      "app/controllers/renamed.ts": `import type { Conn } from "fawkes";\nconst R = { index: (conn: Conn) => conn };\nexport default R;\n`,
      "app/controllers/star.ts": `import type { Conn } from "fawkes";\nexport const Star = { index: (conn: Conn) => conn };\n`,
      "app/controllers/nested/index.ts": `export * as Deep from "./deep.js";\n`,
      "app/controllers/nested/deep.ts": support.controller(["index"]),
    });
    const { ir } = expectSame(root);
    expect(table(ir)).toEqual([
      ["/a", "index", "app/controllers/a.ts"],
      ["/b", "index", "app/controllers/b.ts"],
      ["/renamed", "index", "app/controllers/renamed.ts"],
      ["/star", "index", "app/controllers/star.ts"],
      ["/deep", "index", "app/controllers/nested/deep.ts"],
    ]);
  }, SLOW);

  it("tells plugs from controllers by their declarations as the types do (function, module with call, object literal)", () => {
    const root = writeApp("plug-shapes", {
      "app/router.ts": `import { defineRouter } from "fawkes";
import * as ModulePlug from "./plugs/module-plug.js";
import * as Page from "./controllers/page.js";
import { arrowPlug, functionPlug, objectController, objectPlug } from "./plugs/values.js";
export default defineRouter((r) => {
  r.get("/module-plug", ModulePlug, "verbose");
  r.get("/module-plug-action", ModulePlug, "call");
  r.get("/arrow", arrowPlug, "greeting");
  r.get("/function", functionPlug, "greeting");
  r.get("/object-plug", objectPlug, "x");
  r.get("/object-controller", objectController, "show");
  r.get("/page", Page, "index");
});
`,
      "app/plugs/module-plug.ts": `import type { Conn } from "fawkes";\nexport const init = (o: unknown) => o;\nexport const call = (conn: Conn) => conn;\n`,
      "app/plugs/values.ts": `import type { Conn } from "fawkes";
export const arrowPlug = (conn: Conn, _opts: string) => conn;
export function functionPlug(conn: Conn, _opts: string) { return conn; }
export const objectPlug = { call: (conn: Conn) => conn };
export const objectController = { show: (conn: Conn) => conn };
`,
      "app/controllers/page.ts": support.controller(["index"]),
    });
    const { ir } = expectSame(root);
    expect(ir!.routes.map((r) => [r.path, r.action])).toEqual([
      ["/module-plug", null],
      // A string naming one of its exports is an action, even `call`.
      ["/module-plug-action", "call"],
      ["/arrow", null],
      ["/function", null],
      ["/object-plug", null],
      ["/object-controller", "show"],
      ["/page", "index"],
    ]);
  }, SLOW);

  it("mounts a router imported by default or as a namespace (a router exported by name is no router module: NO_ROUTER, in both)", () => {
    const root = writeApp("mounts", {
      "app/router.ts": `import { defineRouter } from "fawkes";
import AdminRouter from "./admin/router.js";
import * as Blog from "./blog/router.js";
import { shopRouter } from "./shop/router.js";
import * as RawPlug from "./raw-plug.js";
export default defineRouter((r) => {
  r.forward("/admin", AdminRouter);
  r.forward("/blog", Blog);
  r.forward("/shop", shopRouter);
  r.forward("/raw", RawPlug);
});
`,
      "app/admin/router.ts": `import { defineRouter } from "fawkes";\nimport * as C from "../controllers/page.js";\nexport default defineRouter((r) => { r.get("/", C, "index"); });\n`,
      "app/blog/router.ts": `import { defineRouter } from "fawkes";\nimport * as C from "../controllers/page.js";\nexport default defineRouter((r) => { r.get("/posts", C, "index"); });\n`,
      "app/shop/router.ts": `import { defineRouter } from "fawkes";\nimport * as C from "../controllers/page.js";\nexport const shopRouter = defineRouter((r) => { r.get("/cart", C, "index"); });\n`,
      "app/raw-plug.ts": `import type { Conn } from "fawkes";\nexport const call = (conn: Conn) => conn;\n`,
      "app/controllers/page.ts": support.controller(["index"]),
    });
    const { ir } = expectSame(root);
    expect(ir!.routes.map((r) => [r.path, r.mount?.router ?? null])).toEqual([
      ["/admin", "app/admin/router.ts"],
      ["/blog", "app/blog/router.ts"],
      ["/shop", "app/shop/router.ts"],
      ["/raw", null],
    ]);
    const fast = readRouterTable({ root });
    expect(fast.diagnostics.map((d) => `${d.code} ${d.loc.file}`)).toEqual(["NO_ROUTER app/shop/router.ts"]);
    expect(formatRoutes(fast.ir!)).toMatch(/cPath {2}GET {2}\/blog\/posts {2}C\.index/);
  }, SLOW);

  it("differs where only types can tell: a plug a helper returns is taken for a controller when an action string follows", () => {
    const root = writeApp("made-plug", {
      "app/router.ts": `import { defineRouter } from "fawkes";
import { made } from "./plugs/made.js";
export default defineRouter((r) => {
  r.get("/made", made, "options");
});
`,
      "app/plugs/made.ts": `import type { Conn } from "fawkes";\nconst makePlug = () => (conn: Conn, _o: string) => conn;\nexport const made = makePlug();\n`,
    });
    const { full, fast } = bothReads(root);
    expect(full.ir!.routes[0].action).toBe(null);
    expect(fast.ir!.routes[0].action).toBe("options");
  }, SLOW);

  it("never builds a program: the files it parses are the router's and those its names lead to", () => {
    const root = writeApp("parsed", {
      "app/router.ts": `import { defineRouter } from "fawkes";\nimport * as Page from "./controllers/page.js";\nexport default defineRouter((r) => { r.get("/", Page, "index"); });\n`,
      "app/controllers/page.ts": `import { helper } from "../lib/heavy.js";\n${support.controller(["index"])}export const x = helper;\n`,
      "app/lib/heavy.ts": `export const helper = 1;\n`,
    });
    const parsing = createProject(root, { syntaxOnly: true });
    readRouterTable({ root }, new ModuleIndex(parsing));
    const parsed = parsing.getSourceFiles().map((f) => f.getFilePath().slice(root.length + 1));
    expect(parsed.sort()).toEqual(["app/controllers/page.ts", "app/router.ts"]);
  });
});
