// The only module that touches disk: atomic writes (temp file + rename) that skip files whose
// contents did not change, so watchers and bundlers do not rebuild for nothing.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface WriteReport {
  written: string[];
  unchanged: string[];
  /** Generated template modules of templates that are gone (see leftoverModules). */
  removed: string[];
}

/**
 * Writes `files` under root. `onDisk`: what the caller knows the disk holds (files it wrote or
 * read, not changed since: a watch loop's stamps tell it); a file known is not read again to be
 * compared (a rebuild after one template edit leaves 500 modules alone, and a router edit writes
 * its modules without reading the 2 MB they replace). `sameModules`: the caller knows `files` names
 * the template modules its last write did (templates edited, none created or deleted), so no
 * module can be left over and the out dir is not walked for them (~1 ms for 500 templates).
 */
export function writeFiles(root: string, files: ReadonlyMap<string, string>, onDisk?: ReadonlyMap<string, string>, sameModules = false): WriteReport {
  const report: WriteReport = { written: [], unchanged: [], removed: [] };
  for (const [rel, contents] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const path = join(root, rel);
    // Known: the same text is unchanged, another is a write (no read of the old text either).
    const known = onDisk?.get(rel);
    if (known === contents || (known === undefined && readOrNull(path) === contents)) {
      report.unchanged.push(rel);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, contents);
    renameSync(tmp, path);
    report.written.push(rel);
  }
  for (const rel of sameModules ? [] : leftoverModules(root, files)) {
    unlinkSync(join(root, rel));
    report.removed.push(rel);
    removeEmptyFolders(root, dirname(rel));
  }
  return report;
}

/**
 * Generated modules on disk that `files` no longer has: the folder of per-template modules
 * (`<out>/templates/`, marked by its `__registry.gen.ts`) is the generator's alone, so a
 * `.gen.ts` there that this build did not make is a deleted or renamed template's.
 */
export function leftoverModules(root: string, files: ReadonlyMap<string, string>): string[] {
  const leftovers: string[] = [];
  for (const rel of files.keys()) {
    if (!rel.endsWith("/templates/__registry.gen.ts")) continue;
    const folder = dirname(rel);
    const walk = (dir: string): void => {
      let entries;
      try {
        entries = readdirSync(join(root, dir), { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const child = `${dir}/${e.name}`;
        if (e.isDirectory()) walk(child);
        else if (e.name.endsWith(".gen.ts") && !files.has(child)) leftovers.push(child);
      }
    };
    walk(folder);
  }
  return leftovers.sort();
}

/** Removes `rel` and the folders above it while they are empty, up to the per-template folder. */
function removeEmptyFolders(root: string, rel: string): void {
  for (let dir = rel; !dir.endsWith("/templates") && dir.includes("/templates/"); dir = dirname(dir)) {
    try {
      if (readdirSync(join(root, dir)).length) return;
      rmdirSync(join(root, dir));
    } catch {
      return;
    }
  }
}

/**
 * Files whose contents on disk differ from `files` (missing ones included), and the template
 * modules left from templates that are gone: what `fawkes check` reports.
 */
export function staleFiles(root: string, files: ReadonlyMap<string, string>): string[] {
  const differ = [...files].filter(([rel, contents]) => readOrNull(join(root, rel)) !== contents).map(([rel]) => rel);
  return [...differ, ...leftoverModules(root, files)].sort();
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
