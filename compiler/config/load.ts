// Finds and runs `fawkes.config.ts` (or .mts/.js/.mjs) in the project root (bundled and imported
// by _import.ts, so a TypeScript config and its local imports work).
// What comes back is checked (validate.ts); every problem is a diagnostic at the config's line.

import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Diagnostic } from "../diagnostics.js";
import { relativePosix } from "../paths.js";
import type { FawkesConfig } from "./define.js";
import { importProjectModule } from "./_import.js";
import { validateConfig } from "./validate.js";

/** Looked for in this order in the project root. */
export const CONFIG_FILES = ["fawkes.config.ts", "fawkes.config.mts", "fawkes.config.js", "fawkes.config.mjs"] as const;

export interface LoadedConfig {
  /** The config file, relative to root; null when the project has none. */
  file: string | null;
  /** The config's values; `{}` without a file or when it has errors. */
  config: FawkesConfig;
  diagnostics: Diagnostic[];
  /** The config file and the local modules it imports (absolute), for watch lists. */
  inputs: string[];
}

/**
 * Loads the project's config. `file` (relative to root) names one explicitly (the CLI's
 * `--config`); it must then exist.
 *
 * @example
 * const { config, diagnostics } = await loadConfig(process.cwd());
 */
export async function loadConfig(root: string, file?: string): Promise<LoadedConfig> {
  const absRoot = resolve(root);
  const abs = file !== undefined ? resolve(absRoot, file) : CONFIG_FILES.map((f) => join(absRoot, f)).find((f) => existsSync(f));
  if (abs === undefined) return { file: null, config: {}, diagnostics: [], inputs: [] };
  const rel = relativePosix(absRoot, abs);
  const fail = (diagnostics: Diagnostic[], inputs: string[] = [abs]): LoadedConfig => ({ file: rel, config: {}, diagnostics, inputs });
  if (!existsSync(abs)) {
    return fail([{ code: "CONFIG_NOT_FOUND", severity: "error", message: `config file ${rel} does not exist`, loc: { file: rel, line: 1, column: 1 } }], []);
  }

  const imported = await importProjectModule(absRoot, abs);
  if (!imported.ok && imported.stage === "bundle") {
    return fail(
      imported.messages.map((m) => ({
        code: "CONFIG_SYNTAX",
        severity: "error" as const,
        message: m.text,
        loc: m.location ? { file: relativePosix(absRoot, m.location.file), line: m.location.line, column: m.location.column } : { file: rel, line: 1, column: 1 },
      })),
    );
  }
  const inputs = imported.inputs;
  if (!imported.ok) {
    const error = imported.error;
    return fail([{ code: "CONFIG_LOAD", severity: "error", message: `running ${rel} failed: ${(error as Error)?.message ?? String(error)}`, loc: { file: rel, line: 1, column: 1 } }], inputs);
  }
  const exported = imported.exports.default;
  if (exported === undefined) {
    return fail([{ code: "CONFIG_INVALID", severity: "error", message: `${rel} has no default export`, loc: { file: rel, line: 1, column: 1 }, hint: 'export default defineConfig({ ... }) (import { defineConfig } from "fawkes/config")' }], inputs);
  }

  const issues = validateConfig(exported);
  if (issues.length) {
    const source = readFileSync(abs, "utf8");
    // Only a config with mistakes needs TypeScript's parser (to point at the key): loaded then.
    const { locateKey } = await import("./locate.js");
    return fail(
      issues.map((i) => ({ code: i.code, severity: "error" as const, message: i.message, loc: locateKey(source, rel, i.path), ...(i.hint ? { hint: i.hint } : {}) })),
      inputs,
    );
  }
  const config = exported as FawkesConfig;
  // outDir as a folder (`./gen/` is `gen`): the generated files' names start with it, and what
  // compares them with a folder (fawkes server's watcher, its swaps) needs one spelling.
  if (config.outDir !== undefined) return { file: rel, config: { ...config, outDir: relativePosix(absRoot, resolve(absRoot, config.outDir)) }, diagnostics: [], inputs };
  return { file: rel, config, diagnostics: [], inputs };
}
