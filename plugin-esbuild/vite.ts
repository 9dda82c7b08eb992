// The Vite plugin: the same thin adapter over the compiler's build() as the esbuild one, plus
// what a Vite dev server gives.
//
// - Generation: on buildStart, and in the dev server whenever the router, anything it imports,
//   the config or a template (created and deleted ones too) changes. The generated modules are
//   written to the out dir (for tsc and editors) and also kept in memory as virtual modules:
//   `import { Routes } from "virtual:fawkes/helpers"` (one per generated file, `\0virtual:` ids,
//   Vite's convention), which load the last good generation and fail with its diagnostics.
// - Watching: every input goes to addWatchFile, so `vite build --watch` rebuilds on a change.
// - Reload: after a good regeneration the browser gets a full reload over Vite's HMR socket;
//   after a bad one, Vite's error overlay with the first diagnostic's file:line:col and a frame.
// - Serving (`dev: { entry }`): a middleware after Vite's own hands every request Vite did not
//   answer to the Fawkes endpoint the entry exports, loaded through the SSR environment's module
//   runner (Vite 6+'s replacement for ssrLoadModule), so the app's modules are transformed by
//   Vite and re-evaluated after a change; HTML pages get Vite's client script injected, so
//   they reload and show the overlay. Channels' WebSockets are not proxied (see README).

import type { Connect, Plugin, ViteDevServer } from "vite";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { transform } from "esbuild";
import { join, posix, resolve, sep } from "node:path";
import { buildProject, CONFIG_FILES, formatDiagnostic, writeFiles, type Diagnostic } from "../compiler/index.js";
import { TemplateCache } from "../compiler/templates/cache.js";

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
  /**
   * Serve the app from the dev server: `entry` (relative to root) exports the endpoint as
   * `export` (default "endpoint", else the default export), an Endpoint or a function returning one.
   */
  dev?: { entry: string; export?: string };
}

/** The prefix of the virtual modules: `virtual:fawkes/helpers` is `<outDir>/helpers.gen.ts`. */
export const VIRTUAL_PREFIX = "virtual:fawkes/";
const RESOLVED = "\0" + VIRTUAL_PREFIX;

interface Generation {
  /** Generated files by path relative to root (the last good generation's). */
  files: Map<string, string>;
  /** The errors of the last generation; empty when it succeeded. */
  errors: Diagnostic[];
  outDir: string;
}

/**
 * @example
 * // vite.config.ts
 * import { fawkes } from "fawkes/vite";
 * export default defineConfig({ plugins: [fawkes({ dev: { entry: "app/endpoint.ts" } })] });
 */
export function fawkes(options: FawkesViteOptions = {}): Plugin {
  let root = options.root ? resolve(options.root) : process.cwd();
  let inputs = new Set<string>();
  let templates = "";
  // The view modules' folder: a module created there changes what templates can call.
  let views = "";
  let queue: Promise<unknown> = Promise.resolve();
  const state: Generation = { files: new Map(), errors: [], outDir: options.outDir ?? ".fawkes" };
  let serving = false;
  // The templates compiler's results across regenerations: a template edit compiles that template.
  const templateCache = new TemplateCache();
  let logger: { error(message: string, options?: { timestamp?: boolean }): void } | undefined;

  /** Regenerates; resolves with the files written (absolute) and the errors. */
  const regenerate = async (): Promise<{ written: string[]; errors: Diagnostic[] }> => {
    const result = await buildProject({ root, config: options.config, router: options.router, outDir: options.outDir, templatesDir: options.templatesDir, strict: options.strict, templateCache });
    if (result.inputs.length) inputs = new Set(result.inputs);
    templates = join(root, result.options.templatesDir ?? "app/templates") + sep;
    views = join(root, result.options.templates?.viewsDir ?? "app/views") + sep;
    state.outDir = result.options.outDir ?? ".fawkes";
    state.errors = result.diagnostics.filter((d) => d.severity === "error");
    if (state.errors.length) return { written: [], errors: state.errors };
    state.files = result.files;
    return { written: writeFiles(root, result.files).written.map((f) => join(root, f)), errors: [] };
  };

  /** The generated file a virtual id stands for (relative to root). */
  // A template's module keeps its `.gen` in the id (`virtual:fawkes/templates/user/show.html.gen`):
  // an id ending in `.html` would be taken by Vite's HTML plugin.
  const fileOf = (id: string) => {
    const rest = id.slice(RESOLVED.length);
    return `${state.outDir}/${rest.endsWith(".gen") ? `${rest}.ts` : `${rest}.gen.ts`}`.replace(/^\.\//, "");
  };

  return {
    name: "fawkes",
    enforce: "pre",
    config(user) {
      // Without this, Vite's SPA fallback answers page requests with index.html before the app sees them.
      if (options.dev && user.appType === undefined) return { appType: "custom" };
      return undefined;
    },
    configResolved(config) {
      if (!options.root) root = config.root;
      serving = config.command === "serve";
      logger = config.logger;
    },
    async buildStart() {
      const { errors } = await regenerate();
      for (const file of watchList(inputs, templates)) this.addWatchFile(file);
      if (!errors.length) return;
      // A dev server starts anyway: the overlay shows the errors and a fix reloads the page.
      if (serving) logger?.error(viteError(root, errors).message, { timestamp: true });
      else this.error(viteError(root, errors));
    },
    resolveId(source, importer) {
      if (source.startsWith(VIRTUAL_PREFIX)) return "\0" + source;
      // A generated module imports other generated modules (./matcher.gen.js; the templates'
      // registry its templates' ./templates/user/show.html.gen.js, and they one another and
      // ../../helpers.gen.js) and the app (../app/...).
      if (importer?.startsWith(RESOLVED) && source.startsWith(".")) {
        const from = importer.slice(RESOLVED.length);
        const target = posix.join(posix.dirname(from), source);
        const generated = /^([\w.@$/-]+)\.gen\.js$/.exec(target);
        if (generated && !target.startsWith("../")) return RESOLVED + (generated[1].includes("/") ? `${generated[1]}.gen` : generated[1]);
        return this.resolve(source, join(root, fileOf(importer)), { skipSelf: true });
      }
      return undefined;
    },
    async load(id) {
      if (!id.startsWith(RESOLVED)) return undefined;
      if (state.errors.length) this.error(viteError(root, state.errors));
      const file = fileOf(id);
      const code = state.files.get(file) ?? (existsSync(join(root, file)) ? readFileSync(join(root, file), "utf8") : undefined);
      if (code === undefined) {
        // The out dir's own modules (not each template's, under templates/).
        const known = [...state.files.keys()].filter((f) => !f.slice(state.outDir.replace(/^\.\//, "").length + 1).includes("/")).map((f) => VIRTUAL_PREFIX + f.slice(f.lastIndexOf("/") + 1, -".gen.ts".length));
        this.error(`${id.slice(1)} is not a generated module; there are: ${known.join(", ") || "none (no router and no templates)"}`);
      }
      // The generated modules are TypeScript, and Vite transforms TypeScript by the file's extension,
      // which a virtual id has not: stripped here, with a source map back to the generated file.
      const out = await transform(code!, { loader: "ts", format: "esm", target: "es2022", sourcemap: "external", sourcefile: join(root, file) });
      return { code: out.code, map: out.map };
    },
    configureServer(server: ViteDevServer) {
      const onChange = (file: string) => {
        const isConfig = CONFIG_FILES.some((f) => file === join(root, f)); // a config created where there was none counts too
        const viewModule = views !== "" && file.startsWith(views) && /\.(m|c)?[jt]sx?$/.test(file);
        if (!isConfig && !viewModule && !inputs.has(file) && !(templates && file.startsWith(templates) && file.endsWith(".eta"))) return;
        // One regeneration at a time: a burst of saves queues behind the running one.
        queue = queue
          .then(regenerate)
          .then(({ written, errors }) => {
            for (const file of watchList(inputs, templates)) server.watcher.add(file);
            invalidate(server, written);
            if (errors.length) {
              const error = viteError(root, errors);
              server.config.logger.error(error.message, { timestamp: true });
              server.ws.send({ type: "error", err: { ...error, stack: "" } });
            } else {
              server.ws.send({ type: "full-reload", path: "*" });
            }
          })
          // Never left rejected: the next change must regenerate again.
          .catch((e: unknown) => server.config.logger.error(`fawkes: ${(e as Error)?.message ?? String(e)}`, { timestamp: true }));
      };
      server.watcher.on("change", onChange);
      server.watcher.on("add", onChange);
      server.watcher.on("unlink", onChange);
      if (!options.dev) return undefined;
      const dev = options.dev;
      // Returned: runs after Vite's own middlewares, so /@vite/client and the app's assets go first.
      const failure = () => (state.errors.length ? Object.assign(new Error(), viteError(root, state.errors)) : undefined);
      return () => server.middlewares.use(appMiddleware(server, { entry: () => join(root, dev.entry), exportName: dev.export ?? "endpoint", settled: () => queue, failure }));
    },
  };
}

/** Drops what the last regeneration changed from every environment's module graph and the SSR runner's cache. */
function invalidate(server: ViteDevServer, written: string[]): void {
  for (const environment of Object.values(server.environments)) {
    const graph = environment.moduleGraph;
    for (const [id, mod] of graph.idToModuleMap) if (id.startsWith(RESOLVED)) graph.invalidateModule(mod);
    for (const file of written) for (const mod of graph.getModulesByFile(file) ?? []) graph.invalidateModule(mod);
  }
  const ssr = server.environments.ssr as { runner?: { evaluatedModules: { clear(): void } } };
  // Next request evaluates the app again, with the new generated modules.
  ssr.runner?.evaluatedModules.clear();
}

interface EndpointLike {
  handler(req: IncomingMessage, res: ServerResponse): void;
}

interface AppOptions {
  entry: () => string;
  exportName: string;
  /** Resolves when no regeneration is under way. */
  settled: () => Promise<unknown>;
  /** The last regeneration's errors as one error, when it failed. */
  failure: () => Error | undefined;
}

/**
 * While the last regeneration failed, a page load (GET/HEAD asking for HTML) gets Vite's error
 * page, which opens the overlay; anything else (assets, fetches, forms) is still answered by
 * the last good generation, so an open page keeps working until it reloads.
 */
function appMiddleware(server: ViteDevServer, options: AppOptions): Connect.NextHandleFunction {
  const { entry, exportName, settled, failure } = options;
  const endpoints = new WeakMap<object, EndpointLike>();
  return (req, res, next) => {
    void (async () => {
      await settled(); // a regeneration under way finishes first
      const failed = failure();
      if (failed && (req.method === "GET" || req.method === "HEAD") && /text\/html/.test(req.headers.accept ?? "")) return next(failed);
      const runner = (server.environments.ssr as { runner?: { import(url: string): Promise<Record<string, unknown>> } }).runner;
      if (!runner) throw new Error("fawkes: the ssr environment of this Vite server cannot run modules (it is not a RunnableDevEnvironment)");
      const mod = await runner.import(entry());
      let endpoint = endpoints.get(mod);
      if (!endpoint) {
        endpoint = endpointOf(mod, exportName, entry());
        endpoints.set(mod, endpoint);
      }
      withViteClient(req, res, server);
      endpoint.handler(req, res);
    })().catch((error: unknown) => next(error));
  };
}

function endpointOf(mod: Record<string, unknown>, exportName: string, file: string): EndpointLike {
  let value = mod[exportName] ?? (exportName === "endpoint" ? mod.default : undefined);
  if (typeof value === "function" && !("handler" in value)) value = (value as () => unknown)();
  if (value === null || typeof value !== "object" || typeof (value as EndpointLike).handler !== "function") {
    throw new Error(`fawkes: ${file} must export an endpoint (defineEndpoint(...)) or a function returning one as "${exportName}"${exportName === "endpoint" ? " or as its default export" : ""}; its exports are: ${Object.keys(mod).join(", ") || "none"}`);
  }
  return value as EndpointLike;
}

/**
 * Holds back an HTML answer to put Vite's client script in its <head> (that script reloads the
 * page and shows the overlay); anything else passes straight through.
 */
function withViteClient(req: IncomingMessage, res: ServerResponse, server: ViteDevServer): void {
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, unknown>) => ServerResponse;
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const headers = (typeof rest[0] === "string" ? rest[1] : rest[0]) as Record<string, unknown> | undefined;
    const type = String(headers?.["content-type"] ?? res.getHeader("content-type") ?? "");
    res.writeHead = writeHead as typeof res.writeHead;
    if (!type.startsWith("text/html") || req.method === "HEAD") return writeHead(status, headers);
    res.end = ((chunk?: unknown) => {
      const html = Buffer.isBuffer(chunk) ? chunk.toString("utf8") : typeof chunk === "string" ? chunk : "";
      server.transformIndexHtml(req.url ?? "/", html).then(
        (out) => {
          writeHead(status, { ...headers, "content-length": Buffer.byteLength(out) });
          end(out);
        },
        () => (writeHead(status, headers), end(chunk)),
      );
      return res;
    }) as typeof res.end;
    return res;
  }) as typeof res.writeHead;
}

/** The router, its imports, the config and every template (addWatchFile takes files). */
function watchList(inputs: Set<string>, templates: string): string[] {
  return [...inputs, ...(templates ? templateFiles(templates) : [])];
}

function templateFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSafe(d)) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".eta")) found.push(path);
    }
  };
  walk(dir);
  return found;
}

function readdirSafe(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** The diagnostics as one Vite error: all of them in the message, the first one's place and code frame. */
function viteError(root: string, errors: Diagnostic[]) {
  const [first] = errors;
  const file = join(root, first.loc.file);
  return {
    message: errors.map(formatDiagnostic).join("\n\n"),
    id: file,
    plugin: "fawkes",
    // Rollup's and Vite's columns count from 0 (the message keeps ours, from 1).
    loc: { file, line: first.loc.line, column: first.loc.column - 1 },
    frame: codeFrame(file, first.loc.line, first.loc.column),
  };
}

/** Three lines either side of the error and a caret under its column, as Vite's frames look. */
function codeFrame(file: string, line: number, column: number): string {
  let lines: string[];
  try {
    lines = readFileSync(file, "utf8").split(/\r?\n/);
  } catch {
    return "";
  }
  const from = Math.max(1, line - 3);
  const to = Math.min(lines.length, line + 3);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    out.push(`${String(n).padStart(width)} | ${lines[n - 1]}`);
    if (n === line) out.push(`${" ".repeat(width)} | ${" ".repeat(Math.max(0, column - 1))}^`);
  }
  return out.join("\n");
}
