// The static folder as verified paths see it: every file under it, relative and sorted.

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { StaticIndexIR } from "./ir.js";

/** The folder's files (`dir` relative to root), or null when there is no such folder. */
export function indexStatics(root: string, dir: string): StaticIndexIR | null {
  const abs = join(root, dir);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    return null;
  }
  if (!isDir) return null;
  const files: string[] = [];
  const walk = (folder: string, prefix: string) => {
    for (const name of readdirSync(folder).sort()) {
      const p = join(folder, name);
      if (statSync(p).isDirectory()) walk(p, `${prefix}${name}/`);
      else files.push(prefix + name);
    }
  };
  walk(abs, "");
  return { dir, files, roots: new Set(files.map((f) => f.split("/")[0])) };
}
