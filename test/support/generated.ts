// The generated templates modules as one text, for tests that search what was emitted: each
// template's module (`<outDir>/templates/**.gen.ts`, in path order) then the registry
// (`<outDir>/templates.gen.ts`), as compileTemplates returns them or as they are on disk.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** From a build's files (paths relative to root): the modules of `outDir` (default `.fawkes`). */
export function templatesText(files: ReadonlyMap<string, string>, outDir = ".fawkes"): string | undefined {
  const registry = files.get(`${outDir}/templates.gen.ts`);
  if (registry === undefined) return undefined;
  const modules = [...files].filter(([f]) => f.startsWith(`${outDir}/templates/`)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [...modules.map(([, text]) => text), registry].join("\n");
}

/** From disk: the modules under the out dir `dir` (absolute). */
export function readTemplatesText(dir: string): string {
  const nested = join(dir, "templates");
  const files = new Map<string, string>([[".fawkes/templates.gen.ts", readFileSync(join(dir, "templates.gen.ts"), "utf8")]]);
  if (existsSync(nested)) {
    for (const e of readdirSync(nested, { withFileTypes: true, recursive: true })) {
      if (!e.isFile() || !e.name.endsWith(".gen.ts")) continue;
      const rel = relative(dir, join(e.parentPath, e.name)).split(sep).join("/");
      files.set(`.fawkes/${rel}`, readFileSync(join(dir, rel), "utf8"));
    }
  }
  return templatesText(files)!;
}
