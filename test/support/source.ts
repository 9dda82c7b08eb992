// Finds where something is written in a source file, so tests about locations do not break
// when a fixture gains a line.
import { readFileSync } from "node:fs";

/** `file:line:column` (1-based) of the first occurrence of `needle` in `path`, reported as `as`. */
export function locate(path: string, needle: string, as: string): string {
  const lines = readFileSync(path, "utf8").split("\n");
  const i = lines.findIndex((l) => l.includes(needle));
  if (i === -1) throw new Error(`${needle} not found in ${path}`);
  return `${as}:${i + 1}:${lines[i].indexOf(needle) + 1}`;
}
