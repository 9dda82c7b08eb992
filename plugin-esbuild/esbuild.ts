// The esbuild plugin: a thin adapter over the compiler's build(). On every build start it
// regenerates the router modules (written atomically, skipped when unchanged), reports
// diagnostics in esbuild's own format (file, line, column, notes), and tells esbuild to watch
// the router and everything it imports, and the templates, so `ctx.watch()` rebuilds when they change.

import type { PartialMessage, Plugin } from "esbuild";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { build as compile, writeFiles, type Diagnostic } from "../compiler/index.js";

export interface FawkesEsbuildOptions {
  /** Project root (default: esbuild's absWorkingDir, else the current directory). */
  root?: string;
  /** Router module relative to root (default `app/router.ts`). */
  router?: string;
  /** Output directory relative to root (default `.fawkes`). */
  outDir?: string;
  /** Templates root relative to root (default `app/templates`). */
  templatesDir?: string;
}

/**
 * @example
 * import { build } from "esbuild";
 * import { fawkes } from "fawkes/esbuild";
 * await build({ entryPoints: ["app/main.ts"], bundle: true, platform: "node", plugins: [fawkes()] });
 */
export function fawkes(options: FawkesEsbuildOptions = {}): Plugin {
  return {
    name: "fawkes",
    setup(build) {
      const root = resolve(options.root ?? build.initialOptions.absWorkingDir ?? process.cwd());
      const outDir = options.outDir ?? ".fawkes";
      let inputs: string[] = [join(root, options.router ?? "app/router.ts")];

      build.onStart(async () => {
        const result = compile({ root, router: options.router, outDir, templatesDir: options.templatesDir });
        if (result.inputs.length) inputs = result.inputs;
        const errors = result.diagnostics.filter((d) => d.severity === "error");
        if (errors.length === 0) writeFiles(root, result.files);
        return {
          errors: await Promise.all(errors.map((d) => toMessage(root, d))),
          warnings: await Promise.all(result.diagnostics.filter((d) => d.severity !== "error").map((d) => toMessage(root, d))),
        };
      });

      // esbuild only watches files it read itself: the generated modules carry the router's inputs.
      const generated = new RegExp(`[\\\\/]${outDir.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}[\\\\/][^\\\\/]+\\.gen\\.ts$`);
      // watchDirs: a template added to the templates folder must trigger a rebuild too.
      const templatesDir = join(root, options.templatesDir ?? "app/templates");
      build.onLoad({ filter: generated }, async (args) => ({
        contents: await readFile(args.path, "utf8"),
        loader: "ts",
        watchFiles: inputs,
        watchDirs: existsSync(templatesDir) ? [templatesDir] : [],
      }));
    },
  };
}

async function toMessage(root: string, d: Diagnostic): Promise<PartialMessage> {
  const location = async (loc: Diagnostic["loc"]) => ({
    file: loc.file,
    line: loc.line,
    column: loc.column - 1, // esbuild columns are 0-based
    lineText: await lineOf(join(root, loc.file), loc.line),
  });
  return {
    id: d.code,
    pluginName: "fawkes",
    text: `${d.message} [${d.code}]`,
    location: await location(d.loc),
    notes: [
      ...(await Promise.all((d.related ?? []).map(async (r) => ({ text: r.message, location: await location(r.loc) })))),
      ...(d.hint ? [{ text: `hint: ${d.hint}` }] : []),
    ],
  };
}

async function lineOf(file: string, line: number): Promise<string> {
  try {
    return (await readFile(file, "utf8")).split("\n")[line - 1] ?? "";
  } catch {
    return "";
  }
}
