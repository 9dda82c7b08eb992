// Vitest globalSetup: refuses a run whose dist/ is older than a source (staleDist below); then
// what several test files would otherwise each build in their beforeAll,
// built once per run, before any file starts. Today that is the demo server bundle
// (scripts/demo.mjs: esbuild plus the Fawkes plugin, a few seconds), which test/demo.test.ts
// and test/demo-chat-browser.test.ts both start; they get it with `demoBundle()`
// (support/demo-bundle.ts).
//
// Each run writes under its own temporary directory in .fawkes-tmp (inside the repo, so the
// bundle's `fawkes` and other external imports resolve from this checkout), removed at the end:
// two runs side by side never share an output file.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";

const ROOT = resolve(import.meta.dirname, "../..");

export interface DemoBundle {
  /** The bundled server, to run with node (PORT=0, DEMO_STATIC=staticRoot). */
  file: string;
  staticRoot: string;
  /** Why bundling failed; the files that need the bundle fail with it, the others run. */
  error: string | null;
}

declare module "vitest" {
  export interface ProvidedContext {
    demoBundle: DemoBundle | null;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  staleDist();
  mkdirSync(join(ROOT, ".fawkes-tmp"), { recursive: true });
  const dir = mkdtempSync(join(ROOT, ".fawkes-tmp", "run-"));
  project.provide("demoBundle", (await needed(project)) ? await bundle(dir) : null);
  return () => rmSync(dir, { recursive: true, force: true });
}

/**
 * The tests that run the CLI as users do (the dev server, `fawkes new`, the packed tarball) run
 * dist/, not the sources: a source edited since the last build would be tested as it was. `npm
 * test` builds first; a run of vitest alone is refused with what to do, rather than failing
 * somewhere far from the cause (a dev-server test's ENOENT, an old behaviour asserted).
 */
function staleDist(): void {
  const built = statSync(join(ROOT, "dist/compiler/cli/main.js"), { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) throw new Error("dist/ is not built: run `npm run build` (node scripts/build.mjs) first; `npm test` does it");
  const newer = (dir: string): string | null => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      const found = e.isDirectory() ? newer(path) : statSync(path).mtimeMs > built ? path : null;
      if (found) return found;
    }
    return null;
  };
  for (const dir of ["runtime", "compiler", "plugin-esbuild"]) {
    const edited = newer(join(ROOT, dir));
    if (edited) throw new Error(`dist/ is older than ${edited.slice(ROOT.length + 1)}: run \`npm run build\` (node scripts/build.mjs) first; \`npm test\` does it`);
  }
}

async function bundle(dir: string): Promise<DemoBundle> {
  const { bundleDemo, staticRoot } = (await import("../../scripts/demo.mjs" as string)) as { bundleDemo: (outfile: string) => Promise<string>; staticRoot: string };
  try {
    return { file: await bundleDemo(join(dir, "demo", "server.mjs")), staticRoot, error: null };
  } catch (e) {
    return { file: "", staticRoot, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Whether a test file of this run uses the bundle, so `vitest run test/url.test.ts` does not pay
 * for it. The run's file filters are not public API: without them every file counts.
 */
async function needed(project: TestProject): Promise<boolean> {
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const { testFiles } = await project.globTestFiles(filters);
  return testFiles.some((f) => readFileSync(f, "utf8").includes("demoBundle()"));
}
