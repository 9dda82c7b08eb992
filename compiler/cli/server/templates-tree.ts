// In development the templates are not bundled with the app (issue 10: a template edit must
// cost what one template costs, and esbuild alone re-linking a 1,000-route app is ~150 ms).
// Each generated template module (.fawkes/templates/**/*.gen.ts), the registry module
// (templates.gen.ts) and the route helpers they call (helpers.gen.ts) is built to a file of
// its own under _build/dev-templates/ (the out dir's layout, .mjs), and the app's bundle
// imports templates.gen.mjs as an external module (devTemplatesPlugin). Between those files
// the imports stay imports (absolute file: URLs, so the process's module cache knows each file
// by one name); anything else a template imports (a view module, the config's escape
// function) is bundled into the template's file (a copy per template, development only).
//
// A template edit then rebuilds that one module (buildSome) and the app process swaps it in
// (worker-hook.ts): it imports the new file under a version query, a new instance, and the
// loaded instance's `__fawkesSwap` points its exports at the new one's. Every module that
// imports it holds live bindings to those exports, so includes and layouts call the new
// function at once; templates.gen.mjs is imported again the same way, which defines every
// template in the registry anew, and its `templates` table is copied over the one the
// endpoint holds. `__fawkesSwap` is added here, to the built file's export statement
// (swappable below): the generated code stays what `fawkes build` writes.
//
// ES modules cannot be unloaded: each swap keeps the old instance (a few KB of a template) in
// the process until it restarts, which every edit of anything but a template does.

import { build, context, type BuildContext, type BuildOptions, type Message, type OutputFile, type Plugin } from "esbuild";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
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

export interface TemplateTree {
  /** The file: URL of templates.gen.mjs, what the app's bundle imports. */
  readonly registryUrl: string;
  /**
   * Every module built (the first build and after any change but a template's): true when a
   * file on disk changed (the app must restart to load it). Throws TreeBuildError.
   */
  buildAll(outDir: string): Promise<boolean>;
  /**
   * These modules alone (paths relative to root, `.fawkes/templates/user/show.html.gen.ts`),
   * written for a swap: the file: URLs to swap in, or null when a swap cannot take them (a
   * module that is new, or whose exports changed: the app restarts). Throws TreeBuildError.
   */
  buildSome(outDir: string, modules: readonly string[]): Promise<string[] | null>;
  dispose(): Promise<void>;
}

export function templateTree(root: string): TemplateTree {
  const tree = join(root, DEV_TEMPLATES);
  /** What each built file holds on disk, by absolute path (with the export names of a swappable one). */
  const onDisk = new Map<string, { text: string; exports: string | null }>();
  let ctx: { key: string; context: BuildContext } | null = null;

  const outputOf = (outDirAbs: string, module: string) => join(tree, relative(outDirAbs, module)).replace(/\.ts$/, ".mjs");
  const options = (outDirAbs: string, entries: readonly string[]): BuildOptions => ({
    absWorkingDir: root,
    entryPoints: [...entries],
    outdir: tree,
    outbase: outDirAbs,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: true,
    write: false,
    logLevel: "silent",
    plugins: [modulesExternal(new Set(entries), (m) => outputOf(outDirAbs, m))],
  });

  /** The outputs as they go to disk (swappable where a template's), and which differ from it. */
  function settle(outDirAbs: string, files: readonly OutputFile[]) {
    const templates = join(tree, "templates") + "/";
    const registry = join(tree, "templates/__registry.gen.mjs");
    return files.map((f) => {
      const swaps = f.path.startsWith(templates) && f.path.endsWith(".mjs") && f.path !== registry;
      const made = swaps ? swappable(f.text) : { text: f.text, exports: null };
      return { path: f.path, ...made, same: onDisk.get(f.path)?.text === made.text };
    });
  }

  function write(files: ReturnType<typeof settle>): void {
    for (const f of files) {
      if (f.same) continue;
      mkdirSync(dirname(f.path), { recursive: true });
      writeFileSync(f.path, f.text);
      onDisk.set(f.path, { text: f.text, exports: f.exports });
    }
  }

  return {
    registryUrl: pathToFileURL(join(tree, REGISTRY.replace(/\.ts$/, ".mjs"))).href,

    async buildAll(outDir) {
      const outDirAbs = resolve(root, outDir);
      const entries = modulesOf(outDirAbs);
      const key = `${outDirAbs}\0${entries.join("\0")}`;
      if (ctx?.key !== key) {
        await ctx?.context.dispose();
        ctx = entries.length ? { key, context: await context(options(outDirAbs, entries)) } : null;
      }
      let built: OutputFile[] = [];
      if (ctx) {
        const result = await ctx.context.rebuild().catch((e: { errors?: Message[] }) => {
          if (e.errors) throw new TreeBuildError(e.errors);
          throw e;
        });
        built = result.outputFiles ?? [];
      }
      const files = settle(outDirAbs, built);
      write(files);
      // A deleted template's file.
      const kept = new Set(files.map((f) => f.path));
      let changed = files.some((f) => !f.same);
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
      const entries = modulesOf(outDirAbs);
      const wanted = modules.map((m) => resolve(root, m));
      if (!wanted.every((m) => entries.includes(m))) return null;
      const result = await build({ ...options(outDirAbs, entries), entryPoints: wanted }).catch((e: { errors?: Message[] }) => {
        if (e.errors) throw new TreeBuildError(e.errors);
        throw e;
      });
      const files = settle(outDirAbs, result.outputFiles ?? []);
      const swapped = files.filter((f) => f.path.endsWith(".mjs"));
      // A swap re-points the exports a module had: one with other exports (a template that
      // became async has a `$async` function more) is loaded by a restart.
      if (swapped.some((f) => f.exports === null || onDisk.get(f.path)?.exports !== f.exports)) return null;
      write(files);
      return swapped.filter((f) => !f.same).map((f) => pathToFileURL(f.path).href);
    },

    async dispose() {
      await ctx?.context.dispose();
      ctx = null;
    },
  };
}

/** The modules the tree is made of: every template's, the registry, and the route helpers when there are routes. */
function modulesOf(outDirAbs: string): string[] {
  const registry = join(outDirAbs, REGISTRY);
  if (!existsSync(registry)) return [];
  const templates = join(outDirAbs, "templates");
  const modules = existsSync(templates)
    ? readdirSync(templates, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith(".gen.ts")).map((e) => join(e.parentPath, e.name))
    : [];
  const helpers = join(outDirAbs, "helpers.gen.ts");
  return [registry, ...(existsSync(helpers) ? [helpers] : []), ...modules].sort();
}

/**
 * The tree's modules import each other as they are (never bundled into one another): by the
 * file: URL of the built file, whoever imports them (a template, or a view module bundled into it).
 */
function modulesExternal(entries: ReadonlySet<string>, outputOf: (module: string) => string): Plugin {
  return {
    name: "fawkes-dev-templates",
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind === "entry-point") return undefined;
        const module = resolve(args.resolveDir, args.path).replace(/\.[cm]?js$/, ".ts");
        if (!entries.has(module)) return undefined;
        return { path: pathToFileURL(outputOf(module)).href, external: true };
      });
    },
  };
}

/**
 * The app's bundle without the templates: its import of templates.gen.ts (the app's
 * `views: { templates }`, or renderTemplate) is the tree's templates.gen.mjs.
 */
export function devTemplatesPlugin(root: string, outDir: () => string, registryUrl: string): Plugin {
  return {
    name: "fawkes-dev-templates-external",
    setup(b) {
      b.onResolve({ filter: /(^|[\\/])templates\.gen(\.[cm]?[jt]s)?$/ }, (args) => {
        if (!args.resolveDir) return undefined;
        const module = resolve(args.resolveDir, args.path).replace(/\.[cm]?js$/, ".ts");
        if (module !== join(resolve(root, outDir()), REGISTRY)) return undefined;
        return { path: registryUrl, external: true };
      });
    },
  };
}

/**
 * A built template module with `__fawkesSwap(next)`, which points each of its exports at
 * `next`'s. esbuild ends an ES module bundle with one `export { a, b as c };`: a function
 * declaration's binding is reassigned in place (it stays hoisted, as includes in a cycle of
 * templates need); any other export (a `const`) goes through a `var` of its own.
 * `exports`: the export names, sorted (a swap needs the same).
 */
export function swappable(code: string): { text: string; exports: string } {
  const all = [...code.matchAll(/^export \{([^}]*)\};$/gm)];
  const block = all.at(-1);
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
