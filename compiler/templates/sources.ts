// The templates' sources: which files are templates (every `*.eta`, or the default extension,
// under the templates root, then the config's named templates), in a total order so that every
// machine compiles the same list, and what each declares of itself in its header comments
// (the assigns type and its imports).

import { existsSync, statSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import type { Diagnostic } from "../diagnostics.js";
import { listFilesSorted } from "../paths.js";
import type { EtaAst, Locate, TemplateConfig } from "./ir.js";

export interface Source {
  /** The registry key: path under the templates root, or `@name`. */
  file: string;
  named: boolean;
  abs: string;
}

const toPosix = (p: string) => p.split(sep).join("/");

/** The templates folder's files, then the named templates (the config's, then namedDir's), each sorted. */
export function listSources(root: string, dir: string, config: TemplateConfig, locate: Locate): { sources: Source[]; diagnostics: Diagnostic[] } {
  const ext = config.defaultExtension ?? ".eta";
  const diagnostics: Diagnostic[] = [];
  const sources: Source[] = listTemplates(dir, ext).map((abs) => ({ file: toPosix(relative(dir, abs)), named: false, abs }));
  const named = new Map<string, { abs: string; key: string[] }>();
  for (const [name, path] of Object.entries(config.named ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const abs = resolve(root, path);
    if (!existsSync(abs) || !statSync(abs).isFile()) {
      diagnostics.push({ code: "CONFIG_NAMED_NOT_FOUND", severity: "error", message: `templates.named: ${name} is ${path}, which does not exist`, loc: locate(["named", name]) });
    } else named.set(name, { abs, key: ["named", name] });
  }
  if (config.namedDir !== undefined) {
    const namedDir = resolve(root, config.namedDir);
    if (!existsSync(namedDir) || !statSync(namedDir).isDirectory()) {
      diagnostics.push({ code: "CONFIG_NAMED_NOT_FOUND", severity: "error", message: `templates.namedDir: ${config.namedDir} is not a folder`, loc: locate(["namedDir"]) });
    } else {
      for (const abs of listTemplates(namedDir, ext)) {
        const rel = toPosix(relative(namedDir, abs));
        const name = "@" + (rel.endsWith(ext) && ext ? rel.slice(0, -ext.length) : rel.replace(/\.eta$/, ""));
        const other = named.get(name);
        if (other) {
          diagnostics.push({
            code: "CONFIG_NAMED_DUPLICATE",
            severity: "error",
            message: `templates.named: ${name} is also ${toPosix(relative(root, abs))} in templates.namedDir`,
            loc: locate(other.key),
            hint: "rename one of them: a name can mean one template",
          });
        } else named.set(name, { abs, key: ["namedDir"] });
      }
    }
  }
  for (const [name, { abs }] of [...named].sort(([a], [b]) => (a < b ? -1 : 1))) sources.push({ file: name, named: true, abs });
  return { sources, diagnostics };
}

// Typed assigns, declared in the template itself with comments Eta renders as nothing:
//   <%/* @import { User } from "../../models/user.js" */%>
//   <%/* @type { user: User; title?: string } */%>
// The type becomes the render function's `it`, so tsc checks every expression of the template
// (`it.user.nmae` is an error, reported at the template line by `fawkes check`). Imports are
// resolved from the template's folder and re-pointed at the output directory.
export function readHeader(ast: EtaAst, file: string, outDir: string): { assigns: string | null; imports: string[] } {
  let assigns: string | null = null;
  const imports: string[] = [];
  for (const node of ast) {
    if (typeof node === "string" || node.t !== "e") continue;
    for (const m of node.val.matchAll(/\/\*\s*@(type|import)\s+([\s\S]*?)\*\//g)) {
      if (m[1] === "type") assigns = m[2].trim();
      else {
        const spec = /^([\s\S]*?)\s+from\s+["']([^"']+)["']\s*;?\s*$/.exec(m[2].trim());
        if (!spec) continue;
        let target = spec[2];
        if (target.startsWith(".")) {
          target = toPosix(relative(outDir, resolve(dirname(file), target)));
          if (!target.startsWith(".")) target = "./" + target;
        }
        imports.push(`import type ${spec[1]} from ${JSON.stringify(target)};`);
      }
    }
  }
  return { assigns, imports };
}

/** Every `*.eta` (or default-extension) file under dir, sorted: the same output on every machine. */
function listTemplates(dir: string, ext: string): string[] {
  return listFilesSorted(dir, (name) => name.endsWith(".eta") || name.endsWith(ext));
}
