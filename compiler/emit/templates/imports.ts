// The import lines of the templates' modules. Every line any module may need is written once,
// relative to the out dir (the runtime's members, the view modules, the config's functions);
// each module keeps the members its own code names (pruneImports) and re-points the relative
// specifiers from its folder under templates/ (repoint).

import { posix } from "node:path";
import { str } from "../_code.js";
import type { TemplateImports } from "../../templates/options.js";
import type { ResolvedRef } from "../../templates/ir.js";
import { tagLocal, TEMPLATE_MODULES } from "./names.js";

export const jsPath = (ts: string) => ts.replace(/\.ts$/, ".js");

/** The specifier a module at `from` (under templates/) imports the module at `to` (under templates/) by. */
export function relativeModule(from: string, to: string): string {
  const rel = posix.relative(posix.dirname(from), jsPath(to));
  return rel.startsWith("../") ? rel : "./" + rel; // `./.hidden.gen.js`: a name may start with a dot
}

/** An import line written for the out dir, re-pointed for a module at `path` under templates/. */
export function repoint(line: string, path: string): string {
  const up = posix.relative(posix.dirname(TEMPLATE_MODULES + path), ".");
  return line.replace(/ from "(\.{1,2}\/[^"]*)";$/, (_, spec: string) => ` from ${str(posix.join(up, spec))};`);
}

/** Every identifier-like word of `code` (strings and comments included: an extra import is harmless, a missing one is not). */
export function identifiers(code: string): Set<string> {
  return new Set(code.match(/[A-Za-z_$][\w$]*/g) ?? []);
}

/** Import lines with only the members `used` names (a line left with none is dropped). */
export function pruneImports(lines: readonly string[], used: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const line of new Set(lines)) {
    const star = /^import (?:type )?\* as ([\w$]+) from /.exec(line);
    if (star) {
      if (used.has(star[1])) out.push(line);
      continue;
    }
    const named = /^import (type )?\{ ([^}]*) \} from (.*)$/.exec(line);
    if (!named) {
      out.push(line);
      continue;
    }
    const members = named[2].split(",").map((m) => m.trim()).filter((m) => m && used.has(m.split(/\s+/).pop()!));
    if (members.length) out.push(`import ${named[1] ?? ""}{ ${members.join(", ")} } from ${named[3]}`);
  }
  return out;
}

/** `import { escapeAttr as __e, t as __tag_$2a } from "../app/i18n.js";`, one line per module, sorted. */
export function appImports(imports: TemplateImports): string[] {
  const byModule = new Map<string, string[]>();
  const add = (ref: ResolvedRef | undefined, local: string) => {
    if (!ref) return;
    const list = byModule.get(ref.specifier) ?? [];
    list.push(`${ref.name} as ${local}`);
    byModule.set(ref.specifier, list);
  };
  add(imports.escape, "__e");
  add(imports.filter, "__f");
  for (const [prefix, ref] of imports.tags) add(ref, tagLocal(prefix));
  return [...byModule]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([spec, members]) => `import { ${[...new Set(members)].sort().join(", ")} } from ${str(spec)};`);
}
