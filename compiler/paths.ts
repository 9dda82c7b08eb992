// Path helpers shared by the compiler: locations and generated imports use `/` separators and
// paths relative to the project root, so output is identical on every machine.

import { readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

export function relativePosix(from: string, to: string): string {
  return relative(from, to).split(sep).join("/");
}

/** A relative module specifier from a generated file in `fromDir` to a source file (`.ts` → `.js`). */
export function importSpecifier(fromDir: string, file: string): string {
  let rel = relativePosix(fromDir, file).replace(/\.(m|c)?tsx?$/, (_m, k: string | undefined) => `.${k ?? ""}js`);
  if (!rel.startsWith(".")) rel = "./" + rel;
  return rel;
}

/**
 * Every file under `dir` whose name `keep` accepts, depth first, each folder's entries sorted:
 * the same list on every machine. A missing folder has none.
 */
export function listFilesSorted(dir: string, keep: (name: string) => boolean): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return listFilesSorted(p, keep);
    return keep(name) ? [p] : [];
  });
}
