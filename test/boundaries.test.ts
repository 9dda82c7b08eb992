// The architecture's one hard boundary, enforced: runtime/ (what apps and generated code load)
// never imports the compiler or a build-time package, and generated files import only the
// runtime's public entry and the app's own modules. Also pins each entry point's exports, so
// growth of the public API is a deliberate, reviewed diff.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const FORBIDDEN_PACKAGES = ["typescript", "ts-morph", "esbuild", "vite", "eta", "@ts-morph/common"];

function walk(dir: string, keep: (f: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === "node_modules" ? [] : walk(p, keep);
    return keep(p) ? [p] : [];
  });
}

/** Every module specifier in a TS/JS source: static imports, re-exports, dynamic import(), require(). */
export function importsOf(source: string): string[] {
  const specs: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) specs.push(m[1]);
  return specs;
}

function violations(files: string[], allowed: (spec: string, file: string) => boolean): string[] {
  const out: string[] = [];
  for (const f of files) {
    for (const spec of importsOf(readFileSync(f, "utf8"))) {
      if (!allowed(spec, f)) out.push(`${relative(ROOT, f)} imports ${spec}`);
    }
  }
  return out;
}

/** Packages the runtime may load though an app need not install them, and the one module that does. */
const OPTIONAL_RUNTIME_PEERS: Record<string, string> = { redis: "runtime/pubsub/redis.ts" };

const isForbiddenPackage = (spec: string) => FORBIDDEN_PACKAGES.some((p) => spec === p || spec.startsWith(p + "/"));

describe("boundaries", () => {
  it("importsOf finds every import form (so the checks below can fail)", () => {
    const src = `import a from "x1";\nimport { b } from 'x2';\nimport type { C } from "x3";\nexport * from "x4";\nexport { d } from "x5";\nconst e = await import("x6");\nconst f = require("x7");\nimport "x8";`;
    expect(importsOf(src)).toEqual(expect.arrayContaining(["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"]));
  });

  it("runtime/ imports nothing from compiler/ or build-time packages", () => {
    const files = walk(join(ROOT, "runtime"), (f) => /\.(ts|js|mjs)$/.test(f));
    expect(files.length).toBeGreaterThan(3);
    // Besides node: builtins, only the package's run-time dependencies (qs, busboy, ...).
    const deps = Object.keys(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).dependencies ?? {});
    const packageOf = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
    const bad = violations(files, (spec, file) => {
      if (isForbiddenPackage(spec)) return false;
      if (spec.startsWith(".")) return resolve(file, "..", spec).startsWith(join(ROOT, "runtime"));
      if (OPTIONAL_RUNTIME_PEERS[spec]) return relative(ROOT, file) === OPTIONAL_RUNTIME_PEERS[spec];
      return spec.startsWith("node:") || deps.includes(packageOf(spec));
    });
    expect(bad).toEqual([]);
  });

  it("an optional peer of the runtime (redis) is loaded only where needed, by a dynamic import or a type", () => {
    for (const [spec, file] of Object.entries(OPTIONAL_RUNTIME_PEERS)) {
      const src = readFileSync(join(ROOT, file), "utf8");
      expect(importsOf(src)).toContain(spec);
      // No static import: an app without the package must still load the runtime.
      const staticImport = new RegExp(`^\\s*import\\s+(?!type\\b)[^;]*from\\s+["']${spec}["']`, "m");
      expect(staticImport.test(src), `${file} imports ${spec} statically`).toBe(false);
      expect(src).toContain(`import("${spec}")`);
    }
  });

  it("generated files import only fawkes, node: builtins and the app's own modules", () => {
    const files = walk(join(ROOT, "fixtures"), (f) => f.endsWith(".gen.ts"));
    expect(files.length).toBeGreaterThanOrEqual(8);
    const bad = violations(files, (spec) => spec === "fawkes" || spec.startsWith("./") || spec.startsWith("../") || spec.startsWith("node:"));
    expect(bad).toEqual([]);
    // ...and no code generation at run time.
    for (const f of files) expect(readFileSync(f, "utf8"), f).not.toMatch(/\bnew Function\b|\beval\(/);
  });

  it("each entry point exports exactly the reviewed list", async () => {
    const entries: Record<string, string> = {
      fawkes: "../runtime/index.js",
      "fawkes/compiler": "../compiler/index.js",
      "fawkes/config": "../compiler/config/define.js",
      "fawkes/testing": "../runtime/testing/index.js",
      "fawkes/esbuild": "../plugin-esbuild/esbuild.js",
      "fawkes/vite": "../plugin-esbuild/vite.js",
    };
    const actual: Record<string, string[]> = {};
    for (const [name, path] of Object.entries(entries)) actual[name] = Object.keys(await import(path)).sort();
    await expect(JSON.stringify(actual, null, 2) + "\n").toMatchFileSnapshot("./__snapshots__/public-api.json");
  });
});
