// In development the templates are not bundled with the app (issue 10: a template edit must
// cost what one template costs, and esbuild alone re-linking a 1,000-route app is ~150 ms).
// Each generated template module (.fawkes/templates/**/*.gen.ts), the registry module
// (templates.gen.ts) and the route helpers when they call them (helpers.gen.ts: a router edit
// rewrites it, and a tree that changes makes the spare app process stale) is transformed on its
// own (esbuild's transform: TypeScript out, nothing bundled) to a .mjs file under
// _build/dev-templates/, at the same path from there as from the project root, so every
// relative import the generator wrote resolves there once `.js` is `.mjs` (an ES module
// whatever the app's package.json says; a package.json of the tree's own would hide the
// app's, and with it a package's import of itself); the app's bundle imports
// templates.gen.mjs as an external module (devTemplatesPlugin). An app module a template
// imports (a view module, the config's escape function) is bundled to its mirrored path
// (a second copy of it beside the bundle's: development only). A module is transformed again
// only when its text changed: a router edit leaves the 500 templates' files alone.
//
// A template edit then transforms that one module (buildSome) and the app process swaps it in
// (worker-hook.ts): it imports the new file under a version query, a new instance, and the
// loaded instance's `__fawkesSwap` points its exports at the new one's. Every module that
// imports it holds live bindings to those exports, so includes and layouts call the new
// function at once; the old functions are replaced by the new in the `templates` table the
// endpoint holds and in the registry (TemplateRegistry.replace). (Importing templates.gen.mjs
// again instead, to define all 500 anew, would link its 500 imports on every swap.)
// `__fawkesSwap` is added here, to the transformed export statement (swappable below): the
// generated code stays what `fawkes build` writes.
//
// With the router built apart (router-side.ts), the route helpers' module at the tree's
// helpers.gen.mjs is that build's facade, shared with the app's bundle: the tree leaves it alone
// (`routeHelpers: "external"`), and its build of the app's modules takes that build's plugin, so
// a view module's import of the helpers (or the router) is the facade too, not a copy.
//
// ES modules cannot be unloaded: each swap keeps the old instance (a few KB of a template) in
// the process until it restarts, which every edit of anything but a template does.
// Measured (bench:build's app, load ~10): one esbuild build with the 502 modules as entry
// points costs 1-2 s a rebuild even with nothing changed (a cost per output file); 502
// transforms in parallel 0.5-0.9 s, once, and one transform ~1 ms.

import { build, transform, type Message, type Plugin } from "esbuild";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";

/** Where the templates' modules are built, relative to the project root. */
export const DEV_TEMPLATES = "_build/dev-templates";

const REGISTRY = "templates.gen.ts";
const SWAP = "__fawkesSwap";

export class TreeBuildError extends Error {
  constructor(readonly errors: Message[]) {
    super(`${errors.length} error(s) building the templates' modules`);
  }
}

export interface TemplateTreeOptions {
  /** "external": the route helpers' module (helpers.gen.mjs) is written by someone else (router-side.ts), not built here. */
  routeHelpers?: "built" | "external";
  /** Plugins for the build of the app's modules the templates import (router-side.ts maps the router's modules to its facades). */
  plugins?: Plugin[];
}

/** Where the tree puts a module of the project (absolute), at its path from the root, as .mjs. */
export function treePath(root: string, module: string): string {
  return join(root, DEV_TEMPLATES, relative(root, module)).replace(/\.[cm]?[jt]sx?$/, ".mjs");
}

export interface TemplateTree {
  /** The file: URL of templates.gen.js for this out dir, what the app's bundle imports. */
  registryUrl(outDir: string): string;
  /**
   * Every module brought up to date (the first build and after any change but a template's):
   * true when a file on disk changed (the app must restart to load it). `written`: the generated
   * files (relative to root) written since the last call; a template module neither written nor
   * new is not read again. Throws TreeBuildError.
   */
  buildAll(outDir: string, written?: readonly string[]): Promise<boolean>;
  /**
   * These modules alone (paths relative to root, `.fawkes/templates/user/show.html.gen.ts`),
   * written for a swap: the file: URLs to swap in, or null when a swap cannot take them (a
   * module that is new, or whose exports changed: the app restarts). Throws TreeBuildError.
   */
  buildSome(outDir: string, modules: readonly string[]): Promise<string[] | null>;
}

interface Built {
  path: string;
  text: string;
  /** A template's module: its export names, which a swap keeps. */
  exports: string | null;
}

export function templateTree(root: string, treeOptions: TemplateTreeOptions = {}): TemplateTree {
  const tree = join(root, DEV_TEMPLATES);
  const externalHelpers = treeOptions.routeHelpers === "external";
  // A last session's files (templates deleted since) are not this one's.
  rmSync(tree, { recursive: true, force: true });
  /** What each file of the tree holds on disk (absolute path), and the source text it was made from. */
  const onDisk = new Map<string, Built & { source: string }>();
  const outputOf = (module: string) => treePath(root, module);

  /** One generated module transformed (swappable when a template's), or null when its text is what made the file on disk. */
  async function transformed(outDirAbs: string, module: string, source: string): Promise<(Built & { source: string }) | null> {
    const path = outputOf(module);
    const was = onDisk.get(path);
    if (was?.source === source) return null;
    const out = await transform(source, { loader: "ts", format: "esm", target: "node20", sourcemap: "inline", sourcefile: relative(dirname(path), module).split(sep).join("/") }).catch(rethrow);
    const template = module.startsWith(join(outDirAbs, "templates") + sep) && !module.endsWith(`${sep}__registry.gen.ts`);
    const code = out.code.replace(RELATIVE_IMPORT, (_, head: string, spec: string) => `${head}"${spec}.mjs";`);
    const made = template ? swappable(code) : { text: code, exports: null };
    return { path, source, ...made };
  }

  function write(files: ReadonlyArray<Built & { source: string }>): void {
    for (const f of files) {
      mkdirSync(dirname(f.path), { recursive: true });
      // Atomic: the spare app process may be loading the tree while a swap writes it.
      writeFileSync(`${f.path}.${process.pid}.tmp`, f.text);
      renameSync(`${f.path}.${process.pid}.tmp`, f.path);
      onDisk.set(f.path, f);
    }
  }

  return {
    registryUrl: (outDir) => pathToFileURL(outputOf(join(resolve(root, outDir), REGISTRY))).href,

    async buildAll(outDir, written) {
      const outDirAbs = resolve(root, outDir);
      const modules = modulesOf(outDirAbs);
      const fresh = written && new Set(written.map((f) => resolve(root, f)));
      const templates = join(outDirAbs, "templates") + sep;
      // The source a file on disk was made from stands for a template module not written since.
      const sources = modules.map((m) => {
        const known = fresh && m.startsWith(templates) && !fresh.has(m) ? onDisk.get(outputOf(m))?.source : undefined;
        return known ?? readFileSync(m, "utf8");
      });
      const helpers = join(outDirAbs, "helpers.gen.ts");
      if (!externalHelpers && modules.length && sources.some(callsRoutes) && existsSync(helpers)) {
        modules.push(helpers);
        sources.push(readFileSync(helpers, "utf8"));
      }
      const files = (await Promise.all(modules.map((m, i) => transformed(outDirAbs, m, sources[i])))).filter((f) => f !== null);
      // The app's modules the templates import, bundled each (their own imports inlined).
      const app = appModules(outDirAbs, modules, sources);
      const kept = new Set([...modules, ...app].map(outputOf));
      if (app.length) {
        const result = await build({ absWorkingDir: root, entryPoints: app, outdir: tree, outbase: root, outExtension: { ".js": ".mjs" }, bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", sourcemap: "inline", write: false, logLevel: "silent", plugins: treeOptions.plugins }).catch(rethrow);
        for (const f of result.outputFiles ?? []) if (onDisk.get(f.path)?.text !== f.text) files.push({ path: f.path, text: f.text, exports: null, source: "" });
      }
      write(files);
      let changed = files.length > 0;
      // A deleted template's file, a view module no template imports any more.
      for (const path of [...onDisk.keys()]) {
        if (kept.has(path)) continue;
        rmSync(path, { force: true });
        onDisk.delete(path);
        changed = true;
      }
      return changed;
    },

    async buildSome(outDir, modules) {
      const outDirAbs = resolve(root, outDir);
      const files: Array<Built & { source: string }> = [];
      for (const m of modules) {
        const module = resolve(root, m);
        const source = readFileSync(module, "utf8");
        const was = onDisk.get(outputOf(module));
        // A swap re-points the exports a module had: a new module, or one with other exports (a
        // template that became async has a `$async` function more), is loaded by a restart.
        // So is one that imports what the tree lacks (a view module no template imported).
        if (!was || was.exports === null) return null;
        const imported = [...appModules(outDirAbs, [module], [source]), ...(callsRoutes(source) && !externalHelpers ? [join(outDirAbs, "helpers.gen.ts")] : [])];
        const missing = imported.some((a) => !onDisk.has(outputOf(a)));
        if (missing) return null;
        const made = await transformed(outDirAbs, module, source);
        if (made && made.exports !== was.exports) return null;
        if (made) files.push(made);
      }
      write(files);
      return files.map((f) => pathToFileURL(f.path).href);
    },
  };
}

function rethrow(e: { errors?: Message[] }): never {
  if (e.errors) throw new TreeBuildError(e.errors);
  throw e;
}

/** A template's module that calls Routes (imports helpers.gen.js: compiler/emit/templates/scope.ts). */
const callsRoutes = (source: string) => /^import [^\n]* from "(?:\.\.?\/)+helpers\.gen\.js";$/m.test(source);

/** The modules the tree is made of: every template's and the registry (buildAll adds the route helpers when a template calls them). */
function modulesOf(outDirAbs: string): string[] {
  const registry = join(outDirAbs, REGISTRY);
  if (!existsSync(registry)) return [];
  const templates = join(outDirAbs, "templates");
  const modules = existsSync(templates)
    ? readdirSync(templates, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith(".gen.ts")).map((e) => join(e.parentPath, e.name))
    : [];
  return [registry, ...modules].sort();
}

// The value imports the generator writes (compiler/emit/templates/imports.ts: one line each,
// `import { a as b } from "../../../app/views/user.js";`); `import type` lines are erased.
const VALUE_IMPORT = /^(?:import (?!type )[^\n]*?|export \{[^}\n]*\}) from "(\.{1,2}\/[^"]+)";$/gm;
// A relative import as esbuild prints it, one statement a line (a template's text is in string
// literals, never at the start of a line): its `.js` is the tree's `.mjs`.
const RELATIVE_IMPORT = /^((?:import|export)\b[^\n]*? from )"(\.{1,2}\/[^"\n]+)\.js";$/gm;
const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mts", ".js", ".mjs", ".jsx"];

/** The app's modules (outside the out dir) that these generated modules import. */
function appModules(outDirAbs: string, modules: readonly string[], sources: readonly string[]): string[] {
  const found = new Set<string>();
  for (const [i, module] of modules.entries()) {
    for (const [, spec] of sources[i].matchAll(VALUE_IMPORT)) {
      const target = resolve(dirname(module), spec);
      if (target.startsWith(outDirAbs + sep)) continue;
      const base = target.replace(/\.[cm]?jsx?$/, "");
      const file = [target, ...SOURCE_EXTENSIONS.map((e) => base + e)].find((f) => existsSync(f) && !f.endsWith(sep));
      if (file) found.add(file);
    }
  }
  return [...found].sort();
}

/**
 * The app's bundle without the templates: its import of templates.gen.ts (the app's
 * `views: { templates }`, or renderTemplate) is the tree's templates.gen.js.
 */
export function devTemplatesPlugin(root: string, outDir: () => string, tree: TemplateTree): Plugin {
  return {
    name: "fawkes-dev-templates",
    setup(b) {
      b.onResolve({ filter: /(^|[\\/])templates\.gen(\.[cm]?[jt]s)?$/ }, (args) => {
        if (!args.resolveDir) return undefined;
        const module = resolve(args.resolveDir, args.path).replace(/\.[cm]?js$/, ".ts");
        if (module !== join(resolve(root, outDir()), REGISTRY)) return undefined;
        return { path: tree.registryUrl(outDir()), external: true };
      });
    },
  };
}

/**
 * A transformed template module with `__fawkesSwap(next)`, which points each of its exports
 * at `next`'s. The generator ends a template's module with one `export { a, b };`: a function
 * declaration's binding is reassigned in place (it stays hoisted, as includes in a cycle of
 * templates need); any other export (a `const`) goes through a `var` of its own.
 * `exports`: the export names, sorted (a swap needs the same).
 */
export function swappable(code: string): { text: string; exports: string } {
  const block = [...code.matchAll(/^export \{([^}]*)\};$/gm)].at(-1);
  const members = (block?.[1] ?? "").split(",").map((m) => m.trim()).filter(Boolean).map((m) => {
    const [local, exported = local] = m.split(/\s+as\s+/);
    return { local, exported };
  });
  const vars: string[] = [];
  const exports: string[] = [];
  const swaps: string[] = [];
  for (const [i, { local, exported }] of members.entries()) {
    const key = JSON.stringify(exported.replace(/^"|"$/g, ""));
    if (new RegExp(`^(?:async )?function\\*? ${local.replace(/\$/g, "\\$")}\\(`, "m").test(code)) {
      exports.push(local === exported ? local : `${local} as ${exported}`);
      swaps.push(`${local} = next[${key}];`);
    } else {
      vars.push(`__fawkes_swap$${i} = ${local}`);
      exports.push(`__fawkes_swap$${i} as ${exported}`);
      swaps.push(`__fawkes_swap$${i} = next[${key}];`);
    }
  }
  const tail = [
    ...(vars.length ? [`var ${vars.join(", ")};`] : []),
    `export { ${exports.join(", ")} };`,
    `// fawkes server: the exports above re-pointed at a new instance of this module (compiler/cli/server/templates-tree.ts).`,
    `export function ${SWAP}(next) { ${swaps.join(" ")} }`,
  ].join("\n");
  const text = block ? code.slice(0, block.index) + tail + code.slice(block.index! + block[0].length) : code.replace(/(\n\/\/# sourceMappingURL=[^\n]*\n?)?$/, (m) => `\n${tail}${m}`);
  return { text, exports: members.map((m) => m.exported).sort().join(",") };
}
