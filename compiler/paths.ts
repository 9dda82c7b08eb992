// Path helpers shared by the compiler: locations and generated imports use `/` separators and
// paths relative to the project root, so output is identical on every machine.

import { readdirSync, statSync, type Dirent } from "node:fs";
import { join, relative, sep } from "node:path";
import { memo } from "./_memo.js";

export function relativePosix(from: string, to: string): string {
  return relative(from, to).split(sep).join("/");
}

/** A relative module specifier from a generated file in `fromDir` to a source file (`.ts` → `.js`). */
export function importSpecifier(fromDir: string, file: string): string {
  // Kept per pair: the dispatch and actions emitters ask it for every route's controller (1,000
  // routes, 50 files), and path.relative normalises both paths on each call. Not for a path that
  // climbs out (`..`): its answer would depend on the working directory's name.
  if (fromDir.startsWith("..") || file.startsWith("..")) return specifierOf(fromDir, file);
  return memo(specifiers, `${fromDir}\0${file}`, () => specifierOf(fromDir, file));
}

const specifiers = new Map<string, string>();

function specifierOf(fromDir: string, file: string): string {
  const rel = relativePosix(fromDir, file).replace(/\.(m|c)?tsx?$/, (_m, k: string | undefined) => `.${k ?? ""}js`);
  return rel.startsWith(".") ? rel : "./" + rel;
}

/**
 * Every file under `dir` whose name `keep` accepts, depth first, each folder's entries sorted:
 * the same list on every machine. A missing folder has none.
 */
export function listFilesSorted(dir: string, keep: (name: string) => boolean): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = join(dir, e.name);
    // The entry's own type, from the listing (no stat per file); a link is followed.
    if (e.isSymbolicLink() ? statSync(p).isDirectory() : e.isDirectory()) return listFilesSorted(p, keep);
    return keep(e.name) ? [p] : [];
  });
}
