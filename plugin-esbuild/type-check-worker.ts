// The esbuild plugin's deferred type check (typeCheck: "deferred"), in a worker thread: the
// router read with the type checker on a ts-morph project kept warm between checks (only the
// files that changed are parsed and bound again), off the main thread, so the bundle, the app's
// restart and the next build never wait for it. One request at a time; answers carry its id.

// First: the code cache wraps the loading of ts-morph (the worker keeps its own, checker and all).
import { saveCodeCache } from "../compiler/_code-cache.js";
import { parentPort } from "node:worker_threads";
import { statSync } from "node:fs";
import { join } from "node:path";
import type { Project } from "ts-morph";
import { compileRouter } from "../compiler/build/router.js";
import { createProject } from "../compiler/router/compile.js";
import type { Diagnostic } from "../compiler/diagnostics.js";

/** What the plugin asks: the router of `root` as `fawkes build` reads it. */
export interface TypeCheckRequest {
  id: number;
  root: string;
  router?: string;
  outDir?: string;
  /** The templates module actions.gen.ts imports (as build() passes it). */
  templatesModule?: string;
}

export type TypeCheckAnswer =
  | { id: number; ok: true; diagnostics: Diagnostic[]; files: [string, string][]; inputs: string[] }
  | { id: number; ok: false; error: string };

const projects = new Map<string, { project: Project; tsconfig: string }>();

function tsconfigStamp(root: string): string {
  try {
    const s = statSync(join(root, "tsconfig.json"));
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return "missing";
  }
}

/** The warm project of a root: a new one when its tsconfig.json changed. */
function projectOf(root: string): Project {
  const tsconfig = tsconfigStamp(root);
  const known = projects.get(root);
  if (known && known.tsconfig === tsconfig) return known.project;
  const project = createProject(root);
  projects.set(root, { project, tsconfig });
  return project;
}

parentPort?.on("message", (request: TypeCheckRequest) => {
  let answer: TypeCheckAnswer;
  try {
    const typed = compileRouter({ root: request.root, router: request.router, outDir: request.outDir, templatesModule: request.templatesModule, project: projectOf(request.root) });
    answer = { id: request.id, ok: true, diagnostics: typed.diagnostics, files: [...typed.files], inputs: typed.inputs };
  } catch (e) {
    // A project that cannot be read this time may be readable after the next edit: start afresh.
    projects.delete(request.root);
    answer = { id: request.id, ok: false, error: (e as Error)?.stack ?? String(e) };
  }
  parentPort!.postMessage(answer);
  // The worker is terminated, not exited: its code cache is written after the first check, off
  // the main thread (a no-op once written, or when the cache it found was taken).
  saveCodeCache();
});
