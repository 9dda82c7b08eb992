// In development the router is not bundled with the app (issue 10: a router edit must be served
// within 300 ms, and esbuild alone re-bundling a 1,000-route app is ~170 ms, its restart ~100).
// The router side (the router module, app/router.ts, with any router it mounts, and the out dir's
// router modules: router.gen, matcher.gen, dispatch.gen, routes.gen, helpers.gen) is built apart
// into _build/dev-router/side/, and a router edit builds that alone and swaps it into the
// running app (worker-hook.ts), as a template edit swaps one template's module.
//
// Not one bundle: one ES module per module of the side, each made again only when its text
// changed, and imported by the others at a URL versioned by the hash of what it is (its own
// imports' URLs included, so an importer of a changed module changes too). Measured on
// bench:build's app (1,000 routes, 2.2 MB of generated TypeScript), idle: a bundle of the side
// rebuilt cost 100-120 ms even with nothing changed (linking and printing all of it) and its
// 900 KB source map was read and parsed by the app at each swap (--enable-source-maps). Now
// every module is transformed, not bundled: a generated one in runs of statements kept by their
// text (_chunked-transform.ts: a one-route edit re-transforms ~200 KB of the 2.2 MB), a router
// (the user's code) whole, with an inline source map (its lines are what a stack trace should
// name; the generated JavaScript reads well without one). Its imports of the side's modules
// become their versioned URLs; of the app's modules, reads of the registry (below) where that
// is exact: a namespace import (the namespace object is as live as the import), and any import
// of a generated module (dispatch.gen's of the controllers: it reads every action as it loads,
// to make its table). A module that imports the app's in another way (a router's named import
// of a plug: a binding is live, a read of it is not), a module node would not resolve as a
// package (a tsconfig path), or a dynamic import, is bundled alone by an esbuild context of
// its own, the side's other modules left as imports, the app's read through the CommonJS
// registry modules below: what every module of the side was before.
//
// One instance of each app module. The router side imports the app's controllers and plugs
// (dispatch.gen refers to every action; a controller imports the endpoint to broadcast, and must
// reach the serving one), so it must not bundle copies of them. Every import it makes of a
// project file outside the side is a CommonJS module of its own in the module's bundle, `module.exports` read
// from a registry on globalThis (REGISTRY below): CommonJS because esbuild's interop then
// serves namespace, named and default imports without knowing the export names. The registry
// entry marks itself `__esModule` (a default import reads `.default`) and reads through getters
// (live bindings; an `export const` is read when used, not when the side loads). Esbuild's
// interop follows node's rules instead (a default import is the whole `module.exports`) for an
// importer in a `"type": "module"` package, unless a plugin resolved that importer: this
// plugin resolves every file of the side itself. Packages stay imports (external): node
// resolves them from _build/ as it does for the bundle, the same instances. (A tsconfig path
// to a file outside the project, as this repository's own test apps have for `fawkes`, is a
// package too: the bundle takes that file, the side the package; the templates' tree does so too.)
//
// The app's bundle (appPlugin) sees two things instead of the side:
//   - router.gen: a module made here (bundleModule) that imports the app's modules the side
//     needs (esbuild orders them first, as it orders dispatch.gen's imports in a plain bundle),
//     fills the registry with their namespaces, loads the side (a top-level await, before the
//     endpoint's module runs), and re-exports the router facade's bindings;
//   - helpers.gen: the helpers facade, external, the same file the templates' tree imports.
// A facade (_build/dev-router/router.gen.mjs, the tree's helpers.gen.mjs) is a small ES module
// with one `let` per export of its side module and `__fawkesSwap(next)` that points them at a
// new build's (imported at its new URL: a new instance of it and of every module it reaches
// that changed, the unchanged ones shared); every importer holds live bindings, so `import { Routes }` in a controller and
// the endpoint's `router` see the new router at once. The swap then hands each endpoint that
// routes with the old router the new one (runtime/endpoint/_dev.ts recomputes its steps).
//
// A swap is exact only when the bundle would not change: the side imports the same app modules
// (the bundle's router.gen module lists them) and its entries export the same names (the
// facades have one binding each), and the app does not import a module of the side itself
// (a second copy, in the bundle). Otherwise, as after any edit of another file, the app is
// bundled again and restarted (dev.ts). Production (`fawkes build`, `fawkes server --prod`)
// bundles the router as any module: none of this is used there.

import { createHash } from "node:crypto";
import { context, transform, type BuildContext, type Message, type Metafile, type Plugin } from "esbuild";
import { createRequire, isBuiltin } from "node:module";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { chunkedTransform } from "./_chunked-transform.js";
import { NODE_BUNDLE } from "./bundle.js";
import { treePath } from "./templates-tree.js";
import type { RouterSwapMessage } from "./worker-hook.js";

/** Where the router side's build and the router facade are written, relative to the project root. */
export const DEV_ROUTER = "_build/dev-router";

const BUNDLE_MODULE = "fawkes-dev-router";
const REGISTRY_MODULE = "fawkes-dev-registry";
const REGISTRY_RUNTIME = "fawkes-dev-registry-runtime";
/** The key of the registry on globalThis, shared with worker-hook.ts. */
const REGISTRY = `Symbol.for("fawkes.dev.modules")`;
const ENTRIES = ["router.gen.ts", "helpers.gen.ts"] as const;

/** An import of another module of the side, as a module is made; its versioned URL once all are made. */
const SIDE = "fawkes-side:";
const SIDE_MARKER = /"fawkes-side:([^"\n]+)"/g;
// What a generated module imports (compiler/emit writes one `from "…"` a line, `import {` lists
// ending in `} from "…";`), types too: the module is transformed only when all of it is the side's.
const SOURCE_IMPORT = /^(?:(?:import|export)\b[^\n]*?|\}) from "([^"\n]+)";$|^import "([^"\n]+)";$/gm;
// An import of the transformed module as esbuild prints it (a statement starts a line; a list
// may span lines and end in `} from "…";`).
const OUTPUT_IMPORT = /^((?:(?:import|export)\b[^\n]*?|\}) from |import )"([^"\n]+)";$/gm;

/** A module of the side as made, before its imports of the side are URLs. */
interface Raw {
  text: string;
  /** The side's modules it imports (absolute). */
  imports: string[];
  /** The app's modules it reads from the registry (keys). */
  registry: string[];
  /** Its export names, sorted. */
  exports: string[];
}

export class SideBuildError extends Error {
  constructor(readonly errors: Message[]) {
    super(`${errors.length} error(s) building the router's modules`);
  }
}

/** One build of the router side, in memory. */
export interface SideBuild {
  outDir: string;
  /** Output files (absolute path → text): each module of the side as JavaScript. */
  outputs: Map<string, string>;
  /** Each module of the side (absolute) → the URL a new instance of it is imported at (versioned by content). */
  urls: Map<string, string>;
  /** The export names of router.gen and helpers.gen (sorted); null when the out dir has no such module. */
  exports: { router: string[] | null; helpers: string[] | null };
  /** The app's modules the side imports (paths relative to the root, sorted). */
  registry: string[];
  /** Every file of the project the side was built from (absolute). */
  inputs: Set<string>;
}

export interface RouterSide {
  /** For the app's bundle: router.gen and helpers.gen as described above. */
  appPlugin(outDir: () => string): Plugin;
  /** For the templates' tree's build of app modules: the router's modules are the facades (external). */
  treePlugin(outDir: () => string): Plugin;
  /**
   * After a build of the app's bundle: the router side it loads written (true when a file
   * changed: the app restarts), and what the bundle was made with kept. Written whether the
   * bundle loads it or not: the templates' tree imports the helpers' facade.
   */
  afterBundle(metafile: Metafile | undefined, outDir: string): Promise<boolean>;
  /** The router side built again (a router edit). Throws SideBuildError. */
  build(outDir: string): Promise<SideBuild>;
  /** Why the running bundle cannot take `b` by a swap; null when it can. */
  misfit(b: SideBuild): string | null;
  /** Writes `b`; the swap message for what changed (null: nothing did). */
  write(b: SideBuild, id: number): RouterSwapMessage | null;
  /** Whether the side is built from `file` (absolute): an edit of it is a router edit. */
  covers(file: string): boolean;
  dispose(): Promise<void>;
}

/**
 * A transformed generated module's import of an app module, as reads of the registry's namespace
 * (null for a statement of another shape: the module is bundled instead). The generator's
 * modules that import the app's (dispatch.gen) use what they import as they load (the dispatch
 * table holds each action), so a `const` read then is what the import would give.
 */
export function registryRead(statement: string, key: string, n: number): string | null {
  const m = /^import (?:(.+) from )?"[^"]+";$/.exec(statement);
  if (!m) return null;
  const ns = `$fawkes$ns${n}`;
  const lines = [`const ${ns} = __fawkesModule(${JSON.stringify(key)});`];
  let clause = m[1]?.trim() ?? "";
  const def = /^([\w$]+)(?:\s*,\s*|$)/.exec(clause);
  if (def && !clause.startsWith("{") && !clause.startsWith("*")) {
    lines.push(`const ${def[1]} = ${ns}.default;`);
    clause = clause.slice(def[0].length);
  }
  const star = /^\* as ([\w$]+)$/.exec(clause);
  const named = /^\{([^}]*)\}$/.exec(clause);
  if (star) lines.push(`const ${star[1]} = ${ns};`);
  else if (named) {
    const parts = named[1].split(",").map((p) => p.trim()).filter(Boolean).map((p) => {
      const [imported, local = imported] = p.split(/\s+as\s+/);
      return imported === local ? imported : `${imported}: ${local}`;
    });
    if (parts.length) lines.push(`const { ${parts.join(", ")} } = ${ns};`);
  } else if (clause !== "") return null;
  return lines.join(" ");
}

/**
 * What a transformed module's registry reads call (the registry's reader, REGISTRY_READER below,
 * as an ES module's): a function declaration, so it is put at the module's end (before a source
 * map's comment: the lines above keep their numbers) and called from its top.
 */
const REGISTRY_FUNCTION = `function __fawkesModule(key) {
  const ns = globalThis[${REGISTRY}]?.[key];
  if (ns === undefined) throw new Error("fawkes server: " + key + " is not among the app's modules this router build takes (compiler/cli/server/router-side.ts); save a file to restart the app");
  return ns;
}
`;
const withRegistry = (code: string) => code.replace(/(\/\/# sourceMappingURL=[^\n]*\n?)?$/, (map) => `${code.endsWith("\n") || map ? "" : "\n"}${REGISTRY_FUNCTION}${map}`);

/**
 * Each module's imports of the side made URLs versioned by the hash of what they import (their
 * own imports' URLs included): a module changes URL when it or anything it reaches changed, and
 * keeps it otherwise (the app's loaded instance is reused). The modules of an import cycle (a
 * router that imports its router.gen) share one version, the hash of all of them, so the cycle
 * is one instance of each. Strongly connected components by Tarjan's algorithm, which yields
 * each after every one it reaches: in the order their URLs are needed.
 */
export function versioned(modules: ReadonlyMap<string, { text: string; imports: readonly string[] }>, urlOf: (module: string) => string, moduleOf: (markerKey: string) => string): Map<string, { text: string; url: string }> {
  const finals = new Map<string, { text: string; url: string }>();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const link = (text: string, urlOfTarget: (target: string) => string) => text.replace(SIDE_MARKER, (_, k: string) => JSON.stringify(urlOfTarget(moduleOf(k))));
  const component = (members: string[]) => {
    const inside = new Set(members);
    const outside = (target: string) => finals.get(target)?.url ?? urlOf(target);
    const hash = createHash("sha1");
    for (const m of [...members].sort()) hash.update(`${m}\0${link(modules.get(m)!.text, (t) => (inside.has(t) ? t : outside(t)))}\0`);
    const version = hash.digest("base64url").slice(0, 16);
    const urlIn = (m: string) => `${urlOf(m)}?v=${version}`;
    for (const m of members) finals.set(m, { text: link(modules.get(m)!.text, (t) => (inside.has(t) ? urlIn(t) : outside(t))), url: urlIn(m) });
  };
  const visit = (m: string) => {
    index.set(m, index.size);
    low.set(m, index.get(m)!);
    stack.push(m);
    onStack.add(m);
    for (const t of modules.get(m)!.imports) {
      if (!modules.has(t)) continue;
      if (!index.has(t)) {
        visit(t);
        low.set(m, Math.min(low.get(m)!, low.get(t)!));
      } else if (onStack.has(t)) low.set(m, Math.min(low.get(m)!, index.get(t)!));
    }
    if (low.get(m) !== index.get(m)) return;
    const members: string[] = [];
    let t: string;
    do {
      t = stack.pop()!;
      onStack.delete(t);
      members.push(t);
    } while (t !== m);
    component(members);
  };
  for (const m of modules.keys()) if (!index.has(m)) visit(m);
  return finals;
}

function rethrow(e: { errors?: Message[] }): never {
  if (e?.errors) throw new SideBuildError(e.errors);
  throw e;
}

/**
 * The export names of a module esbuild printed (a statement a line at column 0); null when one
 * cannot be read from the text (`export *` of a module: the module is then bundled, below).
 */
export function exportNames(code: string): string[] | null {
  const names = new Set<string>();
  for (const m of code.matchAll(/^export (?:(default)\b|(?:async )?function\*? ?([\w$]+)|class ([\w$]+)|(?:const|let|var) ([\w$]+) =|\{([^}]*)\}|(\*)(?: as ([\w$]+|"[^"]*"))?|(.))/gm)) {
    const [, def, fn, cls, binding, list, star, starAs, other] = m;
    if (other !== undefined || (star && !starAs)) return null;
    const name = def ?? fn ?? cls ?? binding ?? starAs;
    if (name !== undefined) names.add(name.replace(/^"|"$/g, ""));
    for (const part of list?.split(",") ?? []) {
      const item = part.trim();
      if (item) names.add(item.split(/\s+as\s+/).at(-1)!.replace(/^"|"$/g, ""));
    }
  }
  return [...names].sort();
}

export function routerSide(root: string): RouterSide {
  const dir = join(root, DEV_ROUTER);
  /** One esbuild context per module built as a bundle (below), by file. */
  const contexts = new Map<string, { context: BuildContext; source: string | null; raw: Raw | null }>();
  const transformer = chunkedTransform();
  /** The routers whose modules are in the side (the `source` of each router.gen), for the build in progress. */
  let routers = new Set<string>();
  /** The side build the app's bundle loaded in its last build. */
  let loaded: SideBuild | null = null;
  /** What the running bundle was made with (JSON of the shape), and why it cannot take a swap at all. */
  let bundled: { shape: string; blocked: string | null } | null = null;
  let last: SideBuild | null = null;
  /** What this process wrote to each file. */
  const written = new Map<string, string>();

  const paths = (outDir: string) => ({
    routerFacade: join(dir, "router.gen.mjs"),
    routerSide: moduleOutput(join(outDir, "router.gen.ts")),
    helpersFacade: treePath(root, join(outDir, "helpers.gen.ts")),
    helpersSide: moduleOutput(join(outDir, "helpers.gen.ts")),
  });
  const url = (file: string) => pathToFileURL(file).href;
  const key = (file: string) => relative(root, file).split(sep).join("/");
  /** Where a module of the side is written: its path from the root, under _build/dev-router/side/, as .mjs. */
  function moduleOutput(module: string): string {
    return join(dir, "side", relative(root, module)).replace(/\.[cm]?[jt]sx?$/, ".mjs");
  }

  /** A file of the side: the out dir's modules but the templates', and the routers. */
  function inSide(outDir: string, file: string): boolean {
    if (routers.has(file)) return true;
    if (!file.startsWith(outDir + sep)) return false;
    return file !== join(outDir, "templates.gen.ts") && !file.startsWith(join(outDir, "templates") + sep);
  }

  /** For a module built as a bundle: another module of the side is an import of it (a marker, made a URL below), an app module the registry's. */
  const modulePlugin = (outDir: string, module: string): Plugin => ({
    name: "fawkes-dev-router-side",
    setup(b) {
      b.onResolve({ filter: new RegExp(`^${REGISTRY_RUNTIME}$`) }, () => ({ path: REGISTRY_RUNTIME, namespace: REGISTRY_RUNTIME }));
      const place = (file: string) => (file === module ? { path: file } : inSide(outDir, file) ? { path: SIDE + key(file), external: true } : { path: key(file), namespace: REGISTRY_MODULE });
      // A relative import found here (esbuild's own resolution is a round trip more per import:
      // 100 of them cost tens of ms in the dev server's busy process); others, esbuild's.
      b.onResolve({ filter: /^\.\.?(\/|$)/ }, (args) => {
        const file = args.resolveDir ? sourceFile(resolve(args.resolveDir, args.path)) : null;
        return file ? place(file) : undefined;
      });
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === modulePlugin) return undefined;
        if (args.kind === "entry-point") return { path: args.path };
        const r = await b.resolve(args.path, { resolveDir: args.resolveDir, importer: args.importer, kind: args.kind, pluginData: modulePlugin });
        if (r.errors.length) return { errors: r.errors };
        if (r.external || r.namespace !== "file") return { path: r.path, external: r.external, namespace: r.namespace };
        // A package (or what a tsconfig path names outside the project): an import, as written.
        if (!r.path.startsWith(root + sep) || r.path.includes(`${sep}node_modules${sep}`)) return { path: args.path, external: true };
        return place(r.path);
      });
      b.onLoad({ filter: /.*/, namespace: REGISTRY_MODULE }, (args) => ({ contents: `module.exports = require(${JSON.stringify(REGISTRY_RUNTIME)})(${JSON.stringify(args.path)});\n`, loader: "js" }));
      b.onLoad({ filter: /.*/, namespace: REGISTRY_RUNTIME }, () => ({ contents: REGISTRY_READER, loader: "js" }));
    },
  });

  /**
   * A module of the side as JavaScript, its imports of the side's modules as markers. A generated
   * module that imports only packages and the side's modules is transformed (in parts, kept by
   * text: _chunked-transform.ts); a router (the user's code) or one that imports the app's
   * modules (dispatch.gen: the controllers) is bundled by a context of its own, the app's modules
   * read from the registry, as the header says.
   */
  async function rawModule(outDir: string, module: string, source: string): Promise<Raw> {
    const generated = !routers.has(module);
    const relatives = generated ? [...source.matchAll(SOURCE_IMPORT)].map((m) => m[1] ?? m[2]).filter((spec) => /^\.\.?\//.test(spec)) : [];
    const project = (file: string | null) => file !== null && file.startsWith(root + sep) && !file.includes(`${sep}node_modules${sep}`);
    if (generated && relatives.every((spec) => project(sourceFile(resolve(dirname(module), spec))))) {
      const code = await transformer.transform(key(module), source).catch(rethrow);
      const imports = new Set<string>();
      const registry = new Set<string>();
      let readable = true;
      const text = code.replace(OUTPUT_IMPORT, (whole, head: string, spec: string) => {
        if (!spec.startsWith(".")) return whole;
        const target = sourceFile(resolve(dirname(module), spec))!;
        if (inSide(outDir, target)) {
          imports.add(target);
          return `${head}"${SIDE}${key(target)}";`;
        }
        // An app module (dispatch.gen's controllers): read from the registry, as in a bundle below.
        const read = registryRead(whole, key(target), registry.size);
        if (read === null) readable = false;
        registry.add(key(target));
        return read ?? whole;
      });
      const exports = exportNames(text);
      if (exports && readable) return { text: registry.size ? withRegistry(text) : text, imports: [...imports], registry: [...registry], exports };
    }
    if (!generated) {
      const raw = await routerModule(outDir, module, source);
      if (raw) return raw;
    }
    let ctx = contexts.get(module);
    if (ctx?.source === source && ctx.raw) return ctx.raw;
    if (!ctx) {
      const context_ = await context({
        absWorkingDir: root,
        entryPoints: [module],
        outfile: moduleOutput(module),
        ...NODE_BUNDLE,
        // Stack traces name app/router.ts's lines (its plugs run on requests); the sources are on
        // disk, so not in the map too. A generated module needs none (its JavaScript reads as well).
        sourcemap: generated ? false : "inline",
        sourcesContent: false,
        metafile: true,
        write: false,
        logLevel: "silent",
        plugins: [modulePlugin(outDir, module)],
      });
      contexts.set(module, (ctx = { context: context_, source: null, raw: null }));
    }
    const result = await ctx.context.rebuild().catch(rethrow);
    const output = Object.values(result.metafile!.outputs)[0];
    const inputs = Object.keys(result.metafile!.inputs);
    const raw: Raw = {
      text: result.outputFiles![0].text,
      imports: output.imports.filter((i) => i.path.startsWith(SIDE)).map((i) => resolve(root, i.path.slice(SIDE.length))),
      registry: inputs.filter((i) => i.startsWith(`${REGISTRY_MODULE}:`)).map((i) => i.slice(REGISTRY_MODULE.length + 1)),
      exports: [...output.exports].sort(),
    };
    ctx.source = source;
    ctx.raw = raw;
    return raw;
  }

  /** Whether node resolves `specifier` from the project as a package (what the bundle leaves an import too); kept per specifier. */
  const packages = new Map<string, boolean>();
  const isPackage = (specifier: string) => {
    let known = packages.get(specifier);
    if (known === undefined) {
      try {
        const file = createRequire(join(root, "package.json")).resolve(specifier);
        known = !file.startsWith(root + sep) || file.includes(`${sep}node_modules${sep}`) || isBuiltin(specifier);
      } catch {
        known = isBuiltin(specifier);
      }
      packages.set(specifier, known);
    }
    return known;
  };

  /**
   * A router (the user's code: app/router.ts) transformed, one esbuild call and no plugin: its
   * imports of the side's modules made markers, of the app's modules registry reads when they
   * are namespace imports (`import * as UserController`: the namespace object, live as an
   * import's members are). Null for a router that imports anything else of the app (a named
   * import's binding is live, a read of it is not), a module that is no package (a tsconfig
   * path), or a dynamic import: it is bundled (rawModule), as exactly as before. Measured in
   * the dev server (bench:build's app, loaded machine): its bundle waited 70-180 ms for the
   * plugin's 50 resolutions behind the other modules' work; this transform is one call.
   */
  async function routerModule(outDir: string, module: string, source: string): Promise<Raw | null> {
    const loader = /\.[cm]?tsx$/.test(module) ? "tsx" : /\.[cm]?ts$/.test(module) ? "ts" : /\.jsx$/.test(module) ? "jsx" : "js";
    const sourcefile = relative(dirname(moduleOutput(module)), module).split(sep).join("/");
    const { code } = await transform(source, { loader, format: "esm", target: "node20", sourcemap: "inline", sourcesContent: false, sourcefile }).catch(rethrow);
    if (/\bimport\s*\(|\brequire\s*\(/.test(code)) return null;
    const imports = new Set<string>();
    const registry = new Set<string>();
    let readable = true;
    const text = code.replace(OUTPUT_IMPORT, (whole, head: string, spec: string) => {
      if (!/^\.\.?\//.test(spec)) {
        if (!isPackage(spec)) readable = false;
        return whole;
      }
      const target = sourceFile(resolve(dirname(module), spec));
      if (target && inSide(outDir, target)) {
        imports.add(target);
        return `${head}"${SIDE}${key(target)}";`;
      }
      const read = target && /^import \* as [\w$]+ from "[^"]+";$/.test(whole) ? registryRead(whole, key(target), registry.size) : null;
      if (read === null) readable = false;
      else registry.add(key(target!));
      return read ?? whole;
    });
    const exports = exportNames(text);
    if (!exports || !readable) return null;
    return { text: registry.size ? withRegistry(text) : text, imports: [...imports], registry: [...registry], exports };
  }

  async function build(outDirRel: string): Promise<SideBuild> {
    const outDir = resolve(root, outDirRel);
    routers = routerSources(root, outDir);
    const entries = ENTRIES.map((e) => join(outDir, e)).filter((f) => existsSync(f));
    // Every module reachable from the entries, made in parallel as each is found; all of them
    // settled before a failure is thrown (none runs on into the next build).
    const made = new Map<string, Raw>();
    const pending = new Map<string, Promise<void>>();
    const visit = (module: string): void => {
      if (pending.has(module)) return;
      const making = (async () => rawModule(outDir, module, readFileSync(module, "utf8")))().then((raw) => {
        made.set(module, raw);
        raw.imports.forEach(visit);
      });
      pending.set(module, making);
    };
    // The routers start at once: dispatch.gen, which imports them, is among the slowest to make.
    [...entries, ...[...routers].filter((r) => existsSync(r))].forEach(visit);
    for (let settled = 0; settled < pending.size; ) {
      const batch = [...pending.values()].slice(settled);
      settled = pending.size;
      const failed = (await Promise.allSettled(batch)).find((r) => r.status === "rejected");
      if (failed) {
        await Promise.allSettled(pending.values());
        throw (failed as PromiseRejectedResult).reason;
      }
    }
    for (const module of contexts.keys()) {
      if (made.has(module)) continue;
      void contexts.get(module)!.context.dispose();
      contexts.delete(module);
    }
    const finals = versioned(made, (module) => url(moduleOutput(module)), (k) => resolve(root, k));
    const exportsOf = (entry: string) => made.get(join(outDir, entry))?.exports ?? null;
    const built: SideBuild = {
      outDir,
      outputs: new Map([...finals].map(([module, f]) => [moduleOutput(module), f.text])),
      urls: new Map([...finals].map(([module, f]) => [module, f.url])),
      exports: { router: exportsOf("router.gen.ts"), helpers: exportsOf("helpers.gen.ts") },
      registry: [...new Set([...made.values()].flatMap((r) => r.registry))].sort(),
      inputs: new Set(made.keys()),
    };
    last = built;
    return built;
  }

  /** The side build's files and the two facades, written where they changed; which of the sides changed. */
  function writeAll(b: SideBuild): { router: boolean; helpers: boolean } {
    const p = paths(b.outDir);
    const files = new Map(b.outputs);
    if (b.exports.router) files.set(p.routerFacade, facade(b.exports.router, null));
    if (b.exports.helpers) files.set(p.helpersFacade, facade(b.exports.helpers, url(p.helpersSide)));
    const changed = new Set<string>();
    for (const [file, text] of files) {
      if (written.get(file) === text) continue;
      mkdirSync(dirname(file), { recursive: true });
      // Atomic: an app process (the spare) may be loading it.
      writeFileSync(`${file}.${process.pid}.tmp`, text);
      renameSync(`${file}.${process.pid}.tmp`, file);
      written.set(file, text);
      changed.add(file);
    }
    return { router: changed.has(p.routerSide) || changed.has(p.routerFacade), helpers: changed.has(p.helpersSide) || changed.has(p.helpersFacade) };
  }

  const shape = (b: SideBuild, router: boolean) => JSON.stringify({ router: router ? b.exports.router : null, helpers: b.exports.helpers, registry: b.registry });

  /** The module the app's bundle has for router.gen (see the header). */
  function bundleModule(b: SideBuild): string {
    const p = paths(b.outDir);
    const names = b.exports.router ?? [];
    return [
      `// fawkes server (development): ${key(join(b.outDir, "router.gen.ts"))} as the app's bundle has it (compiler/cli/server/router-side.ts).`,
      `// The app's modules the router imports, registered for the router's own build, which this loads.`,
      ...b.registry.map((k, i) => `import * as $${i} from ${JSON.stringify(resolve(root, k))};`),
      `import { __fawkesSwap } from ${JSON.stringify(url(p.routerFacade))};`,
      `const modules = (globalThis[${REGISTRY}] ??= Object.create(null));`,
      ...b.registry.map((k, i) => `modules[${JSON.stringify(k)}] = $${i};`),
      `__fawkesSwap(await import(${JSON.stringify(url(p.routerSide))}));`,
      `export { ${names.map(exportName).join(", ")} } from ${JSON.stringify(url(p.routerFacade))};`,
      "",
    ].join("\n");
  }

  /** router.gen and helpers.gen of the out dir, from `specifier` imported in `resolveDir`; null for another module. */
  function ownModule(outDir: string, resolveDir: string | undefined, specifier: string): "router" | "helpers" | null {
    if (!resolveDir) return null;
    const module = resolve(resolveDir, specifier).replace(/(\.[cm]?[jt]s)?$/, ".ts");
    if (module === join(outDir, "router.gen.ts") && existsSync(module)) return "router";
    if (module === join(outDir, "helpers.gen.ts") && existsSync(module)) return "helpers";
    return null;
  }
  const OWN = /(^|[\\/])(router|helpers)\.gen(\.[cm]?[jt]s)?$/;

  return {
    appPlugin: (outDir) => ({
      name: "fawkes-dev-router",
      setup(b) {
        b.onStart(() => {
          loaded = null;
        });
        b.onResolve({ filter: OWN }, (args) => {
          const out = resolve(root, outDir());
          const own = ownModule(out, args.resolveDir, args.path);
          if (own === "router") return { path: join(out, "router.gen.ts"), namespace: BUNDLE_MODULE };
          if (own !== "helpers") return undefined;
          return { path: url(paths(out).helpersFacade), external: true };
        });
        b.onResolve({ filter: /^file:/ }, (args) => (args.namespace === BUNDLE_MODULE ? { path: args.path, external: true } : undefined));
        b.onLoad({ filter: /.*/, namespace: BUNDLE_MODULE }, async () => {
          try {
            loaded = await build(outDir());
          } catch (e) {
            if (e instanceof SideBuildError) return { errors: e.errors };
            throw e;
          }
          return { contents: bundleModule(loaded), loader: "js", resolveDir: root };
        });
      },
    }),

    treePlugin: (outDir) => ({
      name: "fawkes-dev-router-facades",
      setup(b) {
        b.onResolve({ filter: OWN }, (args) => {
          const out = resolve(root, outDir());
          const own = ownModule(out, args.resolveDir, args.path);
          if (!own) return undefined;
          return { path: url(own === "router" ? paths(out).routerFacade : paths(out).helpersFacade), external: true };
        });
      },
    }),

    async afterBundle(metafile, outDir) {
      if (!loaded && !ENTRIES.some((e) => existsSync(join(root, outDir, e)))) {
        bundled = null;
        return false;
      }
      const b = loaded ?? (await build(outDir));
      const inBundle = Object.keys(metafile?.inputs ?? {}).filter((i) => !i.includes(":") && b.inputs.has(resolve(root, i)));
      bundled = {
        shape: shape(b, loaded !== null),
        blocked: !loaded ? "the app's bundle does not import the router's modules (router.gen)" : inBundle.length ? `the app imports ${inBundle[0]} itself (it is in the bundle)` : null,
      };
      const changed = writeAll(b);
      return changed.router || changed.helpers;
    },

    build,

    misfit(b) {
      if (!bundled) return "the app's bundle was not made with the router built apart";
      if (bundled.blocked) return bundled.blocked;
      const was = JSON.parse(bundled.shape) as { router: string[]; helpers: string[] | null; registry: string[] };
      if (was.registry.join() !== b.registry.join()) return "the router imports other modules of the app";
      if (was.router?.join() !== b.exports.router?.join() || was.helpers?.join() !== b.exports.helpers?.join()) return "the router's modules export other names";
      return null;
    },

    write(b, id) {
      const p = paths(b.outDir);
      const changed = writeAll(b);
      const parts: RouterSwapMessage["parts"] = [];
      const side = (entry: string) => b.urls.get(join(b.outDir, entry))!;
      if (changed.helpers && b.exports.helpers) parts.push({ facade: url(p.helpersFacade), side: side("helpers.gen.ts"), registry: false });
      if (changed.router && b.exports.router) parts.push({ facade: url(p.routerFacade), side: side("router.gen.ts"), registry: true });
      return parts.length ? { fawkes: "swap-router", id, parts } : null;
    },

    covers: (file) => last?.inputs.has(file) ?? false,

    async dispose() {
      await Promise.all([...contexts.values()].map((c) => c.context.dispose()));
      contexts.clear();
    },
  };
}

/**
 * The registry's reader, one module the side's registry modules require: the namespace the app's
 * bundle registered, as CommonJS exports marked `__esModule`, every export a getter (live, and
 * an `export const` read when used). `Reflect.ownKeys`, not `Object.keys`: the latter reads
 * each value, which throws for a binding not initialized yet.
 */
const REGISTRY_READER = `const modules = () => globalThis[${REGISTRY}];
module.exports = (key) => {
  const ns = modules()?.[key];
  if (ns === undefined) throw new Error("fawkes server: " + key + " is not among the app's modules this router build takes (compiler/cli/server/router-side.ts); save a file to restart the app");
  const out = Object.defineProperty({}, "__esModule", { value: true });
  for (const name of Reflect.ownKeys(ns)) if (typeof name === "string" && name !== "__esModule") Object.defineProperty(out, name, { get: () => ns[name], enumerable: true });
  return out;
};
`;

/**
 * A facade: one `let` per export, re-pointed by `__fawkesSwap(next)`; `initial`: the build it
 * starts from (the helpers'; the router's starts empty and is filled by the bundle's module).
 */
export function facade(names: readonly string[], initial: string | null): string {
  const locals = names.map((_, i) => `$${i}`);
  const lines = [
    `// fawkes server (development): a module built apart, as its importers see it; __fawkesSwap points its exports at a new build (compiler/cli/server/router-side.ts).`,
  ];
  if (initial) lines.push(`import * as first from ${JSON.stringify(initial)};`);
  if (locals.length) lines.push(`let ${locals.map((l, i) => (initial ? `${l} = first[${JSON.stringify(names[i])}]` : l)).join(", ")};`);
  lines.push(`export { ${locals.map((l, i) => `${l} as ${exportName(names[i])}`).join(", ")} };`);
  lines.push(`export function __fawkesSwap(next) { ${locals.map((l, i) => `${l} = next[${JSON.stringify(names[i])}];`).join(" ")} }`, "");
  return lines.join("\n");
}

const exportName = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mts", ".js", ".mjs", ".jsx"];

/** The file an import of `target` (absolute) names, as TypeScript finds it (`./a.js` is ./a.ts); null when none. */
function sourceFile(target: string): string | null {
  const base = target.replace(/\.[cm]?jsx?$/, "");
  const candidates = [target, ...SOURCE_EXTENSIONS.map((e) => base + e), ...SOURCE_EXTENSIONS.map((e) => join(target, "index" + e))];
  return candidates.find((f) => existsSync(f) && statSync(f).isFile()) ?? null;
}

/** The router modules the out dir's router.gen files were generated from (`export const source`), absolute. */
function routerSources(root: string, outDir: string): Set<string> {
  const found = new Set<string>();
  // Mounted routers' modules are in folders of their own; the templates' folder is not walked (500 files).
  const walk = (folder: string) => {
    if (!existsSync(folder)) return;
    for (const e of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, e.name);
      if (e.isDirectory() && path !== join(outDir, "templates")) walk(path);
      else if (e.isFile() && e.name === "router.gen.ts") {
        const source = /^export const source = "([^"\n]+)";$/m.exec(readFileSync(path, "utf8"))?.[1];
        if (source) found.add(resolve(root, source));
      }
    }
  };
  walk(outDir);
  return found;
}
