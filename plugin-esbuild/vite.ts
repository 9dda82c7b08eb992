// The Vite plugin: the same thin adapter over the compiler's build() as the esbuild one. It
// regenerates the router and template modules when a build starts and, in the dev server, when
// the router, anything it imports, or a template changes (then asks the browser to reload).
// Diagnostics become Vite errors with file, line and column.

import type { Plugin, ViteDevServer } from "vite";
import { join, resolve } from "node:path";
import { buildProject, CONFIG_FILES, formatDiagnostic, writeFiles, type Diagnostic } from "../compiler/index.js";

export interface FawkesViteOptions {
  /** Project root (default: Vite's root). */
  root?: string;
  /** Config file relative to root (default: fawkes.config.ts, .mts, .js or .mjs when present). */
  config?: string;
  /** Each of these wins over the config file's value. */
  router?: string;
  outDir?: string;
  templatesDir?: string;
  strict?: boolean;
}

/**
 * @example
 * // vite.config.ts
 * import { fawkes } from "fawkes/vite";
 * export default defineConfig({ plugins: [fawkes()] });
 */
export function fawkes(options: FawkesViteOptions = {}): Plugin {
  let root = options.root ? resolve(options.root) : process.cwd();
  let inputs = new Set<string>();
  let templates = "";
  let queue: Promise<unknown> = Promise.resolve();

  const regenerate = async (): Promise<Diagnostic[]> => {
    const result = await buildProject({ root, config: options.config, router: options.router, outDir: options.outDir, templatesDir: options.templatesDir, strict: options.strict });
    if (result.inputs.length) inputs = new Set(result.inputs);
    templates = join(root, result.options.templatesDir ?? "app/templates");
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    if (errors.length === 0) writeFiles(root, result.files);
    return errors;
  };

  return {
    name: "fawkes",
    enforce: "pre",
    configResolved(config) {
      if (!options.root) root = config.root;
    },
    async buildStart() {
      const errors = await regenerate();
      for (const file of inputs) this.addWatchFile(file);
      if (errors.length) {
        const [first] = errors;
        this.error({
          message: errors.map(formatDiagnostic).join("\n\n"),
          id: join(root, first.loc.file),
          loc: { file: join(root, first.loc.file), line: first.loc.line, column: first.loc.column - 1 },
        });
      }
    },
    configureServer(server: ViteDevServer) {
      const onChange = (file: string) => {
        // A config file created where there was none counts too.
        const isConfig = file.startsWith(root) && CONFIG_FILES.some((f) => file === join(root, f));
        if (!isConfig && !inputs.has(file) && !(templates && file.startsWith(templates) && file.endsWith(".eta"))) return;
        // One rebuild at a time: a burst of saves queues behind the running one.
        queue = queue.then(regenerate).then((errors) => {
          if (errors.length) server.config.logger.error(errors.map(formatDiagnostic).join("\n\n"));
          else server.ws.send({ type: "full-reload" });
        }, (e: unknown) => server.config.logger.error(`fawkes: ${(e as Error).message}`));
      };
      server.watcher.on("change", onChange);
      server.watcher.on("add", onChange);
      server.watcher.on("unlink", onChange);
    },
  };
}
