// The esbuild plugin: a thin adapter over the compiler's build(). On every build start it
// regenerates the router modules (written atomically, skipped when unchanged), reports
// diagnostics in esbuild's own format (file, line, column, notes), and tells esbuild to watch
// the router and everything it imports, and the templates, so `ctx.watch()` rebuilds when they change.

import type { PartialMessage, Plugin } from "esbuild";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { buildProject, writeFiles, type Diagnostic } from "../compiler/index.js";

export interface FawkesEsbuildOptions {
  /** Project root (default: esbuild's absWorkingDir, else the current directory). */
  root?: string;
  /** Config file relative to root (default: fawkes.config.ts, .mts, .js or .mjs when present). */
  config?: string;
  /** Router module relative to root (default: the config's, else `app/router.ts`). */
  router?: string;
  /** Output directory relative to root (default: the config's, else `.fawkes`). */
  outDir?: string;
  /** Templates root relative to root (default: the config's `templates.dir`, else `app/templates`). */
  templatesDir?: string;
  /** Warnings fail the build (default: the config's `strict`). */
  strict?: boolean;
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
      let inputs: string[] = [join(root, options.router ?? "app/router.ts")];
      let templatesDir = join(root, options.templatesDir ?? "app/templates");
      let outDir = join(root, options.outDir ?? ".fawkes") + sep;

      build.onStart(async () => {
        const result = await buildProject({ root, config: options.config, router: options.router, outDir: options.outDir, templatesDir: options.templatesDir, strict: options.strict });
        if (result.inputs.length) inputs = result.inputs;
        templatesDir = join(root, result.options.templatesDir ?? "app/templates");
        outDir = join(root, result.options.outDir ?? ".fawkes") + sep;
        const errors = result.diagnostics.filter((d) => d.severity === "error");
        if (errors.length === 0) writeFiles(root, result.files);
        return {
          errors: await Promise.all(errors.map((d) => toMessage(root, d))),
          warnings: await Promise.all(result.diagnostics.filter((d) => d.severity !== "error").map((d) => toMessage(root, d))),
        };
      });

      // esbuild only watches files it read itself: the generated modules carry the router's
      // inputs (and the config's). The filter is static while the out dir may come from the
      // config, so the directory is checked here.
      build.onLoad({ filter: /\.gen\.ts$/ }, async (args) => {
        if (!args.path.startsWith(outDir)) return undefined;
        return {
          contents: await readFile(args.path, "utf8"),
          loader: "ts",
          watchFiles: inputs,
          // watchDirs: a template added to the templates folder must trigger a rebuild too.
          watchDirs: existsSync(templatesDir) ? [templatesDir] : [],
        };
      });
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
