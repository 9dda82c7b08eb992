// What templates.gen.ts adds so that tag code can call, without an assign: `Routes.*` (the app's
// helpers.gen.ts), `csrfToken()`, `getFlash(key)` and the view modules' exports (views.ts).
// Each is emitted only where the code mentions it: the module imports what some template
// uses, a render function binds what its own code uses, so a template that uses none of them
// compiles exactly as before.
//
//   import { Routes } from "./helpers.gen.js";
//   import { fullName as __view_user$fullName } from "../app/views/user.js";
//   function t_user_show_html(it, options) {
//     const csrfToken = (): string => __csrfToken(it);
//     var fullName = __view_user$fullName;  // app/views/user.ts:3:17 (view user)
//
// A view export is bound with `var`: a template's own `let`/`const` of the same name (in the
// try block) shadows it, and its own `var` rebinds it, where a function-level `const` would
// make either a SyntaxError when the module loads.

import { str } from "../_code.js";
import type { TemplateConfig } from "../../templates/ir.js";
import type { ScopeUse } from "../../templates/scope-check.js";
import { viewLocal } from "../../templates/views.js";

/** The module's imports for what its templates use: from "fawkes", helpers.gen.ts, the view modules. */
export function scopeImports(uses: readonly ScopeUse[]): { fromFawkes: string[]; lines: string[] } {
  const fromFawkes = [
    ...(uses.some((u) => u.csrfToken) ? ["templateCsrfToken as __csrfToken"] : []),
    ...(uses.some((u) => u.getFlash) ? ["templateFlash as __flash", "type FlashKey"] : []),
  ];
  const byModule = new Map<string, Set<string>>();
  for (const u of uses) {
    for (const { name, module } of u.views) {
      const set = byModule.get(module.specifier) ?? new Set<string>();
      set.add(`${name} as ${viewLocal(module, name)}`);
      byModule.set(module.specifier, set);
    }
  }
  const lines = [...byModule]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([spec, members]) => `import { ${[...members].sort().join(", ")} } from ${str(spec)};`);
  if (uses.some((u) => u.routes)) lines.unshift('import { Routes } from "./helpers.gen.js";');
  return { fromFawkes, lines };
}

/** The lines a render function starts with: the helpers and view exports its code uses. */
export function scopeLines(use: ScopeUse | undefined, config: TemplateConfig): string[] {
  if (!use) return [];
  const it = config.varName ?? "it";
  const lines: string[] = [];
  if (use.csrfToken) lines.push(`const csrfToken = (): string => __csrfToken(${it});`);
  if (use.getFlash) lines.push(`const getFlash = (key: FlashKey): string | undefined => __flash(${it}, key);`);
  for (const { name, module } of use.views) {
    const loc = module.exports.get(name)!;
    lines.push(`var ${name} = ${viewLocal(module, name)};  // ${loc.file}:${loc.line}:${loc.column} (${module.view ? `view ${module.view}` : "shared"})`);
  }
  return lines;
}
