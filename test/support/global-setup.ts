// Vitest globalSetup: what several test files would otherwise each build in their beforeAll,
// built once per run, before any file starts. Today that is the demo server bundle
// (scripts/demo.mjs: esbuild plus the Fawkes plugin, a few seconds), which test/demo.test.ts
// and test/demo-chat-browser.test.ts both start; they get it with `demoBundle()`
// (support/demo-bundle.ts).
//
// Each run writes under its own temporary directory in .fawkes-tmp (inside the repo, so the
// bundle's `fawkes` and other external imports resolve from this checkout), removed at the end:
// two runs side by side never share an output file.

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
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
  mkdirSync(join(ROOT, ".fawkes-tmp"), { recursive: true });
  const dir = mkdtempSync(join(ROOT, ".fawkes-tmp", "run-"));
  project.provide("demoBundle", (await needed(project)) ? await bundle(dir) : null);
  return () => rmSync(dir, { recursive: true, force: true });
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
