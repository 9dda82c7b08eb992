// Path helpers shared by the compiler: locations and generated imports use `/` separators and
// paths relative to the project root, so output is identical on every machine.

import { relative, sep } from "node:path";

export function relativePosix(from: string, to: string): string {
  return relative(from, to).split(sep).join("/");
}

/** A relative module specifier from a generated file in `fromDir` to a source file (`.ts` → `.js`). */
export function importSpecifier(fromDir: string, file: string): string {
  let rel = relativePosix(fromDir, file).replace(/\.(m|c)?tsx?$/, (_m, k: string | undefined) => `.${k ?? ""}js`);
  if (!rel.startsWith(".")) rel = "./" + rel;
  return rel;
}
