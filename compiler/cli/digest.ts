// `fawkes digest` and `fawkes digest.clean`: Phoenix's `mix phx.digest` and `phx.digest.clean`.
//
// digest: every file of the static folder gets a fingerprinted copy `name-<md5>.ext` (the md5 of
// its bytes, 32 hex digits, as Phoenix names them), text files get `.gz` and `.br` siblings
// (node:zlib, written only when smaller), and `cache_manifest.json` records `latest` (logical
// path → digested name) and `digests` (digested name → logical_path, mtime, size, digest,
// sha512), the format the endpoint's `cacheStaticManifest` reads. As Phoenix does:
//   - the manifest is merged with the one already there, so earlier versions stay listed (and
//     on disk) until digest.clean removes them; `mtime` is in Gregorian seconds, as Elixir's;
//   - files already digested, already compressed, dotfiles and the manifest are skipped;
//   - `url(...)` and `@import` references in CSS, and `sourceMappingURL` comments in JS and CSS,
//     are rewritten to the digested names (with `?vsn=d` unless `vsn: false`), the `file` of a
//     source map too.
// One difference, on purpose: a stylesheet's digest is taken after its references are rewritten,
// so a changed image gives the CSS that uses it a new name too (Phoenix hashes the bytes before
// rewriting, and browsers keep a stale immutable stylesheet). JS and source maps refer to each
// other, so they keep Phoenix's digest of the original bytes.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, posix, resolve, sep } from "node:path";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { MANIFEST_FILE, type StaticManifest, type StaticManifestDigest } from "../../runtime/http/static/manifest.js";

/** Phoenix's gzippable_exts: text formats that compress well (images and fonts mostly do not). */
export const COMPRESSIBLE = [".js", ".mjs", ".map", ".css", ".txt", ".text", ".html", ".json", ".svg", ".eot", ".ttf", ".xml", ".wasm"];

/** A name Phoenix (or a previous digest) already fingerprinted: `app-<32 hex>.css`. */
const DIGESTED = /-[a-fA-F\d]{32}\.[\w]*$/;
/** Seconds from 0000-01-01 to 1970-01-01: Elixir's :calendar gregorian seconds. */
const GREGORIAN_UNIX_OFFSET = 62_167_219_200;

export interface DigestOptions {
  /** The static folder (absolute). */
  input: string;
  /** Where the digested files and the manifest go (absolute). Default: the input folder. */
  output?: string;
  /** Append `?vsn=d` to the references rewritten in CSS. Default true (Phoenix's `--no-vsn` turns it off). */
  vsn?: boolean;
  /** The time recorded in the manifest. Default: now. */
  now?: Date;
}

export interface DigestResult {
  /** Files digested (logical paths). */
  digested: string[];
  /** Files written, relative to the output folder, the manifest last. */
  written: string[];
  manifest: StaticManifest & { version: 1 };
}

interface Asset {
  logical: string;
  content: Buffer;
  /** The digested copy's bytes (references rewritten). */
  digestedContent?: Buffer;
  digest?: string;
}

/**
 * Digests `input` into `output`. Throws, naming the folder or file, when the input is missing or
 * the manifest already in `output` cannot be read (nothing is written then).
 *
 * @example
 * digestStatic({ input: resolve("priv/static") }); // priv/static/cache_manifest.json
 */
export function digestStatic(options: DigestOptions): DigestResult {
  const input = resolve(options.input);
  const output = resolve(options.output ?? input);
  if (!existsSync(input) || !statSync(input).isDirectory()) throw new Error(`the input path ${JSON.stringify(options.input)} does not exist or is not a folder`);
  const previous = readManifest(output);
  const assets = new Map<string, Asset>();
  // An output folder inside the input (`-o priv/static/assets`) holds what a previous run wrote.
  const skip = output !== input && output.startsWith(input + sep) ? output : undefined;
  for (const logical of listFiles(input, skip)) assets.set(logical, { logical, content: readFileSync(join(input, ...logical.split("/"))) });
  const vsn = options.vsn ?? true;
  const visiting = new Set<string>();
  // Leaves first, by the bytes; then stylesheets, each after the stylesheets it imports.
  const nameOf = (logical: string): string | undefined => {
    const asset = assets.get(logical);
    if (asset === undefined) return undefined;
    if (asset.digest === undefined) {
      if (posix.extname(logical) === ".css" && !visiting.has(logical)) {
        visiting.add(logical);
        asset.digestedContent = Buffer.from(rewriteCss(asset.content.toString("utf8"), logical, nameOf, vsn));
        visiting.delete(logical);
        // Already set when an @import cycle came back here: the others name it by that digest.
        asset.digest ??= md5(asset.digestedContent);
      } else {
        asset.digest = md5(asset.content); // also a stylesheet in an @import cycle: by its bytes
      }
    }
    return digestedName(logical, asset.digest);
  };
  for (const logical of assets.keys()) nameOf(logical);
  for (const asset of assets.values()) {
    const ext = posix.extname(asset.logical);
    if (ext === ".js" || ext === ".mjs") asset.digestedContent = Buffer.from(rewriteSourceMap(asset.content.toString("utf8"), asset.logical, nameOf));
    else if (ext === ".map") asset.digestedContent = Buffer.from(rewriteMapFile(asset.content.toString("utf8"), asset.logical, nameOf));
  }

  const mtime = Math.floor((options.now ?? new Date()).getTime() / 1000) + GREGORIAN_UNIX_OFFSET;
  const latest: Record<string, string> = {};
  const digests: Record<string, StaticManifestDigest> = { ...previous.digests };
  const written: string[] = [];
  for (const asset of [...assets.values()].sort((a, b) => (a.logical < b.logical ? -1 : 1))) {
    const name = digestedName(asset.logical, asset.digest!);
    const bytes = asset.digestedContent ?? asset.content;
    if (output !== input) written.push(...writeWithCompressed(output, asset.logical, asset.content));
    written.push(...writeWithCompressed(output, name, bytes));
    latest[asset.logical] = name;
    digests[name] = { logical_path: asset.logical, mtime, size: bytes.length, digest: asset.digest, sha512: createHash("sha512").update(bytes).digest("base64") };
  }
  const manifest = { latest: sortKeys(latest), version: 1 as const, digests: sortKeys(digests) };
  writeManifest(output, manifest);
  written.push(MANIFEST_FILE);
  return { digested: [...assets.keys()].sort(), written, manifest };
}

export interface CleanOptions {
  /** The folder holding cache_manifest.json (absolute). */
  output: string;
  /** Versions older than this many seconds are removed. Default 3600 (Phoenix's). */
  age?: number;
  /** Previous versions kept per file, besides the latest. Default 2 (Phoenix's). */
  keep?: number;
  /** Remove every digested file, the latest too, and the manifest. */
  all?: boolean;
  now?: Date;
}

/**
 * Removes old digested versions (and their .gz/.br) and their manifest entries. As Phoenix's
 * phx.digest.clean: the latest version of each file is always kept; of the others, the `keep`
 * newest that are younger than `age` seconds.
 *
 * @example
 * cleanDigests({ output: resolve("priv/static"), keep: 2, age: 3600 });
 */
export function cleanDigests(options: CleanOptions): { removed: string[] } {
  const output = resolve(options.output);
  if (!existsSync(join(output, MANIFEST_FILE))) throw new Error(`no ${MANIFEST_FILE} in ${JSON.stringify(options.output)}: nothing was digested there`);
  const manifest = readManifest(output);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000) + GREGORIAN_UNIX_OFFSET;
  const doomed = options.all ? Object.keys(manifest.digests) : versionsToClean(manifest, now - (options.age ?? 3600), options.keep ?? 2);
  const removed: string[] = [];
  for (const name of doomed) {
    for (const file of [name, `${name}.gz`, `${name}.br`]) {
      const abs = join(output, ...file.split("/"));
      if (existsSync(abs)) rmSync(abs), removed.push(file);
    }
  }
  if (options.all) {
    rmSync(join(output, MANIFEST_FILE));
    removed.push(MANIFEST_FILE);
  } else {
    const digests = { ...manifest.digests };
    for (const name of doomed) delete digests[name];
    writeManifest(output, { latest: manifest.latest, version: 1, digests });
  }
  return { removed };
}

function versionsToClean(manifest: StaticManifest, oldest: number, keep: number): string[] {
  const current = new Set(Object.values(manifest.latest));
  const byFile = new Map<string, Array<[string, number]>>();
  for (const [name, entry] of Object.entries(manifest.digests)) {
    if (current.has(name)) continue;
    const logical = entry.logical_path ?? name;
    byFile.set(logical, [...(byFile.get(logical) ?? []), [name, entry.mtime ?? 0]]);
  }
  const doomed: string[] = [];
  for (const versions of byFile.values()) {
    versions.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    versions.forEach(([name, mtime], i) => {
      if (mtime < oldest || i >= keep) doomed.push(name);
    });
  }
  return doomed.sort();
}

// --- references ----------------------------------------------------------------------------

type NameOf = (logical: string) => string | undefined;

const CSS_URL = /(url\(\s*)(["']?)([^"')\s]+)\2(\s*\))/g;
const CSS_IMPORT = /(@import\s+)(["'])([^"']+)\2/g;
const SOURCE_MAP = /(\/[*/]#\s*sourceMappingURL=)([^\s*]+)/g;

function rewriteCss(css: string, from: string, nameOf: NameOf, vsn: boolean): string {
  const rewrite = (all: string, open: string, quote: string, url: string, close: string) => {
    const replaced = digestedReference(url, from, nameOf, vsn);
    return replaced === undefined ? all : `${open}${quote}${replaced}${quote}${close}`;
  };
  return css.replace(CSS_URL, rewrite).replace(CSS_IMPORT, (all, open: string, quote: string, url: string) => rewrite(all, open, quote, url, "")).replace(SOURCE_MAP, (all, open: string, url: string) => {
    const replaced = digestedReference(url, from, nameOf, false);
    return replaced === undefined ? all : open + replaced;
  });
}

function rewriteSourceMap(js: string, from: string, nameOf: NameOf): string {
  return js.replace(SOURCE_MAP, (all, open: string, url: string) => {
    const replaced = digestedReference(url, from, nameOf, false);
    return replaced === undefined ? all : open + replaced;
  });
}

/** A source map's `"file"` names the digested script. Not JSON-parsed: the rest stays byte for byte. */
function rewriteMapFile(map: string, from: string, nameOf: NameOf): string {
  return map.replace(/("file"\s*:\s*")([^"]+)(")/, (all, open: string, file: string, close: string) => {
    const replaced = digestedReference(file, from, nameOf, false);
    return replaced === undefined ? all : open + replaced + close;
  });
}

/**
 * The digested form of a reference written in `from`, kept relative or absolute as written,
 * with its #fragment; undefined for what is not one of ours (data:, http:, //cdn, unknown files).
 */
function digestedReference(url: string, from: string, nameOf: NameOf, vsn: boolean): string | undefined {
  if (/^([a-z][a-z\d+.-]*:|\/\/|#)/i.test(url)) return undefined;
  const cut = url.search(/[?#]/);
  const path = cut === -1 ? url : url.slice(0, cut);
  const rest = cut === -1 ? "" : url.slice(cut);
  if (path === "") return undefined;
  const logical = path.startsWith("/") ? posix.normalize(path.slice(1)) : posix.join(posix.dirname(from), path);
  if (logical.startsWith("..")) return undefined;
  const name = nameOf(logical);
  if (name === undefined) return undefined;
  const written = posix.join(posix.dirname(path), posix.basename(name));
  const fragment = rest.includes("#") ? rest.slice(rest.indexOf("#")) : "";
  // A query the author wrote is kept; ?vsn=d marks the reference as digested (long caching).
  const query = rest.startsWith("?") ? rest.slice(0, rest.includes("#") ? rest.indexOf("#") : undefined) : vsn ? "?vsn=d" : "";
  return (path.startsWith("./") ? "./" : "") + written + query + fragment;
}

// --- files ---------------------------------------------------------------------------------

/** Logical paths (`css/app.css`) of the files to digest, sorted. */
function listFiles(input: string, skip: string | undefined): string[] {
  const found: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".") || join(dir, entry.name) === skip) continue;
      const logical = prefix + entry.name;
      if (entry.isDirectory()) walk(join(dir, entry.name), logical + "/");
      else if (entry.isFile() && logical !== MANIFEST_FILE && !/\.(gz|br)$/.test(entry.name) && !DIGESTED.test(entry.name)) found.push(logical);
    }
  };
  walk(input, "");
  return found.sort();
}

function writeWithCompressed(output: string, name: string, bytes: Buffer): string[] {
  const abs = join(output, ...name.split("/"));
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, bytes);
  const written = [name];
  if (!COMPRESSIBLE.includes(posix.extname(name).toLowerCase())) return written;
  const gz = gzipSync(bytes, { level: zlib.Z_BEST_COMPRESSION });
  const br = brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
  // A "compressed" file larger than the original would only cost the client.
  if (gz.length < bytes.length) writeFileSync(`${abs}.gz`, gz), written.push(`${name}.gz`);
  if (br.length < bytes.length) writeFileSync(`${abs}.br`, br), written.push(`${name}.br`);
  return written;
}

function readManifest(output: string): StaticManifest {
  const file = join(output, MANIFEST_FILE);
  if (!existsSync(file)) return { latest: {}, digests: {} };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}): fix or delete it, then digest again`);
  }
  const record = (v: unknown): v is Record<string, never> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (!record(data) || !record(data.latest) || !record(data.digests)) throw new Error(`${file} lacks the "latest" and "digests" keys of a cache manifest: fix or delete it, then digest again`);
  return { latest: data.latest, digests: data.digests };
}

/** Atomic: the endpoint may read the manifest while it is written. */
function writeManifest(output: string, manifest: StaticManifest & { version: 1 }): void {
  mkdirSync(output, { recursive: true });
  const file = join(output, MANIFEST_FILE);
  // A dotfile, so a digest run after a crash here does not take it for an asset.
  const temporary = join(output, `.${MANIFEST_FILE}.tmp`);
  writeFileSync(temporary, JSON.stringify({ latest: sortKeys(manifest.latest), version: 1, digests: sortKeys(manifest.digests) }, null, 2) + "\n");
  renameSync(temporary, file);
}

function digestedName(logical: string, digest: string): string {
  const ext = posix.extname(logical);
  return `${logical.slice(0, logical.length - ext.length)}-${digest}${ext}`;
}

function md5(bytes: Buffer): string {
  return createHash("md5").update(bytes).digest("hex");
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
