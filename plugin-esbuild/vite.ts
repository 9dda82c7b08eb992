// The Vite plugin: the same thin adapter over the compiler's build() as the esbuild one. It
// regenerates the router and template modules when a build starts and, in the dev server, when
// the router, anything it imports, or a template changes (then asks the browser to reload).
// Diagnostics become Vite errors with file, line and column.

import type { Plugin, ViteDevServer } from "vite";
import { join, resolve } from "node:path";
import { build as compile, formatDiagnostic, writeFiles, type Diagnostic } from "../compiler/index.js";

export interface FawkesViteOptions {
  /** Project root (default: Vite's root). */
  root?: string;
  router?: string;
  outDir?: string;
  templatesDir?: string;
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

  const regenerate = (): Diagnostic[] => {
    const result = compile({ root, router: options.router, outDir: options.outDir, templatesDir: options.templatesDir });
    if (result.inputs.length) inputs = new Set(result.inputs);
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
    buildStart() {
      const errors = regenerate();
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
      const templates = join(root, options.templatesDir ?? "app/templates");
      const onChange = (file: string) => {
        if (!inputs.has(file) && !(file.startsWith(templates) && file.endsWith(".eta"))) return;
        const errors = regenerate();
        if (errors.length) server.config.logger.error(errors.map(formatDiagnostic).join("\n\n"));
        else server.ws.send({ type: "full-reload" });
      };
      server.watcher.on("change", onChange);
      server.watcher.on("add", onChange);
      server.watcher.on("unlink", onChange);
    },
  };
}
