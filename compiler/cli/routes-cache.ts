// `fawkes routes` answers from a cache when nothing it read has changed: loading the TypeScript
// parser alone is most of a second, and a route table read from unchanged files is the same
// table. The cache lives where tools keep theirs (node_modules/.cache/fawkes/, not the out dir,
// which apps commit; the nearest one up from the project, one file per project) and holds the table, its diagnostics and what it was read from: each file
// with a hash of its text, and the listing of each folder those files are in (a module created
// beside them can change what an import resolves to). Any difference, a new Fawkes version or
// other options read the router again. Hand-written: a few hashes and a JSON file.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Diagnostic } from "../diagnostics.js";
import type { RouterIR } from "../router/ir.js";
import type { SocketRouteIR } from "../router/sockets.js";

export interface CachedTable {
  ir: RouterIR | null;
  diagnostics: Diagnostic[];
  sockets: { sockets: SocketRouteIR[]; diagnostics: Diagnostic[] };
}

interface CacheFile {
  key: string;
  files: Record<string, string>;
  folders: Record<string, string>;
  table: CachedTable;
}

const hash = (text: string | Buffer) => createHash("sha256").update(text).digest("base64url");

function fileHash(path: string): string {
  try {
    return hash(readFileSync(path));
  } catch {
    return "missing";
  }
}

function folderHash(path: string): string {
  try {
    return hash(readdirSync(path).sort().join("\0"));
  } catch {
    return "missing";
  }
}

/** The cache file of this project, in the nearest node_modules up from it; null when there is none. */
function cachePath(root: string): string | null {
  for (let dir = root; ; dir = dirname(dir)) {
    const modules = join(dir, "node_modules");
    if (existsSync(modules)) return join(modules, ".cache", "fawkes", `routes-${hash(root).slice(0, 16)}.json`);
    if (dirname(dir) === dir) return null;
  }
}

/** The table read last time with the same `key`, when every file and folder it was read from is as it was. */
export function readCachedTable(root: string, key: string): CachedTable | null {
  const path = cachePath(root);
  if (!path || !existsSync(path)) return null;
  let cached: CacheFile;
  try {
    cached = JSON.parse(readFileSync(path, "utf8")) as CacheFile;
  } catch {
    return null; // unreadable (an interrupted write, another version's shape): read the router
  }
  if (cached?.key !== key || !cached.files || !cached.folders) return null;
  for (const [file, h] of Object.entries(cached.files)) if (fileHash(file) !== h) return null;
  for (const [folder, h] of Object.entries(cached.folders)) if (folderHash(folder) !== h) return null;
  return cached.table;
}

/** Keeps `table`, read from `files` (absolute paths), for the next run with the same `key`. */
export function writeCachedTable(root: string, key: string, files: readonly string[], table: CachedTable): void {
  const path = cachePath(root);
  if (!path) return;
  const entry: CacheFile = {
    key,
    files: Object.fromEntries(files.map((f) => [f, fileHash(f)])),
    folders: Object.fromEntries([...new Set(files.map((f) => dirname(f)))].map((d) => [d, folderHash(d)])),
    table,
  };
  try {
    mkdirSync(dirname(path), { recursive: true });
    // Written aside and renamed: a run reading it meanwhile sees the old file or the new one.
    const temp = `${path}.${process.pid}`;
    writeFileSync(temp, JSON.stringify(entry));
    renameSync(temp, path);
  } catch {
    // A read-only node_modules: no cache, the next run reads the router again.
  }
}
