// A V8 code cache for the compiler's big dependencies: TypeScript as ts-morph bundles it (9 MB of
// JavaScript), ts-morph's common part and ts-morph itself. Compiling them is most of a cold
// build's fixed cost: the top level when they load, then each function of the parser, the
// scanner and ts-morph's wrappers the first time it runs (V8 compiles lazily). With the cache a
// new process deserialises the bytecode of every function the last one compiled instead.
//
// Imported for its effect, before anything imports ts-morph (compiler/index.ts and each entry
// that reads the router or templates import it first): it wraps Module.prototype._compile, and
// the wrapper handles those three files only; every other module goes to Node's own compile.
// ES modules importing ts-morph reach it too (Node 20 runs an imported CommonJS module through
// the CommonJS loader).
//
// Hand-written, not v8-compile-cache: that package keeps the cache made when a script is
// compiled, which holds its top level only, not the functions a build runs (the larger part);
// Node 20 has no module.enableCompileCache (22.1+). Here the cache is made right after the first
// build (or at exit) with script.createCachedData(), which includes every function compiled so far.
//
// The cache is the toolchain's, never the app's build: node_modules/.cache/fawkes/v8/ beside the
// packages it caches (the OS temp folder when that is not writable), one file per package
// file, named by the file's path, size and mtime and Node's version and architecture; V8 itself
// rejects data from another V8 or other flags (then it is made again). FAWKES_CODE_CACHE=0 turns
// it off; FAWKES_CODE_CACHE=<dir> puts it in <dir> (the bench's "first run ever", a fresh dir).
// Writes are atomic (a temp file renamed), so processes building side by side never read half a file.

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, sep } from "node:path";
import { Script, constants as vmConstants } from "node:vm";
import { isMainThread } from "node:worker_threads";

/** The files cached, by the tail of their path under node_modules. */
const CACHED = [
  join("@ts-morph", "common", "dist", "typescript.js"),
  join("@ts-morph", "common", "dist", "ts-morph-common.js"),
  join("ts-morph", "dist", "ts-morph.js"),
].map((tail) => sep + join("node_modules", tail));

interface Entry {
  script: Script;
  file: string;
  path: string;
  /** What V8 made of the cache found: none, taken, or refused (another V8, other flags, other text). */
  found: "missing" | "accepted" | "rejected";
  /** Whether the file on disk holds what this process would write (accepted as it is, or written). */
  fresh: boolean;
}

const entries: Entry[] = [];
const setting = process.env.FAWKES_CODE_CACHE;

type Compile = (this: Module, content: string, filename: string, ...rest: unknown[]) => unknown;
const proto = Module.prototype as unknown as { _compile: Compile };

if (setting !== "0" && setting !== "off" && !(proto._compile as { fawkesCodeCache?: boolean }).fawkesCodeCache) {
  const original = proto._compile;
  const compile: Compile = function (this: Module, content, filename, ...rest) {
    // A third argument is how Node loads the module ("module", or true in older versions: an ES
    // module through require): never one of ours, which are CommonJS.
    if (typeof content !== "string" || rest[0] === "module" || rest[0] === true || !CACHED.some((tail) => filename.endsWith(tail))) return original.call(this, content, filename, ...rest);
    return compileCached(this, content, filename);
  };
  (compile as { fawkesCodeCache?: boolean }).fawkesCodeCache = true;
  proto._compile = compile;
  process.once("exit", saveCodeCache);
}

/** What Node's CommonJS compile does for a module, with the cached data given to V8. */
function compileCached(module: Module, content: string, filename: string): unknown {
  const path = cacheFile(filename, content);
  let data: Buffer | undefined;
  try {
    data = path ? readFileSync(path) : undefined;
  } catch {
    data = undefined; // none yet
  }
  const script = new Script((Module as unknown as { wrap(s: string): string }).wrap(content), {
    filename,
    cachedData: data,
    // import() inside the module as Node's own loader would run it (Node 20.12+).
    ...(vmConstants?.USE_MAIN_CONTEXT_DEFAULT_LOADER ? { importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER } : {}),
  });
  if (path) {
    const found = data === undefined ? "missing" : script.cachedDataRejected ? "rejected" : "accepted";
    entries.push({ script, file: filename, path, found, fresh: found === "accepted" });
  }
  const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
  const require = createRequire(filename);
  return fn.call(module.exports, module.exports, require, module, filename, dirname(filename));
}

let scheduled = false;

/**
 * Called when a build is done (buildProject): the cache is written on the next turn of the event
 * loop, when a plugin's build has handed the bundling to esbuild (whose process does it while
 * this one waits) and before the process runs long enough for V8 to flush what the cold start
 * compiled. Only a process that found no cache (or a refused one) writes: the first run ever.
 */
export function afterBuild(): void {
  if (scheduled || entries.every((e) => e.fresh)) return;
  scheduled = true;
  setTimeout(saveCodeCache, 0).unref();
}

/** What this process found for each file it compiled through the cache (tests, the bench). */
export function codeCacheReport(): { file: string; cache: string; found: Entry["found"] }[] {
  return entries.map((e) => ({ file: e.file, cache: e.path, found: e.found }));
}

/**
 * Writes the cache of each file this process compiled whose cache was missing or rejected.
 * When: as soon as a first build is done (afterBuild), at the latest at exit. Not only at exit:
 * V8 drops the bytecode of functions a process has not run for a while (bytecode flushing), so
 * a watch process's cache made at its exit had lost what a cold start runs once (measured on
 * bench:build's app: 1.8 MB made after 14 rebuilds against 9 MB after the first build, and
 * TypeScript's top level gone). Never throws: without a cache the next process compiles as Node would.
 */
export function saveCodeCache(): void {
  for (const e of entries) {
    if (e.fresh) continue;
    e.fresh = true;
    try {
      const data = e.script.createCachedData();
      mkdirSync(dirname(e.path), { recursive: true, mode: 0o700 });
      const temp = `${e.path}.${process.pid}.tmp`;
      writeFileSync(temp, data, { mode: 0o600 });
      renameSync(temp, e.path);
    } catch {
      // A read-only folder, a full disk: no cache.
    }
  }
}

/** Where the cache of `filename` lives; null when there is none to be had (the file vanished, no folder fit for it). */
function cacheFile(filename: string, content: string): string | null {
  let key: string;
  try {
    const s = statSync(filename);
    // A worker thread keeps its own: the type-check worker runs the checker, which the main
    // thread never does (a cache holding it would be deserialised there for nothing).
    key = [filename, s.size, s.mtimeMs, content.length, process.version, process.arch, isMainThread ? "main" : "worker"].join("\0");
  } catch {
    return null;
  }
  const folder = cacheDir(filename);
  if (!folder) return null;
  const name = `${isMainThread ? "" : "worker-"}${filename.split(sep).slice(-1)[0]}-${createHash("sha256").update(key).digest("hex").slice(0, 20)}.v8`;
  return join(folder, name);
}

let dir: string | undefined;
function cacheDir(filename: string): string {
  if (dir !== undefined) return dir;
  if (setting && setting !== "1") return (dir = setting);
  const at = filename.lastIndexOf(sep + "node_modules" + sep);
  const modules = filename.slice(0, at + sep.length + "node_modules".length);
  const candidate = join(modules, ".cache", "fawkes", "v8");
  try {
    mkdirSync(candidate, { recursive: true });
    return (dir = candidate);
  } catch {
    // A read-only node_modules: a folder of this user's own in the OS temp folder, used only
    // while it is that user's and no one else may write to it (the cache is code V8 runs).
    const uid = typeof process.getuid === "function" ? process.getuid() : null;
    const temp = join(tmpdir(), `fawkes-v8-${uid ?? "user"}`);
    try {
      mkdirSync(temp, { recursive: true, mode: 0o700 });
      const s = statSync(temp);
      return (dir = uid === null || (s.uid === uid && (s.mode & 0o022) === 0) ? temp : "");
    } catch {
      return (dir = "");
    }
  }
}
