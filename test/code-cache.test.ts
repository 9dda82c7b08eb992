// The toolchain's V8 code cache (compiler/_code-cache.ts): a process that loads the compiler
// writes the cache of ts-morph and the TypeScript it bundles at its exit, the next one takes it,
// a damaged or foreign cache is refused by V8 and written again, FAWKES_CODE_CACHE=0 turns it
// off, and none of it changes what a build generates. Each case is a child process running the
// built package (dist/), as `fawkes build` and the plugins run; the cache folders are its own.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const TMP = join(ROOT, ".fawkes-tmp");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const cacheDir = () => {
  mkdirSync(TMP, { recursive: true });
  const d = mkdtempSync(join(TMP, "code-cache-"));
  dirs.push(d);
  return d;
};

const CHILD = `
const { build } = await import(${JSON.stringify(pathToFileURL(join(ROOT, "dist/compiler/index.js")).href)});
const { codeCacheReport } = await import(${JSON.stringify(pathToFileURL(join(ROOT, "dist/compiler/_code-cache.js")).href)});
const result = build({ root: ${JSON.stringify(join(ROOT, "fixtures/demo"))} });
process.stdout.write(JSON.stringify({ report: codeCacheReport(), errors: result.diagnostics.filter((d) => d.severity === "error").length, files: [...result.files] }));
`;

interface Run {
  report: { file: string; cache: string; found: "missing" | "accepted" | "rejected" }[];
  errors: number;
  files: [string, string][];
}

function run(setting: string | undefined): Run {
  const env: Record<string, string | undefined> = { ...process.env };
  if (setting === undefined) delete env.FAWKES_CODE_CACHE;
  else env.FAWKES_CODE_CACHE = setting;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", CHILD], { cwd: ROOT, encoding: "utf8", env });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Run;
}

const CACHED = ["ts-morph-common.js", "ts-morph.js", "typescript.js"];
const names = (r: Run) => r.report.map((e) => e.file.split(/[\\/]/).pop()).sort();

describe("code cache", () => {
  it("was built", () => {
    expect(existsSync(join(ROOT, "dist/compiler/_code-cache.js")), "dist/ is missing: run `npm run build`").toBe(true);
  });

  it("is written by a first run, taken by the next, and changes nothing a build generates", () => {
    const dir = cacheDir();
    const first = run(dir);
    expect(first.errors).toBe(0);
    expect(names(first)).toEqual(CACHED);
    expect(first.report.map((e) => e.found)).toEqual(["missing", "missing", "missing"]);
    // Written at exit, one file per package file, in the folder given.
    expect(readdirSync(dir).filter((f) => f.endsWith(".v8")).sort().map((f) => f.replace(/-[0-9a-f]{20}\.v8$/, ""))).toEqual(CACHED);
    for (const e of first.report) expect(e.cache.startsWith(dir)).toBe(true);

    const second = run(dir);
    expect(second.report.map((e) => e.found)).toEqual(["accepted", "accepted", "accepted"]);
    const off = run("0");
    expect(off.report).toEqual([]);
    expect(second.files).toEqual(off.files);
    expect(first.files).toEqual(off.files);
    expect(off.files.length).toBeGreaterThan(0);
  });

  it("refuses a damaged cache, builds as without one, and writes it again", () => {
    const dir = cacheDir();
    const first = run(dir);
    for (const e of first.report) writeFileSync(e.cache, Buffer.alloc(4096, 7));
    const damaged = run(dir);
    expect(damaged.report.map((e) => e.found)).toEqual(["rejected", "rejected", "rejected"]);
    expect(damaged.files).toEqual(first.files);
    for (const e of damaged.report) expect(readFileSync(e.cache).equals(Buffer.alloc(4096, 7))).toBe(false);
    expect(run(dir).report.map((e) => e.found)).toEqual(["accepted", "accepted", "accepted"]);
  });

  it("is written right after a first buildProject, not only at exit (V8 flushes what a long process has not run lately)", () => {
    const dir = cacheDir();
    const child = `
const { buildProject } = await import(${JSON.stringify(pathToFileURL(join(ROOT, "dist/compiler/index.js")).href)});
const { readdirSync } = await import("node:fs");
await buildProject({ root: ${JSON.stringify(join(ROOT, "fixtures/demo"))} });
await new Promise((resolve) => setTimeout(resolve, 0));
await new Promise((resolve) => setTimeout(resolve, 0));
// Still running: what is on disk now was written after the build, not by the exit handler.
process.stdout.write(JSON.stringify(readdirSync(${JSON.stringify(dir)}).filter((f) => f.endsWith(".v8")).sort()));
`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", child], { cwd: ROOT, encoding: "utf8", env: { ...process.env, FAWKES_CODE_CACHE: dir } });
    expect(r.stderr).toBe("");
    expect((JSON.parse(r.stdout) as string[]).map((f) => f.replace(/-[0-9a-f]{20}\.v8$/, ""))).toEqual(CACHED);
  });

  it("lives in node_modules/.cache/fawkes/v8 beside the packages by default, never in the app", () => {
    const r = run(undefined);
    const modules = realpathSync(join(ROOT, "node_modules"));
    expect(r.report).toHaveLength(3);
    for (const e of r.report) expect(e.cache.startsWith(join(modules, ".cache", "fawkes", "v8"))).toBe(true);
  });
});
