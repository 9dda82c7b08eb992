// The router side's TypeScript transform in runs of statements (compiler/cli/server/_chunked-transform.ts):
// the same JavaScript as one transform of the whole module, for every generated router module
// of the fixtures; an edit transforms only the runs it touched; what does not parse reports the
// whole module's lines. And the export names read from esbuild's output (router-side.ts).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { transform } from "esbuild";
import { describe, expect, it } from "vitest";
import { chunkedTransform, runsOf, runText } from "../compiler/cli/server/_chunked-transform.js";
import { exportNames, registryRead, versioned } from "../compiler/cli/server/router-side.js";

const VERBATIM = { loader: "ts", format: "esm", target: "node20", tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } } } as const;

/** Every generated router module (not the templates') under fixtures/router/<case>/expected. */
function generatedModules(): string[] {
  const base = join(import.meta.dirname, "../fixtures/router");
  return readdirSync(base, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".gen.ts") && e.parentPath.includes(`${join("expected")}`) && !e.parentPath.includes("templates"))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** esbuild prints a module's exports as one list at its end; in runs, a list per run. The code apart from them, and the names. */
function shape(code: string): { code: string; exports: string[] | null } {
  return { code: code.replace(/^export \{[^}]*\};\n/gm, ""), exports: exportNames(code) };
}

/** A module of `n` routes' worth of statements, as the generator writes them (one statement a line or an indented block). */
function bigModule(n: number, edited = -1): string {
  const lines = [`import { decodePath, type RouteMatch } from "fawkes";`, `import { routes } from "./routes.gen.js";`, ""];
  for (let i = 0; i < n; i++) lines.push(`const M_${i}: RouteMatch = Object.freeze({ route: routes[${i}], params: {}, pathInfo: ${i === edited ? '"edited"' : "null"} });`);
  // A long array as routes.gen and dispatch.gen declare theirs: an element a line, a comment line before each.
  lines.push(`export const TABLE: readonly { path: string; n: number }[] = [`);
  for (let i = 0; i < n; i++) lines.push(`  // app/router.ts:${i}  GET /r${i} [browser]`, `  { path: ${JSON.stringify(i === edited ? "/edited" : `/r${i}`)}, n: ${i} as number },`);
  lines.push(`];`, ``);
  for (let i = 0; i < n; i += 50) {
    lines.push(`function scan${i}(u: string): RouteMatch | null {`, `  switch (decodePath(u)) {`);
    for (let j = i; j < i + 50 && j < n; j++) lines.push(`    case "/r${j}": return M_${j};`);
    lines.push(`  }`, `  return null;`, `}`);
  }
  lines.push(`export function match(u: string): RouteMatch | null {`, `  return ${Array.from({ length: Math.ceil(n / 50) }, (_, k) => `scan${k * 50}(u)`).join(" ?? ")};`, `}`, "");
  return lines.join("\n");
}

describe("the router side's transform in runs of statements", () => {
  it("gives the JavaScript of one whole transform for every generated router module of the fixtures", async () => {
    const modules = generatedModules();
    expect(modules.length).toBeGreaterThan(10);
    for (const file of modules) {
      const source = readFileSync(file, "utf8");
      expect(runsOf(source).map(runText).join("")).toBe(source);
      const chunked = await chunkedTransform().transform(file, source);
      const whole = (await transform(source, VERBATIM)).code;
      expect({ file, ...shape(chunked) }).toEqual({ file, ...shape(whole) });
    }
  });

  it("after an edit of one statement, transforms only the run that holds it", async () => {
    let calls = 0;
    const counting = ((input: string, options: object) => {
      calls++;
      return transform(input, options);
    }) as typeof transform;
    const ct = chunkedTransform(counting);
    const before = bigModule(3000);
    const first = await ct.transform("m", before);
    const runs = runsOf(before);
    expect(runs.length).toBeGreaterThan(20);
    // A transform for each run of statements; for the array, one for its declaration and one for each run of its elements.
    const arrays = runs.filter((r) => typeof r !== "string");
    expect(arrays).toHaveLength(1);
    expect(calls).toBe(runs.length + arrays.reduce((n, r) => n + r.elements.length, 0));
    calls = 0;
    expect(await ct.transform("m", before)).toBe(first);
    expect(calls).toBe(0);
    const after = bigModule(3000, 1234);
    const edited = await ct.transform("m", after);
    // The run of statements that holds M_1234 and the run of the array's elements that holds its
    // entry (each perhaps with a neighbour, when the edited line's hash moves a boundary).
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(4);
    expect(shape(edited)).toEqual(shape((await transform(after, VERBATIM)).code));
    expect(edited).toContain(`pathInfo: "edited"`);
    expect(edited).toContain(`{ path: "/edited", n: 1234 }`);
    // And it runs: the array has every element, in order.
    const table = await import(`data:text/javascript,${encodeURIComponent(edited.replace(/^import .*$/gm, "").replace(/\broutes\[/g, "[][").replace(/decodePath\(/g, "String("))}`);
    expect(table.TABLE.map((e: { n: number }) => e.n)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });

  it("a module that does not parse is reported at its own lines, as one transform reports it", async () => {
    const source = bigModule(200).replace("const M_150: RouteMatch =", "const M_150: RouteMatch = =");
    const line = source.split("\n").findIndex((l) => l.includes("= =")) + 1;
    const failure = await chunkedTransform().transform("broken.gen.ts", source).then(() => null, (e: { errors?: Array<{ location: { line: number; file: string } }> }) => e);
    expect(failure?.errors?.[0].location).toMatchObject({ file: "broken.gen.ts", line });
  });
});

describe("export names read from esbuild's output", () => {
  it("reads declarations, lists (over lines, renamed, re-exported) and `export * as`", () => {
    const code = [
      `export const routes = [];`,
      `export function match(u) {`,
      `}`,
      `export async function load() {`,
      `}`,
      `export class Router {`,
      `}`,
      `export {`,
      `  a,`,
      `  b as c`,
      `};`,
      `export { d, e as "f-g" } from "./x.js";`,
      `export * as ns from "./y.js";`,
      `export default 1;`,
    ].join("\n");
    expect(exportNames(code)).toEqual(["Router", "a", "c", "d", "default", "f-g", "load", "match", "ns", "routes"].sort());
  });

  it("cannot tell the names of `export *` or a declaration it does not read (null: the module is bundled instead)", () => {
    expect(exportNames(`export * from "./x.js";\n`)).toBeNull();
    expect(exportNames(`export let a, b;\n`)).toBeNull();
    expect(exportNames(`export const { a } = x;\n`)).toBeNull();
  });
});

describe("a generated module's import of an app module, as reads of the registry", () => {
  it("reads a namespace, a default, named and renamed imports; null for what it does not read", () => {
    expect(registryRead(`import * as UserController from "../app/controllers/user.js";`, "app/controllers/user.ts", 0)).toBe(
      `const $fawkes$ns0 = __fawkesModule("app/controllers/user.ts"); const UserController = $fawkes$ns0;`,
    );
    expect(registryRead(`import Page, { show, index as list } from "../app/page.js";`, "app/page.ts", 3)).toBe(
      `const $fawkes$ns3 = __fawkesModule("app/page.ts"); const Page = $fawkes$ns3.default; const { show, index: list } = $fawkes$ns3;`,
    );
    expect(registryRead(`import "../app/side-effect.js";`, "app/side-effect.ts", 1)).toBe(`const $fawkes$ns1 = __fawkesModule("app/side-effect.ts");`);
    expect(registryRead(`export { a } from "../app/a.js";`, "app/a.ts", 0)).toBeNull();
  });
});

describe("the side's modules at URLs versioned by what they are", () => {
  const build = (texts: Record<string, string>) => {
    const modules = new Map(Object.entries(texts).map(([m, text]) => [m, { text, imports: [...text.matchAll(/"fawkes-side:([^"]+)"/g)].map((x) => x[1]) }]));
    return versioned(modules, (m) => `file:///side/${m}.mjs`, (k) => k);
  };
  const version = (url: string) => new URL(url).searchParams.get("v");

  it("a module changes URL when it or what it imports changed, and keeps it otherwise", () => {
    const one = build({ router: `import { match } from "fawkes-side:matcher";`, matcher: `import { routes } from "fawkes-side:routes";\nexport const match = 1;`, routes: `export const routes = [1];`, helpers: `export const Routes = {};` });
    const two = build({ router: `import { match } from "fawkes-side:matcher";`, matcher: `import { routes } from "fawkes-side:routes";\nexport const match = 1;`, routes: `export const routes = [2];`, helpers: `export const Routes = {};` });
    for (const m of ["router", "matcher", "routes"]) expect(two.get(m)!.url).not.toBe(one.get(m)!.url);
    expect(two.get("helpers")!.url).toBe(one.get("helpers")!.url);
    expect(two.get("matcher")!.text).toBe(`import { routes } from ${JSON.stringify(two.get("routes")!.url)};\nexport const match = 1;`);
  });

  it("the modules of an import cycle share one version, each importing the other's one instance", () => {
    const texts = { router: `import { dispatch } from "fawkes-side:dispatch";`, dispatch: `import r from "fawkes-side:app";`, app: `import * as gen from "fawkes-side:router";` };
    const one = build(texts);
    const v = version(one.get("router")!.url);
    expect([version(one.get("dispatch")!.url), version(one.get("app")!.url)]).toEqual([v, v]);
    expect(one.get("app")!.text).toBe(`import * as gen from ${JSON.stringify(one.get("router")!.url)};`);
    const two = build({ ...texts, dispatch: `import r from "fawkes-side:app"; // edited` });
    expect(version(two.get("app")!.url)).not.toBe(v);
  });
});
