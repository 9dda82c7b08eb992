// The esbuild plugin: a thin adapter over the compiler's build(). On every build start it
// regenerates the router modules (written atomically, skipped when unchanged), reports
// diagnostics in esbuild's own format (file, line, column, notes), and tells esbuild to watch
// the router and everything it imports, the config and every template folder, so `ctx.watch()`
// rebuilds when they change, after a failed build too.

import type { Message, PartialMessage, Plugin } from "esbuild";
import { existsSync, readdirSync } from "node:fs";
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
      let watchDirs: string[] = [];
      let outDir = join(root, options.outDir ?? ".fawkes") + sep;
      // The errors of the last generation, and whether this build has reported them.
      let failed: PartialMessage[] | null = null;
      let reported = false;

      build.onStart(async () => {
        const result = await buildProject({ root, config: options.config, router: options.router, outDir: options.outDir, templatesDir: options.templatesDir, strict: options.strict });
        if (result.inputs.length) inputs = result.inputs;
        // Every folder under the templates root: esbuild's watchDirs are not recursive, and a
        // template created in app/templates/user/ must rebuild as one in app/templates/ does.
        watchDirs = foldersUnder(join(root, result.options.templatesDir ?? "app/templates"));
        outDir = join(root, result.options.outDir ?? ".fawkes") + sep;
        reported = false;
        const errors = result.diagnostics.filter((d) => d.severity === "error");
        const warnings = await Promise.all(result.diagnostics.filter((d) => d.severity !== "error").map((d) => toMessage(root, d)));
        if (errors.length === 0) {
          failed = null;
          writeFiles(root, result.files);
          return { warnings };
        }
        // Errors returned from onStart end the build before anything is read, so watch mode
        // would watch nothing and a fix would never rebuild: the build goes on against stand-ins
        // for the generated modules (onResolve/onLoad below), which carry the watch lists.
        failed = await Promise.all(errors.map((d) => toMessage(root, d)));
        return { warnings };
      });

      // While generation has failed, an import of a generated module resolves to a stand-in.
      // The stand-in loads without errors, so esbuild records its watch lists (a load that
      // returns errors is dropped with them), and requires a second module whose load reports
      // the errors, so the build fails as it should. The stand-in is CommonJS: imports of its
      // names link (esbuild checks named imports of ES modules only), and the only errors are ours.
      build.onResolve({ filter: /\.gen(\.[cm]?[jt]s)?$/ }, (args) => {
        if (!failed || !args.resolveDir) return undefined;
        const path = resolve(args.resolveDir, args.path);
        // Ours when it is in the out dir, or when it does not exist (a config with errors may be
        // the one that names the out dir).
        const missing = !existsSync(path) && !existsSync(path.replace(/\.[cm]?js$/, ".ts"));
        if (!path.startsWith(outDir) && !missing) return undefined;
        return { path, namespace: FAILED };
      });
      build.onLoad({ filter: /.*/, namespace: FAILED }, () => ({ contents: `module.exports = require(${JSON.stringify(REPORT)});`, loader: "js", watchFiles: inputs, watchDirs }));
      build.onResolve({ filter: new RegExp(`^${REPORT}$`) }, () => ({ path: REPORT, namespace: FAILED_REPORT }));
      build.onLoad({ filter: /.*/, namespace: FAILED_REPORT }, () => {
        reported = true;
        return { errors: failed ?? [] };
      });
      // No generated module imported: the errors still end up in the result.
      build.onEnd((result) => {
        if (failed && !reported) result.errors.push(...(failed as Message[]));
      });

      // esbuild only watches files it read itself: the generated modules carry the router's
      // inputs (and the config's). The filter is static while the out dir may come from the
      // config, so the directory is checked here.
      build.onLoad({ filter: /\.gen\.ts$/ }, async (args) => {
        if (!args.path.startsWith(outDir)) return undefined;
        return { contents: await readFile(args.path, "utf8"), loader: "ts", watchFiles: inputs, watchDirs };
      });
    },
  };
}

const FAILED = "fawkes-failed";
const FAILED_REPORT = "fawkes-failed-report";
const REPORT = "fawkes-build-errors";

function foldersUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return [dir, ...readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isDirectory()).map((e) => join(e.parentPath, e.name))];
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
