// The only module that touches disk: atomic writes (temp file + rename) that skip files whose
// contents did not change, so watchers and bundlers do not rebuild for nothing.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface WriteReport {
  written: string[];
  unchanged: string[];
}

export function writeFiles(root: string, files: ReadonlyMap<string, string>): WriteReport {
  const report: WriteReport = { written: [], unchanged: [] };
  for (const [rel, contents] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const path = join(root, rel);
    if (readOrNull(path) === contents) {
      report.unchanged.push(rel);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, contents);
    renameSync(tmp, path);
    report.written.push(rel);
  }
  return report;
}

/** Files whose contents on disk differ from `files` (missing ones included): what `fawkes check` reports. */
export function staleFiles(root: string, files: ReadonlyMap<string, string>): string[] {
  return [...files].filter(([rel, contents]) => readOrNull(join(root, rel)) !== contents).map(([rel]) => rel).sort();
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
