// Runs one of the project's own modules at build time: the config file, and the template
// plugins it names. A TypeScript module cannot be imported by Node 20 directly, so it is
// bundled with esbuild into a temporary module beside it (its relative imports and packages
// resolve as they would from the module itself, as Vite does with vite.config.ts), imported,
// and removed. A fresh temporary name per call means a rebuild sees edits (no module cache).

import { rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { randomBytes } from "node:crypto";

/** An esbuild message: what failed to bundle, and where (absolute file, 1-based line and column). */
export interface BundleMessage {
  text: string;
  location: { file: string; line: number; column: number } | null;
}

export type ImportResult =
  | { ok: true; exports: Record<string, unknown>; inputs: string[] }
  /** `bundle`: it does not compile or resolve; `run`: it threw while it was imported. */
  | { ok: false; stage: "bundle"; messages: BundleMessage[]; inputs: string[] }
  | { ok: false; stage: "run"; error: unknown; inputs: string[] };

/**
 * Bundles `abs` (the project's packages stay external) and imports the result.
 *
 * @example
 * const r = await importProjectModule(root, join(root, "fawkes.config.ts"));
 * if (r.ok) console.log(r.exports.default);
 */
export async function importProjectModule(absRoot: string, abs: string): Promise<ImportResult> {
  const { build } = await import("esbuild");
  let code: string;
  let inputs: string[];
  try {
    const out = await build({
      entryPoints: [abs],
      absWorkingDir: absRoot,
      bundle: true,
      // Packages load from node_modules when the module runs; only the project's own modules are inlined.
      packages: "external",
      platform: "node",
      format: "esm",
      target: "node20",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    code = out.outputFiles[0].text;
    inputs = Object.keys(out.metafile.inputs).map((f) => resolve(absRoot, f));
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
    const messages: BundleMessage[] = errors?.length
      ? errors.map((m) => ({ text: m.text, location: m.location ? { file: resolve(absRoot, m.location.file), line: m.location.line, column: m.location.column + 1 } : null }))
      : [{ text: String((error as Error)?.message ?? error), location: null }];
    return { ok: false, stage: "bundle", messages, inputs: [abs] };
  }
  const temp = join(dirname(abs), `.${basename(abs)}.${process.pid}-${randomBytes(4).toString("hex")}.mjs`);
  try {
    writeFileSync(temp, code);
    return { ok: true, exports: (await import(pathToFileURL(temp).href)) as Record<string, unknown>, inputs };
  } catch (error) {
    return { ok: false, stage: "run", error, inputs };
  } finally {
    rmSync(temp, { force: true });
  }
}
